package eval

import (
	"compress/gzip"
	"encoding/json"
	"fmt"
	"os"

	"hoso"
)

// LoadRecordedPages reads the OCR pages recorded for a scan (`make
// record-ocr`: gzipped JSON of []hoso.Page), so that analysis and linking
// are tested without running Tesseract.
func LoadRecordedPages(path string) ([]hoso.Page, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	var pages []hoso.Page
	if err := json.NewDecoder(zr).Decode(&pages); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return pages, nil
}
