package api

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"testing"

	"hoso"
	"hoso/storage"
)

func get(tb testing.TB, url, token string, header ...string) (int, map[string]any, http.Header) {
	tb.Helper()
	req, _ := http.NewRequest("GET", url, nil)
	req.Header.Set("Authorization", "Bearer "+token)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		tb.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	var out map[string]any
	json.Unmarshal(body, &out)
	return resp.StatusCode, out, resp.Header
}

func TestDocuments(t *testing.T) {
	srv, db, st := MustServer(t)
	ctx := context.Background()
	admin, _, _ := db.CreateToken(ctx, "admin", "")
	clerk, _, _ := db.CreateToken(ctx, "clerk", "HP.SNV")
	other, _, _ := db.CreateToken(ctx, "reviewer", "HP.STC")

	data := []byte("%PDF-1.4 a batch of three decisions")
	_, up := upload(t, srv.URL, clerk, data)
	fileID := up["id"].(string)
	docs := []hoso.ExtractedDocument{
		{Pages: []int{1, 2}, DocType: hoso.SalaryRaiseDecision, DocTypeConfidence: 0.97, Text: "QUYẾT ĐỊNH nâng bậc lương",
			Fields: hoso.Fields{"number": {Value: "12/QĐ-SNV", Confidence: 0.95}}, Links: []hoso.Link{{StaffID: "HP-1", Status: hoso.LinkAuto}}},
		{Pages: []int{3}, DocType: hoso.Evaluation, Links: []hoso.Link{{StaffID: "HP-2", Status: hoso.LinkCandidate}}},
		{Pages: []int{4}, DocType: hoso.Diploma},
	}
	if err := db.SaveDocuments(ctx, fileID, docs, []string{"approved", "needs_review", "needs_review"}, "needs_review"); err != nil {
		t.Fatal(err)
	}
	page := []byte("\x89PNG page two")
	if _, err := st.Put(ctx, storage.PageImageKey(fileID, 2), bytes.NewReader(page), int64(len(page))); err != nil {
		t.Fatal(err)
	}

	// The file shows its documents; it can be found by its SHA-256.
	sum := sha256.Sum256(data)
	status, f, _ := get(t, srv.URL+"/api/v1/files?sha256="+hex.EncodeToString(sum[:]), clerk)
	if status != 200 || f["id"] != fileID || len(f["documents"].([]any)) != 3 {
		t.Fatalf("by hash: %d %v", status, f)
	}
	if status, f, _ := get(t, srv.URL+"/api/v1/files?sha256="+hex.EncodeToString(make([]byte, 32)), clerk); status != 404 || errCode(f) != hoso.ENotFound {
		t.Errorf("unknown hash: %d %v", status, f)
	}
	if status, f, _ := get(t, srv.URL+"/api/v1/files?sha256=xyz", clerk); status != 400 || errCode(f) != hoso.EInvalid {
		t.Errorf("bad hash: %d %v", status, f)
	}

	// Lists, filtered and paged.
	status, list, _ := get(t, srv.URL+"/api/v1/documents?status=needs_review&limit=1", admin)
	if status != 200 || len(list["documents"].([]any)) != 1 || list["next"] == "" {
		t.Fatalf("first page: %d %v", status, list)
	}
	_, list2, _ := get(t, srv.URL+"/api/v1/documents?status=needs_review&limit=1&after="+list["next"].(string), admin)
	if ds := list2["documents"].([]any); len(ds) != 1 || list2["next"] != "" || ds[0].(map[string]any)["doc_type"] != "diploma" {
		t.Errorf("second page: %v", list2)
	}
	if _, byStaff, _ := get(t, srv.URL+"/api/v1/documents?staff_id=HP-1", admin); len(byStaff["documents"].([]any)) != 1 {
		t.Errorf("by person: %v", byStaff)
	}
	if _, own, _ := get(t, srv.URL+"/api/v1/documents", clerk); len(own["documents"].([]any)) != 3 {
		t.Errorf("the clerk's unit: %v", own)
	}
	if _, none, _ := get(t, srv.URL+"/api/v1/documents?unit=HP.SNV", other); len(none["documents"].([]any)) != 0 {
		t.Errorf("another unit's reviewer lists: %v", none)
	}
	if status, bad, _ := get(t, srv.URL+"/api/v1/documents?limit=100000", admin); status != 400 || errCode(bad) != hoso.EInvalid {
		t.Errorf("limit too large: %d %v", status, bad)
	}

	// One document, with its version as ETag.
	docID := fmt.Sprintf("%s-0001", fileID)
	status, doc, h := get(t, srv.URL+"/api/v1/documents/"+docID, clerk)
	if status != 200 || doc["version"] != 1.0 || doc["text"] == "" || h.Get("ETag") == "" {
		t.Fatalf("document: %d %v %v", status, doc, h)
	}
	if fields := doc["fields"].(map[string]any); fields["number"].(map[string]any)["value"] != "12/QĐ-SNV" {
		t.Errorf("fields: %v", fields)
	}
	if status, _, _ := get(t, srv.URL+"/api/v1/documents/"+docID, clerk, "If-None-Match", h.Get("ETag")); status != http.StatusNotModified {
		t.Errorf("If-None-Match: %d", status)
	}
	if status, d, _ := get(t, srv.URL+"/api/v1/documents/"+docID, other); status != 404 || errCode(d) != hoso.ENotFound {
		t.Errorf("another unit: %d %v", status, d)
	}

	// Its second page is page 2 of the file.
	req, _ := http.NewRequest("GET", srv.URL+"/api/v1/documents/"+docID+"/pages/2", nil)
	req.Header.Set("Authorization", "Bearer "+clerk)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "image/png" || !bytes.Equal(body, page) {
		t.Errorf("page image: %d %s %q", resp.StatusCode, resp.Header.Get("Content-Type"), body)
	}
	for _, n := range []string{"3", "0", "x"} {
		if status, e, _ := get(t, srv.URL+"/api/v1/documents/"+docID+"/pages/"+n, clerk); status != 404 || errCode(e) != hoso.ENotFound {
			t.Errorf("page %s: %d %v", n, status, e)
		}
	}
}
