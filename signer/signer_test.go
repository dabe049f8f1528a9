package signer

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/digitorus/timestamp"

	"hoso/internal/pdftest"
	"hoso/internal/softhsm"
)

var testSettings = Settings{Reason: "Kiểm thử", Location: "Hải Phòng", Agency: "SỞ NỘI VỤ", Visible: true}

// checkSigned writes a signed PDF and checks it with pdfsig (through an
// NSS database that trusts ca), qpdf and Verify: want signatures, each
// valid and trusted.
func checkSigned(t *testing.T, data []byte, ca *x509.Certificate, want int) Report {
	t.Helper()
	path := filepath.Join(t.TempDir(), "signed.pdf")
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	sigs := pdftest.Pdfsig(t, pdftest.NSSDB(t, ca), path)
	if len(sigs) != want {
		t.Fatalf("pdfsig found %d signatures, want %d: %+v", len(sigs), want, sigs)
	}
	for i, s := range sigs {
		if !s.Valid() || !s.Trusted() {
			t.Errorf("pdfsig signature %d: %+v", i+1, s)
		}
	}
	pdftest.QPDFCheck(t, path)
	rep := Verify(path, data, Pool(ca))
	if !rep.Valid || len(rep.Signatures) != want {
		t.Errorf("Verify: %+v", rep)
	}
	return rep
}

func TestSignPKCS12(t *testing.T) {
	dir := t.TempDir()
	key, path, err := DevKey(dir, "Sở Nội vụ")
	if err != nil {
		t.Fatal(err)
	}
	ca, _ := OpenDevCA(dir)
	pass, _ := os.ReadFile(DevPasswordFile(dir))
	again, err := LoadPKCS12(path, string(pass))
	if err != nil || !again.Certificate.Equal(key.Certificate) || len(again.Chain) != 1 {
		t.Fatalf("the PKCS#12 file read back: %v", err)
	}
	if _, err := LoadPKCS12(path, "wrong"); err == nil {
		t.Error("a wrong password opened the PKCS#12 file")
	}
	if !hasEKU(key.Certificate, OIDDocumentSigning) || key.Certificate.KeyUsage&x509.KeyUsageContentCommitment == 0 {
		t.Error("the development certificate lacks document signing usages")
	}
	signed, err := Sign(pdftest.TextPDF("QUYET DINH so 12/QD-UBND"), again, testSettings, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	rep := checkSigned(t, signed, ca.Certificate, 1)
	if rep.Signatures[0].TimeSource != "signature" || rep.Signatures[0].Timestamp {
		t.Errorf("no TSA, yet %+v", rep.Signatures[0])
	}

	// Another CA's trust bundle does not trust it.
	other, _ := OpenDevCA(t.TempDir())
	if rep := Verify("x", signed, Pool(other.Certificate)); rep.Valid || rep.Signatures[0].Trusted || !rep.Signatures[0].Intact {
		t.Errorf("verified against a foreign CA: %+v", rep)
	}
}

// TestSignKeepsEarlierSignature signs a PDF signed before (as the
// e-office system signs): both signatures stay valid.
func TestSignKeepsEarlierSignature(t *testing.T) {
	dir := t.TempDir()
	eoffice, _, err := DevKey(dir, "Văn phòng điện tử")
	if err != nil {
		t.Fatal(err)
	}
	agency, _, _ := DevKey(dir, "Sở Nội vụ")
	ca, _ := OpenDevCA(dir)
	first, err := Sign(pdftest.TextPDF("QUYET DINH so 7/QD-SNV"), eoffice, Settings{Reason: "Ban hanh"}, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if !IsSigned(first) {
		t.Fatal("IsSigned missed a signature")
	}
	second, err := Sign(first, agency, testSettings, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if string(second[:len(first)]) != string(first) {
		t.Error("the signed original was rewritten, not appended to")
	}
	checkSigned(t, second, ca.Certificate, 2)
}

// TestSignPKCS11 signs with a key that never leaves a SoftHSM2 token.
func TestSignPKCS11(t *testing.T) {
	label, pin := softhsm.Token(t)
	cfg := PKCS11Config{Module: softhsm.Module, TokenLabel: label, PIN: pin}
	ca, err := OpenDevCA(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	cfg.KeyLabel = "HP.SNV"
	if err := DevTokenKey(cfg, ca); err != nil {
		t.Fatal(err)
	}
	key, err := OpenPKCS11(cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer key.Close()
	signed, err := Sign(pdftest.TextPDF("QUYET DINH so 9/QD-SNV"), key, testSettings, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	checkSigned(t, signed, ca.Certificate, 1)
	cfg.KeyLabel = "nobody"
	if _, err := OpenPKCS11(cfg); err == nil {
		t.Error("a missing key label opened")
	}
}

// TestSignTimestamp asks a timestamp authority started here (RFC 3161
// over HTTP) to countersign: the time comes from its token.
func TestSignTimestamp(t *testing.T) {
	dir := t.TempDir()
	key, _, _ := DevKey(dir, "Sở Nội vụ")
	ca, _ := OpenDevCA(dir)
	tsa := MustTSA(t, ca)
	s := testSettings
	s.TSAURL = tsa
	signed, err := Sign(pdftest.TextPDF("QUYET DINH so 10/QD-SNV"), key, s, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	rep := checkSigned(t, signed, ca.Certificate, 1)
	if sr := rep.Signatures[0]; !sr.Timestamp || sr.TimeSource != "timestamp" || sr.SignedAt == nil || time.Since(*sr.SignedAt) > time.Minute {
		t.Errorf("timestamp: %+v", sr)
	}
	s.TSAURL = "http://127.0.0.1:1/tsa"
	if _, err := Sign(pdftest.TextPDF("x"), key, s, time.Now()); err == nil {
		t.Error("signed with a timestamp authority that is down")
	}
}

// MustTSA starts an RFC 3161 timestamp authority with a certificate from
// ca and returns its URL.
func MustTSA(tb testing.TB, ca *DevCA) string {
	tb.Helper()
	priv, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	tmpl := &x509.Certificate{
		SerialNumber: serial(), Subject: pkix.Name{CommonName: "hoso test TSA"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour),
		KeyUsage:    x509.KeyUsageDigitalSignature,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageTimeStamping},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca.Certificate, priv.Public(), ca.key)
	if err != nil {
		tb.Fatal(err)
	}
	cert, _ := x509.ParseCertificate(der)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		req, err := timestamp.ParseRequest(body)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		ts := timestamp.Timestamp{HashAlgorithm: req.HashAlgorithm, HashedMessage: req.HashedMessage, Time: time.Now(),
			Nonce: req.Nonce, Policy: asn1.ObjectIdentifier{1, 3, 6, 1, 4, 1, 99999, 1}, AddTSACertificate: req.Certificates, Certificates: []*x509.Certificate{ca.Certificate}}
		resp, err := ts.CreateResponseWithOpts(cert, priv, crypto.SHA256)
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		w.Header().Set("Content-Type", "application/timestamp-reply")
		w.Write(resp)
	}))
	tb.Cleanup(srv.Close)
	return srv.URL
}

func hasEKU(c *x509.Certificate, oid asn1.ObjectIdentifier) bool {
	for _, u := range c.UnknownExtKeyUsage {
		if u.Equal(oid) {
			return true
		}
	}
	return false
}
