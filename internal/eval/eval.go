// Package eval measures hoso against a corpus with exact ground truth (the
// format of shared/corpus/truth.jsonl): document-type accuracy, per-field
// exact-match accuracy, split accuracy and OCR character error rate.
package eval

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"

	"golang.org/x/text/unicode/norm"

	"hoso/internal/edit"
)

// TruthFile is one line of truth.jsonl.
type TruthFile struct {
	File      string          `json:"file"`
	Documents []TruthDocument `json:"documents"`
	PageInfo  []struct {
		Page     int     `json:"page"`
		DPI      int     `json:"dpi"`
		Rotation int     `json:"rotation"`
		Skew     float64 `json:"skew_deg"`
	} `json:"page_info"`
}

// TruthDocument is one document of a truth file.
type TruthDocument struct {
	Pages         []int            `json:"pages"`
	DocType       string           `json:"doc_type"`
	Fields        map[string]any   `json:"fields"`
	People        []map[string]any `json:"people"`
	StaffIDs      []string         `json:"staff_ids"`
	UnknownPerson bool             `json:"unknown_person"`
	Text          string           `json:"text"`
}

// LoadTruth reads a truth.jsonl file.
func LoadTruth(path string) ([]TruthFile, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var out []TruthFile
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 64<<20)
	for sc.Scan() {
		if strings.TrimSpace(sc.Text()) == "" {
			continue
		}
		var t TruthFile
		if err := json.Unmarshal(sc.Bytes(), &t); err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		out = append(out, t)
	}
	return out, sc.Err()
}

// Result is what hoso said of one file, in the JSON shape of `hoso extract`.
type Result struct {
	File      string     `json:"file"`
	Documents []Document `json:"documents"`
}

// Document is one document of a Result.
type Document struct {
	Pages   []int              `json:"pages"`
	DocType string             `json:"doc_type"`
	Fields  map[string]Value   `json:"fields"`
	People  []map[string]Value `json:"people"`
	Text    string             `json:"text"`
}

// Value is a field's value (its confidence and box are not scored).
type Value struct {
	Value any `json:"value"`
}

// KeyFields are the fields the accuracy bar names as key.
var KeyFields = []string{"number", "issued_on", "issuer", "person_name", "birth_date", "effective_date",
	"coefficient_to", "rank_code", "qualification_level", "serial", "rating"}

// Report holds the measures over a corpus.
type Report struct {
	Docs, DocTypeOK     int
	Files, SplitOK      int
	FieldTotal, FieldOK map[string]int
	CharErrors, Chars   int
	Mistakes            []string // one line per wrong value, for reading
}

// DocTypeAccuracy is the share of documents whose type is right.
func (r Report) DocTypeAccuracy() float64 { return ratio(r.DocTypeOK, r.Docs) }

// SplitAccuracy is the share of files split into the right page groups.
func (r Report) SplitAccuracy() float64 { return ratio(r.SplitOK, r.Files) }

// CER is the character error rate of the documents' text.
func (r Report) CER() float64 { return ratio(r.CharErrors, r.Chars) }

// FieldAccuracy is the exact-match accuracy of the named fields (all when
// none are named).
func (r Report) FieldAccuracy(keys ...string) float64 {
	if len(keys) == 0 {
		for k := range r.FieldTotal {
			keys = append(keys, k)
		}
	}
	var ok, tot int
	for _, k := range keys {
		ok += r.FieldOK[k]
		tot += r.FieldTotal[k]
	}
	return ratio(ok, tot)
}

// String prints the report as a table.
func (r Report) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "documents %d, type accuracy %.3f; files %d, split accuracy %.3f; CER %.4f\n",
		r.Docs, r.DocTypeAccuracy(), r.Files, r.SplitAccuracy(), r.CER())
	fmt.Fprintf(&b, "all fields %.3f\n", r.FieldAccuracy())
	keys := make([]string, 0, len(r.FieldTotal))
	for k := range r.FieldTotal {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		fmt.Fprintf(&b, "  %-20s %.3f (%d/%d)\n", k, r.FieldAccuracy(k), r.FieldOK[k], r.FieldTotal[k])
	}
	return b.String()
}

func ratio(a, b int) float64 {
	if b == 0 {
		return 0
	}
	return float64(a) / float64(b)
}

// Score compares results with the truth. Results are matched to truth files
// by base name.
func Score(truth []TruthFile, results []Result) Report {
	r := Report{FieldTotal: map[string]int{}, FieldOK: map[string]int{}}
	byName := map[string]Result{}
	for _, res := range results {
		byName[filepath.Base(res.File)] = res
	}
	for _, t := range truth {
		res, ok := byName[filepath.Base(t.File)]
		if !ok {
			continue
		}
		r.Files++
		var tp, rp [][]int
		for _, d := range t.Documents {
			tp = append(tp, d.Pages)
		}
		for _, d := range res.Documents {
			rp = append(rp, d.Pages)
		}
		if reflect.DeepEqual(tp, rp) {
			r.SplitOK++
		} else {
			r.Mistakes = append(r.Mistakes, fmt.Sprintf("%s: split %v, want %v", t.File, rp, tp))
		}
		for _, td := range t.Documents {
			r.Docs++
			r.Chars += len([]rune(foldSpace(td.Text)))
			di := -1
			for i, d := range res.Documents {
				if len(d.Pages) > 0 && d.Pages[0] == td.Pages[0] {
					di = i
				}
			}
			if di < 0 {
				r.CharErrors += len([]rune(foldSpace(td.Text)))
				for k := range td.Fields {
					r.FieldTotal[k]++
				}
				continue
			}
			d := res.Documents[di]
			errs := Levenshtein(foldSpace(td.Text), foldSpace(d.Text))
			r.CharErrors += errs
			if cer := ratio(errs, len([]rune(foldSpace(td.Text)))); cer > 0.05 {
				r.Mistakes = append(r.Mistakes, fmt.Sprintf("%s %v: CER %.3f", t.File, td.Pages, cer))
			}
			if d.DocType == td.DocType {
				r.DocTypeOK++
			} else {
				r.Mistakes = append(r.Mistakes, fmt.Sprintf("%s %v: type %s, want %s", t.File, td.Pages, d.DocType, td.DocType))
			}
			r.compare(t.File, td.Fields, d.Fields, "")
			for i, tp := range td.People {
				var got map[string]Value
				if i < len(d.People) {
					got = d.People[i]
				}
				r.compare(t.File, tp, got, fmt.Sprintf(" person %d", i+1))
			}
		}
	}
	return r
}

func (r *Report) compare(file string, want map[string]any, got map[string]Value, where string) {
	for k, v := range want {
		r.FieldTotal[k]++
		g, ok := got[k]
		if ok && sameValue(v, g.Value) {
			r.FieldOK[k]++
			continue
		}
		var gv any
		if ok {
			gv = g.Value
		}
		r.Mistakes = append(r.Mistakes, fmt.Sprintf("%s%s: %s = %v, want %v", file, where, k, gv, v))
	}
}

func sameValue(want, got any) bool {
	switch w := want.(type) {
	case string:
		g, ok := got.(string)
		return ok && foldSpace(w) == foldSpace(g)
	case float64:
		g, ok := got.(float64)
		return ok && g == w
	}
	return reflect.DeepEqual(want, got)
}

// foldSpace normalizes to NFC with single spaces, as the truth's text is
// compared.
func foldSpace(s string) string {
	return strings.Join(strings.Fields(norm.NFC.String(s)), " ")
}

// Levenshtein is the edit distance between two strings, in runes.
func Levenshtein(a, b string) int { return edit.Distance(a, b) }
