package pipeline

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"hoso"
	"hoso/extract"
	"hoso/internal/eval"
	"hoso/internal/softhsm"
	"hoso/ocr"
	"hoso/seal"
	"hoso/signer"
)

// BenchmarkSeal seals a 1-page scan and a 20-page scan (a corpus JPEG
// page, and twenty of it in a scanned PDF) with a PKCS#12 key and with a
// key on a SoftHSM2 token, and reports documents and megabytes (of sealed
// PDF) per second.
//
//	go test -run '^$' -bench Seal -benchtime 20x ./pipeline/
func BenchmarkSeal(b *testing.B) {
	name := "3e23049a.jpg"
	jpg, err := os.ReadFile(filepath.Join(corpus, "scans", name))
	if err != nil {
		b.Fatal(err)
	}
	pages, err := eval.LoadRecordedPages(filepath.Join("../extract/testdata/ocr", name+".json.gz"))
	if err != nil {
		b.Fatal(err)
	}
	one := SealInput{DocumentID: "bench-1", Version: 1, Unit: "HP.SNV", Document: extract.Analyze(pages)[0], Original: jpg, Pages: pages}
	twenty := twentyPages(b, jpg, pages[0], one.Document)

	dir := b.TempDir()
	p12, _, err := signer.DevKey(dir, "Sở Nội vụ")
	if err != nil {
		b.Fatal(err)
	}
	ca, _ := signer.OpenDevCA(dir)
	label, pin := softhsm.Token(b)
	cfg := signer.PKCS11Config{Module: softhsm.Module, TokenLabel: label, PIN: pin, KeyLabel: "bench"}
	if err := signer.DevTokenKey(cfg, ca); err != nil {
		b.Fatal(err)
	}
	token, err := signer.OpenPKCS11(cfg)
	if err != nil {
		b.Fatal(err)
	}
	defer token.Close()

	for _, k := range []struct {
		name string
		key  *signer.Key
	}{{"pkcs12", p12}, {"softhsm2", token}} {
		for _, in := range []SealInput{one, twenty} {
			b.Run(fmt.Sprintf("%dpage/%s", len(in.Document.Pages), k.name), func(b *testing.B) {
				s := &Sealer{Key: func(context.Context, string) (*signer.Key, error) { return k.key, nil },
					Settings: signer.Settings{Reason: "bench", Agency: "SỞ NỘI VỤ", Visible: true}}
				var out int64
				b.ResetTimer()
				for i := 0; i < b.N; i++ {
					sealed, err := s.Seal(context.Background(), in)
					if err != nil {
						b.Fatal(err)
					}
					out += int64(len(sealed.PDF))
				}
				sec := b.Elapsed().Seconds()
				b.ReportMetric(float64(b.N)/sec, "docs/s")
				b.ReportMetric(float64(out)/(1<<20)/sec, "MB/s")
			})
		}
	}
}

// twentyPages makes a scanned PDF of twenty copies of a JPEG page (the
// image embedded as it is) and the input sealing all of it.
func twentyPages(b *testing.B, jpg []byte, page hoso.Page, doc hoso.ExtractedDocument) SealInput {
	src, err := ocr.OpenBytes(context.Background(), "", jpg, ocr.Limits{})
	if err != nil {
		b.Fatal(err)
	}
	pic, err := ocr.Picture(context.Background(), src, 1)
	if err != nil {
		b.Fatal(err)
	}
	var pages []seal.Page
	var read []hoso.Page
	doc.Pages = nil
	for n := 1; n <= 20; n++ {
		pages = append(pages, seal.Page{Picture: pic, Width: page.Width, Height: page.Height, DPI: page.DPI})
		p := page
		p.Number = n
		read = append(read, p)
		doc.Pages = append(doc.Pages, n)
	}
	var buf bytes.Buffer
	if err := seal.Write(&buf, pages, seal.Metadata{}); err != nil {
		b.Fatal(err)
	}
	return SealInput{DocumentID: "bench-20", Version: 1, Unit: "HP.SNV", Document: doc, Original: buf.Bytes(), Pages: read}
}
