package eval

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"testing"
)

func TestLevenshtein(t *testing.T) {
	for _, c := range []struct {
		a, b string
		want int
	}{
		{"", "", 0}, {"abc", "", 3}, {"", "abc", 3}, {"kitten", "sitting", 3},
		{"Hương", "Hướng", 1}, {"Nguyễn", "Nguyen", 1}, {"abc", "abc", 0},
	} {
		if got := Levenshtein(c.a, c.b); got != c.want {
			t.Errorf("Levenshtein(%q, %q) = %d, want %d", c.a, c.b, got, c.want)
		}
	}
}

func TestScoreCountsMistakes(t *testing.T) {
	truth := []TruthFile{{File: "scans/a.pdf", Documents: []TruthDocument{
		{Pages: []int{1}, DocType: "diploma", Fields: map[string]any{"serial": "A1", "year": float64(2020)}, Text: "ab c"},
	}}}
	var res Result
	if err := json.Unmarshal([]byte(`{"file":"x/a.pdf","documents":[{"pages":[1],"doc_type":"diploma",
		"fields":{"serial":{"value":"A1"},"year":{"value":2021}},"text":"ab  d"}]}`), &res); err != nil {
		t.Fatal(err)
	}
	r := Score(truth, []Result{res})
	if r.DocTypeAccuracy() != 1 || r.SplitAccuracy() != 1 {
		t.Errorf("type %.2f split %.2f, want 1 and 1", r.DocTypeAccuracy(), r.SplitAccuracy())
	}
	if r.FieldOK["serial"] != 1 || r.FieldOK["year"] != 0 {
		t.Errorf("fields ok %v", r.FieldOK)
	}
	if r.CharErrors != 1 || r.Chars != 4 {
		t.Errorf("CER %d/%d, want 1/4", r.CharErrors, r.Chars)
	}
}

// TestScoreFile scores a JSON Lines output of hoso extract against a truth
// file: HOSO_EVAL_RESULTS=out.jsonl [HOSO_EVAL_TRUTH=truth.jsonl]. A tool for
// development; skipped otherwise.
func TestScoreFile(t *testing.T) {
	path := os.Getenv("HOSO_EVAL_RESULTS")
	if path == "" {
		t.Skip("HOSO_EVAL_RESULTS not set")
	}
	tp := os.Getenv("HOSO_EVAL_TRUTH")
	if tp == "" {
		tp = "../../../shared/corpus/truth.jsonl"
	}
	truth, err := LoadTruth(tp)
	if err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var results []Result
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 64<<20)
	for sc.Scan() {
		var r Result
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			t.Fatal(err)
		}
		results = append(results, r)
	}
	rep := Score(truth, results)
	if os.Getenv("HOSO_EVAL_VERBOSE") != "" {
		for _, m := range rep.Mistakes {
			fmt.Println(m)
		}
	}
	fmt.Print(rep)
}
