package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
)

const corpus = "../../../shared/corpus"

// TestExtractCommand runs the built binary as a user would and checks the
// JSON Lines contract: one object per file, in argument order, errors in
// place, the command going on after a bad file.
func TestExtractCommand(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary and runs OCR")
	}
	if _, err := os.Stat(corpus); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("the corpus is missing in CI: %v", err)
		}
		t.Skip("no corpus")
	}
	bin := mustBinary(t)
	files := []string{
		filepath.Join(corpus, "scans", "1c7604f6.png"),
		filepath.Join(corpus, "bad", "web_page.pdf"),
		filepath.Join(corpus, "scans", "39b141a3.pdf"),
	}
	cmd := exec.Command(bin, append([]string{"extract", "--registry", filepath.Join(corpus, "staff.csv"),
		"--units", filepath.Join(corpus, "units.csv")}, files...)...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("hoso extract: %v\n%s", err, stderr.String())
	}
	var results []map[string]any
	sc := bufio.NewScanner(bytes.NewReader(out))
	sc.Buffer(make([]byte, 1<<20), 16<<20)
	for sc.Scan() {
		var r map[string]any
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			t.Fatalf("line %d is not JSON: %v", len(results)+1, err)
		}
		results = append(results, r)
	}
	if len(results) != len(files) {
		t.Fatalf("%d lines for %d files", len(results), len(files))
	}
	for i, r := range results {
		if r["file"] != files[i] {
			t.Errorf("line %d is for %v, want %s", i+1, r["file"], files[i])
		}
		for _, k := range []string{"sha256", "pages", "documents", "error"} {
			if _, ok := r[k]; !ok {
				t.Errorf("line %d has no %q", i+1, k)
			}
		}
	}
	if e, _ := results[1]["error"].(map[string]any); e == nil || e["code"] != "unsupported_type" || len(results[1]["documents"].([]any)) != 0 {
		t.Errorf("the HTML file: %v", results[1]["error"])
	}
	docs, _ := results[2]["documents"].([]any)
	if results[2]["error"] != nil || len(docs) != 4 || results[2]["pages"] != float64(5) {
		t.Fatalf("the 5-page batch: error %v, %d documents", results[2]["error"], len(docs))
	}
	first := docs[0].(map[string]any)
	if first["doc_type"] != "certificate" {
		t.Errorf("first document is %v", first["doc_type"])
	}
	fields := first["fields"].(map[string]any)
	name, _ := fields["person_name"].(map[string]any)
	if name == nil || name["value"] != "Vũ Thị Châm" || name["confidence"].(float64) <= 0 || len(name["box"].([]any)) != 4 {
		t.Errorf("person_name field: %v", name)
	}
	// Linked to the registry: the certificate's holder, automatically.
	links, _ := first["links"].([]any)
	if len(links) != 1 || links[0].(map[string]any)["staff_id"] != "HP075041" || links[0].(map[string]any)["status"] != "auto" {
		t.Errorf("links: %v", links)
	}
	// The official letter concerns nobody.
	if l, _ := docs[3].(map[string]any)["links"].([]any); len(l) != 0 {
		t.Errorf("the letter has links: %v", l)
	}
}

func TestTokenCommand(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin := mustBinary(t)
	data := t.TempDir()
	out, err := exec.Command(bin, "token", "create", "--data", data, "--role", "clerk", "--unit", "HP.SNV").Output()
	if err != nil || !bytes.HasPrefix(out, []byte("hoso_")) {
		t.Fatalf("token create: %q %v", out, err)
	}
	if err := exec.Command(bin, "token", "create", "--data", data, "--role", "clerk").Run(); err == nil {
		t.Error("a clerk token without a unit was created")
	}
	if err := exec.Command(bin, "token", "create", "--data", data, "--role", "root").Run(); err == nil {
		t.Error("a token with an unknown role was created")
	}
}

var (
	binOnce sync.Once
	binPath string
	binErr  error
)

// mustBinary builds the hoso binary once for the package's tests.
func mustBinary(tb testing.TB) string {
	tb.Helper()
	binOnce.Do(func() {
		dir, err := os.MkdirTemp("", "hoso-bin-*")
		if err != nil {
			binErr = err
			return
		}
		binPath = filepath.Join(dir, "hoso")
		if out, err := exec.Command("go", "build", "-o", binPath, ".").CombinedOutput(); err != nil {
			binErr = fmt.Errorf("build: %v\n%s", err, out)
		}
	})
	if binErr != nil {
		tb.Fatal(binErr)
	}
	return binPath
}

func TestMain(m *testing.M) {
	code := m.Run()
	if binPath != "" {
		os.RemoveAll(filepath.Dir(binPath))
	}
	os.Exit(code)
}
