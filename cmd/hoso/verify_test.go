package main

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"hoso/internal/pdftest"
	"hoso/signer"
)

// TestKeysAndVerify makes development keys with `hoso keys dev`, signs
// with them, and checks `hoso verify`: a valid file passes against the
// CA, a changed byte or a foreign trust bundle fails with a non-zero exit.
func TestKeysAndVerify(t *testing.T) {
	bin := mustBinary(t)
	data := t.TempDir()
	out, err := exec.Command(bin, "keys", "dev", "--data", data).Output()
	if err != nil {
		t.Fatalf("hoso keys dev: %v", err)
	}
	var made map[string]string
	json.Unmarshal(out, &made)
	pass, _ := os.ReadFile(made["password_file"])
	key, err := signer.LoadPKCS12(made["p12"], string(pass))
	if err != nil {
		t.Fatal(err)
	}
	signed, err := signer.Sign(pdftest.TextPDF("QUYET DINH so 3/QD-SNV"), key, signer.Settings{Reason: "test"}, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	good, bad := filepath.Join(dir, "good.pdf"), filepath.Join(dir, "bad.pdf")
	os.WriteFile(good, signed, 0o600)
	tampered := append([]byte(nil), signed...)
	tampered[len(tampered)/4] ^= 1
	os.WriteFile(bad, tampered, 0o600)

	out, err = exec.Command(bin, "verify", "--trust", made["ca"], good).Output()
	var rep signer.Report
	if json.Unmarshal(out, &rep); err != nil || !rep.Valid || len(rep.Signatures) != 1 || !rep.Signatures[0].Trusted {
		t.Errorf("verify a good file: %v %s", err, out)
	}
	if out, err := exec.Command(bin, "verify", "--trust", made["ca"], bad).Output(); err == nil {
		t.Errorf("verify a tampered file exited 0: %s", out)
	}
	other := t.TempDir()
	exec.Command(bin, "keys", "dev", "--data", other).Run()
	if out, err := exec.Command(bin, "verify", "--trust", filepath.Join(other, "keys", signer.DevCAFile), good).Output(); err == nil {
		t.Errorf("verify against a foreign CA exited 0: %s", out)
	}
}
