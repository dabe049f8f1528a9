package pipeline

import (
	"context"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"github.com/hibiken/asynq"

	"hoso"
	"hoso/catalog"
	"hoso/internal/testsvc"
	"hoso/storage"
)

var _ StageCatalog = (*catalog.DB)(nil)

// TestQueuedPipeline runs the stages on asynq over a real Redis, with the
// SQLite catalog and local storage, and expects for every file what the
// in-process engine finds.
func TestQueuedPipeline(t *testing.T) {
	if testing.Short() {
		t.Skip("OCR")
	}
	dir := needCorpus(t)
	redis := testsvc.Redis(t)
	ctx := context.Background()
	db, err := catalog.Open(ctx, filepath.Join(t.TempDir(), "hoso.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	st, err := storage.NewLocal(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	client := asynq.NewClient(asynq.RedisClientOpt{Addr: redis})
	defer client.Close()
	stages := &Stages{
		Catalog: db,
		Original: func(ctx context.Context, sum string) (io.ReadCloser, error) {
			rc, _, err := st.Get(ctx, storage.OriginalKey(sum))
			return rc, err
		},
		Engine: MustEngine(t),
		Enqueue: func(ctx context.Context, t *asynq.Task, opts ...asynq.Option) error {
			_, err := client.EnqueueContext(ctx, t, opts...)
			return err
		},
		AutoApprove: "confident",
	}
	srv := asynq.NewServer(asynq.RedisClientOpt{Addr: redis}, asynq.Config{Concurrency: 2, Queues: Queues, LogLevel: asynq.WarnLevel})
	mux := asynq.NewServeMux()
	stages.Register(mux)
	if err := srv.Start(mux); err != nil {
		t.Fatal(err)
	}
	defer srv.Shutdown()

	files := []string{filepath.Join(dir, "scans", "cfa6ff3b.pdf"), filepath.Join(dir, "scans", "1c7604f6.png"), filepath.Join(dir, "bad", "web_page.pdf")}
	ids := map[string]string{}
	for _, path := range files {
		f, err := os.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		sum, size, err := storage.PutOriginal(ctx, st, f, 64<<20)
		f.Close()
		if err != nil {
			t.Fatal(err)
		}
		rec, _, err := db.CreateFile(ctx, hoso.File{SHA256: sum, Name: filepath.Base(path), Size: size})
		if err != nil {
			t.Fatal(err)
		}
		ids[path] = rec.ID
		task, opts := PrepareTask(rec.ID)
		if _, err := client.Enqueue(task, opts...); err != nil {
			t.Fatal(err)
		}
		// The same file enqueued again runs once.
		if _, err := client.Enqueue(task, opts...); err == nil {
			t.Error("a second prepare task under the same ID was accepted")
		}
	}
	deadline := time.Now().Add(5 * time.Minute)
	for _, path := range files {
		for {
			f, err := db.GetFile(ctx, ids[path])
			if err != nil {
				t.Fatal(err)
			}
			if f.Status == "approved" || f.Status == "needs_review" || f.Status == hoso.StatusFailed {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("%s still %s", path, f.Status)
			}
			time.Sleep(200 * time.Millisecond)
		}
	}
	if f, _ := db.GetFile(ctx, ids[files[2]]); f.Status != hoso.StatusFailed || f.ErrorCode != hoso.EUnsupportedType {
		t.Errorf("the HTML file: %s %s", f.Status, f.ErrorCode)
	}
	raw, _ := extractAll(t, files[:2])
	for i, path := range files[:2] {
		got, err := db.FileDocuments(ctx, ids[path])
		if err != nil {
			t.Fatal(err)
		}
		want := raw[i].Documents
		if len(got) != len(want) {
			t.Fatalf("%s: %d documents, in-process %d", path, len(got), len(want))
		}
		for k := range want {
			g := got[k].Document
			gj, _ := json.Marshal(g.Fields)
			wj, _ := json.Marshal(want[k].Fields)
			if g.DocType != want[k].DocType || !reflect.DeepEqual(g.Pages, want[k].Pages) || string(gj) != string(wj) {
				t.Errorf("%s document %d differs from the in-process engine:\n%+v\n%+v", path, k, g.Fields, want[k].Fields)
			}
		}
	}
}
