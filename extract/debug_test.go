package extract

import (
	"encoding/json"
	"fmt"
	"os"
	"testing"

	"hoso"
)

// TestDebugLines prints the lines of a recorded file (HOSO_DEBUG_OCR=path).
func TestDebugLines(t *testing.T) {
	path := os.Getenv("HOSO_DEBUG_OCR")
	if path == "" {
		t.Skip("HOSO_DEBUG_OCR not set")
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var pages []hoso.Page
	if err := json.Unmarshal(b, &pages); err != nil {
		t.Fatal(err)
	}
	for _, p := range pages {
		for _, l := range PageLines(p) {
			fmt.Printf("p%d r%-3d c%d x%.2f y%.2f conf%.2f | %s\n", l.Page, l.Row, l.Column, l.CenterX(), l.Top(), l.Conf(), l.Text)
		}
	}
}
