// Package hoso holds the domain of the hoso system: the documents that clerks
// scan, the pages and words that OCR reads from them, the fields extracted
// from those words, and the error type shared by every package.
//
// Adapters (ocr, signer, storage, catalog, ...) import this package and wrap
// one outside library each; cmd/hoso wires them together.
package hoso

import (
	"image"
	"time"
)

// DocType is the kind of an HR document.
type DocType string

// The document types of the architecture's contract.
const (
	RecruitmentDecision DocType = "recruitment_decision"
	AppointmentDecision DocType = "appointment_decision"
	TransferDecision    DocType = "transfer_decision"
	SalaryRaiseDecision DocType = "salary_raise_decision"
	RankChangeDecision  DocType = "rank_change_decision"
	AllowanceDecision   DocType = "allowance_decision"
	Diploma             DocType = "diploma"
	Certificate         DocType = "certificate"
	Evaluation          DocType = "evaluation"
	OtherDoc            DocType = "other"
)

// DocTypes lists every document type, decisions first.
var DocTypes = []DocType{
	RecruitmentDecision, AppointmentDecision, TransferDecision, SalaryRaiseDecision,
	RankChangeDecision, AllowanceDecision, Diploma, Certificate, Evaluation, OtherDoc,
}

// Word is one word read from a page, with its box in page pixels and the
// recognizer's confidence in [0, 1].
type Word struct {
	Text       string          `json:"text"`
	Box        image.Rectangle `json:"box"`
	Confidence float64         `json:"confidence"`
	// Line identifies the text line the recognizer put the word on, unique
	// within the page; 0 when unknown (words of a PDF text layer).
	Line int `json:"line,omitempty"`
}

// Page is what reading one page of a file produced.
type Page struct {
	Number int `json:"number"` // 1-based within the file
	// Width and Height are the size, in pixels, of the image the words' boxes
	// refer to (after orientation and skew were corrected).
	Width, Height int
	DPI           int     `json:"dpi"`
	Rotation      int     `json:"rotation"` // 0, 90, 180, 270: how far the scan was turned clockwise
	Skew          float64 `json:"skew"`     // degrees, positive clockwise, as found on the scan
	Words         []Word  `json:"words"`
	// Source says how the words were obtained: "ocr" or "text" (a born-digital
	// PDF's text layer).
	Source string `json:"source"`
}

// Field is one extracted value with where it came from and how sure the
// extractor is of it.
type Field struct {
	Value      any     `json:"value"`
	Confidence float64 `json:"confidence"`
	Page       int     `json:"page,omitempty"`
	Box        []int   `json:"box,omitempty"` // x0, y0, x1, y1 in page pixels
	// Source says where the value came from: ocr (read from a scan), text
	// (a born-digital PDF's text) or reviewer (typed by a person).
	Source string `json:"source,omitempty"`
}

// Field sources.
const (
	SourceOCR      = "ocr"
	SourceText     = "text"
	SourceReviewer = "reviewer"
)

// Fields maps a field key (number, issued_on, person_name, ...) to its value.
type Fields map[string]Field

// Link proposes a registry person for a document (or for one of its people).
type Link struct {
	StaffID string   `json:"staff_id"`
	Score   float64  `json:"score"`
	Status  string   `json:"status"`           // LinkAuto or LinkCandidate
	Person  *int     `json:"person,omitempty"` // index into Document.People for annex tables
	Reasons []string `json:"reasons,omitempty"`
}

// Link statuses.
const (
	LinkAuto      = "auto"
	LinkCandidate = "candidate"
)

// ExtractedDocument is one document found in a file: its pages, its type and
// its fields.
type ExtractedDocument struct {
	Pages             []int    `json:"pages"`
	DocType           DocType  `json:"doc_type"`
	DocTypeConfidence float64  `json:"doc_type_confidence"`
	Fields            Fields   `json:"fields"`
	People            []Fields `json:"people"`
	Links             []Link   `json:"links"`
	Text              string   `json:"text"`
}

// Document statuses after analysis.
const (
	StatusNeedsReview = "needs_review"
	StatusApproved    = "approved"
	StatusSealing     = "sealing"
	StatusSigned      = "signed"
	StatusRejected    = "rejected"
)

// StoredDocument is a document as the catalog keeps it: the analysis's
// document with its identity, status, unit and version.
type StoredDocument struct {
	ID        string
	FileID    string
	Index     int
	Status    string
	Unit      string
	Version   int
	UpdatedAt time.Time
	Document  ExtractedDocument
}

// StaffIDs are the people the document is attached to (automatic links).
func (d StoredDocument) StaffIDs() []string {
	var ids []string
	for _, l := range d.Document.Links {
		if l.Status == LinkAuto {
			ids = append(ids, l.StaffID)
		}
	}
	return ids
}

// Signed is the record of a sealed version of a document.
type Signed struct {
	DocumentID string
	Version    int
	Key        string // where the signed file is stored
	SHA256     string
	Size       int64
	SignedAt   time.Time
	Signer     string // the certificate's subject
	Mode       string // how the file was made (rebuilt, kept_signed_original)
}
