package hoso

import "time"

// File statuses, in pipeline order; failed and rejected are side exits.
const (
	StatusReceived  = "received"
	StatusPreparing = "preparing"
	StatusOCR       = "ocr"
	StatusAnalyzing = "analyzing"
	StatusFailed    = "failed"
)

// File is an uploaded file and where it stands in the pipeline.
type File struct {
	ID         string
	SHA256     string
	Name       string
	Size       int64
	Unit       string
	UploadedBy string // the token's ID
	// Hints the clerk gave with the upload (optional): the person and the
	// type of the document. Analysis weighs them; they never link alone.
	HintStaffID  string
	HintDocType  DocType
	Status       string
	ErrorCode    string
	ErrorMessage string
	CreatedAt    time.Time
	UpdatedAt    time.Time
}

// Token is an API credential: a role, and for clerks and reviewers a unit.
type Token struct {
	ID   string
	Role string
	Unit string
}
