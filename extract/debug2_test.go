package extract

import (
	"fmt"
	"os"
	"strings"
	"testing"
)

func TestDebugTable(t *testing.T) {
	path := os.Getenv("HOSO_DEBUG_REC")
	if path == "" {
		t.Skip()
	}
	pages := loadRecorded(t, path)
	var lines []Line
	for _, p := range pages {
		lines = append(lines, PageLines(p)...)
	}
	for _, pg := range pagesOf(lines) {
		for i, l := range pg {
			if fuzzyHas(l.Fold, "ho va ten") || strings.HasPrefix(l.Fold, "ho ten") {
				fmt.Println("header line", i, l.Text, l.Box)
				break
			}
		}
		cols := headerColumns(pg)
		fmt.Println("page", pg[0].Page, "cols", cols)
		if cols != nil {
			for _, r := range tableRows(pg, cols) {
				var s []string
				for _, c := range r {
					s = append(s, c.text())
				}
				fmt.Printf("%q\n", s)
			}
		}
	}
}
