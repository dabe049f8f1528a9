package pipeline

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"hoso"
	"hoso/extract"
	"hoso/internal/eval"
	"hoso/internal/pdftest"
	"hoso/signer"
)

// MustDevSealer returns a sealer signing with a development key made in a
// temporary folder, and that key's CA.
func MustDevSealer(tb testing.TB) (*Sealer, *signer.DevCA) {
	tb.Helper()
	dir := tb.TempDir()
	key, _, err := signer.DevKey(dir, "Sở Nội vụ thành phố Hải Phòng")
	if err != nil {
		tb.Fatal(err)
	}
	ca, err := signer.OpenDevCA(dir)
	if err != nil {
		tb.Fatal(err)
	}
	return &Sealer{
		Key:      func(context.Context, string) (*signer.Key, error) { return key, nil },
		Settings: signer.Settings{Reason: "Sao y bản chính", Location: "Hải Phòng", Agency: "SỞ NỘI VỤ THÀNH PHỐ HẢI PHÒNG", Visible: true},
	}, ca
}

// corpusDocuments reads the dev corpus's scans with their recorded OCR and
// analyses them: what the seal stage receives, without running Tesseract.
func corpusDocuments(tb testing.TB) []SealInput {
	tb.Helper()
	truth, err := eval.LoadTruth(corpus + "/truth.jsonl")
	if err != nil {
		tb.Fatal(err)
	}
	var out []SealInput
	for _, tf := range truth {
		pages, err := eval.LoadRecordedPages(filepath.Join("../extract/testdata/ocr", filepath.Base(tf.File)+".json.gz"))
		if err != nil {
			tb.Fatal(err)
		}
		original, err := os.ReadFile(filepath.Join(corpus, tf.File))
		if err != nil {
			tb.Fatal(err)
		}
		for i, d := range extract.Analyze(pages) {
			var staff []string
			if i < len(tf.Documents) {
				staff = tf.Documents[i].StaffIDs
			}
			out = append(out, SealInput{DocumentID: fmt.Sprintf("%s-%04d", filepath.Base(tf.File), i+1), Version: 1,
				Unit: "HP.SNV", StaffIDs: staff, Document: d, Original: original, OriginalSHA256: "test", Pages: pages})
		}
	}
	return out
}

// TestSealCorpus seals every document of the dev corpus and checks each
// with tools hoso does not contain: poppler's pdfsig (through an NSS
// database that trusts the test CA), qpdf and pdftotext; and with hoso's
// own verifier. A byte changed inside the signed range must be caught by
// both verifiers.
func TestSealCorpus(t *testing.T) {
	sealer, ca := MustDevSealer(t)
	nss := pdftest.NSSDB(t, ca.Certificate)
	roots := signer.Pool(ca.Certificate)
	dir := t.TempDir()
	ctx := context.Background()
	docs := corpusDocuments(t)
	if len(docs) < 40 {
		t.Fatalf("%d documents in the corpus", len(docs))
	}
	var found, wanted int
	for _, in := range docs {
		sealed, err := sealer.Seal(ctx, in)
		if err != nil {
			t.Errorf("%s: %v", in.DocumentID, err)
			continue
		}
		path := filepath.Join(dir, in.DocumentID+".pdf")
		if err := os.WriteFile(path, sealed.PDF, 0o600); err != nil {
			t.Fatal(err)
		}
		sigs := pdftest.Pdfsig(t, nss, path)
		if len(sigs) != 1 || !sigs[0].Valid() || !sigs[0].Trusted() || !sigs[0].Whole {
			t.Errorf("%s: pdfsig says %+v", in.DocumentID, sigs)
		}
		pdftest.QPDFCheck(t, path)
		if rep := signer.Verify(path, sealed.PDF, roots); !rep.Valid {
			t.Errorf("%s: hoso verify: %+v", in.DocumentID, rep)
		}
		text := strings.Join(strings.Fields(pdftest.Text(t, path)), " ")
		for _, k := range []string{"number", "person_name"} {
			f, ok := in.Document.Fields[k]
			if !ok {
				continue
			}
			wanted++
			if v := fmt.Sprint(f.Value); strings.Contains(text, v) {
				found++
			} else {
				t.Logf("%s: %s %q not in the text layer", in.DocumentID, k, v)
			}
		}
	}
	// What analysis read is in the text layer, but for values it repaired
	// (a letter OCR read for a digit): those are not printed as read.
	t.Logf("number and person's name found in pdftotext output: %d of %d", found, wanted)
	if wanted == 0 || float64(found) < 0.9*float64(wanted) {
		t.Errorf("number and name in the text layer: %d of %d", found, wanted)
	}

	t.Run("tampered", func(t *testing.T) {
		sealed, err := sealer.Seal(ctx, docs[0])
		if err != nil {
			t.Fatal(err)
		}
		bad := append([]byte(nil), sealed.PDF...)
		i := len(bad) / 3 // inside the first signed range: the page's picture
		bad[i] ^= 0x55
		path := filepath.Join(dir, "tampered.pdf")
		os.WriteFile(path, bad, 0o600)
		if sigs := pdftest.Pdfsig(t, nss, path); len(sigs) != 1 || sigs[0].Valid() {
			t.Errorf("pdfsig on a tampered file: %+v", sigs)
		}
		if rep := signer.Verify(path, bad, roots); rep.Valid || len(rep.Signatures) == 1 && rep.Signatures[0].Intact {
			t.Errorf("hoso verify on a tampered file: %+v", rep)
		}
	})
}

// TestSealMetadata checks what the sealed PDF says of its document.
func TestSealMetadata(t *testing.T) {
	sealer, _ := MustDevSealer(t)
	sealer.Now = func() time.Time { return time.Date(2026, 12, 4, 9, 30, 0, 0, time.FixedZone("ICT", 7*3600)) }
	docs := corpusDocuments(t)
	var in SealInput
	for _, d := range docs {
		if _, ok := d.Document.Fields["number"]; ok && len(d.StaffIDs) > 0 {
			in = d
			break
		}
	}
	in.OriginalSHA256 = strings.Repeat("ab", 32)
	sealed, err := sealer.Seal(context.Background(), in)
	if err != nil {
		t.Fatal(err)
	}
	pdf := string(sealed.PDF)
	for _, want := range []string{"/HosoDocumentID", "/HosoOriginalSHA", "hoso:HosoDocumentID>" + in.DocumentID, "hoso:HosoOriginalSHA>" + in.OriginalSHA256,
		"hoso:HosoStaffIDs>" + in.StaffIDs[0], "<dc:title>", "/Type /Metadata /Subtype /XML"} {
		if !strings.Contains(pdf, want) {
			t.Errorf("sealed PDF lacks %q", want)
		}
	}
	if sealed.Mode != SealRebuilt || !strings.Contains(sealed.Signer, "Hải Phòng") || !sealed.SignedAt.Equal(sealer.Now()) {
		t.Errorf("sealed: mode %s signer %q at %v", sealed.Mode, sealed.Signer, sealed.SignedAt)
	}
}

// TestSealSignedOriginal seals a PDF the e-office system signed: its bytes
// are kept, hoso's signature appended, and both stay valid.
func TestSealSignedOriginal(t *testing.T) {
	sealer, ca := MustDevSealer(t)
	eoffice, _, err := signer.DevKey(t.TempDir(), "Văn phòng điện tử")
	if err != nil {
		t.Fatal(err)
	}
	original, err := signer.Sign(pdftest.TextPDF("QUYET DINH", "So: 15/QD-SNV", "Ve viec nang bac luong"), eoffice, signer.Settings{Reason: "Ban hanh"}, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	in := SealInput{DocumentID: "signed-0001", Version: 1, Unit: "HP.SNV", Original: original,
		Document: hoso.ExtractedDocument{Pages: []int{1}, DocType: hoso.SalaryRaiseDecision}}
	sealed, err := sealer.Seal(context.Background(), in)
	if err != nil {
		t.Fatal(err)
	}
	if sealed.Mode != SealKept || !bytes.HasPrefix(sealed.PDF, original) {
		t.Fatalf("mode %s; original kept as its first bytes: %v", sealed.Mode, bytes.HasPrefix(sealed.PDF, original))
	}
	path := filepath.Join(t.TempDir(), "sealed.pdf")
	os.WriteFile(path, sealed.PDF, 0o600)
	sigs := pdftest.Pdfsig(t, "", path)
	if len(sigs) != 2 || !sigs[0].Valid() || !sigs[1].Valid() {
		t.Errorf("pdfsig: %+v", sigs)
	}
	// hoso's signature is trusted through its CA; the e-office's through its own.
	rep := signer.Verify(path, sealed.PDF, signer.Pool(ca.Certificate))
	if len(rep.Signatures) != 2 || !rep.Signatures[0].Intact || !rep.Signatures[1].Intact {
		t.Errorf("verify: %+v", rep)
	}
	pdftest.QPDFCheck(t, path)
}

// TestSealBornDigital keeps a born-digital PDF's own pages and adds the
// metadata: no picture is drawn.
func TestSealBornDigital(t *testing.T) {
	sealer, ca := MustDevSealer(t)
	original := pdftest.TextPDF("QUYET DINH", "So: 21/QD-SNV", "Ong Nguyen Van Hung")
	in := SealInput{DocumentID: "digital-0001", Version: 1, Unit: "HP.SNV", StaffIDs: []string{"HP000009"}, Original: original,
		Pages:    []hoso.Page{{Number: 1, Width: 2480, Height: 3508, DPI: 300, Source: hoso.SourceText}},
		Document: hoso.ExtractedDocument{Pages: []int{1}, DocType: hoso.SalaryRaiseDecision, Fields: hoso.Fields{"number": {Value: "21/QĐ-SNV"}}}}
	sealed, err := sealer.Seal(context.Background(), in)
	if err != nil {
		t.Fatal(err)
	}
	if sealed.Mode != SealPages {
		t.Fatalf("mode %s", sealed.Mode)
	}
	path := filepath.Join(t.TempDir(), "sealed.pdf")
	os.WriteFile(path, sealed.PDF, 0o600)
	if sigs := pdftest.Pdfsig(t, pdftest.NSSDB(t, ca.Certificate), path); len(sigs) != 1 || !sigs[0].Valid() || !sigs[0].Trusted() {
		t.Errorf("pdfsig: %+v", sigs)
	}
	pdftest.QPDFCheck(t, path)
	if text := pdftest.Text(t, path); !strings.Contains(text, "So: 21/QD-SNV") {
		t.Errorf("the page's own text is gone: %q", text)
	}
	info, _ := exec.Command("pdfinfo", "-custom", path).CombinedOutput()
	if !strings.Contains(string(info), "HosoDocumentID") || !strings.Contains(string(info), "digital-0001") || !bytes.Contains(sealed.PDF, []byte("hoso:HosoStaffIDs")) {
		t.Errorf("metadata missing:\n%s", info)
	}
	if bytes.Contains(sealed.PDF, []byte("/Subtype /Image")) || bytes.Contains(sealed.PDF, []byte("/Subtype/Image")) {
		t.Error("a born-digital page was redrawn as a picture")
	}
}
