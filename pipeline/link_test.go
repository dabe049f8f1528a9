package pipeline

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"hoso"
	"hoso/extract"
	"hoso/internal/eval"
	"hoso/registry"
)

// mustRegistry loads the corpus's staff registry and unit tree.
func mustRegistry(tb testing.TB, dir string) *registry.Registry {
	tb.Helper()
	reg := registry.New()
	f, err := os.Open(filepath.Join(dir, "staff.csv"))
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	staff, bad, err := registry.ReadStaff(f)
	if err != nil || len(bad) > 0 {
		tb.Fatalf("staff.csv: %v %v", err, bad)
	}
	reg.Upsert(staff)
	u, err := os.Open(filepath.Join(dir, "units.csv"))
	if err != nil {
		tb.Fatal(err)
	}
	defer u.Close()
	units, _, err := registry.ReadUnits(u)
	if err != nil {
		tb.Fatal(err)
	}
	reg.SetUnits(units)
	return reg
}

// recordedPages reads the OCR recorded for a scan by `make record-ocr`.
func recordedPages(tb testing.TB, file string) []hoso.Page {
	tb.Helper()
	pages, err := eval.LoadRecordedPages(filepath.Join("..", "extract", "testdata", "ocr", filepath.Base(file)+".json.gz"))
	if err != nil {
		tb.Fatal(err)
	}
	return pages
}

// TestCorpusLinking links every document of the corpus (from its recorded
// OCR) to the registry: no automatic link may be wrong, nearly all true
// people must be linked automatically, and the rest must be offered among
// the first three candidates.
func TestCorpusLinking(t *testing.T) {
	dir := needCorpus(t)
	truth, err := eval.LoadTruth(filepath.Join(dir, "truth.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	linker := registry.Linker{Registry: mustRegistry(t, dir), Settings: registry.DefaultSettings}
	var total, autoOK, offered, wrongAuto int
	for _, tf := range truth {
		docs := extract.Analyze(recordedPages(t, tf.File))
		for _, td := range tf.Documents {
			var doc *hoso.ExtractedDocument
			for i := range docs {
				if docs[i].Pages[0] == td.Pages[0] {
					doc = &docs[i]
				}
			}
			if doc == nil {
				total += len(td.StaffIDs)
				continue
			}
			linker.Link(doc)
			for _, l := range doc.Links {
				want := ""
				p := 0
				if l.Person != nil {
					p = *l.Person
				}
				if p < len(td.StaffIDs) {
					want = td.StaffIDs[p]
				}
				if l.Status == hoso.LinkAuto && l.StaffID != want {
					wrongAuto++
					t.Errorf("%s %v person %d: automatic link to %s, want %q", tf.File, td.Pages, p, l.StaffID, want)
				}
			}
			for p, id := range td.StaffIDs {
				total++
				rank := 0
				for _, l := range doc.Links {
					lp := 0
					if l.Person != nil {
						lp = *l.Person
					}
					if lp != p {
						continue
					}
					rank++
					if l.StaffID == id {
						if l.Status == hoso.LinkAuto {
							autoOK++
						} else if rank <= 3 {
							offered++
							t.Logf("%s %v person %d: %s offered as candidate %d (%s)", tf.File, td.Pages, p, id, rank, strings.Join(l.Reasons, ", "))
						}
					}
				}
			}
		}
	}
	autoRate := float64(autoOK) / float64(total)
	t.Logf("true people %d: linked automatically %d (%.3f), offered among the first three %d, wrong automatic links %d",
		total, autoOK, autoRate, offered, wrongAuto)
	if autoRate < 0.95 {
		t.Errorf("automatic link rate %.3f, below 0.95", autoRate)
	}
	if autoOK+offered != total {
		t.Errorf("%d true people neither linked nor offered", total-autoOK-offered)
	}
}
