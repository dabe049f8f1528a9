package pipeline

import (
	"bufio"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"hoso"
	"hoso/internal/eval"
	"hoso/ocr"
)

// corpus is the dev corpus beside the repository (../shared/corpus).
const corpus = "../../shared/corpus"

func TestMain(m *testing.M) {
	ocr.SingleThreaded()
	os.Exit(m.Run())
}

// needCorpus returns the corpus folder; in CI a missing corpus fails.
func needCorpus(tb testing.TB) string {
	tb.Helper()
	if _, err := os.Stat(filepath.Join(corpus, "truth.jsonl")); err != nil {
		if os.Getenv("CI") != "" {
			tb.Fatalf("the corpus is missing in CI: %v", err)
		}
		tb.Skipf("no corpus: %v", err)
	}
	return corpus
}

var (
	engineOnce sync.Once
	engine     *ocr.Engine
	engineErr  error
)

// MustEngine returns one shared OCR engine for the package's tests.
func MustEngine(tb testing.TB) *ocr.Engine {
	tb.Helper()
	engineOnce.Do(func() { engine, engineErr = ocr.NewEngine(ocr.Options{}) })
	if engineErr != nil {
		tb.Fatalf("tesseract: %v", engineErr)
	}
	return engine
}

// corpusFiles returns the corpus's truth and the paths of its scans.
func corpusFiles(tb testing.TB) ([]eval.TruthFile, []string) {
	tb.Helper()
	dir := needCorpus(tb)
	truth, err := eval.LoadTruth(filepath.Join(dir, "truth.jsonl"))
	if err != nil {
		tb.Fatal(err)
	}
	files := make([]string, len(truth))
	for i, tf := range truth {
		files[i] = filepath.Join(dir, tf.File)
	}
	return truth, files
}

// extractAll runs the in-process engine over files and returns the results
// in the JSON form `hoso extract` prints.
func extractAll(tb testing.TB, files []string) ([]FileResult, []eval.Result) {
	tb.Helper()
	x := &Extractor{Engine: MustEngine(tb)}
	var raw []FileResult
	var parsed []eval.Result
	err := x.Run(context.Background(), files, func(r FileResult) error {
		raw = append(raw, r)
		b, err := json.Marshal(r)
		if err != nil {
			return err
		}
		var e eval.Result
		if err := json.Unmarshal(b, &e); err != nil {
			return err
		}
		parsed = append(parsed, e)
		return nil
	})
	if err != nil {
		tb.Fatal(err)
	}
	return raw, parsed
}

// TestCorpusAccuracy reads every scan of the dev corpus with real Tesseract
// and holds type, split, field and OCR accuracy to floors measured here.
func TestCorpusAccuracy(t *testing.T) {
	if testing.Short() {
		t.Skip("OCR of the whole corpus")
	}
	truth, files := corpusFiles(t)
	raw, results := extractAll(t, files)
	for _, r := range raw {
		if r.Error != nil {
			t.Errorf("%s: %s", r.File, r.Error.Code)
		}
	}
	rep := eval.Score(truth, results)
	t.Logf("\n%skey fields %.3f", rep, rep.FieldAccuracy(eval.KeyFields...))
	for _, f := range []struct {
		name     string
		got, min float64
	}{
		{"document type", rep.DocTypeAccuracy(), 0.98},
		{"split", rep.SplitAccuracy(), 1.0},
		{"key fields", rep.FieldAccuracy(eval.KeyFields...), 0.95},
		{"all fields", rep.FieldAccuracy(), 0.90},
	} {
		if f.got < f.min {
			t.Errorf("%s accuracy %.3f is below its floor %.3f", f.name, f.got, f.min)
		}
	}
	// The plain `tesseract -l vie` command measures a CER of 0.088 on these
	// pages (BenchmarkExtractVsTesseract); hoso must stay well below it.
	if cer := rep.CER(); cer > 0.035 {
		t.Errorf("CER %.4f is above its ceiling 0.035", cer)
	}
}

// TestBadFiles checks that every hostile file of the corpus is refused with
// the right stable code, and that the command goes on with the next file.
func TestBadFiles(t *testing.T) {
	dir := needCorpus(t)
	want := map[string]string{
		"zero_byte":     hoso.EEmptyFile,
		"truncated_pdf": hoso.EDamagedFile,
		"html_as_pdf":   hoso.EUnsupportedType,
		"encrypted_pdf": hoso.EEncryptedFile,
	}
	f, err := os.Open(filepath.Join(dir, "bad", "manifest.jsonl"))
	if err != nil {
		t.Skipf("no bad files: %v", err)
	}
	defer f.Close()
	var files, codes []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		var m struct{ File, Kind, Expect string }
		if err := json.Unmarshal(sc.Bytes(), &m); err != nil {
			t.Fatal(err)
		}
		files = append(files, filepath.Join(dir, "bad", m.File))
		codes = append(codes, want[m.Kind])
	}
	// A good file after the bad ones must still be read.
	files = append(files, filepath.Join(dir, "scans", "1c7604f6.png"))
	raw, _ := extractAll(t, files)
	if len(raw) != len(files) {
		t.Fatalf("%d results for %d files", len(raw), len(files))
	}
	for i, r := range raw[:len(raw)-1] {
		if r.Error == nil {
			t.Errorf("%s: accepted, want %s", r.File, codes[i])
			continue
		}
		if codes[i] != "" && r.Error.Code != codes[i] {
			t.Errorf("%s: code %s, want %s", r.File, r.Error.Code, codes[i])
		}
		if len(r.Documents) != 0 || r.Error.Message == "" || strings.ContainsAny(r.Error.Message, "\n") {
			t.Errorf("%s: documents %d, message %q", r.File, len(r.Documents), r.Error.Message)
		}
	}
	if last := raw[len(raw)-1]; last.Error != nil || len(last.Documents) == 0 {
		t.Errorf("the good file after the bad ones: error %v, %d documents", last.Error, len(last.Documents))
	}
}

// TestLimits checks that the size and page limits are applied before any
// decoding.
func TestLimits(t *testing.T) {
	dir := needCorpus(t)
	ctx := context.Background()
	_, err := ocr.Open(ctx, filepath.Join(dir, "scans", "0afc84cd.pdf"), ocr.Limits{MaxPages: 1})
	if hoso.ErrorCode(err) != hoso.ETooLarge {
		t.Errorf("2 pages with MaxPages 1: %v, want too_large", err)
	}
	_, err = ocr.Open(ctx, filepath.Join(dir, "scans", "1c7604f6.png"), ocr.Limits{MaxFileBytes: 1000})
	if hoso.ErrorCode(err) != hoso.ETooLarge {
		t.Errorf("file over MaxFileBytes: %v, want too_large", err)
	}
	_, err = ocr.Open(ctx, filepath.Join(dir, "scans", "1c7604f6.png"), ocr.Limits{MaxPagePixels: 1000})
	if hoso.ErrorCode(err) != hoso.ETooLarge {
		t.Errorf("page over MaxPagePixels: %v, want too_large", err)
	}
}
