package pipeline

import (
	"context"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hibiken/asynq"

	"hoso"
	"hoso/catalog"
	"hoso/internal/testsvc"
	"hoso/registry"
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
		Objects: st,
		Engine:  MustEngine(t),
		Enqueue: func(ctx context.Context, t *asynq.Task, opts ...asynq.Option) error {
			_, err := client.EnqueueContext(ctx, t, opts...)
			return err
		},
		AutoApprove: "confident",
		Registry:    (&CatalogLinker{Store: db, Settings: registry.DefaultSettings}).Linker,
	}
	reg := mustRegistry(t, dir)
	if _, err := db.UpsertStaff(ctx, reg.All()); err != nil {
		t.Fatal(err)
	}
	if err := db.UpsertUnits(ctx, reg.Units()); err != nil {
		t.Fatal(err)
	}
	inProcess := registry.Linker{Registry: reg, Settings: registry.DefaultSettings}
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
			inProcess.Link(&want[k])
			g := got[k].Document
			if gl, wl := linkIDs(g.Links), linkIDs(want[k].Links); gl != wl {
				t.Errorf("%s document %d linked %s, in-process %s", path, k, gl, wl)
			}
			gj, _ := json.Marshal(g.Fields)
			wj, _ := json.Marshal(want[k].Fields)
			if g.DocType != want[k].DocType || !reflect.DeepEqual(g.Pages, want[k].Pages) || string(gj) != string(wj) {
				t.Errorf("%s document %d differs from the in-process engine:\n%+v\n%+v", path, k, g.Fields, want[k].Fields)
			}
		}
	}
}

func linkIDs(ls []hoso.Link) string {
	var b strings.Builder
	for _, l := range ls {
		b.WriteString(l.StaffID + ":" + l.Status + " ")
	}
	return b.String()
}

// TestCatalogLinkerReloads: an import into the catalog reaches the linker
// without a restart.
func TestCatalogLinkerReloads(t *testing.T) {
	ctx := context.Background()
	db, err := catalog.Open(ctx, filepath.Join(t.TempDir(), "hoso.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	cl := &CatalogLinker{Store: db, Settings: registry.DefaultSettings}
	doc := func() *hoso.ExtractedDocument {
		return &hoso.ExtractedDocument{DocType: hoso.SalaryRaiseDecision, Fields: hoso.Fields{
			"person_name": {Value: "Phạm Thị Hồng Nhung", Confidence: 0.95},
			"birth_date":  {Value: "1988-04-12", Confidence: 0.95},
		}}
	}
	lk, err := cl.Linker(ctx)
	if err != nil {
		t.Fatal(err)
	}
	d := doc()
	lk.Link(d)
	if len(d.Links) != 0 {
		t.Fatalf("linked against an empty registry: %+v", d.Links)
	}
	if _, err := db.UpsertStaff(ctx, []hoso.Staff{{ID: "HP-0001", FullName: "Phạm Thị Hồng Nhung", BirthDate: "1988-04-12"}}); err != nil {
		t.Fatal(err)
	}
	lk, _ = cl.Linker(ctx)
	d = doc()
	lk.Link(d)
	if len(d.Links) != 1 || d.Links[0].StaffID != "HP-0001" || d.Links[0].Status != hoso.LinkAuto {
		t.Errorf("after the import: %+v", d.Links)
	}
}

// downStore is storage whose reads always fail as unavailable.
type downStore struct{ storage.Store }

func (downStore) Get(ctx context.Context, key string) (io.ReadCloser, storage.Object, error) {
	return nil, storage.Object{}, hoso.Errorf(hoso.EUnavailable, "object storage unavailable")
}

// TestFailsAfterRetries: storage that stays down makes the file fail with
// code unavailable once asynq's retries are spent, its original kept.
func TestFailsAfterRetries(t *testing.T) {
	redis := testsvc.Redis(t)
	ctx := context.Background()
	db, err := catalog.Open(ctx, filepath.Join(t.TempDir(), "hoso.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	local, err := storage.NewLocal(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	client := asynq.NewClient(asynq.RedisClientOpt{Addr: redis})
	defer client.Close()
	stages := &Stages{Catalog: db, Objects: downStore{local}, Engine: MustEngine(t),
		Enqueue: func(ctx context.Context, t *asynq.Task, opts ...asynq.Option) error {
			_, err := client.EnqueueContext(ctx, t, opts...)
			return err
		}}
	var tries atomic.Int32
	srv := asynq.NewServer(asynq.RedisClientOpt{Addr: redis}, asynq.Config{Concurrency: 1, Queues: Queues, LogLevel: asynq.FatalLevel,
		RetryDelayFunc:           func(int, error, *asynq.Task) time.Duration { tries.Add(1); return 10 * time.Millisecond },
		DelayedTaskCheckInterval: 50 * time.Millisecond, TaskCheckInterval: 50 * time.Millisecond})
	mux := asynq.NewServeMux()
	stages.Register(mux)
	if err := srv.Start(mux); err != nil {
		t.Fatal(err)
	}
	defer srv.Shutdown()

	sum, size, err := storage.PutOriginal(ctx, local, strings.NewReader("%PDF-1.4 a scan"), 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	f, _, err := db.CreateFile(ctx, hoso.File{SHA256: sum, Name: "scan.pdf", Size: size})
	if err != nil {
		t.Fatal(err)
	}
	task, opts := PrepareTask(f.ID)
	if _, err := client.Enqueue(task, opts...); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(time.Minute)
	for {
		got, _ := db.GetFile(ctx, f.ID)
		if got.Status == hoso.StatusFailed {
			if got.ErrorCode != hoso.EUnavailable || tries.Load() != 8 {
				t.Errorf("failed with %s after %d retries, want unavailable after 8", got.ErrorCode, tries.Load())
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("still %s after %d retries", got.Status, tries.Load())
		}
		time.Sleep(50 * time.Millisecond)
	}
	if _, err := local.Stat(ctx, storage.OriginalKey(sum)); err != nil {
		t.Errorf("the original is gone: %v", err)
	}
}
