package storage

import (
	"errors"
	"io"
	"os"
	"sync"
	"syscall"
	"unsafe"
)

// writeBuffer is the size of the writes Put makes; the buffers are reused.
const writeBuffer = 1 << 20

// directAlign is the alignment O_DIRECT asks of buffers, offsets and
// lengths.
const directAlign = 4096

var buffers = sync.Pool{New: func() any {
	b := make([]byte, writeBuffer+directAlign)
	off := directAlign - int(uintptr(unsafe.Pointer(&b[0]))%directAlign)
	if off == directAlign {
		off = 0
	}
	b = b[off : off+writeBuffer]
	return &b
}}

// writeOnce copies r into the new file f in large writes. Where the file
// system allows it, the whole blocks bypass the page cache (O_DIRECT, as
// object stores such as MinIO write large objects): an original is
// written once and read back once, later, so caching it only costs a copy
// and memory. The tail that does not fill a block is written through the
// cache.
func writeOnce(f *os.File, r io.Reader) (int64, error) {
	bp := buffers.Get().(*[]byte)
	defer buffers.Put(bp)
	buf := *bp
	direct := setDirect(f, true)
	var total int64
	for {
		n, err := io.ReadFull(r, buf)
		if n > 0 {
			m := n
			if direct {
				m = n - n%directAlign // whole blocks go direct
			}
			if m > 0 {
				_, werr := f.Write(buf[:m])
				if werr != nil && direct && errors.Is(werr, syscall.EINVAL) {
					// The file system took the flag but not the write.
					direct = setDirect(f, false)
					_, werr = f.Write(buf[:m])
				}
				if werr != nil {
					return total, werr
				}
			}
			if m < n {
				direct = setDirect(f, false) // a tail: no aligned write follows
				if _, werr := f.Write(buf[m:n]); werr != nil {
					return total, werr
				}
			}
			total += int64(n)
		}
		if err == io.EOF || err == io.ErrUnexpectedEOF {
			return total, nil
		}
		if err != nil {
			return total, err
		}
	}
}
