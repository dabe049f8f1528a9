package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"syscall"
	"testing"
	"time"

	"hoso"
	"hoso/extract"
	"hoso/internal/eval"
	"hoso/internal/pdftest"
	"hoso/internal/testsvc"
	"hoso/pipeline"
	"hoso/registry"
	"hoso/signer"
)

// service is a running hoso: its processes, their shared settings and
// what they print.
type service struct {
	t      testing.TB
	bin    string
	base   string
	env    []string // settings every process and command gets
	stderr *bytes.Buffer
	procs  []*exec.Cmd
}

func (s *service) command(args ...string) *exec.Cmd {
	c := exec.Command(s.bin, args...)
	c.Env = append(os.Environ(), s.env...)
	return c
}

func (s *service) start(args ...string) {
	p := s.command(args...)
	p.Stderr = s.stderr
	if err := p.Start(); err != nil {
		s.t.Fatal(err)
	}
	s.t.Cleanup(func() { p.Process.Kill(); p.Wait() })
	s.procs = append(s.procs, p)
}

// stop sends SIGTERM: every process must end cleanly, and soon.
func (s *service) stop() {
	for _, p := range s.procs {
		p.Process.Signal(syscall.SIGTERM)
	}
	for _, p := range s.procs {
		done := make(chan error, 1)
		go func() { done <- p.Wait() }()
		select {
		case err := <-done:
			if err != nil {
				s.t.Errorf("%s: shutdown: %v", strings.Join(p.Args[1:2], ""), err)
			}
		case <-time.After(40 * time.Second):
			s.t.Errorf("%s did not stop on SIGTERM", strings.Join(p.Args[1:2], ""))
		}
	}
}

// TestCorpusOnServices runs the whole dev corpus through `hoso serve` and
// two `hoso worker` processes on PostgreSQL, MinIO and Redis.
func TestCorpusOnServices(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the service over the corpus")
	}
	needCorpus(t)
	endpoint, access, secret := testsvc.MinIO(t)
	s := &service{t: t, bin: mustBinary(t), base: "http://" + freeAddr(t), stderr: &bytes.Buffer{}, env: []string{
		"HOSO_DATA=" + t.TempDir(),
		"DATABASE_URL=" + testsvc.PostgresDB(t),
		"REDIS_URL=redis://" + testsvc.Redis(t),
		"S3_ENDPOINT=" + endpoint, "S3_ACCESS_KEY=" + access, "S3_SECRET_KEY=" + secret, "S3_BUCKET=hoso-e2e",
	}}
	s.start("serve", "--addr", strings.TrimPrefix(s.base, "http://"))
	s.start("worker", "--workers", "1")
	s.start("worker", "--workers", "1")
	runCorpus(t, s)
}

// TestCorpusEmbedded runs the whole dev corpus through `hoso all` on its
// embedded defaults (SQLite, a folder, a private redis-server).
func TestCorpusEmbedded(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the service over the corpus")
	}
	needCorpus(t)
	s := &service{t: t, bin: mustBinary(t), base: "http://" + freeAddr(t), stderr: &bytes.Buffer{},
		env: []string{"HOSO_DATA=" + t.TempDir(), "REDIS_URL=", "DATABASE_URL=", "S3_ENDPOINT="}}
	s.start("all", "--addr", strings.TrimPrefix(s.base, "http://"), "--workers", "2")
	runCorpus(t, s)
}

func needCorpus(t *testing.T) {
	if _, err := os.Stat(filepath.Join(corpus, "truth.jsonl")); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("the corpus is missing in CI: %v", err)
		}
		t.Skip("no corpus")
	}
}

// runCorpus imports the registry, uploads the corpus with `hoso upload`,
// waits for every file and checks it against what the in-process engine
// finds (OCR recorded from the same scans), then uploads again: nothing is
// sent twice.
func runCorpus(t *testing.T, s *service) {
	waitHealthy(t, s.base, s.stderr)
	for _, what := range []string{"staff", "units"} {
		if out, err := s.command(what, "import", filepath.Join(corpus, what+".csv")).CombinedOutput(); err != nil {
			t.Fatalf("%s import: %v\n%s", what, err, out)
		}
	}
	tok, err := s.command("token", "create", "--role", "admin").Output()
	if err != nil {
		t.Fatal(err)
	}
	token := strings.TrimSpace(string(tok))

	results := uploadCorpus(t, s, token)
	truth, err := eval.LoadTruth(filepath.Join(corpus, "truth.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	byPath := map[string]uploadResult{}
	for _, r := range results {
		rel, _ := filepath.Rel(corpus, r.Path)
		byPath[rel] = r
	}
	if len(byPath) != len(truth)+4 {
		t.Fatalf("%d results for %d scans and 4 bad files", len(byPath), len(truth))
	}
	if r := byPath["bad/zero_byte.pdf"]; r.Outcome != "failed" || !strings.Contains(r.Error, hoso.EEmptyFile) {
		t.Errorf("the empty file: %+v", r)
	}

	reg := loadCorpusRegistry(t)
	linker := registry.Linker{Registry: reg, Settings: registry.DefaultSettings}
	deadline := time.Now().Add(10 * time.Minute)
	for _, tf := range truth {
		r := byPath[tf.File]
		f := waitFinal(t, s, token, r.ID, deadline)
		pages, err := eval.LoadRecordedPages(filepath.Join("../../extract/testdata/ocr", filepath.Base(tf.File)+".json.gz"))
		if err != nil {
			t.Fatal(err)
		}
		want := extract.Analyze(pages)
		wantFile := "approved"
		for i := range want {
			linker.Link(&want[i])
			if pipeline.ApproveStatus(want[i], "confident") != "approved" {
				wantFile = "needs_review"
			}
		}
		if f.Status != wantFile {
			t.Errorf("%s: %s, want %s", tf.File, f.Status, wantFile)
		}
		if len(f.Documents) != len(want) {
			t.Errorf("%s: %d documents, want %d", tf.File, len(f.Documents), len(want))
			continue
		}
		for i, got := range f.Documents {
			w := want[i]
			wantStatus := pipeline.ApproveStatus(w, "confident")
			if wantStatus == hoso.StatusApproved && (got.Status == hoso.StatusSealing || got.Status == hoso.StatusSigned) {
				wantStatus = got.Status // on its way to the feed: checked below
			}
			gf, _ := json.Marshal(got.Fields)
			wf, _ := json.Marshal(w.Fields)
			if got.DocType != w.DocType || !reflect.DeepEqual(got.Pages, w.Pages) || string(gf) != string(wf) ||
				got.Status != wantStatus || linkList(got.Links) != linkList(w.Links) {
				t.Errorf("%s document %d:\n got %s %v %s %s %s\nwant %s %v %s %s %s", tf.File, i,
					got.DocType, got.Pages, got.Status, linkList(got.Links), gf, w.DocType, w.Pages, wantStatus, linkList(w.Links), wf)
			}
		}
	}
	for name, code := range map[string]string{"bad/truncated.pdf": hoso.EDamagedFile, "bad/web_page.pdf": hoso.EUnsupportedType, "bad/encrypted.pdf": hoso.EEncryptedFile} {
		f := waitFinal(t, s, token, byPath[name].ID, deadline)
		if f.Status != hoso.StatusFailed || f.Error == nil || f.Error.Code != code {
			t.Errorf("%s: %s %+v, want failed %s", name, f.Status, f.Error, code)
		}
	}

	checkSealed(t, s, token, deadline)

	// Uploading again sends nothing: the server has every file.
	for _, r := range uploadCorpus(t, s, token) {
		if r.Outcome != "present" && !strings.HasSuffix(r.Path, "zero_byte.pdf") {
			t.Errorf("second upload of %s: %s %s", r.Path, r.Outcome, r.Error)
		}
	}
	s.stop()
	if t.Failed() {
		t.Logf("service log:\n%s", s.stderr.String())
	}
}

// uploadCorpus runs `hoso upload --json` over the scans and the bad files:
// it exits non-zero, for the empty file the server refuses.
func uploadCorpus(t testing.TB, s *service, token string) []uploadResult {
	up := s.command("upload", "--server", s.base, "--json", "--quiet", "--jobs", "8",
		filepath.Join(corpus, "scans"), filepath.Join(corpus, "bad"))
	up.Env = append(up.Env, "HOSO_TOKEN="+token)
	var stderr bytes.Buffer
	up.Stderr = &stderr
	out, err := up.Output()
	if err == nil || !strings.Contains(stderr.String(), "1 lỗi") {
		t.Errorf("hoso upload: %v, want one failure:\n%s", err, stderr.String())
	}
	var results []uploadResult
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		var r uploadResult
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			t.Fatalf("upload output: %v: %s", err, sc.Text())
		}
		results = append(results, r)
	}
	return results
}

type apiFile struct {
	Status string `json:"status"`
	Error  *struct {
		Code string `json:"code"`
	} `json:"error"`
	Documents []struct {
		Status  string       `json:"status"`
		DocType hoso.DocType `json:"doc_type"`
		Pages   []int        `json:"pages"`
		Fields  hoso.Fields  `json:"fields"`
		Links   []hoso.Link  `json:"links"`
	} `json:"documents"`
}

// waitFinal polls a file until it leaves the pipeline.
func waitFinal(t testing.TB, s *service, token, id string, deadline time.Time) apiFile {
	t.Helper()
	for {
		req, _ := http.NewRequest("GET", s.base+"/api/v1/files/"+id, nil)
		req.Header.Set("Authorization", "Bearer "+token)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		var f apiFile
		err = json.NewDecoder(resp.Body).Decode(&f)
		resp.Body.Close()
		if err != nil {
			t.Fatal(err)
		}
		switch f.Status {
		case "approved", "needs_review", hoso.StatusFailed:
			return f
		}
		if time.Now().After(deadline) {
			t.Fatalf("file %s still %s\n%s", id, f.Status, s.stderr.String())
		}
		time.Sleep(250 * time.Millisecond)
	}
}

func linkList(ls []hoso.Link) string {
	var parts []string
	for _, l := range ls {
		parts = append(parts, l.StaffID+":"+l.Status)
	}
	return strings.Join(parts, " ")
}

func loadCorpusRegistry(t *testing.T) *registry.Registry {
	t.Helper()
	reg, err := loadRegistry(filepath.Join(corpus, "staff.csv"), filepath.Join(corpus, "units.csv"))
	if err != nil {
		t.Fatal(err)
	}
	return reg
}

// checkSealed waits until no document is left approved or sealing, then
// checks every signed file with pdfsig against the data folder's
// development CA.
func checkSealed(t *testing.T, s *service, token string, deadline time.Time) {
	t.Helper()
	list := func(status string) []string {
		req, _ := http.NewRequest("GET", s.base+"/api/v1/documents?limit=500&status="+status, nil)
		req.Header.Set("Authorization", "Bearer "+token)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var out struct {
			Documents []struct {
				ID string `json:"id"`
			} `json:"documents"`
		}
		json.NewDecoder(resp.Body).Decode(&out)
		var ids []string
		for _, d := range out.Documents {
			ids = append(ids, d.ID)
		}
		return ids
	}
	for len(list(hoso.StatusApproved))+len(list(hoso.StatusSealing)) > 0 {
		if time.Now().After(deadline) {
			t.Fatalf("documents still waiting for their seal\n%s", s.stderr.String())
		}
		time.Sleep(250 * time.Millisecond)
	}
	signed := list(hoso.StatusSigned)
	if len(signed) == 0 {
		t.Fatal("no document was signed")
	}
	var dataDir string
	for _, e := range s.env {
		if v, ok := strings.CutPrefix(e, "HOSO_DATA="); ok {
			dataDir = v
		}
	}
	ca, err := signer.ReadCertificates(filepath.Join(dataDir, "keys", signer.DevCAFile))
	if err != nil {
		t.Fatal(err)
	}
	nss := pdftest.NSSDB(t, ca[0])
	dir := t.TempDir()
	for _, id := range signed {
		req, _ := http.NewRequest("GET", s.base+"/api/v1/documents/"+id+"/signed", nil)
		req.Header.Set("Authorization", "Bearer "+token)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		data, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Errorf("signed file of %s: HTTP %d", id, resp.StatusCode)
			continue
		}
		path := filepath.Join(dir, id+".pdf")
		os.WriteFile(path, data, 0o600)
		if sigs := pdftest.Pdfsig(t, nss, path); len(sigs) != 1 || !sigs[0].Valid() || !sigs[0].Trusted() {
			t.Errorf("%s: pdfsig %+v", id, sigs)
		}
	}
	t.Logf("%d documents signed, every one valid and trusted by pdfsig", len(signed))
}
