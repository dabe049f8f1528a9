package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"hoso/internal/eval"
	"hoso/internal/testsvc"
)

// BenchmarkServiceVsExtract reads the dev corpus's scans twice on the same
// machine and reports pages per second of each: with `hoso extract` (in
// process), and through the service from the first upload to the last
// file out of the pipeline (`hoso serve` and one `hoso worker` with as many
// OCR workers as cores, Redis, SQLite, local storage). It also reports the
// peak memory (VmHWM) of the worker process.
//
//	go test -run '^$' -bench ServiceVsExtract -benchtime 1x ./cmd/hoso/
func BenchmarkServiceVsExtract(b *testing.B) {
	truth, err := eval.LoadTruth(filepath.Join(corpus, "truth.jsonl"))
	if err != nil {
		b.Fatal(err)
	}
	pages := 0
	var scans []string
	for _, tf := range truth {
		pages += len(tf.PageInfo)
		scans = append(scans, filepath.Join(corpus, tf.File))
	}
	bin := mustBinary(b)
	redis := "redis://" + testsvc.Redis(b)
	workers := strconv.Itoa(runtime.NumCPU())
	var extractTime, serviceTime time.Duration
	var workerPeak int64
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		t0 := time.Now()
		x := (&service{t: b, bin: bin}).command(append([]string{"extract"}, scans...)...)
		x.Env = append(x.Env, "HOSO_WORKERS="+workers)
		if out, err := x.CombinedOutput(); err != nil {
			b.Fatalf("hoso extract: %v\n%s", err, out[max(0, len(out)-2000):])
		}
		extractTime += time.Since(t0)

		s := &service{t: b, bin: bin, base: "http://" + freeAddr(b), stderr: &bytes.Buffer{},
			env: []string{"HOSO_DATA=" + b.TempDir(), "REDIS_URL=" + redis, "DATABASE_URL=", "S3_ENDPOINT=", "HOSO_AUTO_APPROVE=confident"}}
		s.start("serve", "--addr", strings.TrimPrefix(s.base, "http://"))
		s.start("worker", "--workers", workers)
		waitHealthy(b, s.base, s.stderr)
		tok, err := s.command("token", "create", "--role", "admin").Output()
		if err != nil {
			b.Fatal(err)
		}
		token := strings.TrimSpace(string(tok))
		t0 = time.Now()
		up := s.command(append([]string{"upload", "--server", s.base, "--json", "--quiet"}, scans...)...)
		up.Env = append(up.Env, "HOSO_TOKEN="+token)
		out, err := up.Output()
		if err != nil {
			b.Fatalf("hoso upload: %v", err)
		}
		deadline := time.Now().Add(30 * time.Minute)
		sc := bufio.NewScanner(bytes.NewReader(out))
		for sc.Scan() {
			var r uploadResult
			if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
				b.Fatal(err)
			}
			if f := waitFinal(b, s, token, r.ID, deadline); f.Status == "failed" {
				b.Fatalf("%s failed: %+v", r.Path, f.Error)
			}
		}
		serviceTime += time.Since(t0)
		workerPeak = max(workerPeak, peakRSS(b, s.procs[1].Process.Pid))
		s.stop()
	}
	b.StopTimer()
	n := float64(b.N * pages)
	b.ReportMetric(n/extractTime.Seconds(), "extract-pages/s")
	b.ReportMetric(n/serviceTime.Seconds(), "service-pages/s")
	b.ReportMetric(extractTime.Seconds()/serviceTime.Seconds(), "service/extract")
	b.ReportMetric(float64(workerPeak)/1024, "worker-peak-MB")
}

// peakRSS reads a process's peak resident memory (VmHWM), in kB.
func peakRSS(tb testing.TB, pid int) int64 {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		tb.Fatal(err)
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			return kb
		}
	}
	tb.Fatalf("no VmHWM for %d", pid)
	return 0
}
