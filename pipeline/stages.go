package pipeline

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"image"
	"image/png"
	"io"
	"log/slog"
	"time"

	"github.com/hibiken/asynq"

	"hoso"
	"hoso/extract"
	"hoso/ocr"
	"hoso/storage"
)

// Task types. Payloads carry IDs only; task IDs are derived from them, so a
// stage enqueued twice runs once.
const (
	TaskPrepare = "file:prepare"
	TaskOCR     = "file:ocr"
	TaskAnalyze = "file:analyze"
	TaskSeal    = "document:seal"
)

type payload struct {
	FileID string `json:"file_id"`
	Page   int    `json:"page,omitempty"`
	DPI    int    `json:"dpi,omitempty"` // of the stored page image
	// Document and Version name the document version to seal.
	Document string `json:"document,omitempty"`
	Version  int    `json:"version,omitempty"`
}

// SealTask seals a document version once it is approved.
func SealTask(fileID, docID string, version int) (*asynq.Task, []asynq.Option) {
	return task(TaskSeal, payload{FileID: fileID, Document: docID, Version: version}, fmt.Sprintf("seal:%s:v%d", docID, version))
}

// PrepareTask starts the pipeline for an uploaded file.
func PrepareTask(fileID string) (*asynq.Task, []asynq.Option) {
	return task(TaskPrepare, payload{FileID: fileID}, "prepare:"+fileID)
}

func task(typ string, p payload, id string) (*asynq.Task, []asynq.Option) {
	b, _ := json.Marshal(p)
	// Retention keeps a finished task's ID taken, so that a stage run
	// again (a retry after a crash) does not start the next stage twice.
	return asynq.NewTask(typ, b), []asynq.Option{asynq.TaskID(id), asynq.MaxRetry(8), asynq.Retention(TaskRetention)}
}

// QueuePollInterval is how often an idle worker looks for tasks (asynq's
// default, a second, is a second lost at every stage of a file).
const QueuePollInterval = 100 * time.Millisecond

// TaskRetention is how long a finished task's ID stays taken.
const TaskRetention = 24 * time.Hour

// Queues and their weights: the pages of a small upload go before a
// city's batch, which still always moves.
var Queues = map[string]int{QueueSmall: 6, QueueDefault: 3, QueueBulk: 1}

// Queue names.
const (
	QueueSmall   = "small"
	QueueDefault = "default"
	QueueBulk    = "bulk"
)

// SmallFilePages and BulkFilePages bound the queues by a file's pages.
const (
	SmallFilePages = 5
	BulkFilePages  = 50
)

// QueueFor chooses the queue of a file's page tasks by its size.
func QueueFor(pages int) string {
	switch {
	case pages <= SmallFilePages:
		return QueueSmall
	case pages >= BulkFilePages:
		return QueueBulk
	}
	return QueueDefault
}

// StageCatalog is what the stages need of the catalog.
type StageCatalog interface {
	GetFile(ctx context.Context, id string) (hoso.File, error)
	SetFileStatus(ctx context.Context, id, status, errCode, errMessage string) error
	SetPageCount(ctx context.Context, fileID string, pages int, status string) error
	SavePage(ctx context.Context, fileID string, p hoso.Page) (done, total int, err error)
	LoadPages(ctx context.Context, fileID string) ([]hoso.Page, error)
	SaveDocuments(ctx context.Context, fileID string, docs []hoso.ExtractedDocument, statuses []string, fileStatus string) error
	FileDocuments(ctx context.Context, fileID string) ([]hoso.StoredDocument, error)
	GetDocument(ctx context.Context, id string) (hoso.StoredDocument, error)
	SetDocumentStatus(ctx context.Context, id string, version int, status string) error
	MarkSigned(ctx context.Context, s hoso.Signed) error
}

// Stages are the queued pipeline: prepare, OCR of each page (fanned out so
// one large batch uses every worker), analyze. Each stage commits its result
// before it enqueues the next.
type Stages struct {
	Catalog StageCatalog
	// Objects holds the originals (storage.OriginalKey) and the page
	// images prepare writes (storage.PageImageKey).
	Objects storage.Store
	Engine  *ocr.Engine
	// Registry gives the linker of the moment (nil: documents stay
	// unlinked).
	Registry func(ctx context.Context) (Linker, error)
	Enqueue  func(ctx context.Context, t *asynq.Task, opts ...asynq.Option) error
	// AutoApprove is off, confident or all (see ApproveStatus).
	AutoApprove string
	// Sealer signs approved documents (nil: they stay approved).
	Sealer *Sealer
	Log    *slog.Logger
}

// PreviewDPI is the resolution of the picture of a born-digital page.
const PreviewDPI = 100

// Register adds the stages' handlers to an asynq mux.
func (s *Stages) Register(mux *asynq.ServeMux) {
	mux.HandleFunc(TaskPrepare, s.lastTry(s.prepare))
	mux.HandleFunc(TaskOCR, s.lastTry(s.ocrPage))
	mux.HandleFunc(TaskAnalyze, s.lastTry(s.analyze))
	mux.HandleFunc(TaskSeal, s.seal)
}

// lastTry ends a file as failed, with the error's code and message, when
// its stage fails on the last retry asynq allows: a file never stays in
// the pipeline for ever. Its original stays stored.
func (s *Stages) lastTry(h asynq.HandlerFunc) asynq.HandlerFunc {
	return func(ctx context.Context, t *asynq.Task) error {
		err := h(ctx, t)
		if err == nil || errors.Is(err, asynq.SkipRetry) {
			return err
		}
		n, ok1 := asynq.GetRetryCount(ctx)
		limit, ok2 := asynq.GetMaxRetry(ctx)
		if !ok1 || !ok2 || n < limit {
			return err
		}
		p, perr := decode(t)
		if perr != nil {
			return err
		}
		code := hoso.ErrorCode(err)
		if serr := s.Catalog.SetFileStatus(context.WithoutCancel(ctx), p.FileID, hoso.StatusFailed, code, hoso.ErrorMessage(err)); serr != nil {
			return errors.Join(err, serr)
		}
		if s.Log != nil {
			s.Log.Warn("file failed after retries", "file", p.FileID, "task", t.Type(), "code", code, "err", err)
		}
		return err
	}
}

func decode(t *asynq.Task) (payload, error) {
	var p payload
	if err := json.Unmarshal(t.Payload(), &p); err != nil || p.FileID == "" {
		return p, fmt.Errorf("bad payload: %v: %w", err, asynq.SkipRetry)
	}
	return p, nil
}

// original reads a file's original, up to the file size limit.
func (s *Stages) original(ctx context.Context, f hoso.File) ([]byte, error) {
	rc, _, err := s.Objects.Get(ctx, storage.OriginalKey(f.SHA256))
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	data, err := io.ReadAll(io.LimitReader(rc, s.Engine.Limits().MaxFileBytes+1))
	if err != nil {
		return nil, hoso.WrapError(hoso.EUnavailable, "the original cannot be read", err)
	}
	return data, nil
}

// source opens a file's original for reading pages.
func (s *Stages) source(ctx context.Context, f hoso.File) (ocr.Source, error) {
	data, err := s.original(ctx, f)
	if err != nil {
		return nil, err
	}
	return ocr.OpenBytes(ctx, "", data, s.Engine.Limits())
}

// prepare checks the file, stores the image of each page (read once here,
// so that page tasks never open the whole original again) and fans out one
// OCR task a page. A born-digital page is read from its text here.
func (s *Stages) prepare(ctx context.Context, t *asynq.Task) error {
	p, err := decode(t)
	if err != nil {
		return err
	}
	f, err := s.Catalog.GetFile(ctx, p.FileID)
	if err != nil {
		return s.stageError(ctx, p.FileID, err)
	}
	if f.Status != hoso.StatusReceived && f.Status != hoso.StatusOCR {
		return nil // prepared before, and moved on
	}
	src, err := s.source(ctx, f)
	if err != nil {
		return s.stageError(ctx, p.FileID, err)
	}
	defer src.Close()
	n := src.PageCount()
	if err := s.Catalog.SetPageCount(ctx, p.FileID, n, hoso.StatusOCR); err != nil {
		return err
	}
	queue := asynq.Queue(QueueFor(n))
	for i := 1; i <= n; i++ {
		img, err := src.Page(ctx, i)
		if err != nil {
			return s.stageError(ctx, p.FileID, err)
		}
		if img.Gray == nil {
			if err := s.textPage(ctx, p.FileID, src, img); err != nil {
				return s.stageError(ctx, p.FileID, err)
			}
			continue
		}
		if err := s.putPageImage(ctx, p.FileID, i, img.Gray); err != nil {
			return err
		}
		pt, opts := task(TaskOCR, payload{FileID: p.FileID, Page: i, DPI: img.DPI}, fmt.Sprintf("ocr:%s:%d", p.FileID, i))
		if err := s.enqueue(ctx, pt, append(opts, queue)...); err != nil {
			return err
		}
	}
	return nil
}

// textPage saves a born-digital page as read from its text, with a picture
// of it for review, and starts the analysis if it was the last page.
func (s *Stages) textPage(ctx context.Context, fileID string, src ocr.Source, img *ocr.PageImage) error {
	if r, ok := src.(ocr.Renderer); ok {
		g, err := r.Render(ctx, img.Number, PreviewDPI)
		if err != nil {
			return err
		}
		if err := s.putPageImage(ctx, fileID, img.Number, g); err != nil {
			return err
		}
	}
	page, err := s.Engine.ReadPage(ctx, img)
	if err != nil {
		return err
	}
	return s.savePage(ctx, fileID, page)
}

func (s *Stages) putPageImage(ctx context.Context, fileID string, n int, g *image.Gray) error {
	var buf bytes.Buffer
	enc := png.Encoder{CompressionLevel: png.BestSpeed}
	if err := enc.Encode(&buf, g); err != nil {
		return err
	}
	_, err := s.Objects.Put(ctx, storage.PageImageKey(fileID, n), &buf, int64(buf.Len()))
	return err
}

// ocrPage reads one page image; the task that saves the file's last page
// starts the analysis.
func (s *Stages) ocrPage(ctx context.Context, t *asynq.Task) error {
	p, err := decode(t)
	if err != nil {
		return err
	}
	rc, _, err := s.Objects.Get(ctx, storage.PageImageKey(p.FileID, p.Page))
	if err != nil {
		return s.stageError(ctx, p.FileID, err)
	}
	img, err := png.Decode(rc)
	rc.Close()
	if err != nil {
		return hoso.WrapError(hoso.EUnavailable, "the page image cannot be read", err) // stored by us: retry
	}
	page, err := s.Engine.ReadPage(ctx, &ocr.PageImage{Number: p.Page, Gray: ocr.ToGray(img), DPI: p.DPI})
	if err != nil {
		return s.stageError(ctx, p.FileID, err)
	}
	return s.savePage(ctx, p.FileID, page)
}

// savePage stores a page's words; whoever saves the last page enqueues the
// analysis (its task ID makes that once).
func (s *Stages) savePage(ctx context.Context, fileID string, page hoso.Page) error {
	done, total, err := s.Catalog.SavePage(ctx, fileID, page)
	if err != nil {
		return err
	}
	if done == total {
		at, opts := task(TaskAnalyze, payload{FileID: fileID}, "analyze:"+fileID)
		return s.enqueue(ctx, at, opts...)
	}
	return nil
}

// analyze splits, classifies, extracts and links, and files each document
// as approved or for review.
func (s *Stages) analyze(ctx context.Context, t *asynq.Task) error {
	p, err := decode(t)
	if err != nil {
		return err
	}
	f, err := s.Catalog.GetFile(ctx, p.FileID)
	if err != nil {
		return err
	}
	if f.Status != hoso.StatusOCR {
		return nil // analysed before: a reviewer's work is never overwritten
	}
	pages, err := s.Catalog.LoadPages(ctx, p.FileID)
	if err != nil {
		return err
	}
	docs := extract.Analyze(pages)
	var linker Linker
	if s.Registry != nil {
		if linker, err = s.Registry(ctx); err != nil {
			return err
		}
	}
	for i := range docs {
		if linker != nil {
			linker.Link(&docs[i])
		}
	}
	conflict := ApplyHints(docs, f)
	statuses := make([]string, len(docs))
	fileStatus := "approved"
	for i := range docs {
		statuses[i] = ApproveStatus(docs[i], s.AutoApprove)
		if conflict {
			statuses[i] = "needs_review"
		}
		if statuses[i] != "approved" {
			fileStatus = "needs_review"
		}
	}
	if err := s.Catalog.SaveDocuments(ctx, p.FileID, docs, statuses, fileStatus); err != nil {
		return err
	}
	return s.sealApproved(ctx, p.FileID)
}

// enqueue adds a task; one already queued under the same ID is fine.
func (s *Stages) enqueue(ctx context.Context, t *asynq.Task, opts ...asynq.Option) error {
	err := s.Enqueue(ctx, t, opts...)
	if errors.Is(err, asynq.ErrTaskIDConflict) || errors.Is(err, asynq.ErrDuplicateTask) {
		return nil
	}
	return err
}

// stageError ends the file as failed on an input problem (no retry) and
// lets asynq retry anything else.
func (s *Stages) stageError(ctx context.Context, fileID string, err error) error {
	if !hoso.IsPermanent(err) {
		return err
	}
	if serr := s.Catalog.SetFileStatus(ctx, fileID, hoso.StatusFailed, hoso.ErrorCode(err), hoso.ErrorMessage(err)); serr != nil {
		return serr
	}
	if s.Log != nil {
		s.Log.Info("file failed", "file", fileID, "code", hoso.ErrorCode(err))
	}
	return fmt.Errorf("%w: %w", err, asynq.SkipRetry)
}

// Thresholds of automatic approval (setting "confident").
const (
	ApproveMinDocType = 0.9
	ApproveMinField   = 0.85
)

// ApproveStatus applies the auto-approval policy: "all" approves every
// document, "off" none, "confident" those whose type and every field pass
// the thresholds and whose people are all linked automatically.
func ApproveStatus(d hoso.ExtractedDocument, policy string) string {
	switch policy {
	case "all":
		return "approved"
	case "off":
		return "needs_review"
	}
	if d.DocType == hoso.OtherDoc || d.DocTypeConfidence < ApproveMinDocType {
		return "needs_review"
	}
	for _, f := range d.Fields {
		if f.Confidence < ApproveMinField {
			return "needs_review"
		}
	}
	auto := 0
	for _, l := range d.Links {
		if l.Status != hoso.LinkAuto {
			return "needs_review"
		}
		auto++
	}
	if auto == 0 || (len(d.People) > 0 && auto != len(d.People)) {
		return "needs_review"
	}
	return "approved"
}
