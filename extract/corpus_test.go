package extract

import (
	"encoding/json"
	"flag"
	"path/filepath"
	"strings"
	"testing"

	"hoso"
	"hoso/internal/eval"
)

var (
	recordedDir = flag.String("recorded", "testdata/ocr", "folder of recorded OCR pages (NAME.json.gz per scan)")
	verbose     = flag.Bool("mistakes", false, "print every wrong value")
)

// corpusTruth is the dev corpus's ground truth, beside the repository.
const corpusTruth = "../../shared/corpus/truth.jsonl"

// loadRecorded reads the recorded OCR pages of one scan.
func loadRecorded(tb testing.TB, path string) []hoso.Page {
	tb.Helper()
	pages, err := eval.LoadRecordedPages(path)
	if err != nil {
		tb.Fatal(err)
	}
	return pages
}

// TestRecordedCorpus runs the analysis on OCR output recorded from the dev
// corpus (extract is pure: no OCR needed) and holds it to accuracy floors.
// Refresh the recordings with `make record-ocr`.
func TestRecordedCorpus(t *testing.T) {
	truth, err := eval.LoadTruth(corpusTruth)
	if err != nil {
		t.Skipf("no corpus beside the repository: %v", err)
	}
	var results []eval.Result
	for _, tf := range truth {
		path := filepath.Join(*recordedDir, filepath.Base(tf.File)+".json.gz")
		pages := loadRecorded(t, path)
		docs := Analyze(pages)
		b, err := json.Marshal(map[string]any{"file": tf.File, "documents": docs})
		if err != nil {
			t.Fatal(err)
		}
		var r eval.Result
		if err := json.Unmarshal(b, &r); err != nil {
			t.Fatal(err)
		}
		results = append(results, r)
	}
	rep := eval.Score(truth, results)
	t.Logf("\n%skey fields %.3f", rep, rep.FieldAccuracy(eval.KeyFields...))
	if *verbose {
		t.Logf("\n%s", strings.Join(rep.Mistakes, "\n"))
	}
	floors := []struct {
		name string
		got  float64
		min  float64
	}{
		{"document type", rep.DocTypeAccuracy(), floorDocType},
		{"split", rep.SplitAccuracy(), floorSplit},
		{"key fields", rep.FieldAccuracy(eval.KeyFields...), floorKeyFields},
		{"all fields", rep.FieldAccuracy(), floorAllFields},
	}
	for _, f := range floors {
		if f.got < f.min {
			t.Errorf("%s accuracy %.3f, below the floor %.3f", f.name, f.got, f.min)
		}
	}
}

// Floors measured on the recorded dev corpus, set a little under what the
// code reaches so that a regression fails.
const (
	floorDocType   = 0.98
	floorSplit     = 1.0
	floorKeyFields = 0.95
	floorAllFields = 0.90
)
