package main

import (
	"flag"
	"fmt"
	"runtime"
	"strings"

	"hoso/ocr"
)

// ocrFlags are the OCR settings and file limits of every subcommand that
// reads scans (extract, all, worker) or takes them (serve: the file size).
type ocrFlags struct {
	workers, maxPages, maxMP, psm *int
	maxMB                         *int64
	langs                         *string
}

func addOCRFlags(fs *flag.FlagSet) ocrFlags {
	return ocrFlags{
		workers:  fs.Int("workers", envInt("HOSO_WORKERS", runtime.NumCPU()), "OCR engines (pages read at once) (env HOSO_WORKERS)"),
		maxMB:    fs.Int64("max-file-mb", envInt64("HOSO_MAX_FILE_MB", ocr.DefaultLimits.MaxFileBytes>>20), "largest file accepted, in MB (env HOSO_MAX_FILE_MB)"),
		maxPages: fs.Int("max-pages", envInt("HOSO_MAX_PAGES", ocr.DefaultLimits.MaxPages), "most pages in one file (env HOSO_MAX_PAGES)"),
		maxMP:    fs.Int("max-page-megapixels", envInt("HOSO_MAX_PAGE_MEGAPIXELS", ocr.DefaultLimits.MaxPagePixels/1_000_000), "largest page image, in megapixels (env HOSO_MAX_PAGE_MEGAPIXELS)"),
		psm:      fs.Int("psm", envInt("HOSO_OCR_PSM", 3), "Tesseract page segmentation mode for pages (env HOSO_OCR_PSM)"),
		langs:    fs.String("lang", envString("HOSO_OCR_LANG", "vie"), "Tesseract languages, joined by + (env HOSO_OCR_LANG)"),
	}
}

func (f ocrFlags) check() error {
	if *f.workers < 1 {
		return fmt.Errorf("--workers must be at least 1")
	}
	if *f.maxMB < 1 || *f.maxPages < 1 || *f.maxMP < 1 {
		return fmt.Errorf("--max-file-mb, --max-pages and --max-page-megapixels must be at least 1")
	}
	return nil
}

func (f ocrFlags) limits() ocr.Limits {
	return ocr.Limits{MaxFileBytes: *f.maxMB << 20, MaxPages: *f.maxPages, MaxPagePixels: *f.maxMP * 1_000_000}
}

// engine starts the OCR engines.
func (f ocrFlags) engine() (*ocr.Engine, error) {
	return ocr.NewEngine(ocr.Options{Workers: *f.workers, PageSegMode: *f.psm,
		Languages: strings.Split(*f.langs, "+"), Limits: f.limits()})
}
