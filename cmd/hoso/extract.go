package main

import (
	"bufio"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"hoso"
	"hoso/pipeline"
	"hoso/registry"
)

func runExtract(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("extract", flag.ContinueOnError)
	of := addOCRFlags(fs)
	staffFile := fs.String("registry", envString("HOSO_REGISTRY", ""), "staff registry (CSV or XLSX) to link documents to (env HOSO_REGISTRY)")
	unitsFile := fs.String("units", envString("HOSO_UNITS", ""), "unit tree (CSV or XLSX) for linking by unit (env HOSO_UNITS)")
	dumpOCR := fs.String("dump-ocr", "", "also write each file's OCR pages as JSON into this folder (for recorded test data)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() == 0 {
		return fmt.Errorf("no files given")
	}
	if err := of.check(); err != nil {
		return err
	}
	eng, err := of.engine()
	if err != nil {
		return err
	}
	defer eng.Close()
	x := &pipeline.Extractor{Engine: eng}
	if *staffFile != "" {
		reg, err := loadRegistry(*staffFile, *unitsFile)
		if err != nil {
			return err
		}
		x.Linker = registry.Linker{Registry: reg, Settings: registry.DefaultSettings}
	}
	out := bufio.NewWriter(os.Stdout)
	defer out.Flush()
	enc := json.NewEncoder(out)
	enc.SetEscapeHTML(false)
	return x.Run(ctx, fs.Args(), func(r pipeline.FileResult) error {
		if *dumpOCR != "" && r.Error == nil {
			if err := writeOCR(*dumpOCR, r); err != nil {
				return err
			}
		}
		if err := enc.Encode(r); err != nil {
			return err
		}
		return out.Flush()
	})
}

func envInt(key string, def int) int { return int(envInt64(key, int64(def))) }

func envInt64(key string, def int64) int64 {
	var v int64
	if s := os.Getenv(key); s != "" {
		if _, err := fmt.Sscan(s, &v); err == nil {
			return v
		}
	}
	return def
}

// writeOCR saves a file's OCR pages as DIR/<base name>.json.
func writeOCR(dir string, r pipeline.FileResult) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	b, err := json.Marshal(r.OCR)
	if err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, filepath.Base(r.File)+".json"), b, 0o644)
}

func envString(key, def string) string {
	if s := os.Getenv(key); s != "" {
		return s
	}
	return def
}

// loadRegistry reads the staff registry and, when given, the unit tree; bad
// rows are reported on stderr and skipped.
func loadRegistry(staffPath, unitsPath string) (*registry.Registry, error) {
	reg := registry.New()
	var staff []hoso.Staff
	if err := readRegistryFile(staffPath, func(f *os.File) (bad []registry.RowError, err error) {
		staff, bad, err = registry.ReadStaff(f)
		return bad, err
	}); err != nil {
		return nil, err
	}
	reg.Upsert(staff)
	if unitsPath != "" {
		var units []hoso.Unit
		if err := readRegistryFile(unitsPath, func(f *os.File) (bad []registry.RowError, err error) {
			units, bad, err = registry.ReadUnits(f)
			return bad, err
		}); err != nil {
			return nil, err
		}
		reg.SetUnits(units)
	}
	return reg, nil
}

// readRegistryFile opens path, runs read on it and reports its bad rows.
func readRegistryFile(path string, read func(*os.File) ([]registry.RowError, error)) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	bad, err := read(f)
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	for _, b := range bad {
		fmt.Fprintf(os.Stderr, "%s: %v\n", path, b)
	}
	return nil
}
