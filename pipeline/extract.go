// Package pipeline runs the stages that turn an uploaded file into extracted
// documents: prepare (read the file's pages), OCR each page, analyze (split,
// classify, extract). This file holds the in-process engine used by
// `hoso extract`; the queued stages build on the same functions.
package pipeline

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"sync"

	"hoso"
	"hoso/extract"
	"hoso/ocr"
)

// FileResult is what extracting one file gave: the JSON Lines contract of
// `hoso extract`.
type FileResult struct {
	File      string                   `json:"file"`
	SHA256    string                   `json:"sha256"`
	Pages     int                      `json:"pages"`
	Documents []hoso.ExtractedDocument `json:"documents"`
	Error     *ErrorInfo               `json:"error"`

	// OCR holds the pages as read, for callers that keep them (the queued
	// pipeline, recorded test data); it is not part of the JSON contract.
	OCR []hoso.Page `json:"-"`
}

// ErrorInfo is a stable error code with a message for people.
type ErrorInfo struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}

// Linker attaches registry people to extracted documents. It is optional.
type Linker interface {
	Link(doc *hoso.ExtractedDocument)
}

// Extractor runs prepare, OCR and analyze in this process.
type Extractor struct {
	Engine *ocr.Engine
	Linker Linker // may be nil: links stay empty
	// FilesInFlight bounds how many files are read at once; pages of all of
	// them share the engine's workers. Default 2.
	FilesInFlight int
}

// Run extracts every file and calls emit with the results in the order of
// paths, while later files are already being read.
func (x *Extractor) Run(ctx context.Context, paths []string, emit func(FileResult) error) error {
	inFlight := x.FilesInFlight
	if inFlight <= 0 {
		inFlight = 2
	}
	// Pages decoded but not yet read are the memory cost: one waiting page
	// beyond those being read.
	pageSem := make(chan struct{}, x.Engine.Workers()+1)
	fileSem := make(chan struct{}, inFlight)
	results := make([]chan FileResult, len(paths))
	for i := range results {
		results[i] = make(chan FileResult, 1)
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	go func() {
		for i, p := range paths {
			select {
			case fileSem <- struct{}{}:
			case <-ctx.Done():
				return
			}
			go func() {
				defer func() { <-fileSem }()
				results[i] <- x.ExtractFile(ctx, p, pageSem)
			}()
		}
	}()
	for i := range paths {
		select {
		case r := <-results[i]:
			if err := emit(r); err != nil {
				return err
			}
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	return nil
}

// ExtractFile reads one file. pageSem, when not nil, bounds the pages being
// decoded and read at once across files.
func (x *Extractor) ExtractFile(ctx context.Context, path string, pageSem chan struct{}) FileResult {
	res := FileResult{File: path, Documents: []hoso.ExtractedDocument{}}
	sum, err := fileSHA256(path)
	if err != nil {
		res.Error = errorInfo(hoso.WrapError(hoso.ENotFound, "the file cannot be read", err))
		return res
	}
	res.SHA256 = sum
	pages, err := x.ReadPages(ctx, path, pageSem)
	res.Pages = len(pages)
	if err != nil {
		res.Error = errorInfo(err)
		res.Pages = 0
		return res
	}
	res.OCR = pages
	res.Documents = extract.Analyze(pages)
	if x.Linker != nil {
		for i := range res.Documents {
			x.Linker.Link(&res.Documents[i])
		}
	}
	return res
}

// ReadPages opens a file and reads all its pages with the engine, in
// parallel, returning them in page order.
func (x *Extractor) ReadPages(ctx context.Context, path string, pageSem chan struct{}) ([]hoso.Page, error) {
	src, err := ocr.Open(ctx, path, x.Engine.Limits())
	if err != nil {
		return nil, err
	}
	defer src.Close()
	if pageSem == nil {
		pageSem = make(chan struct{}, x.Engine.Workers()+1)
	}
	n := src.PageCount()
	pages := make([]hoso.Page, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	var srcMu sync.Mutex // sources are not safe for concurrent page decoding
	for i := 1; i <= n; i++ {
		select {
		case pageSem <- struct{}{}:
		case <-ctx.Done():
			wg.Wait()
			return nil, ctx.Err()
		}
		srcMu.Lock()
		img, err := src.Page(ctx, i)
		srcMu.Unlock()
		if err != nil {
			<-pageSem
			wg.Wait()
			return nil, err
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() { <-pageSem }()
			pages[i-1], errs[i-1] = x.Engine.ReadPage(ctx, img)
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	return pages, nil
}

func fileSHA256(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", fmt.Errorf("hash %s: %w", path, err)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

func errorInfo(err error) *ErrorInfo {
	if err == nil {
		return nil
	}
	return &ErrorInfo{Code: hoso.ErrorCode(err), Message: hoso.ErrorMessage(err)}
}
