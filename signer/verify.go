package signer

import (
	"bytes"
	"crypto/x509"
	"regexp"
	"strconv"
	"time"

	"github.com/digitorus/pdfsign/verify"
)

// SignatureReport is what verification found of one signature.
type SignatureReport struct {
	Signer   string `json:"signer"` // the certificate's subject
	Name     string `json:"name,omitempty"`
	Reason   string `json:"reason,omitempty"`
	Location string `json:"location,omitempty"`
	// Intact: the signed bytes are those the signature was made over.
	Intact bool `json:"intact"`
	// Trusted: the certificate chains to the trust bundle and was valid
	// at the signing time.
	Trusted    bool       `json:"trusted"`
	ChainError string     `json:"chain_error,omitempty"`
	SignedAt   *time.Time `json:"signed_at,omitempty"`
	// TimeSource says where SignedAt comes from: "timestamp" (an RFC 3161
	// token, trusted time) or "signature" (the signer's own clock).
	TimeSource string `json:"time_source,omitempty"`
	Timestamp  bool   `json:"timestamp"`
}

// Report is the verification of one file.
type Report struct {
	File string `json:"file"`
	// Valid: at least one signature, every one intact and trusted, and
	// nothing added after the last one.
	Valid      bool              `json:"valid"`
	Signatures []SignatureReport `json:"signatures"`
	// CoveredBytes is how much of the file the last signature covers, of
	// Size: less means something was appended after it.
	CoveredBytes int64  `json:"covered_bytes"`
	Size         int64  `json:"size"`
	Error        string `json:"error,omitempty"`
}

// Verify checks every signature of a PDF: integrity (digitorus/pdfsign's
// verifier), then the chain against roots at the signing time (the
// timestamp's when there is one).
func Verify(name string, data []byte, roots *x509.CertPool) Report {
	rep := Report{File: name, Size: int64(len(data)), Signatures: []SignatureReport{}}
	resp, err := verify.VerifyWithOptions(bytes.NewReader(data), int64(len(data)), &verify.VerifyOptions{AllowUntrustedRoots: true, TrustSignatureTime: true})
	if err != nil {
		rep.Error = err.Error()
		return rep
	}
	rep.CoveredBytes = coveredBytes(data)
	rep.Valid = len(resp.Signers) > 0 && rep.CoveredBytes >= trimmedLen(data)
	for _, s := range resp.Signers {
		sr := SignatureReport{Name: s.Name, Reason: s.Reason, Location: s.Location, Intact: s.ValidSignature}
		var at time.Time
		if s.TimeStamp != nil && !s.TimeStamp.Time.IsZero() {
			at, sr.TimeSource, sr.Timestamp = s.TimeStamp.Time, "timestamp", true
		} else if s.SignatureTime != nil {
			at, sr.TimeSource = *s.SignatureTime, "signature"
		}
		if !at.IsZero() {
			sr.SignedAt = &at
		}
		var leaf *x509.Certificate
		inter := x509.NewCertPool()
		for _, c := range s.Certificates {
			if c.Certificate == nil {
				continue
			}
			if !c.Certificate.IsCA && leaf == nil {
				leaf = c.Certificate
			} else {
				inter.AddCert(c.Certificate)
			}
		}
		switch {
		case leaf == nil:
			sr.ChainError = "no signing certificate in the signature"
		case roots == nil:
			sr.Signer = leaf.Subject.String()
			sr.ChainError = "no trust bundle given"
		default:
			sr.Signer = leaf.Subject.String()
			opts := x509.VerifyOptions{Roots: roots, Intermediates: inter, KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageAny}, CurrentTime: at}
			if at.IsZero() {
				opts.CurrentTime = time.Now()
			}
			if _, err := leaf.Verify(opts); err != nil {
				sr.ChainError = err.Error()
			} else {
				sr.Trusted = true
			}
		}
		rep.Valid = rep.Valid && sr.Intact && sr.Trusted
		rep.Signatures = append(rep.Signatures, sr)
	}
	if resp.Error != "" && rep.Error == "" {
		rep.Error = resp.Error
	}
	return rep
}

var reByteRange = regexp.MustCompile(`/ByteRange\s*\[\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*\]`)

// coveredBytes is where the furthest signed byte range ends.
func coveredBytes(data []byte) int64 {
	var end int64
	for _, m := range reByteRange.FindAllSubmatch(data, -1) {
		c, _ := strconv.ParseInt(string(m[3]), 10, 64)
		d, _ := strconv.ParseInt(string(m[4]), 10, 64)
		end = max(end, c+d)
	}
	return end
}

// trimmedLen is the file's length without trailing white space, which a
// copy may add or drop without changing anything.
func trimmedLen(data []byte) int64 {
	return int64(len(bytes.TrimRight(data, " \r\n\t\x00")))
}

// Pool makes a certificate pool of certificates.
func Pool(certs ...*x509.Certificate) *x509.CertPool {
	p := x509.NewCertPool()
	for _, c := range certs {
		p.AddCert(c)
	}
	return p
}
