package pipeline

import (
	"bytes"
	"context"
	"fmt"
	"strings"

	"github.com/hibiken/asynq"

	"hoso"
)

// sealApproved queues the seal of a file's approved documents.
func (s *Stages) sealApproved(ctx context.Context, fileID string) error {
	if s.Sealer == nil {
		return nil
	}
	docs, err := s.Catalog.FileDocuments(ctx, fileID)
	if err != nil {
		return err
	}
	for _, d := range docs {
		if d.Status != hoso.StatusApproved {
			continue
		}
		t, opts := SealTask(fileID, d.ID, d.Version)
		if err := s.enqueue(ctx, t, append(opts, asynq.Queue(QueueSmall))...); err != nil {
			return err
		}
	}
	return nil
}

// seal makes the signed PDF of an approved document version, stores it
// and marks the document signed with its feed entry (one transaction).
// Run again, it finds the version signed and does nothing.
func (s *Stages) seal(ctx context.Context, t *asynq.Task) error {
	p, err := decode(t)
	if err != nil {
		return err
	}
	if s.Sealer == nil {
		return fmt.Errorf("no sealer configured: %w", asynq.SkipRetry)
	}
	d, err := s.Catalog.GetDocument(ctx, p.Document)
	if err != nil {
		return err
	}
	switch {
	case d.Version != p.Version:
		return nil // changed since: its new version has its own task
	case d.Status == hoso.StatusApproved:
		if err := s.Catalog.SetDocumentStatus(ctx, d.ID, d.Version, hoso.StatusSealing); err != nil {
			return err
		}
	case d.Status != hoso.StatusSealing:
		return nil // signed before, or taken back by a reviewer
	}
	f, err := s.Catalog.GetFile(ctx, d.FileID)
	if err != nil {
		return err
	}
	original, err := s.original(ctx, f)
	if err != nil {
		return err
	}
	pages, err := s.Catalog.LoadPages(ctx, d.FileID)
	if err != nil {
		return err
	}
	sealed, err := s.Sealer.Seal(ctx, SealInput{DocumentID: d.ID, Version: d.Version, Unit: d.Unit, StaffIDs: d.StaffIDs(),
		Document: d.Document, Original: original, OriginalSHA256: f.SHA256, Pages: pages})
	if err != nil {
		if hoso.IsPermanent(err) {
			return fmt.Errorf("seal %s: %w: %w", d.ID, err, asynq.SkipRetry)
		}
		return err
	}
	key := SignedKey(d)
	obj, err := s.Objects.Put(ctx, key, bytes.NewReader(sealed.PDF), int64(len(sealed.PDF)))
	if err != nil {
		return err
	}
	err = s.Catalog.MarkSigned(ctx, hoso.Signed{DocumentID: d.ID, Version: d.Version, Key: key, SHA256: sealed.SHA256,
		Size: obj.Size, SignedAt: sealed.SignedAt, Signer: sealed.Signer, Mode: sealed.Mode})
	if hoso.ErrorCode(err) == hoso.EConflict {
		return nil // corrected while it was sealed: the new version is sealed on its own
	}
	return err
}

// SignedKey is where a document version's signed file is stored: by unit,
// person and document.
func SignedKey(d hoso.StoredDocument) string {
	staff := "unlinked"
	if ids := d.StaffIDs(); len(ids) > 0 {
		staff = ids[0]
	}
	unit := d.Unit
	if unit == "" {
		unit = "no-unit"
	}
	return fmt.Sprintf("signed/%s/%s/%s-v%d.pdf", keyPart(unit), keyPart(staff), keyPart(d.ID), d.Version)
}

// keyPart keeps what object keys allow.
func keyPart(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '.' || r == '_' || r == '-' {
			return r
		}
		return '_'
	}, s)
}
