package catalog

import (
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"hoso"
)

// testCatalog is the conformance suite both databases pass.
func testCatalog(t *testing.T, d *DB) {
	ctx := context.Background()
	fixed := time.Date(2026, 12, 3, 9, 0, 0, 0, time.UTC)
	d.Now = func() time.Time { return fixed }

	t.Run("files deduplicated by content", func(t *testing.T) {
		f, dup, err := d.CreateFile(ctx, hoso.File{SHA256: "aa11", Name: "scan.pdf", Size: 10, Unit: "HP.SNV"})
		if err != nil || dup || f.ID == "" || f.Status != "received" {
			t.Fatalf("create: %+v %v %v", f, dup, err)
		}
		again, dup, err := d.CreateFile(ctx, hoso.File{SHA256: "aa11", Name: "other-name.pdf", Size: 10})
		if err != nil || !dup || again.ID != f.ID || again.Name != "scan.pdf" {
			t.Fatalf("same bytes again: %+v %v %v", again, dup, err)
		}
		got, err := d.GetFile(ctx, f.ID)
		if err != nil || got.SHA256 != "aa11" || !got.CreatedAt.Equal(fixed) || got.Unit != "HP.SNV" {
			t.Errorf("get: %+v %v", got, err)
		}
	})
	t.Run("status and errors", func(t *testing.T) {
		f, _, err := d.CreateFile(ctx, hoso.File{SHA256: "bb22", Name: "x.tif", Size: 3})
		if err != nil {
			t.Fatal(err)
		}
		if err := d.SetFileStatus(ctx, f.ID, "failed", hoso.EDamagedFile, "the TIFF file is truncated"); err != nil {
			t.Fatal(err)
		}
		got, _ := d.GetFile(ctx, f.ID)
		if got.Status != "failed" || got.ErrorCode != hoso.EDamagedFile || got.ErrorMessage == "" {
			t.Errorf("after failure: %+v", got)
		}
		if err := d.SetFileStatus(ctx, "nope", "ocr", "", ""); hoso.ErrorCode(err) != hoso.ENotFound {
			t.Errorf("unknown file: %v", err)
		}
		if _, err := d.GetFile(ctx, "nope"); hoso.ErrorCode(err) != hoso.ENotFound {
			t.Errorf("get unknown: %v", err)
		}
	})
	t.Run("pages and documents", func(t *testing.T) {
		f, _, err := d.CreateFile(ctx, hoso.File{SHA256: "cc33", Name: "batch.tif", Size: 9})
		if err != nil {
			t.Fatal(err)
		}
		if err := d.SetPageCount(ctx, f.ID, 2, hoso.StatusOCR); err != nil {
			t.Fatal(err)
		}
		p2 := hoso.Page{Number: 2, Width: 10, Height: 20, Words: []hoso.Word{{Text: "Số", Confidence: 0.9}}}
		if done, total, err := d.SavePage(ctx, f.ID, p2); err != nil || done != 1 || total != 2 {
			t.Fatalf("first page: %d/%d %v", done, total, err)
		}
		if done, total, _ := d.SavePage(ctx, f.ID, p2); done != 1 || total != 2 { // a retry
			t.Errorf("the same page again counts twice: %d/%d", done, total)
		}
		if done, total, _ := d.SavePage(ctx, f.ID, hoso.Page{Number: 1}); done != 2 || total != 2 {
			t.Errorf("last page: %d/%d", done, total)
		}
		pages, err := d.LoadPages(ctx, f.ID)
		if err != nil || len(pages) != 2 || pages[0].Number != 1 || pages[1].Words[0].Text != "Số" {
			t.Fatalf("pages: %+v %v", pages, err)
		}
		docs := []hoso.ExtractedDocument{{Pages: []int{1}, DocType: hoso.Diploma}, {Pages: []int{2}, DocType: hoso.Evaluation}}
		for i := 0; i < 2; i++ { // saving twice keeps one copy
			if err := d.SaveDocuments(ctx, f.ID, docs, []string{"needs_review", "approved"}, "needs_review"); err != nil {
				t.Fatal(err)
			}
		}
		got, err := d.FileDocuments(ctx, f.ID)
		if err != nil || len(got) != 2 || got[1].Document.DocType != hoso.Evaluation || got[1].Status != "approved" {
			t.Fatalf("documents: %+v %v", got, err)
		}
		if ff, _ := d.GetFile(ctx, f.ID); ff.Status != "needs_review" {
			t.Errorf("file status %s", ff.Status)
		}
	})
	t.Run("tokens stored hashed", func(t *testing.T) {
		secret, tok, err := d.CreateToken(ctx, "clerk", "HP.SNV")
		if err != nil || !strings.HasPrefix(secret, "hoso_") {
			t.Fatalf("create: %v", err)
		}
		got, err := d.Authenticate(ctx, secret)
		if err != nil || got.ID != tok.ID || got.Role != "clerk" || got.Unit != "HP.SNV" {
			t.Errorf("authenticate: %+v %v", got, err)
		}
		if _, err := d.Authenticate(ctx, secret+"x"); hoso.ErrorCode(err) != hoso.EUnauthorized {
			t.Errorf("a wrong token: %v", err)
		}
		var stored int
		if err := d.db.QueryRowContext(ctx, d.rebind(`SELECT COUNT(*) FROM tokens WHERE hash = ?`), secret).Scan(&stored); err != nil || stored != 0 {
			t.Errorf("the secret itself is stored: %d %v", stored, err)
		}
		if _, _, err := d.CreateToken(ctx, "root", ""); hoso.ErrorCode(err) != hoso.EInvalid {
			t.Errorf("unknown role: %v", err)
		}
	})
}

func TestSQLite(t *testing.T) {
	path := filepath.Join(t.TempDir(), "hoso.db")
	d, err := Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	testCatalog(t, d)
	d.Close()
	// Opening again applies no migration twice.
	d, err = Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	d.Close()
}

func TestPostgres(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a PostgreSQL server")
	}
	d, err := Open(context.Background(), MustPostgres(t))
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	testCatalog(t, d)
}

// MustPostgres starts a private PostgreSQL server (Debian's postgresql
// package) in a temporary folder on a free port and returns the URL of a
// fresh database. As root it runs the server as the postgres user, which
// PostgreSQL requires. In CI a missing server fails the test.
func MustPostgres(tb testing.TB) string {
	tb.Helper()
	bins, _ := filepath.Glob("/usr/lib/postgresql/*/bin/initdb")
	if len(bins) == 0 {
		if os.Getenv("CI") != "" {
			tb.Fatal("PostgreSQL is not installed (make deps)")
		}
		tb.Skip("PostgreSQL is not installed")
	}
	binDir := filepath.Dir(bins[len(bins)-1])
	dir, err := os.MkdirTemp("", "hoso-pg-*")
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { os.RemoveAll(dir) })
	os.Chmod(dir, 0o755)
	var asUser []string
	if os.Geteuid() == 0 {
		u, err := user.Lookup("postgres")
		if err != nil {
			tb.Fatal(err)
		}
		uid, _ := strconv.Atoi(u.Uid)
		gid, _ := strconv.Atoi(u.Gid)
		if err := os.Chown(dir, uid, gid); err != nil {
			tb.Fatal(err)
		}
		asUser = []string{"runuser", "-u", "postgres", "--"}
	}
	run := func(args ...string) *exec.Cmd {
		all := append(append([]string{}, asUser...), args...)
		return exec.Command(all[0], all[1:]...)
	}
	data := filepath.Join(dir, "data")
	if out, err := run(filepath.Join(binDir, "initdb"), "-D", data, "-A", "trust", "-U", "hoso", "-E", "UTF8").CombinedOutput(); err != nil {
		tb.Fatalf("initdb: %v\n%s", err, out)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	srv := run(filepath.Join(binDir, "postgres"), "-D", data, "-p", strconv.Itoa(port), "-k", dir, "-c", "listen_addresses=127.0.0.1", "-c", "fsync=off")
	// Its own process group: runuser passes no signal on, so the shutdown
	// (SIGINT: fast) goes to the whole group.
	srv.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := srv.Start(); err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() {
		syscall.Kill(-srv.Process.Pid, syscall.SIGINT)
		done := make(chan struct{})
		go func() { srv.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(15 * time.Second):
			syscall.Kill(-srv.Process.Pid, syscall.SIGKILL)
			<-done
		}
	})
	base := fmt.Sprintf("postgres://hoso@127.0.0.1:%d", port)
	deadline := time.Now().Add(30 * time.Second)
	for {
		d, err := Open(context.Background(), base+"/postgres?sslmode=disable")
		if err == nil {
			name := fmt.Sprintf("hoso_test_%d", time.Now().UnixNano())
			_, err = d.db.Exec("CREATE DATABASE " + name)
			d.Close()
			if err != nil {
				tb.Fatal(err)
			}
			return base + "/" + name + "?sslmode=disable"
		}
		if time.Now().After(deadline) {
			tb.Fatalf("postgres did not start: %v", err)
		}
		time.Sleep(200 * time.Millisecond)
	}
}
