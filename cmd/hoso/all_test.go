package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"mime/multipart"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestAllEmbedded runs `hoso all` on embedded defaults (SQLite, a folder,
// a private redis-server), uploads a scan with a clerk's token and waits
// for the file to come out of the pipeline; then stops it with SIGTERM.
func TestAllEmbedded(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the service")
	}
	if _, err := os.Stat(corpus); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("the corpus is missing in CI: %v", err)
		}
		t.Skip("no corpus")
	}
	if _, err := exec.LookPath("redis-server"); err != nil {
		t.Fatalf("redis-server is needed (make deps): %v", err)
	}
	bin := filepath.Join(t.TempDir(), "hoso")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	data := t.TempDir()
	l, _ := net.Listen("tcp", "127.0.0.1:0")
	addr := l.Addr().String()
	l.Close()
	var stderr bytes.Buffer
	srv := exec.Command(bin, "all", "--data", data, "--addr", addr, "--workers", "2")
	srv.Stderr = &stderr
	if err := srv.Start(); err != nil {
		t.Fatal(err)
	}
	defer srv.Process.Kill()
	base := "http://" + addr
	for i := 0; ; i++ {
		if resp, err := http.Get(base + "/healthz"); err == nil {
			resp.Body.Close()
			break
		}
		if i > 200 {
			t.Fatalf("hoso all did not start:\n%s", stderr.String())
		}
		time.Sleep(100 * time.Millisecond)
	}
	tok, err := exec.Command(bin, "token", "create", "--data", data, "--role", "clerk", "--unit", "HP.STP").Output()
	if err != nil {
		t.Fatal(err)
	}
	token := strings.TrimSpace(string(tok))

	scan, err := os.ReadFile(filepath.Join(corpus, "scans", "1c7604f6.png"))
	if err != nil {
		t.Fatal(err)
	}
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	fw, _ := mw.CreateFormFile("file", "1c7604f6.png")
	fw.Write(scan)
	mw.Close()
	req, _ := http.NewRequest("POST", base+"/api/v1/files", &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var up map[string]any
	json.NewDecoder(resp.Body).Decode(&up)
	resp.Body.Close()
	if resp.StatusCode != http.StatusAccepted {
		t.Fatalf("upload: %d %v", resp.StatusCode, up)
	}
	deadline := time.Now().Add(2 * time.Minute)
	for {
		req, _ := http.NewRequest("GET", fmt.Sprintf("%s/api/v1/files/%s", base, up["id"]), nil)
		req.Header.Set("Authorization", "Bearer "+token)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		var f map[string]any
		json.NewDecoder(resp.Body).Decode(&f)
		resp.Body.Close()
		if f["status"] == "needs_review" || f["status"] == "approved" {
			break
		}
		if f["status"] == "failed" || time.Now().After(deadline) {
			t.Fatalf("file: %v\n%s", f, stderr.String())
		}
		time.Sleep(200 * time.Millisecond)
	}
	srv.Process.Signal(syscall.SIGTERM)
	done := make(chan error, 1)
	go func() { done <- srv.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("shutdown: %v\n%s", err, stderr.String())
		}
	case <-time.After(40 * time.Second):
		t.Error("hoso all did not stop on SIGTERM")
	}
}
