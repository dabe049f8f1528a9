#!/bin/sh
# Starts hoso on its embedded defaults (SQLite, a folder, a private
# redis-server, all under $HOSO_DATA), imports the sample registry, uploads
# the sample scans and prints where to look. Ctrl-C stops it.
set -eu
BIN=${BIN:-bin/hoso}
CORPUS=${CORPUS:-../shared/corpus}
export HOSO_DATA=${HOSO_DATA:-var}
export HOSO_ADDR=${HOSO_ADDR:-127.0.0.1:8080}
BASE="http://$HOSO_ADDR"

"$BIN" all &
PID=$!
trap 'kill -TERM $PID 2>/dev/null; wait $PID' INT TERM
i=0
until curl -fs "$BASE/readyz" >/dev/null 2>&1; do
	i=$((i + 1))
	if [ $i -gt 100 ] || ! kill -0 $PID 2>/dev/null; then echo "hoso did not start" >&2; exit 1; fi
	sleep 0.2
done

"$BIN" staff import "$CORPUS/staff.csv"
"$BIN" units import "$CORPUS/units.csv"
TOKEN_FILE="$HOSO_DATA/admin.token"
[ -s "$TOKEN_FILE" ] || "$BIN" token create --role admin >"$TOKEN_FILE"
"$BIN" upload --server "$BASE" --token-file "$TOKEN_FILE" "$CORPUS/scans" || true

cat <<MSG

hoso is running at $BASE (data in $HOSO_DATA); the scans are going through OCR.
  token:      $TOKEN_FILE
  documents:  curl -H "Authorization: Bearer \$(cat $TOKEN_FILE)" "$BASE/api/v1/documents?status=needs_review"
  one file:   curl -H "Authorization: Bearer \$(cat $TOKEN_FILE)" "$BASE/api/v1/files/FILE_ID"
Ctrl-C stops it.
MSG
wait $PID
