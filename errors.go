package hoso

import (
	"errors"
	"fmt"
)

// Error codes: stable, part of the API. Clients may switch on them.
const (
	EInvalid      = "invalid"
	ENotFound     = "not_found"
	EConflict     = "conflict"
	EUnauthorized = "unauthorized"
	EForbidden    = "forbidden"
	ETooLarge     = "too_large"
	EUnavailable  = "unavailable"
	EInternal     = "internal"

	// Finer codes for files that cannot be read. They are kinds of invalid
	// input: the pipeline never retries them.
	EEmptyFile       = "empty_file"
	EUnsupportedType = "unsupported_type"
	EDamagedFile     = "damaged_file"
	EEncryptedFile   = "encrypted_file"
	ENoPages         = "no_pages"
)

// Error is the error type of hoso: a stable code, a message fit for a user,
// and the underlying cause for logs.
type Error struct {
	Code    string
	Message string
	Err     error
}

// Error implements the error interface.
func (e *Error) Error() string {
	if e.Err != nil {
		return fmt.Sprintf("%s: %s: %v", e.Code, e.Message, e.Err)
	}
	return e.Code + ": " + e.Message
}

// Unwrap returns the cause.
func (e *Error) Unwrap() error { return e.Err }

// Errorf returns an *Error with the given code and a formatted message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// WrapError returns an *Error with code and message that keeps err as its cause.
func WrapError(code, message string, err error) *Error {
	return &Error{Code: code, Message: message, Err: err}
}

// ErrorCode returns the code of the first *Error in err's chain, EInternal
// for any other non-nil error, and "" for nil.
func ErrorCode(err error) string {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return EInternal
}

// ErrorMessage returns the user-facing message of the first *Error in err's
// chain, or a generic message for other errors.
func ErrorMessage(err error) string {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Message
	}
	return "internal error"
}

// IsPermanent reports whether err is a problem with the input itself, which
// no retry can fix.
func IsPermanent(err error) bool {
	switch ErrorCode(err) {
	case EInvalid, ETooLarge, EEmptyFile, EUnsupportedType, EDamagedFile, EEncryptedFile, ENoPages,
		ENotFound, EForbidden, EUnauthorized, EConflict:
		return true
	}
	return false
}
