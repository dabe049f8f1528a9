// Package api is hoso's HTTP API: the standard library's mux, all routes in
// one table, middleware as func(http.Handler) http.Handler, and one function
// that turns error codes into statuses.
package api

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"mime/multipart"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"hoso"
	"hoso/catalog"
	"hoso/storage"
)

// Catalog is what the API needs of the database.
type Catalog interface {
	CreateFile(ctx context.Context, f hoso.File) (hoso.File, bool, error)
	GetFile(ctx context.Context, id string) (hoso.File, error)
	FileBySHA256(ctx context.Context, sum string) (hoso.File, error)
	FileDocuments(ctx context.Context, fileID string) ([]catalog.StoredDocument, error)
	GetDocument(ctx context.Context, id string) (catalog.StoredDocument, error)
	ListDocuments(ctx context.Context, f catalog.DocumentFilter) ([]catalog.StoredDocument, string, error)
	Authenticate(ctx context.Context, secret string) (hoso.Token, error)
	SignedFile(ctx context.Context, documentID string) (hoso.Signed, error)
}

// Originals stores an upload under its SHA-256 while reading it.
type Originals func(ctx context.Context, r io.Reader, maxBytes int64) (sum string, size int64, err error)

// Server serves the API.
type Server struct {
	Catalog   Catalog
	Originals Originals
	// Objects holds the page images (storage.PageImageKey).
	Objects storage.Store
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
		{"GET /api/v1/files", s.findFile, true},
		{"GET /api/v1/files/{id}", s.getFile, true},
		{"GET /api/v1/documents", s.listDocuments, true},
		{"GET /api/v1/documents/{id}", s.getDocument, true},
		{"GET /api/v1/documents/{id}/pages/{n}", s.documentPage, true},
		{"GET /api/v1/documents/{id}/signed", s.signedFile, true},
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
	mr, done, err := multipartReader(r)
	if err != nil {
		s.fail(w, r, hoso.WrapError(hoso.EInvalid, "the upload must be multipart/form-data with a field named file", err))
		return
	}
	defer done()
	hints := hoso.File{Unit: tok.Unit}
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
		// The hints come before the file: the body is read once, in order.
		switch part.FormName() {
		case "unit":
			if v := formValue(part); v != "" && tok.Role == "admin" {
				hints.Unit = v // a clerk uploads for their own unit only
			}
		case "staff_id":
			hints.HintStaffID = formValue(part)
		case "doc_type":
			hints.HintDocType = hoso.DocType(formValue(part))
			if hints.HintDocType != "" && !slices.Contains(hoso.DocTypes, hints.HintDocType) {
				s.fail(w, r, hoso.Errorf(hoso.EInvalid, "doc_type %q is not a document type", hints.HintDocType))
				return
			}
		case "file":
			s.storeUpload(w, r, part, hints)
			return
		}
	}
}

// storeUpload stores the file part; hints holds the unit and the clerk's
// hints read before it.
func (s *Server) storeUpload(w http.ResponseWriter, r *http.Request, part *multipart.Part, hints hoso.File) {
	sum, size, err := s.Originals(r.Context(), part, s.MaxUploadBytes)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if size == 0 {
		s.fail(w, r, hoso.Errorf(hoso.EEmptyFile, "the file is empty"))
		return
	}
	hints.SHA256, hints.Name, hints.Size, hints.UploadedBy = sum, part.FileName(), size, tokenOf(r).ID
	f, dup, err := s.Catalog.CreateFile(r.Context(), hints)
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

// uploadReadBuffer is how much of an upload's body is read at once: the
// multipart reader's own reads are 4 kB, one system call each without it.
const uploadReadBuffer = 1 << 20

var readers = sync.Pool{New: func() any { return bufio.NewReaderSize(nil, uploadReadBuffer) }}

// multipartReader is r.MultipartReader with large reads underneath; done
// gives its buffer back.
func multipartReader(r *http.Request) (mr *multipart.Reader, done func(), err error) {
	mt, params, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || mt != "multipart/form-data" || params["boundary"] == "" {
		return nil, nil, fmt.Errorf("content type %q", r.Header.Get("Content-Type"))
	}
	br := readers.Get().(*bufio.Reader)
	br.Reset(r.Body)
	return multipart.NewReader(br, params["boundary"]), func() { br.Reset(nil); readers.Put(br) }, nil
}

func formValue(p *multipart.Part) string {
	b, _ := io.ReadAll(io.LimitReader(p, 256))
	return strings.TrimSpace(string(b))
}

// getFile reports a file's status and the documents found in it; a clerk
// sees only their unit's files.
func (s *Server) getFile(w http.ResponseWriter, r *http.Request) {
	f, err := s.Catalog.GetFile(r.Context(), r.PathValue("id"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.writeFile(w, r, f)
}

// findFile looks a file up by its SHA-256 (?sha256=): how hoso upload
// skips what the server already has.
func (s *Server) findFile(w http.ResponseWriter, r *http.Request) {
	sum := strings.ToLower(r.URL.Query().Get("sha256"))
	if len(sum) != 64 || strings.Trim(sum, "0123456789abcdef") != "" {
		s.fail(w, r, hoso.Errorf(hoso.EInvalid, "sha256 must be 64 hexadecimal digits"))
		return
	}
	f, err := s.Catalog.FileBySHA256(r.Context(), sum)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.writeFile(w, r, f)
}

func (s *Server) writeFile(w http.ResponseWriter, r *http.Request, f hoso.File) {
	if !sees(tokenOf(r), f.Unit) {
		s.fail(w, r, hoso.Errorf(hoso.ENotFound, "no such file")) // no hint that it exists
		return
	}
	docs, err := s.Catalog.FileDocuments(r.Context(), f.ID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var fileErr any
	if f.ErrorCode != "" {
		fileErr = map[string]string{"code": f.ErrorCode, "message": f.ErrorMessage}
	}
	out := make([]documentJSON, len(docs))
	for i, d := range docs {
		out[i] = documentOf(d, false)
	}
	writeJSON(w, http.StatusOK, map[string]any{"id": f.ID, "sha256": f.SHA256, "name": f.Name, "size": f.Size,
		"unit": f.Unit, "status": f.Status, "error": fileErr, "documents": out})
}

// sees says whether a token may see what belongs to unit: admins and the
// sync job see everything, clerks and reviewers their unit.
func sees(tok hoso.Token, unit string) bool {
	return tok.Unit == "" || tok.Role == "admin" || tok.Role == "sync" || unit == tok.Unit
}

// documentJSON is a document as the API shows it.
type documentJSON struct {
	ID                string        `json:"id"`
	FileID            string        `json:"file_id"`
	Index             int           `json:"index"`
	Status            string        `json:"status"`
	Unit              string        `json:"unit"`
	Version           int           `json:"version"`
	UpdatedAt         string        `json:"updated_at"`
	DocType           hoso.DocType  `json:"doc_type"`
	DocTypeConfidence float64       `json:"doc_type_confidence"`
	Pages             []int         `json:"pages"`
	Fields            hoso.Fields   `json:"fields"`
	People            []hoso.Fields `json:"people,omitempty"`
	Links             []hoso.Link   `json:"links"`
	Text              string        `json:"text,omitempty"`
}

func documentOf(d catalog.StoredDocument, withText bool) documentJSON {
	out := documentJSON{
		ID: d.ID, FileID: d.FileID, Index: d.Index, Status: d.Status, Unit: d.Unit, Version: d.Version,
		UpdatedAt: d.UpdatedAt.UTC().Format(time.RFC3339), DocType: d.Document.DocType,
		DocTypeConfidence: d.Document.DocTypeConfidence, Pages: d.Document.Pages, Fields: d.Document.Fields,
		People: d.Document.People, Links: d.Document.Links,
	}
	if out.Links == nil {
		out.Links = []hoso.Link{}
	}
	if withText {
		out.Text = d.Document.Text
	}
	return out
}

// Paging of document lists.
const (
	DefaultPageSize = 50
	MaxPageSize     = 500
)

// listDocuments lists documents by status, unit and person
// (?status=&unit=&staff_id=&file_id=), a page at a time (?limit=&after=).
func (s *Server) listDocuments(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	f := catalog.DocumentFilter{Status: q.Get("status"), Unit: q.Get("unit"), StaffID: q.Get("staff_id"),
		FileID: q.Get("file_id"), After: q.Get("after"), Limit: DefaultPageSize}
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > MaxPageSize {
			s.fail(w, r, hoso.Errorf(hoso.EInvalid, "limit must be a number from 1 to %d", MaxPageSize))
			return
		}
		f.Limit = n
	}
	if tok := tokenOf(r); !sees(tok, f.Unit) {
		f.Unit = tok.Unit // a clerk or reviewer lists their own unit
	}
	docs, next, err := s.Catalog.ListDocuments(r.Context(), f)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	out := make([]documentJSON, len(docs))
	for i, d := range docs {
		out[i] = documentOf(d, false)
	}
	writeJSON(w, http.StatusOK, map[string]any{"documents": out, "next": next})
}

// document returns the document of the request's path, if the token sees it.
func (s *Server) document(r *http.Request) (catalog.StoredDocument, error) {
	d, err := s.Catalog.GetDocument(r.Context(), r.PathValue("id"))
	if err != nil {
		return d, err
	}
	if !sees(tokenOf(r), d.Unit) {
		return d, hoso.Errorf(hoso.ENotFound, "no such document")
	}
	return d, nil
}

// getDocument shows a document with its fields, links and pages; its
// version is the ETag.
func (s *Server) getDocument(w http.ResponseWriter, r *http.Request) {
	d, err := s.document(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	etag := fmt.Sprintf(`"%s-v%d"`, d.ID, d.Version)
	w.Header().Set("ETag", etag)
	if r.Header.Get("If-None-Match") == etag {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	writeJSON(w, http.StatusOK, documentOf(d, true))
}

// documentPage sends the image of the document's n-th page (from 1).
func (s *Server) documentPage(w http.ResponseWriter, r *http.Request) {
	d, err := s.document(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	n, err := strconv.Atoi(r.PathValue("n"))
	if err != nil || n < 1 || n > len(d.Document.Pages) {
		s.fail(w, r, hoso.Errorf(hoso.ENotFound, "the document has %d pages", len(d.Document.Pages)))
		return
	}
	rc, obj, err := s.Objects.Get(r.Context(), storage.PageImageKey(d.FileID, d.Document.Pages[n-1]))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	defer rc.Close()
	w.Header().Set("Content-Type", "image/png")
	w.Header().Set("Content-Length", strconv.FormatInt(obj.Size, 10))
	w.Header().Set("Cache-Control", "private, max-age=86400") // a page image never changes
	io.Copy(w, rc)
}

// signedFile sends the signed PDF of the document's current version.
func (s *Server) signedFile(w http.ResponseWriter, r *http.Request) {
	d, err := s.document(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	sf, err := s.Catalog.SignedFile(r.Context(), d.ID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	rc, obj, err := s.Objects.Get(r.Context(), sf.Key)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	defer rc.Close()
	w.Header().Set("Content-Type", "application/pdf")
	w.Header().Set("Content-Length", strconv.FormatInt(obj.Size, 10))
	w.Header().Set("ETag", `"`+sf.SHA256+`"`)
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="%s-v%d.pdf"`, d.ID, sf.Version))
	io.Copy(w, rc)
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
