package pipeline

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"
	"time"

	"hoso"
	"hoso/ocr"
	"hoso/seal"
	"hoso/signer"
)

// SealMode says how a sealed file was made.
const (
	// SealRebuilt: a PDF of the scan's own pictures with a text layer.
	SealRebuilt = "rebuilt"
	// SealPages: a born-digital PDF, its own pages kept, metadata added.
	SealPages = "kept_pages"
	// SealKept: the original carried a signature already; its bytes are
	// kept whole (every page of it) and hoso's signature is appended.
	SealKept = "kept_signed_original"
)

// SealInput is what sealing one document needs.
type SealInput struct {
	DocumentID string
	Version    int
	Unit       string
	StaffIDs   []string
	Document   hoso.ExtractedDocument
	// Original is the uploaded file; Pages what OCR read of all its pages.
	Original       []byte
	OriginalSHA256 string
	Pages          []hoso.Page
}

// Sealed is a signed document.
type Sealed struct {
	PDF      []byte
	SHA256   string
	SignedAt time.Time
	Signer   string // the certificate's subject
	Mode     string
}

// Sealer makes the signed, searchable PDF of an approved document.
type Sealer struct {
	// Key gives the signing key of a unit (or the city's, by setting).
	Key      func(ctx context.Context, unit string) (*signer.Key, error)
	Settings signer.Settings
	Limits   ocr.Limits
	Now      func() time.Time
}

// Seal builds and signs the document's PDF.
func (s *Sealer) Seal(ctx context.Context, in SealInput) (Sealed, error) {
	key, err := s.Key(ctx, in.Unit)
	if err != nil {
		return Sealed{}, fmt.Errorf("signing key of %q: %w", in.Unit, err)
	}
	now := time.Now
	if s.Now != nil {
		now = s.Now
	}
	at := now().Truncate(time.Second)
	mode := SealRebuilt
	var unsigned []byte
	if f, _ := ocr.SniffFormat(in.Original); f == ocr.FormatPDF && signer.IsSigned(in.Original) {
		// Never rewritten: hoso's signature is appended after the others.
		mode, unsigned = SealKept, in.Original
	} else if f == ocr.FormatPDF && bornDigital(in) {
		mode = SealPages
		if unsigned, err = seal.KeepPages(in.Original, in.Document.Pages, Metadata(in, at)); err != nil {
			return Sealed{}, err
		}
	} else if unsigned, err = s.rebuild(ctx, in, at); err != nil {
		return Sealed{}, err
	}
	signed, err := signer.Sign(unsigned, key, s.Settings, at)
	if err != nil {
		return Sealed{}, err
	}
	sum := sha256.Sum256(signed)
	return Sealed{PDF: signed, SHA256: hex.EncodeToString(sum[:]), SignedAt: at, Signer: key.Subject(), Mode: mode}, nil
}

// bornDigital says whether every page of the document was read from its
// text layer.
func bornDigital(in SealInput) bool {
	text := map[int]bool{}
	for _, p := range in.Pages {
		text[p.Number] = p.Source == hoso.SourceText
	}
	for _, n := range in.Document.Pages {
		if !text[n] {
			return false
		}
	}
	return len(in.Document.Pages) > 0
}

// rebuild writes the searchable PDF of the document's pages from the
// original's pictures and the OCR words.
func (s *Sealer) rebuild(ctx context.Context, in SealInput, at time.Time) ([]byte, error) {
	src, err := ocr.OpenBytes(ctx, "", in.Original, s.Limits)
	if err != nil {
		return nil, err
	}
	defer src.Close()
	byNumber := map[int]hoso.Page{}
	for _, p := range in.Pages {
		byNumber[p.Number] = p
	}
	pages := make([]seal.Page, 0, len(in.Document.Pages))
	for _, n := range in.Document.Pages {
		read, ok := byNumber[n]
		if !ok {
			return nil, hoso.Errorf(hoso.EInternal, "page %d was not read", n)
		}
		pic, err := ocr.Picture(ctx, src, n)
		if err != nil {
			return nil, fmt.Errorf("picture of page %d: %w", n, err)
		}
		if read.Source == hoso.SourceText {
			pic.Turn = 0 // drawn as displayed, its words where the text layer put them
		} else {
			pic.Turn = (pic.Turn + 360 - read.Rotation) % 360
		}
		pages = append(pages, seal.Page{Picture: pic, Width: read.Width, Height: read.Height, DPI: read.DPI, Skew: read.Skew, Words: read.Words})
	}
	var buf bytes.Buffer
	if err := seal.Write(&buf, pages, Metadata(in, at)); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// docTypeTitles names the document types as a clerk reads them.
var docTypeTitles = map[hoso.DocType]string{
	hoso.RecruitmentDecision: "Quyết định tuyển dụng",
	hoso.AppointmentDecision: "Quyết định bổ nhiệm",
	hoso.TransferDecision:    "Quyết định điều động",
	hoso.SalaryRaiseDecision: "Quyết định nâng bậc lương",
	hoso.RankChangeDecision:  "Quyết định chuyển ngạch",
	hoso.AllowanceDecision:   "Quyết định phụ cấp",
	hoso.Diploma:             "Văn bằng",
	hoso.Certificate:         "Chứng chỉ",
	hoso.Evaluation:          "Phiếu đánh giá, xếp loại",
	hoso.OtherDoc:            "Văn bản khác",
}

// Metadata is what a sealed PDF says of its document, in the information
// dictionary and in XMP.
func Metadata(in SealInput, at time.Time) seal.Metadata {
	d := in.Document
	field := func(k string) string {
		if f, ok := d.Fields[k]; ok && f.Value != nil {
			return fmt.Sprint(f.Value)
		}
		return ""
	}
	var names []string
	if n := field("person_name"); n != "" {
		names = append(names, n)
	}
	for _, p := range d.People {
		if f, ok := p["person_name"]; ok && f.Value != nil {
			names = append(names, fmt.Sprint(f.Value))
		}
	}
	title := docTypeTitles[d.DocType]
	if n := field("number"); n != "" {
		title += " số " + n
	}
	m := seal.Metadata{
		Title:    title,
		Subject:  field("subject"),
		Author:   field("issuer"),
		Keywords: strings.Join(append(append([]string{}, in.StaffIDs...), names...), ", "),
		Created:  at,
		Custom:   map[string]string{},
	}
	for _, e := range []struct{ k, v string }{
		{"HosoDocumentID", in.DocumentID},
		{"HosoVersion", strconv.Itoa(in.Version)},
		{"HosoDocType", string(d.DocType)},
		{"HosoNumber", field("number")},
		{"HosoIssuedOn", field("issued_on")},
		{"HosoIssuer", field("issuer")},
		{"HosoStaffIDs", strings.Join(in.StaffIDs, " ")},
		{"HosoStaffNames", strings.Join(names, "; ")},
		{"HosoUnit", in.Unit},
		{"HosoOriginalSHA", in.OriginalSHA256},
	} {
		if e.v != "" {
			m.Custom[e.k] = e.v
			m.CustomOrder = append(m.CustomOrder, e.k)
		}
	}
	return m
}
