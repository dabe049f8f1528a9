// Package softhsm makes SoftHSM2 tokens for tests: a real PKCS#11 token
// (Debian softhsm2) in a temporary folder.
package softhsm

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// Module is SoftHSM2's PKCS#11 library as Debian installs it.
const Module = "/usr/lib/softhsm/libsofthsm2.so"

// Token initializes a new token in a temporary folder (SOFTHSM2_CONF is
// set for the test) and returns its label and user PIN. In CI a missing
// SoftHSM2 fails the test.
func Token(tb testing.TB) (label, pin string) {
	tb.Helper()
	if _, err := os.Stat(Module); err != nil {
		if os.Getenv("CI") != "" {
			tb.Fatalf("SoftHSM2 is missing in CI (Debian softhsm2): %v", err)
		}
		tb.Skip("no SoftHSM2 (make deps installs it)")
	}
	dir := tb.TempDir()
	conf := filepath.Join(dir, "softhsm2.conf")
	if err := os.MkdirAll(filepath.Join(dir, "tokens"), 0o700); err != nil {
		tb.Fatal(err)
	}
	if err := os.WriteFile(conf, []byte("directories.tokendir = "+filepath.Join(dir, "tokens")+"\nobjectstore.backend = file\n"), 0o600); err != nil {
		tb.Fatal(err)
	}
	tb.Setenv("SOFTHSM2_CONF", conf)
	if out, err := exec.Command("softhsm2-util", "--init-token", "--free", "--label", "hoso-test", "--pin", "1234", "--so-pin", "5678").CombinedOutput(); err != nil {
		tb.Fatalf("softhsm2-util: %v\n%s", err, out)
	}
	return "hoso-test", "1234"
}
