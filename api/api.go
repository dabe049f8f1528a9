// Package api is hoso's HTTP API: the standard library's mux, all routes in
// one table, middleware as func(http.Handler) http.Handler, and one function
// that turns error codes into statuses.
package api

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"mime/multipart"
	"net/http"
	"strings"

	"hoso"
)

// Catalog is what the API needs of the database.
type Catalog interface {
	CreateFile(ctx context.Context, f hoso.File) (hoso.File, bool, error)
	GetFile(ctx context.Context, id string) (hoso.File, error)
	Authenticate(ctx context.Context, secret string) (hoso.Token, error)
}

// Originals stores an upload under its SHA-256 while reading it.
type Originals func(ctx context.Context, r io.Reader, maxBytes int64) (sum string, size int64, err error)

// Server serves the API.
type Server struct {
	Catalog   Catalog
	Originals Originals
	// Start queues the pipeline for a newly received file (nil: nothing is
	// started, as in tests of the API alone).
	Start func(ctx context.Context, fileID string) error
	// Ready checks the services the API needs (nil: always ready).
	Ready func(ctx context.Context) error
	// MaxUploadBytes bounds one uploaded file.
	MaxUploadBytes int64
	Log            *slog.Logger
}

// Handler returns the API's routes behind authentication.
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	for _, r := range []struct {
		pattern string
		h       http.HandlerFunc
		auth    bool
	}{
		{"GET /healthz", s.health, false},
		{"GET /readyz", s.ready, false},
		{"POST /api/v1/files", s.uploadFile, true},
		{"GET /api/v1/files/{id}", s.getFile, true},
	} {
		var h http.Handler = r.h
		if r.auth {
			h = s.authenticate(h)
		}
		mux.Handle(r.pattern, h)
	}
	return mux
}

type tokenKey struct{}

// authenticate requires "Authorization: Bearer TOKEN".
func (s *Server) authenticate(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		secret, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
		if !ok || secret == "" {
			s.fail(w, r, hoso.Errorf(hoso.EUnauthorized, "an API token is required"))
			return
		}
		tok, err := s.Catalog.Authenticate(r.Context(), secret)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), tokenKey{}, tok)))
	})
}

func tokenOf(r *http.Request) hoso.Token {
	t, _ := r.Context().Value(tokenKey{}).(hoso.Token)
	return t
}

func (s *Server) health(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
}

// ready says whether the process can serve: its catalog answers.
func (s *Server) ready(w http.ResponseWriter, r *http.Request) {
	if s.Ready != nil {
		if err := s.Ready(r.Context()); err != nil {
			s.fail(w, r, hoso.WrapError(hoso.EUnavailable, "not ready", err))
			return
		}
	}
	writeJSON(w, http.StatusOK, map[string]string{"status": "ready"})
}

// uploadFile streams the multipart field "file" to storage while hashing
// it; the same bytes uploaded again return the existing file.
func (s *Server) uploadFile(w http.ResponseWriter, r *http.Request) {
	tok := tokenOf(r)
	if tok.Role != "clerk" && tok.Role != "admin" {
		s.fail(w, r, hoso.Errorf(hoso.EForbidden, "only clerks and admins upload"))
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, s.MaxUploadBytes+1<<20)
	mr, err := r.MultipartReader()
	if err != nil {
		s.fail(w, r, hoso.WrapError(hoso.EInvalid, "the upload must be multipart/form-data with a field named file", err))
		return
	}
	unit := tok.Unit
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			s.fail(w, r, hoso.Errorf(hoso.EInvalid, "the upload has no field named file"))
			return
		}
		if err != nil {
			s.fail(w, r, hoso.WrapError(hoso.EInvalid, "the upload cannot be read", err))
			return
		}
		switch part.FormName() {
		case "unit":
			if v := formValue(part); v != "" && tok.Role == "admin" {
				unit = v // a clerk uploads for their own unit only
			}
		case "file":
			s.storeUpload(w, r, part, unit)
			return
		}
	}
}

func (s *Server) storeUpload(w http.ResponseWriter, r *http.Request, part *multipart.Part, unit string) {
	sum, size, err := s.Originals(r.Context(), part, s.MaxUploadBytes)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if size == 0 {
		s.fail(w, r, hoso.Errorf(hoso.EEmptyFile, "the file is empty"))
		return
	}
	f, dup, err := s.Catalog.CreateFile(r.Context(), hoso.File{SHA256: sum, Name: part.FileName(), Size: size, Unit: unit})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	// Started again for a duplicate too: the task ID makes it a no-op once
	// queued, and it recovers a file whose first start was lost.
	if s.Start != nil && (!dup || f.Status == hoso.StatusReceived) {
		if err := s.Start(r.Context(), f.ID); err != nil {
			s.fail(w, r, err)
			return
		}
	}
	writeJSON(w, http.StatusAccepted, map[string]any{"id": f.ID, "sha256": f.SHA256, "status": f.Status, "duplicate": dup})
}

func formValue(p *multipart.Part) string {
	b, _ := io.ReadAll(io.LimitReader(p, 256))
	return strings.TrimSpace(string(b))
}

// getFile reports a file's status; a clerk sees only their unit's files.
func (s *Server) getFile(w http.ResponseWriter, r *http.Request) {
	f, err := s.Catalog.GetFile(r.Context(), r.PathValue("id"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if tok := tokenOf(r); tok.Unit != "" && tok.Role != "admin" && f.Unit != tok.Unit {
		s.fail(w, r, hoso.Errorf(hoso.ENotFound, "no such file")) // no hint that it exists
		return
	}
	var fileErr any
	if f.ErrorCode != "" {
		fileErr = map[string]string{"code": f.ErrorCode, "message": f.ErrorMessage}
	}
	writeJSON(w, http.StatusOK, map[string]any{"id": f.ID, "sha256": f.SHA256, "status": f.Status, "error": fileErr, "documents": []any{}})
}

// statusOf maps error codes to HTTP statuses, in one place.
func statusOf(code string) int {
	switch code {
	case hoso.EInvalid, hoso.EEmptyFile, hoso.EUnsupportedType, hoso.EDamagedFile, hoso.EEncryptedFile, hoso.ENoPages:
		return http.StatusBadRequest
	case hoso.ENotFound:
		return http.StatusNotFound
	case hoso.EConflict:
		return http.StatusConflict
	case hoso.EUnauthorized:
		return http.StatusUnauthorized
	case hoso.EForbidden:
		return http.StatusForbidden
	case hoso.ETooLarge:
		return http.StatusRequestEntityTooLarge
	case hoso.EUnavailable:
		return http.StatusServiceUnavailable
	}
	return http.StatusInternalServerError
}

// fail writes {"error": {"code", "message"}} and logs server-side errors.
func (s *Server) fail(w http.ResponseWriter, r *http.Request, err error) {
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		err = hoso.Errorf(hoso.ETooLarge, "the upload is larger than %d MB", s.MaxUploadBytes>>20)
	}
	code := hoso.ErrorCode(err)
	status := statusOf(code)
	if status >= 500 && s.Log != nil {
		s.Log.Error("request failed", "method", r.Method, "path", r.URL.Path, "err", err)
	}
	writeJSON(w, status, map[string]any{"error": map[string]string{"code": code, "message": hoso.ErrorMessage(err)}})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.Encode(v)
}
