package api

import (
	"bytes"
	"context"
	"crypto/rand"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"
)

// Upload benchmark workload: 32 clients, each sending uploadsPerClient
// distinct 2 MB scans.
const (
	uploadClients    = 32
	uploadsPerClient = 4
	uploadSize       = 2 << 20
)

// BenchmarkUpload32Clients sends 2 MB scans from 32 concurrent clients
// through the API (streamed to local storage while hashed, fsynced, recorded
// in SQLite) and writes the same bytes to the local disk (fsynced) with 32
// writers, and reports both rates, their ratio and the upload latencies.
//
//	go test -run '^$' -bench Upload32 -benchtime 3x ./api/
func BenchmarkUpload32Clients(b *testing.B) {
	srv, db, _ := MustServer(b)
	lastServer.MaxUploadBytes = 64 << 20
	clerk, _, err := db.CreateToken(context.Background(), "clerk", "HP.SNV")
	if err != nil {
		b.Fatal(err)
	}
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: uploadClients}}
	diskDir := b.TempDir()
	var apiTime, diskTime time.Duration
	var latencies []time.Duration
	var mu sync.Mutex
	b.ResetTimer()
	for it := 0; it < b.N; it++ {
		scans := make([][]byte, uploadClients*uploadsPerClient)
		for i := range scans {
			scans[i] = make([]byte, uploadSize)
			rand.Read(scans[i]) // distinct bytes: no upload is a duplicate
		}
		// The clients' bodies are made before the clock starts: clients
		// are other machines.
		bodies := make([][]byte, len(scans))
		types := make([]string, len(scans))
		for i := range scans {
			var body bytes.Buffer
			mw := multipart.NewWriter(&body)
			fw, _ := mw.CreateFormFile("file", fmt.Sprintf("scan-%d.pdf", i))
			fw.Write(scans[i])
			mw.Close()
			bodies[i], types[i] = body.Bytes(), mw.FormDataContentType()
		}
		// The two runs take turns going first, so neither always meets
		// the other's dirty pages still being written back.
		disk := func() {
			t0 := time.Now()
			parallel(uploadClients, len(scans), func(i int) {
				if err := writeSynced(filepath.Join(diskDir, fmt.Sprintf("%d-%d", it, i)), scans[i]); err != nil {
					b.Error(err)
				}
			})
			diskTime += time.Since(t0)
		}
		if it%2 == 1 {
			disk()
		}
		t0 := time.Now()
		parallel(uploadClients, len(scans), func(i int) {
			req, _ := http.NewRequest("POST", srv.URL+"/api/v1/files", bytes.NewReader(bodies[i]))
			req.Header.Set("Content-Type", types[i])
			req.Header.Set("Authorization", "Bearer "+clerk)
			s := time.Now()
			resp, err := client.Do(req)
			if err != nil {
				b.Error(err)
				return
			}
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode != http.StatusAccepted {
				b.Errorf("upload %d: HTTP %d", i, resp.StatusCode)
			}
			mu.Lock()
			latencies = append(latencies, time.Since(s))
			mu.Unlock()
		})
		apiTime += time.Since(t0)
		if it%2 == 0 {
			disk()
		}
	}
	b.StopTimer()
	mb := float64(b.N*uploadClients*uploadsPerClient*uploadSize) / (1 << 20)
	slices.Sort(latencies)
	q := func(p float64) float64 { return latencies[int(p*float64(len(latencies)-1))].Seconds() * 1000 }
	b.ReportMetric(mb/apiTime.Seconds(), "api-MB/s")
	b.ReportMetric(mb/diskTime.Seconds(), "disk-MB/s")
	b.ReportMetric(diskTime.Seconds()/apiTime.Seconds(), "api/disk")
	b.ReportMetric(q(0.5), "p50-ms")
	b.ReportMetric(q(0.99), "p99-ms")
}

// parallel runs fn(0..n-1) on workers goroutines.
func parallel(workers, n int, fn func(int)) {
	next := make(chan int)
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				fn(i)
			}
		}()
	}
	for i := 0; i < n; i++ {
		next <- i
	}
	close(next)
	wg.Wait()
}

// writeSynced writes data to a new file and syncs it, as the local store
// does with an upload.
func writeSynced(path string, data []byte) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
