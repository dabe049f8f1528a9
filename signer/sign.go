package signer

import (
	"bytes"
	"crypto"
	"crypto/x509"
	"fmt"
	"strings"
	"time"
	"unicode"

	"github.com/digitorus/pdf"
	"github.com/digitorus/pdfsign/sign"
	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"

	"hoso"
)

// Settings are what a signature says besides the key.
type Settings struct {
	Reason, Location, Contact string
	// TSAURL, when set, asks an RFC 3161 timestamp authority to countersign
	// the signature.
	TSAURL string
	// Agency is the signing body's name, shown in the visible appearance.
	Agency string
	// Visible draws the signature as text at the top right of the first
	// page (Decree 30/2020's place for a digitized copy's signature).
	Visible bool
}

// Appearance box: its size and its margin from the page's top right, in
// points.
const (
	appearanceWidth  = 260
	appearanceHeight = 28
	appearanceMargin = 18
)

// Sign appends an approval signature to pdfData as an incremental update:
// the bytes before it stay as they were, so earlier signatures stay valid.
// at is the signing time written in the signature.
func Sign(pdfData []byte, key *Key, s Settings, at time.Time) ([]byte, error) {
	rd, err := pdf.NewReader(bytes.NewReader(pdfData), int64(len(pdfData)))
	if err != nil {
		return nil, hoso.WrapError(hoso.EInvalid, "the PDF to sign cannot be read", err)
	}
	data := sign.SignData{
		Signature: sign.SignDataSignature{
			// Approval, not certification: a certification signature would
			// forbid the signatures that may follow (a reviewer's, the
			// ministry's) and may only be the first.
			CertType: sign.ApprovalSignature,
			Info: sign.SignDataSignatureInfo{
				Name:        appearanceText(s.Agency, at),
				Location:    s.Location,
				Reason:      s.Reason,
				ContactInfo: s.Contact,
				Date:        at,
			},
		},
		Signer:            key.Signer,
		DigestAlgorithm:   crypto.SHA256,
		Certificate:       key.Certificate,
		CertificateChains: [][]*x509.Certificate{append([]*x509.Certificate{key.Certificate}, key.Chain...)},
		TSA:               sign.TSA{URL: s.TSAURL},
	}
	if s.Visible {
		w, h, err := firstPageSize(rd)
		if err != nil {
			return nil, err
		}
		data.Appearance = sign.Appearance{Visible: true, Page: 1,
			LowerLeftX: w - appearanceMargin - appearanceWidth, LowerLeftY: h - appearanceMargin - appearanceHeight,
			UpperRightX: w - appearanceMargin, UpperRightY: h - appearanceMargin}
	}
	var out bytes.Buffer
	out.Grow(len(pdfData) + 32<<10)
	if err := sign.Sign(bytes.NewReader(pdfData), &out, rd, int64(len(pdfData)), data); err != nil {
		if s.TSAURL != "" && strings.Contains(err.Error(), "timestamp") {
			return nil, hoso.WrapError(hoso.EUnavailable, "the timestamp authority did not answer", err)
		}
		return nil, hoso.WrapError(hoso.EInternal, "the PDF cannot be signed", err)
	}
	return out.Bytes(), nil
}

// appearanceText is the visible signature: the agency and the time.
// pdfsign draws it in the standard Times font, which has no Vietnamese
// letters: the text is shown without its marks (the signature dictionary
// and the certificate keep them).
func appearanceText(agency string, at time.Time) string {
	t := at.Format("02/01/2006 15:04:05 -07:00")
	if agency == "" {
		return t
	}
	return foldMarks(agency) + " " + t
}

var unmark = transform.Chain(norm.NFD, runes.Remove(runes.In(unicode.Mn)), norm.NFC)

func foldMarks(s string) string {
	out, _, err := transform.String(unmark, s)
	if err != nil {
		return s
	}
	return strings.NewReplacer("Đ", "D", "đ", "d").Replace(out)
}

// firstPageSize is the width and height of page 1 in points, as shown.
func firstPageSize(rd *pdf.Reader) (w, h float64, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = hoso.Errorf(hoso.EInvalid, "the PDF's first page cannot be read")
		}
	}()
	p := rd.Page(1)
	box := p.V.Key("MediaBox")
	for v := p.V; box.Len() < 4 && v.Kind() == pdf.Dict; {
		v = v.Key("Parent")
		if v.Kind() != pdf.Dict {
			break
		}
		box = v.Key("MediaBox")
	}
	if box.Len() < 4 {
		return 595, 842, nil // A4
	}
	w = box.Index(2).Float64() - box.Index(0).Float64()
	h = box.Index(3).Float64() - box.Index(1).Float64()
	if r := p.V.Key("Rotate").Int64(); r%180 != 0 {
		w, h = h, w
	}
	if w <= 0 || h <= 0 {
		return 0, 0, fmt.Errorf("page 1 has no size")
	}
	return w, h, nil
}

// IsSigned reports whether a PDF carries a signature already: its bytes
// must then never be rewritten.
func IsSigned(pdfData []byte) bool {
	return bytes.Contains(pdfData, []byte("/ByteRange")) && bytes.Contains(pdfData, []byte("/Contents"))
}
