package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"hoso/catalog"
)

// dataFlags are the settings every process that touches the catalog takes.
type dataFlags struct {
	data, databaseURL *string
}

func addDataFlags(fs *flag.FlagSet) dataFlags {
	return dataFlags{
		data:        fs.String("data", envString("HOSO_DATA", "./var"), "data folder: SQLite file, objects, dev keys (env HOSO_DATA)"),
		databaseURL: fs.String("database-url", envString("DATABASE_URL", ""), "postgres://... for PostgreSQL; default SQLite under the data folder (env DATABASE_URL)"),
	}
}

func (f dataFlags) openCatalog(ctx context.Context) (*catalog.DB, error) {
	url := *f.databaseURL
	if url == "" {
		if err := os.MkdirAll(*f.data, 0o750); err != nil {
			return nil, err
		}
		url = filepath.Join(*f.data, "hoso.db")
	}
	return catalog.Open(ctx, url)
}

// runToken: hoso token create --role ROLE [--unit CODE]
func runToken(ctx context.Context, args []string) error {
	if len(args) == 0 || args[0] != "create" {
		return fmt.Errorf("usage: hoso token create --role admin|clerk|reviewer|sync [--unit CODE]")
	}
	fs := flag.NewFlagSet("token create", flag.ContinueOnError)
	df := addDataFlags(fs)
	role := fs.String("role", "", "admin, clerk, reviewer or sync")
	unit := fs.String("unit", "", "the unit a clerk or reviewer works for")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	if (*role == "clerk" || *role == "reviewer") && *unit == "" {
		return fmt.Errorf("a %s token needs --unit", *role)
	}
	db, err := df.openCatalog(ctx)
	if err != nil {
		return err
	}
	defer db.Close()
	secret, _, err := db.CreateToken(ctx, *role, *unit)
	if err != nil {
		return err
	}
	fmt.Println(secret)
	return nil
}
