package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"mime/multipart"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/schollz/progressbar/v3"
)

// uploadExts are the scans hoso upload picks up in a folder.
var uploadExts = map[string]bool{".pdf": true, ".jpg": true, ".jpeg": true, ".png": true, ".tif": true, ".tiff": true}

// uploadResult is what happened to one file.
type uploadResult struct {
	Path   string `json:"path"`
	ID     string `json:"id,omitempty"`
	Status string `json:"status,omitempty"`
	// Outcome is sent, duplicate (the server had the bytes under another
	// upload), present (found by hash, nothing sent) or failed.
	Outcome string `json:"outcome"`
	Error   string `json:"error,omitempty"`
}

// uploader sends scans to a hoso server.
type uploader struct {
	server, token string
	// fields go with every file before it: unit, staff_id, doc_type.
	fields   map[string]string
	client   *http.Client
	attempts int
	bar      *progressbar.ProgressBar
}

// runUpload: hoso upload [flags] DIR|FILE...
func runUpload(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("upload", flag.ContinueOnError)
	server := fs.String("server", envString("HOSO_SERVER", "http://127.0.0.1:8080"), "hoso server (env HOSO_SERVER)")
	tokenFile := fs.String("token-file", "", "file holding the API token; default env HOSO_TOKEN")
	unit := fs.String("unit", "", "unit the scans belong to (admins only; a clerk's token already says)")
	staffID := fs.String("staff-id", "", "the person the scans are about, a hint weighed by the analysis")
	docType := fs.String("doc-type", "", "the type of the documents (salary_raise_decision, diploma, ...), a hint")
	jobs := fs.Int("jobs", envInt("HOSO_UPLOAD_JOBS", 4), "files sent at once (env HOSO_UPLOAD_JOBS)")
	jsonOut := fs.Bool("json", false, "print one JSON object per file on stdout")
	quiet := fs.Bool("quiet", false, "no progress bar")
	if err := fs.Parse(args); err != nil {
		return err
	}
	token := os.Getenv("HOSO_TOKEN")
	if *tokenFile != "" {
		b, err := os.ReadFile(*tokenFile)
		if err != nil {
			return err
		}
		token = strings.TrimSpace(string(b))
	}
	if token == "" {
		return fmt.Errorf("no API token: set HOSO_TOKEN or --token-file (hoso token create --role clerk --unit CODE)")
	}
	if *jobs < 1 {
		return fmt.Errorf("--jobs must be at least 1")
	}
	paths, total, err := collectScans(fs.Args())
	if err != nil {
		return err
	}
	if len(paths) == 0 {
		return fmt.Errorf("no PDF, JPEG, PNG or TIFF file in %s", strings.Join(fs.Args(), " "))
	}
	fields := map[string]string{}
	for k, v := range map[string]string{"unit": *unit, "staff_id": *staffID, "doc_type": *docType} {
		if v != "" {
			fields[k] = v
		}
	}
	u := &uploader{server: strings.TrimRight(*server, "/"), token: token, fields: fields,
		client: &http.Client{Timeout: 30 * time.Minute}, attempts: 4}
	if !*quiet {
		u.bar = progressbar.NewOptions64(total, progressbar.OptionSetDescription("Đang gửi"),
			progressbar.OptionSetWriter(os.Stderr), progressbar.OptionShowBytes(true), progressbar.OptionShowCount(),
			progressbar.OptionThrottle(200*time.Millisecond))
	}
	results := u.run(ctx, paths, *jobs)
	if u.bar != nil {
		u.bar.Finish()
		fmt.Fprintln(os.Stderr)
	}
	return report(results, *jsonOut, os.Stdout, os.Stderr)
}

// collectScans expands folders into the scans they hold, sorted, with their
// total size.
func collectScans(args []string) ([]string, int64, error) {
	var paths []string
	var total int64
	for _, a := range args {
		err := filepath.WalkDir(a, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if d.IsDir() {
				if p != a && strings.HasPrefix(d.Name(), ".") {
					return filepath.SkipDir
				}
				return nil
			}
			if p != a && !uploadExts[strings.ToLower(filepath.Ext(p))] {
				return nil // in a folder, scans only; a file named on the command line goes as it is
			}
			info, err := d.Info()
			if err != nil {
				return err
			}
			paths = append(paths, p)
			total += info.Size()
			return nil
		})
		if err != nil {
			return nil, 0, err
		}
	}
	sort.Strings(paths)
	return paths, total, nil
}

// run uploads the files with jobs workers and returns the results in the
// order of paths.
func (u *uploader) run(ctx context.Context, paths []string, jobs int) []uploadResult {
	results := make([]uploadResult, len(paths))
	next := make(chan int)
	var wg sync.WaitGroup
	for w := 0; w < min(jobs, len(paths)); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				results[i] = u.one(ctx, paths[i])
			}
		}()
	}
	for i := range paths {
		select {
		case next <- i:
		case <-ctx.Done():
		}
		if ctx.Err() != nil {
			for j := i; j < len(paths); j++ {
				results[j] = uploadResult{Path: paths[j], Outcome: "failed", Error: "interrupted"}
			}
			break
		}
	}
	close(next)
	wg.Wait()
	return results
}

// one hashes a file, asks the server whether it has it, and sends it if
// not; transient failures are tried again with a growing pause.
func (u *uploader) one(ctx context.Context, path string) uploadResult {
	res := uploadResult{Path: path, Outcome: "failed"}
	sum, size, err := hashFile(path)
	if err != nil {
		res.Error = err.Error()
		return res
	}
	var lastErr error
	for attempt := 0; attempt < u.attempts; attempt++ {
		if attempt > 0 {
			select {
			case <-time.After(time.Duration(1<<attempt) * 500 * time.Millisecond):
			case <-ctx.Done():
				res.Error = ctx.Err().Error()
				return res
			}
		}
		var f map[string]any
		var retry bool
		f, retry, lastErr = u.lookup(ctx, sum)
		if lastErr == nil && f != nil {
			u.progress(size)
			res.ID, _ = f["id"].(string)
			res.Status, _ = f["status"].(string)
			res.Outcome = "present"
			return res
		}
		if lastErr == nil {
			f, retry, lastErr = u.send(ctx, path, size)
			if lastErr == nil {
				res.ID, _ = f["id"].(string)
				res.Status, _ = f["status"].(string)
				res.Outcome = "sent"
				if dup, _ := f["duplicate"].(bool); dup {
					res.Outcome = "duplicate"
				}
				return res
			}
		}
		if !retry {
			break
		}
	}
	res.Error = lastErr.Error()
	return res
}

func hashFile(path string) (string, int64, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", 0, err
	}
	defer f.Close()
	h := sha256.New()
	n, err := io.Copy(h, f)
	if err != nil {
		return "", 0, err
	}
	return hex.EncodeToString(h.Sum(nil)), n, nil
}

// lookup returns the server's file with that SHA-256, or nil.
func (u *uploader) lookup(ctx context.Context, sum string) (map[string]any, bool, error) {
	req, err := http.NewRequestWithContext(ctx, "GET", u.server+"/api/v1/files?sha256="+url.QueryEscape(sum), nil)
	if err != nil {
		return nil, false, err
	}
	out, status, retry, err := u.do(req)
	if status == http.StatusNotFound {
		return nil, false, nil
	}
	return out, retry, err
}

// send streams the file as multipart/form-data: never held in memory.
func (u *uploader) send(ctx context.Context, path string, size int64) (map[string]any, bool, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, false, err
	}
	defer f.Close()
	pr, pw := io.Pipe()
	mw := multipart.NewWriter(pw)
	var sent atomic.Int64
	go func() {
		err := func() error {
			for k, v := range u.fields {
				if err := mw.WriteField(k, v); err != nil {
					return err
				}
			}
			fw, err := mw.CreateFormFile("file", filepath.Base(path))
			if err != nil {
				return err
			}
			n, err := io.Copy(fw, &progressReader{r: f, add: func(n int) { sent.Add(int64(n)); u.progress(int64(n)) }})
			if err != nil {
				return err
			}
			if n != size {
				return fmt.Errorf("the file changed while it was sent")
			}
			return mw.Close()
		}()
		pw.CloseWithError(err)
	}()
	req, err := http.NewRequestWithContext(ctx, "POST", u.server+"/api/v1/files", pr)
	if err != nil {
		return nil, false, err
	}
	req.Header.Set("Content-Type", mw.FormDataContentType())
	out, _, retry, err := u.do(req)
	if err != nil {
		u.progress(-sent.Load()) // sent again on the next attempt
	}
	return out, retry, err
}

// do sends a request and decodes its JSON answer; retry says whether the
// failure may pass (network, 429, 5xx).
func (u *uploader) do(req *http.Request) (map[string]any, int, bool, error) {
	req.Header.Set("Authorization", "Bearer "+u.token)
	resp, err := u.client.Do(req)
	if err != nil {
		return nil, 0, req.Context().Err() == nil, err
	}
	defer resp.Body.Close()
	var out map[string]any
	if err := json.NewDecoder(io.LimitReader(resp.Body, 1<<20)).Decode(&out); err != nil {
		return nil, resp.StatusCode, resp.StatusCode >= 500, fmt.Errorf("%s: HTTP %d", req.URL.Path, resp.StatusCode)
	}
	if resp.StatusCode >= 300 {
		e, _ := out["error"].(map[string]any)
		return nil, resp.StatusCode, resp.StatusCode == 429 || resp.StatusCode >= 500,
			fmt.Errorf("%v: %v", e["code"], e["message"])
	}
	return out, resp.StatusCode, false, nil
}

func (u *uploader) progress(n int64) {
	if u.bar != nil {
		u.bar.Add64(n)
	}
}

type progressReader struct {
	r   io.Reader
	add func(int)
}

func (p *progressReader) Read(b []byte) (int, error) {
	n, err := p.r.Read(b)
	p.add(n)
	return n, err
}

// report prints the failures and a summary for the clerk, and fails when
// any file did not go.
func report(results []uploadResult, jsonOut bool, stdout, stderr io.Writer) error {
	counts := map[string]int{}
	enc := json.NewEncoder(stdout)
	enc.SetEscapeHTML(false)
	for _, r := range results {
		counts[r.Outcome]++
		if jsonOut {
			enc.Encode(r)
		}
		if r.Outcome == "failed" {
			fmt.Fprintf(stderr, "Lỗi: %s: %s\n", r.Path, r.Error)
		}
	}
	fmt.Fprintf(stderr, "%d tệp: %d đã gửi, %d đã có trên máy chủ, %d lỗi.\n",
		len(results), counts["sent"], counts["present"]+counts["duplicate"], counts["failed"])
	if counts["failed"] > 0 {
		return fmt.Errorf("%d of %d files were not uploaded", counts["failed"], len(results))
	}
	return nil
}
