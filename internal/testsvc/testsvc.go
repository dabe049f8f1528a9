// Package testsvc starts the real services integration tests run against —
// Redis, PostgreSQL, MinIO — each private to the test, on a free loopback
// port, stopped when the test ends. In CI (CI set) a service that cannot be
// found fails the test; elsewhere the test is skipped.
package testsvc

import (
	"database/sql"
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

	_ "github.com/jackc/pgx/v5/stdlib" // PostgreSQL, to create test databases
)

// missing fails in CI and skips elsewhere.
func missing(tb testing.TB, what string) {
	tb.Helper()
	if os.Getenv("CI") != "" {
		tb.Fatalf("%s is missing (make deps / make tools)", what)
	}
	tb.Skipf("%s is missing", what)
}

// freeAddr returns a loopback address no one listens on.
func freeAddr(tb testing.TB) *net.TCPAddr {
	tb.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr)
}

// start runs cmd in its own process group and stops the group when the test
// ends: SIGINT, then SIGKILL after 15 seconds.
func start(tb testing.TB, cmd *exec.Cmd) {
	tb.Helper()
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() {
		syscall.Kill(-cmd.Process.Pid, syscall.SIGINT)
		done := make(chan struct{})
		go func() { cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(15 * time.Second):
			syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
			<-done
		}
	})
}

// waitTCP waits until addr accepts connections.
func waitTCP(tb testing.TB, addr, what string) {
	tb.Helper()
	for i := 0; i < 300; i++ {
		if c, err := net.Dial("tcp", addr); err == nil {
			c.Close()
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
	tb.Fatalf("%s did not start on %s", what, addr)
}

// Redis starts a redis-server and returns its host:port.
func Redis(tb testing.TB) string {
	tb.Helper()
	bin, err := exec.LookPath("redis-server")
	if err != nil {
		missing(tb, "redis-server")
	}
	addr := freeAddr(tb).String()
	_, port, _ := net.SplitHostPort(addr)
	start(tb, exec.Command(bin, "--port", port, "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", tb.TempDir()))
	waitTCP(tb, addr, "redis-server")
	return addr
}

// MinIO starts a MinIO server and returns its host:port and credentials.
func MinIO(tb testing.TB) (endpoint, accessKey, secretKey string) {
	tb.Helper()
	bin := os.Getenv("HOSO_MINIO")
	if bin == "" {
		if p, err := exec.LookPath("minio"); err == nil {
			bin = p
		} else if out, err := exec.Command("go", "env", "GOPATH").Output(); err == nil {
			p := filepath.Join(strings.TrimSpace(string(out)), "bin", "minio")
			if _, err := os.Stat(p); err == nil {
				bin = p
			}
		}
	}
	if bin == "" {
		missing(tb, "the minio binary")
	}
	addr := freeAddr(tb).String()
	cmd := exec.Command(bin, "server", "--quiet", "--address", addr, "--console-address", "127.0.0.1:0", tb.TempDir())
	cmd.Env = append(os.Environ(), "MINIO_ROOT_USER=hosotest", "MINIO_ROOT_PASSWORD=hosotest-secret", "MINIO_BROWSER=off")
	start(tb, cmd)
	waitTCP(tb, addr, "minio")
	return addr, "hosotest", "hosotest-secret"
}

// Postgres starts a PostgreSQL server (Debian's postgresql package) with
// trust authentication for the user hoso and returns the URL of its
// "postgres" database. As root it runs the server as the postgres user,
// which PostgreSQL requires.
func Postgres(tb testing.TB) string {
	tb.Helper()
	bins, _ := filepath.Glob("/usr/lib/postgresql/*/bin/initdb")
	if len(bins) == 0 {
		missing(tb, "PostgreSQL")
	}
	binDir := filepath.Dir(bins[len(bins)-1])
	dir, err := os.MkdirTemp("", "hoso-pg-*") // outside the test's 0700 folders
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
	command := func(args ...string) *exec.Cmd {
		all := append(append([]string{}, asUser...), args...)
		return exec.Command(all[0], all[1:]...)
	}
	data := filepath.Join(dir, "data")
	if out, err := command(filepath.Join(binDir, "initdb"), "-D", data, "-A", "trust", "-U", "hoso", "-E", "UTF8").CombinedOutput(); err != nil {
		tb.Fatalf("initdb: %v\n%s", err, out)
	}
	addr := freeAddr(tb)
	start(tb, command(filepath.Join(binDir, "postgres"), "-D", data, "-p", strconv.Itoa(addr.Port), "-k", dir,
		"-c", "listen_addresses=127.0.0.1", "-c", "fsync=off"))
	waitTCP(tb, addr.String(), "postgres")
	return fmt.Sprintf("postgres://hoso@%s/postgres?sslmode=disable", addr)
}

// PostgresDB starts a PostgreSQL server and returns the URL of a fresh
// database on it.
func PostgresDB(tb testing.TB) string {
	tb.Helper()
	base := Postgres(tb)
	name := fmt.Sprintf("hoso_test_%d", time.Now().UnixNano())
	for i := 0; ; i++ {
		db, err := sql.Open("pgx", base)
		if err == nil {
			_, err = db.Exec("CREATE DATABASE " + name)
			db.Close()
		}
		if err == nil {
			return strings.Replace(base, "/postgres?", "/"+name+"?", 1)
		}
		if i > 100 { // the port answers before the server takes logins
			tb.Fatalf("postgres: %v", err)
		}
		time.Sleep(100 * time.Millisecond)
	}
}
