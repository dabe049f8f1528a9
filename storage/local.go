package storage

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"hoso"
)

// Local keeps objects as files under a folder. A put writes a temporary
// file, syncs it and renames it into place, so readers never see half an
// object.
type Local struct {
	dir string
}

var _ Store = (*Local)(nil)

// NewLocal returns a store under dir, creating it.
func NewLocal(dir string) (*Local, error) {
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return nil, hoso.WrapError(hoso.EUnavailable, "the storage folder cannot be created", err)
	}
	return &Local{dir: dir}, nil
}

func (l *Local) path(key string) string { return filepath.Join(l.dir, filepath.FromSlash(key)) }

// Put implements Store.
func (l *Local) Put(ctx context.Context, key string, r io.Reader, size int64) (Object, error) {
	if err := CheckKey(key); err != nil {
		return Object{}, err
	}
	p := l.path(key)
	if err := os.MkdirAll(filepath.Dir(p), 0o750); err != nil {
		return Object{}, hoso.WrapError(hoso.EUnavailable, "storage folder", err)
	}
	f, err := os.CreateTemp(filepath.Dir(p), ".put-*")
	if err != nil {
		return Object{}, hoso.WrapError(hoso.EUnavailable, "storage write", err)
	}
	defer os.Remove(f.Name()) // a no-op once renamed
	// Uploads arrive in the small reads of a multipart body: gather them
	// into large writes, read straight into a pooled buffer.
	n, err := writeOnce(f, readerWithContext(ctx, r))
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		if hoso.ErrorCode(err) != hoso.EInternal {
			return Object{}, err
		}
		return Object{}, hoso.WrapError(hoso.EUnavailable, "storage write", err)
	}
	if size >= 0 && n != size {
		return Object{}, hoso.Errorf(hoso.EInvalid, "wrote %d bytes, expected %d", n, size)
	}
	if err := os.Rename(f.Name(), p); err != nil {
		return Object{}, hoso.WrapError(hoso.EUnavailable, "storage write", err)
	}
	return l.Stat(ctx, key)
}

// Move implements Store.
func (l *Local) Move(ctx context.Context, src, dst string) (Object, error) {
	if err := CheckKey(src); err != nil {
		return Object{}, err
	}
	if err := CheckKey(dst); err != nil {
		return Object{}, err
	}
	if _, err := l.Stat(ctx, src); err != nil {
		return Object{}, err
	}
	if err := os.MkdirAll(filepath.Dir(l.path(dst)), 0o750); err != nil {
		return Object{}, hoso.WrapError(hoso.EUnavailable, "storage folder", err)
	}
	if err := os.Rename(l.path(src), l.path(dst)); err != nil {
		return Object{}, classifyFS(src, err)
	}
	return l.Stat(ctx, dst)
}

// Get implements Store.
func (l *Local) Get(ctx context.Context, key string) (io.ReadCloser, Object, error) {
	obj, err := l.Stat(ctx, key)
	if err != nil {
		return nil, Object{}, err
	}
	f, err := os.Open(l.path(key))
	if err != nil {
		return nil, Object{}, classifyFS(key, err)
	}
	return f, obj, nil
}

// Stat implements Store.
func (l *Local) Stat(ctx context.Context, key string) (Object, error) {
	if err := CheckKey(key); err != nil {
		return Object{}, err
	}
	st, err := os.Stat(l.path(key))
	if err != nil {
		return Object{}, classifyFS(key, err)
	}
	if st.IsDir() {
		return Object{}, hoso.Errorf(hoso.ENotFound, "no object %s", key)
	}
	return Object{Key: key, Size: st.Size(), ModTime: st.ModTime()}, nil
}

// Delete implements Store.
func (l *Local) Delete(ctx context.Context, key string) error {
	if err := CheckKey(key); err != nil {
		return err
	}
	if err := os.Remove(l.path(key)); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return hoso.WrapError(hoso.EUnavailable, "storage delete", err)
	}
	return nil
}

// List implements Store.
func (l *Local) List(ctx context.Context, prefix string) ([]Object, error) {
	var out []Object
	err := filepath.WalkDir(l.dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() || strings.HasPrefix(d.Name(), ".put-") {
			return nil
		}
		rel, err := filepath.Rel(l.dir, p)
		if err != nil {
			return err
		}
		key := filepath.ToSlash(rel)
		if !strings.HasPrefix(key, prefix) {
			return nil
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		out = append(out, Object{Key: key, Size: info.Size(), ModTime: info.ModTime()})
		return nil
	})
	if err != nil {
		return nil, hoso.WrapError(hoso.EUnavailable, "storage list", err)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Key < out[j].Key })
	return out, nil
}

func classifyFS(key string, err error) error {
	if errors.Is(err, fs.ErrNotExist) {
		return hoso.WrapError(hoso.ENotFound, fmt.Sprintf("no object %s", key), err)
	}
	return hoso.WrapError(hoso.EUnavailable, "storage read", err)
}

// readerWithContext stops reading once ctx is done.
func readerWithContext(ctx context.Context, r io.Reader) io.Reader {
	return readerFunc(func(p []byte) (int, error) {
		if err := ctx.Err(); err != nil {
			return 0, hoso.WrapError(hoso.EUnavailable, "cancelled", err)
		}
		return r.Read(p)
	})
}

type readerFunc func([]byte) (int, error)

func (f readerFunc) Read(p []byte) (int, error) { return f(p) }
