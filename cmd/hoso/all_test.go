package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"mime/multipart"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"hoso/catalog"
	"hoso/internal/testsvc"
)

// TestWorkerNeedsRedis: a worker must share the API's queue.
func TestWorkerNeedsRedis(t *testing.T) {
	bin := mustBinary(t)
	if err := exec.Command(bin, "worker", "--data", t.TempDir()).Run(); err == nil {
		t.Error("a worker without --redis-url started (it would have a queue of its own)")
	}
}

func waitHealthy(t testing.TB, base string, stderr *bytes.Buffer) {
	t.Helper()
	for i := 0; ; i++ {
		if resp, err := http.Get(base + "/readyz"); err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				return
			}
		}
		if i > 200 {
			t.Fatalf("the API did not start:\n%s", stderr.String())
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func clerkToken(t *testing.T, bin, data string) string {
	t.Helper()
	tok, err := exec.Command(bin, "token", "create", "--data", data, "--role", "clerk", "--unit", "HP.STP").Output()
	if err != nil {
		t.Fatal(err)
	}
	return strings.TrimSpace(string(tok))
}

func uploadScan(t *testing.T, base, token, path string) string {
	t.Helper()
	scan, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	fw, _ := mw.CreateFormFile("file", filepath.Base(path))
	fw.Write(scan)
	mw.Close()
	req, _ := http.NewRequest("POST", base+"/api/v1/files", &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var up map[string]any
	json.NewDecoder(resp.Body).Decode(&up)
	if resp.StatusCode != http.StatusAccepted {
		t.Fatalf("upload: %d %v", resp.StatusCode, up)
	}
	return up["id"].(string)
}

func waitProcessed(t *testing.T, base, token, id string, stderr *bytes.Buffer) {
	t.Helper()
	deadline := time.Now().Add(3 * time.Minute)
	for {
		req, _ := http.NewRequest("GET", fmt.Sprintf("%s/api/v1/files/%s", base, id), nil)
		req.Header.Set("Authorization", "Bearer "+token)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		var f map[string]any
		json.NewDecoder(resp.Body).Decode(&f)
		resp.Body.Close()
		if f["status"] == "needs_review" || f["status"] == "approved" {
			return
		}
		if f["status"] == "failed" || time.Now().After(deadline) {
			t.Fatalf("file: %v\n%s", f, stderr.String())
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// TestWorkerKilled kills a worker with SIGKILL in the middle of OCR: its
// task comes back (asynq's lease runs out) to the worker started after it,
// and the file ends with its documents, once each.
func TestWorkerKilled(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the service; waits for a lease to expire")
	}
	bin := mustBinary(t)
	redis := "redis://" + testsvc.Redis(t)
	data := t.TempDir()
	addr := freeAddr(t)
	var stderr bytes.Buffer
	start := func(args ...string) *exec.Cmd {
		p := exec.Command(bin, append(args, "--data", data, "--redis-url", redis)...)
		p.Stderr = &stderr
		if err := p.Start(); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { p.Process.Kill(); p.Wait() })
		return p
	}
	start("serve", "--addr", addr)
	victim := start("worker", "--workers", "1")
	base := "http://" + addr
	waitHealthy(t, base, &stderr)
	token := clerkToken(t, bin, data)
	id := uploadScan(t, base, token, filepath.Join(corpus, "scans", "cfa6ff3b.pdf"))
	// Let it get into OCR, then kill it mid-page.
	time.Sleep(2500 * time.Millisecond)
	victim.Process.Kill()
	victim.Wait()
	start("worker", "--workers", "2")
	waitProcessed(t, base, token, id, &stderr)

	db, err := catalog.Open(context.Background(), filepath.Join(data, "hoso.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	docs, err := db.FileDocuments(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	var pages []int
	for _, d := range docs {
		pages = append(pages, d.Document.Pages...)
	}
	if len(docs) != 4 || fmt.Sprint(pages) != "[1 2 3 4 5]" {
		t.Errorf("after the kill: %d documents over pages %v, want 4 over [1 2 3 4 5]", len(docs), pages)
	}
}

// freeAddr returns a loopback address nothing listens on.
func freeAddr(t testing.TB) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}
