// Package storage keeps hoso's objects (originals by their SHA-256, page
// images, signed files) on local disk or in S3-compatible object storage
// (minio-go), behind one interface with one conformance suite.
package storage

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"regexp"
	"strings"
	"time"

	"hoso"
)

// Object describes a stored object.
type Object struct {
	Key     string
	Size    int64
	ModTime time.Time
}

// Store keeps objects by key. Keys are slash-separated paths of letters,
// digits, '.', '_' and '-'. Errors carry hoso codes: not_found for a missing
// key, invalid for a bad key, unavailable when the backend cannot be
// reached (worth a retry).
type Store interface {
	// Put stores r under key, replacing any object there; size is -1 when
	// unknown. The object appears whole or not at all.
	Put(ctx context.Context, key string, r io.Reader, size int64) (Object, error)
	// Get opens the object for reading.
	Get(ctx context.Context, key string) (io.ReadCloser, Object, error)
	// Stat describes the object.
	Stat(ctx context.Context, key string) (Object, error)
	// Move puts the object at src under dst (replacing any there) and
	// removes src, without sending its bytes again: a rename on disk, a
	// server-side copy on S3.
	Move(ctx context.Context, src, dst string) (Object, error)
	// Delete removes the object; deleting a missing key is no error.
	Delete(ctx context.Context, key string) error
	// List returns the objects whose keys start with prefix, sorted by key.
	List(ctx context.Context, prefix string) ([]Object, error)
}

var reKey = regexp.MustCompile(`^[A-Za-z0-9._-]+(/[A-Za-z0-9._-]+)*$`)

// CheckKey refuses keys that could escape their folder or name nothing.
func CheckKey(key string) error {
	if !reKey.MatchString(key) || strings.Contains("/"+key+"/", "/../") || strings.Contains("/"+key+"/", "/./") {
		return hoso.Errorf(hoso.EInvalid, "bad object key %q", key)
	}
	return nil
}

// OriginalKey is where an original upload with the given SHA-256 lives.
func OriginalKey(sum string) string { return "originals/" + sum[:2] + "/" + sum }

// PageImageKey is where the image of page n (from 1) of a file lives: what
// OCR reads and a reviewer sees.
func PageImageKey(fileID string, n int) string { return fmt.Sprintf("pages/%s/%04d.png", fileID, n) }

// PutOriginal streams r into the store under its SHA-256, computed while it
// is written (never held whole in memory): first under a temporary key,
// then moved to OriginalKey (no second write). It returns the hash and the size; storing the
// same bytes twice keeps one object.
func PutOriginal(ctx context.Context, s Store, r io.Reader, maxBytes int64) (sum string, size int64, err error) {
	tmp := "tmp/" + randomName()
	h := sha256.New()
	lr := &limitedReader{r: io.TeeReader(r, h), left: maxBytes}
	obj, err := s.Put(ctx, tmp, lr, -1)
	if err != nil {
		if lr.exceeded {
			return "", 0, hoso.Errorf(hoso.ETooLarge, "the file is larger than %d MB", maxBytes>>20)
		}
		return "", 0, err
	}
	defer s.Delete(context.WithoutCancel(ctx), tmp)
	if lr.exceeded {
		return "", 0, hoso.Errorf(hoso.ETooLarge, "the file is larger than %d MB", maxBytes>>20)
	}
	sum = hex.EncodeToString(h.Sum(nil))
	key := OriginalKey(sum)
	if _, err := s.Stat(ctx, key); err == nil {
		return sum, obj.Size, nil // the same bytes were stored before
	} else if hoso.ErrorCode(err) != hoso.ENotFound {
		return "", 0, err
	}
	if _, err := s.Move(ctx, tmp, key); err != nil {
		return "", 0, err
	}
	return sum, obj.Size, nil
}

// randomName names a temporary object: uploads running at once never
// share one.
func randomName() string {
	b := make([]byte, 16)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// limitedReader fails once more than left bytes were read.
type limitedReader struct {
	r        io.Reader
	left     int64
	exceeded bool
}

func (l *limitedReader) Read(p []byte) (int, error) {
	if l.left < 0 {
		l.exceeded = true
		return 0, hoso.Errorf(hoso.ETooLarge, "too large")
	}
	if int64(len(p)) > l.left+1 {
		p = p[:l.left+1]
	}
	n, err := l.r.Read(p)
	l.left -= int64(n)
	if l.left < 0 {
		l.exceeded = true
		return n, hoso.Errorf(hoso.ETooLarge, "too large")
	}
	return n, err
}
