package api

import (
	"bytes"
	"context"
	"mime/multipart"
	"net/http"
	"testing"

	"hoso"
)

// uploadWith sends a file with form fields before it, as hoso upload and
// the web page do.
func uploadWith(tb testing.TB, url, token string, fields map[string]string, data []byte) (int, map[string]any) {
	tb.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	for k, v := range fields {
		mw.WriteField(k, v)
	}
	fw, _ := mw.CreateFormFile("file", "scan.pdf")
	fw.Write(data)
	mw.Close()
	req, _ := http.NewRequest("POST", url+"/api/v1/files", &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Authorization", "Bearer "+token)
	return do(tb, req)
}

func TestUploadHints(t *testing.T) {
	srv, db, _ := MustServer(t)
	ctx := context.Background()
	clerk, _, err := db.CreateToken(ctx, "clerk", "HP.SNV")
	if err != nil {
		t.Fatal(err)
	}
	status, out := uploadWith(t, srv.URL, clerk, map[string]string{"staff_id": "HP000123", "doc_type": "salary_raise_decision"}, []byte("%PDF-1.4 hinted"))
	if status != http.StatusAccepted {
		t.Fatalf("upload: %d %v", status, out)
	}
	f, err := db.GetFile(ctx, out["id"].(string))
	if err != nil {
		t.Fatal(err)
	}
	if f.HintStaffID != "HP000123" || f.HintDocType != hoso.SalaryRaiseDecision || f.Unit != "HP.SNV" {
		t.Errorf("stored hints %q %q unit %q", f.HintStaffID, f.HintDocType, f.Unit)
	}

	status, out = uploadWith(t, srv.URL, clerk, map[string]string{"doc_type": "love_letter"}, []byte("%PDF-1.4 other"))
	if status != http.StatusBadRequest || errCode(out) != hoso.EInvalid {
		t.Errorf("unknown doc_type: %d %v, want 400 invalid", status, out)
	}
}
