# hoso: make run starts the system on the sample scans; make test runs every test.
# Both install the Debian packages they need first (as root, with apt-get).

GO       ?= go
BIN      := bin/hoso
CORPUS   ?= ../shared/corpus
DEB_PKGS := tesseract-ocr tesseract-ocr-vie tesseract-ocr-osd libtesseract-dev libleptonica-dev \
            poppler-utils qpdf pkg-config gcc time postgresql redis-server fonts-dejavu-core curl \
            softhsm2 libnss3-tools

export OMP_THREAD_LIMIT = 1

.PHONY: deps tools build run test test-short bench fuzz record-ocr vet clean

# Test servers built from the Go module proxy, kept out of the repository
# (in GOPATH/bin) and reused when present.
MINIO_VERSION := v0.0.0-20260212201848-7aac2a2c5b7c
GOBIN_DIR     := $(shell $(GO) env GOPATH)/bin

## deps: install the Debian packages hoso needs, when missing
deps:
	@missing=""; for p in $(DEB_PKGS); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
		echo "installing:$$missing"; \
		if [ "$$(id -u)" -ne 0 ]; then SUDO=sudo; fi; \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing >/dev/null; \
	fi

## tools: the MinIO server the storage tests run against (about 3 minutes the first time)
tools:
	@test -x $(GOBIN_DIR)/minio || { echo "building minio $(MINIO_VERSION)"; GOBIN=$(GOBIN_DIR) $(GO) install github.com/minio/minio@$(MINIO_VERSION); }

## build: the one binary
build: deps
	$(GO) build -o $(BIN) ./cmd/hoso

## run: hoso all on embedded defaults (data in ./var), the sample registry imported and the sample scans uploaded
run: build
	BIN=$(BIN) CORPUS=$(CORPUS) deploy/run-local.sh

## test: every test, the OCR accuracy test over the corpus and the storage suite on MinIO included
test: deps tools
	$(GO) vet ./...
	$(GO) test -count=1 -timeout 30m ./...

## test-short: the tests that need no OCR
test-short:
	$(GO) test -short -count=1 ./...

## bench: pages per second and CER of hoso extract beside the tesseract command, the
## peak memory of hoso extract over the whole corpus, the service beside hoso extract
## (pages per second, worker memory), and uploads from 32 clients beside disk writes
bench: build
	$(GO) test -run '^$$' -bench . -benchtime 1x -timeout 60m ./pipeline/
	$(GO) test -run '^$$' -bench . -benchtime 3x ./registry/
	/usr/bin/time -f "hoso extract, whole corpus: peak RSS %M KB, %e s" $(BIN) extract $(CORPUS)/scans/* >/dev/null
	$(GO) test -run '^$$' -bench ServiceVsExtract -benchtime 1x -timeout 60m ./cmd/hoso/
	$(GO) test -run '^$$' -bench Upload32 -benchtime 3x ./api/
	$(GO) test -run '^$$' -bench Seal -benchtime 20x ./pipeline/

## fuzz: run each parser fuzz target for a while
fuzz:
	for t in FuzzParseDate FuzzParseCoefficient FuzzParseRankCode FuzzNormalizeDocNumber FuzzAnalyzeText; do \
		$(GO) test -run '^$$' -fuzz "^$$t$$" -fuzztime 30s ./extract/ || exit 1; done

## record-ocr: refresh the recorded OCR of the corpus used by extract's fast tests
record-ocr: build
	rm -rf /tmp/hoso-ocr && $(BIN) extract --dump-ocr /tmp/hoso-ocr $(CORPUS)/scans/* >/dev/null
	for f in /tmp/hoso-ocr/*.json; do gzip -nc $$f > extract/testdata/ocr/$$(basename $$f).gz; done

clean:
	rm -rf bin
