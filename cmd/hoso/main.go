// Command hoso turns scanned personnel documents into signed, searchable,
// correctly filed digital records. One binary, many subcommands:
//
//	hoso extract [--registry staff.csv] FILE...   read files in-process, print JSON Lines
//	hoso version
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"runtime/debug"
	"syscall"

	"hoso/ocr"
)

type command struct {
	name, usage string
	run         func(ctx context.Context, args []string) error
}

func commands() []command {
	return []command{
		{"extract", "[--registry staff.csv] FILE...  read scans without a server and print one JSON object per file", runExtract},
		{"all", "[--data DIR] [--addr HOST:PORT] [--redis-url URL] [--database-url URL] [--auto-approve off|confident|all]  API and workers in one process", runAll},
		{"serve", "[service flags]  the API only (workers elsewhere, same Redis, database and storage)", runServe},
		{"worker", "[service flags]  the pipeline's workers only", runWorker},
		{"staff", "import [--data DIR | --database-url URL] FILE.csv|FILE.xlsx  import the staff registry into the catalog", runStaff},
		{"units", "import [--data DIR | --database-url URL] FILE.csv|FILE.xlsx  import the unit tree into the catalog", runUnits},
		{"upload", "[--server URL] [--token T] [--unit CODE] [--jobs N] DIR|FILE...  send scans to a hoso server", runUpload},
		{"token", "create --role admin|clerk|reviewer|sync [--unit CODE]  print a new API token (stored hashed)", runToken},
		{"keys", "dev [--data DIR] [--unit CODE]  make development signing keys (NOT for production)", runKeys},
		{"verify", "[--trust bundle.pem] FILE...  check the signatures of PDFs, print a JSON report per file", runVerify},
		{"version", "print the version", func(context.Context, []string) error { fmt.Println(version); return nil }},
	}
}

const version = "0.1.0"

func main() {
	// Tesseract must run one OpenMP thread per engine; this may re-execute
	// the process with OMP_THREAD_LIMIT=1.
	ocr.SingleThreaded()
	// Page images are large and short-lived: collect them early rather than
	// let the heap grow to twice what is live (GOGC still overrides).
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(25)
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if len(os.Args) < 2 {
		usage()
		os.Exit(2)
	}
	for _, c := range commands() {
		if c.name == os.Args[1] {
			if err := c.run(ctx, os.Args[2:]); err != nil {
				fmt.Fprintln(os.Stderr, "hoso "+c.name+":", err)
				os.Exit(1)
			}
			return
		}
	}
	usage()
	os.Exit(2)
}

func usage() {
	fmt.Fprintln(os.Stderr, "usage: hoso COMMAND [flags] [args]")
	for _, c := range commands() {
		fmt.Fprintf(os.Stderr, "  hoso %s %s\n", c.name, c.usage)
	}
}
