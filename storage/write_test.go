package storage

import (
	"bytes"
	"context"
	"crypto/rand"
	"fmt"
	"io"
	"testing"
	"testing/iotest"
)

// TestLocalPutSizes writes objects around the block and buffer sizes,
// where the direct writes hand over to the cached tail, and reads them
// back byte for byte.
func TestLocalPutSizes(t *testing.T) {
	l, err := NewLocal(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	for _, size := range []int{0, 1, directAlign - 1, directAlign, directAlign + 1, writeBuffer - 1, writeBuffer, writeBuffer + 1, 3*writeBuffer + 12345} {
		for _, half := range []bool{false, true} {
			t.Run(fmt.Sprintf("%d-half%v", size, half), func(t *testing.T) {
				data := make([]byte, size)
				rand.Read(data)
				var r io.Reader = bytes.NewReader(data)
				if half {
					r = iotest.HalfReader(r) // short reads, as a network body gives
				}
				key := fmt.Sprintf("sizes/%d-%v", size, half)
				obj, err := l.Put(ctx, key, r, int64(size))
				if err != nil {
					t.Fatal(err)
				}
				if obj.Size != int64(size) {
					t.Fatalf("size %d, want %d", obj.Size, size)
				}
				rc, _, err := l.Get(ctx, key)
				if err != nil {
					t.Fatal(err)
				}
				got, err := io.ReadAll(rc)
				rc.Close()
				if err != nil || !bytes.Equal(got, data) {
					t.Fatalf("read back %d bytes (err %v), want the %d written", len(got), err, size)
				}
			})
		}
	}
}
