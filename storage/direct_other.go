//go:build !linux

package storage

import "os"

// setDirect is a no-op where O_DIRECT does not exist.
func setDirect(f *os.File, on bool) bool { return false }
