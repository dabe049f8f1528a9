package api

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"testing"

	"hoso"
	"hoso/catalog"
	"hoso/storage"
)

// MustServer wires the API to a real SQLite catalog and local storage.
func MustServer(tb testing.TB) (*httptest.Server, *catalog.DB, storage.Store) {
	tb.Helper()
	dir := tb.TempDir()
	db, err := catalog.Open(context.Background(), filepath.Join(dir, "hoso.db"))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	st, err := storage.NewLocal(filepath.Join(dir, "objects"))
	if err != nil {
		tb.Fatal(err)
	}
	s := &Server{
		Catalog: db,
		Originals: func(ctx context.Context, r io.Reader, max int64) (string, int64, error) {
			return storage.PutOriginal(ctx, st, r, max)
		},
		Objects:        st,
		MaxUploadBytes: 1 << 20,
	}
	srv := httptest.NewServer(s.Handler())
	tb.Cleanup(srv.Close)
	lastServer = s
	return srv, db, st
}

// lastServer is the Server of the last MustServer, for tests that set
// its hooks.
var lastServer *Server

func upload(tb testing.TB, url, token string, data []byte) (int, map[string]any) {
	tb.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	fw, _ := mw.CreateFormFile("file", "scan.pdf")
	fw.Write(data)
	mw.Close()
	req, _ := http.NewRequest("POST", url+"/api/v1/files", &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	return do(tb, req)
}

func do(tb testing.TB, req *http.Request) (int, map[string]any) {
	tb.Helper()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		tb.Fatal(err)
	}
	defer resp.Body.Close()
	var out map[string]any
	json.NewDecoder(resp.Body).Decode(&out)
	return resp.StatusCode, out
}

func errCode(m map[string]any) string {
	e, _ := m["error"].(map[string]any)
	c, _ := e["code"].(string)
	return c
}

func TestUploadAndStatus(t *testing.T) {
	srv, db, st := MustServer(t)
	ctx := context.Background()
	clerk, _, _ := db.CreateToken(ctx, "clerk", "HP.SNV")
	other, _, _ := db.CreateToken(ctx, "clerk", "HP.STC")

	data := bytes.Repeat([]byte("%PDF-1.4 scan "), 1000)
	status, got := upload(t, srv.URL, clerk, data)
	if status != http.StatusAccepted || got["status"] != "received" || got["duplicate"] != false || got["id"] == "" {
		t.Fatalf("upload: %d %v", status, got)
	}
	id := got["id"].(string)
	objs, _ := st.List(ctx, "originals/")
	if len(objs) != 1 || objs[0].Key != storage.OriginalKey(got["sha256"].(string)) {
		t.Errorf("stored originals: %+v", objs)
	}

	status, again := upload(t, srv.URL, clerk, data)
	if status != http.StatusAccepted || again["duplicate"] != true || again["id"] != id {
		t.Errorf("same bytes again: %d %v", status, again)
	}

	req, _ := http.NewRequest("GET", srv.URL+"/api/v1/files/"+id, nil)
	req.Header.Set("Authorization", "Bearer "+clerk)
	if status, f := do(t, req); status != 200 || f["status"] != "received" || f["error"] != nil {
		t.Errorf("get: %d %v", status, f)
	}
	// A clerk of another unit does not see it.
	req.Header.Set("Authorization", "Bearer "+other)
	if status, f := do(t, req); status != http.StatusNotFound || errCode(f) != hoso.ENotFound {
		t.Errorf("another unit's clerk: %d %v", status, f)
	}
}

func TestUploadErrors(t *testing.T) {
	srv, db, _ := MustServer(t)
	ctx := context.Background()
	clerk, _, _ := db.CreateToken(ctx, "clerk", "HP.SNV")
	sync, _, _ := db.CreateToken(ctx, "sync", "")
	for _, c := range []struct {
		name, token string
		data        []byte
		status      int
		code        string
	}{
		{"no token", "", []byte("x"), 401, hoso.EUnauthorized},
		{"wrong token", "hoso_nope", []byte("x"), 401, hoso.EUnauthorized},
		{"sync role cannot upload", sync, []byte("x"), 403, hoso.EForbidden},
		{"empty file", clerk, nil, 400, hoso.EEmptyFile},
		{"too large", clerk, make([]byte, 2<<20), 413, hoso.ETooLarge},
	} {
		t.Run(c.name, func(t *testing.T) {
			status, got := upload(t, srv.URL, c.token, c.data)
			if status != c.status || errCode(got) != c.code {
				t.Errorf("%d %v, want %d %s", status, got, c.status, c.code)
			}
		})
	}
	req, _ := http.NewRequest("POST", srv.URL+"/api/v1/files", bytes.NewReader([]byte("not multipart")))
	req.Header.Set("Authorization", "Bearer "+clerk)
	if status, got := do(t, req); status != 400 || errCode(got) != hoso.EInvalid {
		t.Errorf("not multipart: %d %v", status, got)
	}
}

func TestUploadStartsThePipeline(t *testing.T) {
	srv, db, _ := MustServer(t)
	var started []string
	lastServer.Start = func(ctx context.Context, id string) error {
		started = append(started, id)
		return nil
	}
	clerk, _, _ := db.CreateToken(context.Background(), "clerk", "HP.SNV")
	_, got := upload(t, srv.URL, clerk, []byte("%PDF-1.4 one"))
	if len(started) != 1 || started[0] != got["id"] {
		t.Fatalf("started %v for %v", started, got["id"])
	}
	// A file already past "received" is not started again.
	db.SetFileStatus(context.Background(), got["id"].(string), "ocr", "", "")
	upload(t, srv.URL, clerk, []byte("%PDF-1.4 one"))
	if len(started) != 1 {
		t.Errorf("started again: %v", started)
	}
	// A queue that is down makes the upload fail with unavailable, not
	// vanish.
	lastServer.Start = func(context.Context, string) error { return hoso.Errorf(hoso.EUnavailable, "redis down") }
	if status, got := upload(t, srv.URL, clerk, []byte("%PDF-1.4 two")); status != 503 || errCode(got) != hoso.EUnavailable {
		t.Errorf("queue down: %d %v", status, got)
	}
}

func TestReady(t *testing.T) {
	srv, db, _ := MustServer(t)
	lastServer.Ready = db.Ping
	if resp, err := http.Get(srv.URL + "/readyz"); err != nil || resp.StatusCode != 200 {
		t.Fatalf("ready: %v %v", resp, err)
	}
	db.Close()
	resp, err := http.Get(srv.URL + "/readyz")
	if err != nil || resp.StatusCode != http.StatusServiceUnavailable {
		t.Errorf("with the catalog closed: %v %v", resp, err)
	}
}
