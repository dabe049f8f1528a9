package storage

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"

	"hoso"
	"hoso/internal/testsvc"
)

// testStore is the conformance suite every Store passes.
func testStore(t *testing.T, s Store) {
	ctx := context.Background()
	t.Run("put get stat", func(t *testing.T) {
		data := []byte("xin chào, hồ sơ")
		obj, err := s.Put(ctx, "a/b/c.txt", bytes.NewReader(data), int64(len(data)))
		if err != nil || obj.Size != int64(len(data)) || obj.Key != "a/b/c.txt" {
			t.Fatalf("put: %+v %v", obj, err)
		}
		rc, got, err := s.Get(ctx, "a/b/c.txt")
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(rc)
		rc.Close()
		if !bytes.Equal(b, data) || got.Size != int64(len(data)) {
			t.Errorf("get: %q %+v", b, got)
		}
		if st, err := s.Stat(ctx, "a/b/c.txt"); err != nil || st.Size != int64(len(data)) {
			t.Errorf("stat: %+v %v", st, err)
		}
	})
	t.Run("overwrite, unknown size", func(t *testing.T) {
		if _, err := s.Put(ctx, "a/over", strings.NewReader("one"), -1); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Put(ctx, "a/over", strings.NewReader("second"), -1); err != nil {
			t.Fatal(err)
		}
		rc, _, err := s.Get(ctx, "a/over")
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(rc)
		rc.Close()
		if string(b) != "second" {
			t.Errorf("got %q", b)
		}
	})
	t.Run("not found", func(t *testing.T) {
		if _, _, err := s.Get(ctx, "no/such"); hoso.ErrorCode(err) != hoso.ENotFound {
			t.Errorf("get: %v", err)
		}
		if _, err := s.Stat(ctx, "no/such"); hoso.ErrorCode(err) != hoso.ENotFound {
			t.Errorf("stat: %v", err)
		}
		if err := s.Delete(ctx, "no/such"); err != nil {
			t.Errorf("delete of a missing key: %v", err)
		}
	})
	t.Run("bad keys", func(t *testing.T) {
		for _, k := range []string{"", "/abs", "a/../b", "../x", "a//b", "a/./b", "sp ace", "a\\b"} {
			if _, err := s.Put(ctx, k, strings.NewReader("x"), 1); hoso.ErrorCode(err) != hoso.EInvalid {
				t.Errorf("put %q: %v", k, err)
			}
		}
	})
	t.Run("list and delete", func(t *testing.T) {
		for _, k := range []string{"l/2", "l/1", "l/sub/3", "m/4"} {
			if _, err := s.Put(ctx, k, strings.NewReader(k), -1); err != nil {
				t.Fatal(err)
			}
		}
		objs, err := s.List(ctx, "l/")
		if err != nil {
			t.Fatal(err)
		}
		var keys []string
		for _, o := range objs {
			keys = append(keys, o.Key)
		}
		if strings.Join(keys, ",") != "l/1,l/2,l/sub/3" {
			t.Errorf("list: %v", keys)
		}
		if err := s.Delete(ctx, "l/2"); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Stat(ctx, "l/2"); hoso.ErrorCode(err) != hoso.ENotFound {
			t.Errorf("after delete: %v", err)
		}
	})
	t.Run("move", func(t *testing.T) {
		data := []byte("trang 1")
		if _, err := s.Put(ctx, "mv/src", bytes.NewReader(data), int64(len(data))); err != nil {
			t.Fatal(err)
		}
		obj, err := s.Move(ctx, "mv/src", "mv/deeper/dst")
		if err != nil || obj.Key != "mv/deeper/dst" || obj.Size != int64(len(data)) {
			t.Fatalf("move: %+v %v", obj, err)
		}
		if _, err := s.Stat(ctx, "mv/src"); hoso.ErrorCode(err) != hoso.ENotFound {
			t.Errorf("the source is still there: %v", err)
		}
		rc, _, err := s.Get(ctx, "mv/deeper/dst")
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(rc)
		rc.Close()
		if !bytes.Equal(b, data) {
			t.Errorf("moved bytes: %q", b)
		}
		if _, err := s.Move(ctx, "mv/none", "mv/x"); hoso.ErrorCode(err) != hoso.ENotFound {
			t.Errorf("moving a missing object: %v", err)
		}
		if _, err := s.Move(ctx, "mv/deeper/dst", "../x"); hoso.ErrorCode(err) != hoso.EInvalid {
			t.Errorf("a bad destination: %v", err)
		}
	})
	t.Run("originals by content", func(t *testing.T) {
		data := bytes.Repeat([]byte("scan "), 100_000) // 500 kB
		want := sha256.Sum256(data)
		sum, size, err := PutOriginal(ctx, s, bytes.NewReader(data), 10<<20)
		if err != nil || sum != hex.EncodeToString(want[:]) || size != int64(len(data)) {
			t.Fatalf("PutOriginal: %s %d %v", sum, size, err)
		}
		if _, _, err := PutOriginal(ctx, s, bytes.NewReader(data), 10<<20); err != nil {
			t.Fatal(err)
		}
		objs, _ := s.List(ctx, "originals/")
		if len(objs) != 1 || objs[0].Key != OriginalKey(sum) {
			t.Errorf("originals: %+v", objs)
		}
		if tmp, _ := s.List(ctx, "tmp/"); len(tmp) != 0 {
			t.Errorf("temporary objects left: %+v", tmp)
		}
		if _, _, err := PutOriginal(ctx, s, bytes.NewReader(data), 1000); hoso.ErrorCode(err) != hoso.ETooLarge {
			t.Errorf("over the limit: %v", err)
		}
		if tmp, _ := s.List(ctx, "tmp/"); len(tmp) != 0 {
			t.Errorf("temporary objects left after a refused upload: %+v", tmp)
		}
	})
}

func TestLocal(t *testing.T) {
	s, err := NewLocal(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	testStore(t, s)
}

// TestS3 runs the suite against a real MinIO server that the test starts
// (the binary from `make tools`, or HOSO_MINIO); in CI a missing server
// fails the test.
func TestS3(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a MinIO server")
	}
	s := MustMinIO(t)
	testStore(t, s)
}

// MustMinIO starts a MinIO server and returns a store on a fresh bucket.
func MustMinIO(tb testing.TB) *S3 {
	tb.Helper()
	endpoint, access, secret := testsvc.MinIO(tb)
	cfg := S3Config{Endpoint: endpoint, Bucket: fmt.Sprintf("hoso-test-%d", time.Now().UnixNano()), AccessKey: access, SecretKey: secret}
	for i := 0; ; i++ {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		s, err := NewS3(ctx, cfg)
		cancel()
		if err == nil {
			return s
		}
		if i > 150 {
			tb.Fatalf("minio: %v", err)
		}
		time.Sleep(200 * time.Millisecond)
	}
}
