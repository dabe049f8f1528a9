package main

import (
	"context"
	"flag"
	"fmt"
	"os"

	"hoso"
	"hoso/registry"
)

// runStaff: hoso staff import FILE (CSV or XLSX export of the HR system).
func runStaff(ctx context.Context, args []string) error {
	return runImport(ctx, "staff", args, func(ctx context.Context, df dataFlags, path string) (string, error) {
		var staff []hoso.Staff
		if err := readRegistryFile(path, func(f *os.File) (bad []registry.RowError, err error) {
			staff, bad, err = registry.ReadStaff(f)
			return bad, err
		}); err != nil {
			return "", err
		}
		db, err := df.openCatalog(ctx)
		if err != nil {
			return "", err
		}
		defer db.Close()
		added, err := db.UpsertStaff(ctx, staff)
		if err != nil {
			return "", err
		}
		return fmt.Sprintf("%d people imported (%d new, %d updated)", len(staff), added, len(staff)-added), nil
	})
}

// runUnits: hoso units import FILE (the unit tree).
func runUnits(ctx context.Context, args []string) error {
	return runImport(ctx, "units", args, func(ctx context.Context, df dataFlags, path string) (string, error) {
		var units []hoso.Unit
		if err := readRegistryFile(path, func(f *os.File) (bad []registry.RowError, err error) {
			units, bad, err = registry.ReadUnits(f)
			return bad, err
		}); err != nil {
			return "", err
		}
		db, err := df.openCatalog(ctx)
		if err != nil {
			return "", err
		}
		defer db.Close()
		if err := db.UpsertUnits(ctx, units); err != nil {
			return "", err
		}
		return fmt.Sprintf("%d units imported", len(units)), nil
	})
}

// runImport parses "import [data flags] FILE" and runs do on FILE. Bad rows
// are reported and skipped; running workers pick the import up by
// themselves.
func runImport(ctx context.Context, what string, args []string, do func(context.Context, dataFlags, string) (string, error)) error {
	if len(args) == 0 || args[0] != "import" {
		return fmt.Errorf("usage: hoso %s import [--data DIR | --database-url URL] FILE.csv|FILE.xlsx", what)
	}
	fs := flag.NewFlagSet(what+" import", flag.ContinueOnError)
	df := addDataFlags(fs)
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return fmt.Errorf("usage: hoso %s import [--data DIR | --database-url URL] FILE.csv|FILE.xlsx", what)
	}
	msg, err := do(ctx, df, fs.Arg(0))
	if err != nil {
		return err
	}
	fmt.Println(msg)
	return nil
}
