// Package pdftest checks PDFs with independent tools in tests: poppler's
// pdfsig (through an NSS database that trusts a test CA), qpdf and
// pdftotext.
package pdftest

import (
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// Signature is what pdfsig printed of one signature.
type Signature struct {
	Signer     string // common name
	Validation string // "Signature is Valid.", ...
	Cert       string // "Certificate is Trusted.", ...
	Whole      bool   // "Total document signed"
	Type       string // adbe.pkcs7.detached, ...
}

// Valid says the signature's bytes are intact.
func (s Signature) Valid() bool { return strings.HasPrefix(s.Validation, "Signature is Valid") }

// Trusted says NSS trusts the certificate.
func (s Signature) Trusted() bool { return strings.HasPrefix(s.Cert, "Certificate is Trusted") }

// NSSDB makes an NSS database that trusts ca, for pdfsig -nssdir.
func NSSDB(tb testing.TB, ca *x509.Certificate) string {
	tb.Helper()
	dir := tb.TempDir()
	run(tb, "certutil", "-N", "-d", "sql:"+dir, "--empty-password")
	pemPath := filepath.Join(dir, "ca.pem")
	if err := os.WriteFile(pemPath, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: ca.Raw}), 0o600); err != nil {
		tb.Fatal(err)
	}
	run(tb, "certutil", "-A", "-d", "sql:"+dir, "-n", "hoso-test-ca", "-t", "CT,C,C", "-i", pemPath)
	return dir
}

var reSigHead = regexp.MustCompile(`(?m)^Signature #\d+:`)

// Pdfsig runs pdfsig on the file and parses what it prints (it exits 0
// even for a broken signature, so its words are what counts).
func Pdfsig(tb testing.TB, nssdir, path string) []Signature {
	tb.Helper()
	args := []string{path}
	if nssdir != "" {
		args = []string{"-nssdir", "sql:" + nssdir, path}
	}
	out, _ := exec.Command("pdfsig", args...).CombinedOutput()
	text := string(out)
	idx := reSigHead.FindAllStringIndex(text, -1)
	var sigs []Signature
	for i, loc := range idx {
		end := len(text)
		if i+1 < len(idx) {
			end = idx[i+1][0]
		}
		var s Signature
		for _, l := range strings.Split(text[loc[1]:end], "\n") {
			l = strings.TrimPrefix(strings.TrimSpace(l), "- ")
			k, v, _ := strings.Cut(l, ": ")
			switch k {
			case "Signer Certificate Common Name":
				s.Signer = v
			case "Signature Validation":
				s.Validation = v
			case "Certificate Validation":
				s.Cert = v
			case "Signature Type":
				s.Type = v
			}
			if l == "Total document signed" {
				s.Whole = true
			}
		}
		sigs = append(sigs, s)
	}
	if len(sigs) == 0 {
		tb.Logf("pdfsig printed: %s", text)
	}
	return sigs
}

// QPDFCheck runs qpdf --check and fails the test on any error or warning.
func QPDFCheck(tb testing.TB, path string) {
	tb.Helper()
	out, err := exec.Command("qpdf", "--check", path).CombinedOutput()
	if err != nil || strings.Contains(strings.ToLower(string(out)), "warning") {
		tb.Errorf("qpdf --check %s: %v\n%s", filepath.Base(path), err, out)
	}
}

// Text returns what pdftotext reads of the file.
func Text(tb testing.TB, path string) string {
	tb.Helper()
	out, err := exec.Command("pdftotext", "-enc", "UTF-8", path, "-").Output()
	if err != nil {
		tb.Fatalf("pdftotext %s: %v", path, err)
	}
	return string(out)
}

func run(tb testing.TB, name string, args ...string) {
	tb.Helper()
	if out, err := exec.Command(name, args...).CombinedOutput(); err != nil {
		tb.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out)
	}
}

// TextPDF is a small born-digital PDF (Helvetica, one line of text a
// line), as an e-office system would issue: a text layer, no scan.
func TextPDF(lines ...string) []byte {
	var content strings.Builder
	content.WriteString("BT /F1 14 Tf 72 770 Td 18 TL\n")
	for _, l := range lines {
		l = strings.NewReplacer(`\`, `\\`, "(", `\(`, ")", `\)`).Replace(l)
		content.WriteString("(" + l + ") Tj T*\n")
	}
	content.WriteString("ET\n")
	objs := []string{
		"<< /Type /Catalog /Pages 2 0 R >>",
		"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
		"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
		"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
		fmt.Sprintf("<< /Length %d >>\nstream\n%sendstream", content.Len(), content.String()),
	}
	var b strings.Builder
	b.WriteString("%PDF-1.7\n")
	offsets := make([]int, len(objs))
	for i, o := range objs {
		offsets[i] = b.Len()
		fmt.Fprintf(&b, "%d 0 obj\n%s\nendobj\n", i+1, o)
	}
	xref := b.Len()
	fmt.Fprintf(&b, "xref\n0 %d\n0000000000 65535 f \n", len(objs)+1)
	for _, off := range offsets {
		fmt.Fprintf(&b, "%010d 00000 n \n", off)
	}
	fmt.Fprintf(&b, "trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n", len(objs)+1, xref)
	return []byte(b.String())
}
