package pipeline

import (
	"context"
	"fmt"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"hoso/internal/eval"
	"hoso/ocr"
)

// BenchmarkExtractVsTesseract reads the whole dev corpus with hoso's
// in-process engine and the same pages with the plain `tesseract -l vie`
// command (its defaults, one page after the other), and reports pages per
// second and character error rate of both, side by side.
//
//	go test -run '^$' -bench ExtractVsTesseract -benchtime 1x ./pipeline/
func BenchmarkExtractVsTesseract(b *testing.B) {
	if _, err := exec.LookPath("tesseract"); err != nil {
		b.Fatalf("the tesseract command is missing: %v", err)
	}
	truth, files := corpusFiles(b)
	pageDir := b.TempDir()
	pageFiles := writePages(b, files, pageDir)
	var pages int
	for _, ps := range pageFiles {
		pages += len(ps)
	}
	MustEngine(b)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		// hoso: decode, prepare, OCR and analyze every file.
		t0 := time.Now()
		_, results := extractAll(b, files)
		hosoTime := time.Since(t0)
		hosoRep := eval.Score(truth, results)

		// tesseract: the same page images, the command as a user runs it.
		t1 := time.Now()
		cliResults := make([]eval.Result, len(truth))
		for fi, tf := range truth {
			var texts []string
			for _, p := range pageFiles[fi] {
				cmd := exec.Command("tesseract", p, "stdout", "-l", "vie")
				cmd.Env = withoutEnv(os.Environ(), "OMP_THREAD_LIMIT") // its own defaults
				out, err := cmd.Output()
				if err != nil {
					b.Fatalf("tesseract %s: %v", p, err)
				}
				texts = append(texts, string(out))
			}
			cliResults[fi] = cliResult(tf, texts)
		}
		cliTime := time.Since(t1)
		cliRep := eval.Score(truth, cliResults)

		b.ReportMetric(float64(pages)/hosoTime.Seconds(), "hoso-pages/s")
		b.ReportMetric(float64(pages)/cliTime.Seconds(), "tesseract-pages/s")
		b.ReportMetric(hosoRep.CER(), "hoso-CER")
		b.ReportMetric(cliRep.CER(), "tesseract-CER")
		fmt.Printf("\n%-22s %8s %10s %8s\n", "", "pages", "pages/s", "CER")
		fmt.Printf("%-22s %8d %10.3f %8.4f\n", "hoso extract", pages, float64(pages)/hosoTime.Seconds(), hosoRep.CER())
		fmt.Printf("%-22s %8d %10.3f %8.4f\n", "tesseract -l vie", pages, float64(pages)/cliTime.Seconds(), cliRep.CER())
	}
}

// writePages saves each page image of each file as PNG, as a user would
// hand them to the tesseract command.
func writePages(tb testing.TB, files []string, dir string) [][]string {
	tb.Helper()
	out := make([][]string, len(files))
	for i, f := range files {
		src, err := ocr.Open(context.Background(), f, ocr.Limits{})
		if err != nil {
			tb.Fatal(err)
		}
		for n := 1; n <= src.PageCount(); n++ {
			p, err := src.Page(context.Background(), n)
			if err != nil {
				tb.Fatal(err)
			}
			name := filepath.Join(dir, fmt.Sprintf("%s-%03d.png", filepath.Base(f), n))
			w, err := os.Create(name)
			if err != nil {
				tb.Fatal(err)
			}
			if err := png.Encode(w, p.Gray); err != nil {
				tb.Fatal(err)
			}
			w.Close()
			out[i] = append(out[i], name)
		}
		src.Close()
	}
	return out
}

// cliResult groups the command's page texts by the truth's documents, so
// that only the OCR is compared.
func cliResult(tf eval.TruthFile, texts []string) eval.Result {
	var r eval.Result
	r.File = tf.File
	for _, d := range tf.Documents {
		var parts []string
		for _, p := range d.Pages {
			if p-1 < len(texts) {
				parts = append(parts, texts[p-1])
			}
		}
		r.Documents = append(r.Documents, eval.Document{Pages: d.Pages, Text: strings.Join(parts, "\f")})
	}
	return r
}

func withoutEnv(env []string, key string) []string {
	var out []string
	for _, kv := range env {
		if !strings.HasPrefix(kv, key+"=") {
			out = append(out, kv)
		}
	}
	return out
}
