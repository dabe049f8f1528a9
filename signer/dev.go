package signer

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"encoding/hex"
	"encoding/pem"
	"fmt"
	"math/big"
	"os"
	"path/filepath"
	"syscall"
	"time"

	"github.com/ThalesGroup/crypto11"
	"software.sslmate.com/src/go-pkcs12"
)

// DevMark is in the name of every development certificate: they are for
// trying hoso out, never for production.
const DevMark = "DEVELOPMENT ONLY - NOT FOR PRODUCTION"

// OIDDocumentSigning is the extended key usage of document signing
// certificates (RFC 9336).
var OIDDocumentSigning = asn1.ObjectIdentifier{1, 3, 6, 1, 5, 5, 7, 3, 36}

// DevCA is a development certificate authority kept in a folder.
type DevCA struct {
	Certificate *x509.Certificate
	key         crypto.Signer
}

// Development key files under the keys folder.
const (
	DevCAFile   = "dev-ca.pem"
	devCAKey    = "dev-ca.key"
	devPassFile = "dev-signer.pass"
)

// OpenDevCA loads the development CA in dir, making it the first time.
func OpenDevCA(dir string) (*DevCA, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, err
	}
	certPath, keyPath := filepath.Join(dir, DevCAFile), filepath.Join(dir, devCAKey)
	if _, err := os.Stat(certPath); err == nil {
		certs, err := ReadCertificates(certPath)
		if err != nil {
			return nil, err
		}
		b, err := os.ReadFile(keyPath)
		if err != nil {
			return nil, fmt.Errorf("dev CA key: %w", err)
		}
		blk, _ := pem.Decode(b)
		if blk == nil {
			return nil, fmt.Errorf("dev CA key: no PEM block")
		}
		k, err := x509.ParsePKCS8PrivateKey(blk.Bytes)
		if err != nil {
			return nil, fmt.Errorf("dev CA key: %w", err)
		}
		return &DevCA{Certificate: certs[0], key: k.(crypto.Signer)}, nil
	}
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, err
	}
	now := time.Now()
	tmpl := &x509.Certificate{
		SerialNumber:          serial(),
		Subject:               pkix.Name{CommonName: "hoso dev CA (" + DevMark + ")", Organization: []string{"hoso"}, Country: []string{"VN"}},
		NotBefore:             now.Add(-time.Hour),
		NotAfter:              now.AddDate(10, 0, 0),
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign,
		BasicConstraintsValid: true,
		IsCA:                  true,
		MaxPathLen:            0,
		MaxPathLenZero:        true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, key.Public(), key)
	if err != nil {
		return nil, err
	}
	cert, _ := x509.ParseCertificate(der)
	pk, _ := x509.MarshalPKCS8PrivateKey(key)
	if err := os.WriteFile(keyPath, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: pk}), 0o600); err != nil {
		return nil, err
	}
	if err := os.WriteFile(certPath, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o644); err != nil {
		return nil, err
	}
	return &DevCA{Certificate: cert, key: key}, nil
}

// Issue makes a document-signing certificate for pub, named name: the key
// usages (digital signature, non-repudiation) and extended key usages
// (document signing, e-mail protection, which NSS asks of signers) that
// such certificates carry.
func (ca *DevCA) Issue(pub crypto.PublicKey, name string, validFor time.Duration) (*x509.Certificate, error) {
	now := time.Now()
	tmpl := &x509.Certificate{
		SerialNumber:       serial(),
		Subject:            pkix.Name{CommonName: name, Organization: []string{DevMark}, Country: []string{"VN"}, Locality: []string{"Hải Phòng"}},
		NotBefore:          now.Add(-time.Hour),
		NotAfter:           now.Add(validFor),
		KeyUsage:           x509.KeyUsageDigitalSignature | x509.KeyUsageContentCommitment,
		ExtKeyUsage:        []x509.ExtKeyUsage{x509.ExtKeyUsageEmailProtection},
		UnknownExtKeyUsage: []asn1.ObjectIdentifier{OIDDocumentSigning},
		AuthorityKeyId:     ca.Certificate.SubjectKeyId,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca.Certificate, pub, ca.key)
	if err != nil {
		return nil, err
	}
	return x509.ParseCertificate(der)
}

// DevKey returns the development signing key for name (the city, or a
// unit) from dir, making it and its PKCS#12 file the first time.
func DevKey(dir, name string) (*Key, string, error) {
	// Processes sharing a data folder (workers on one machine) make the
	// keys once, one after the other.
	unlock, err := lockDir(dir)
	if err != nil {
		return nil, "", err
	}
	defer unlock()
	ca, err := OpenDevCA(dir)
	if err != nil {
		return nil, "", err
	}
	pass, err := devPassword(dir)
	if err != nil {
		return nil, "", err
	}
	path := filepath.Join(dir, "dev-signer-"+fileName(name)+".p12")
	if k, err := LoadPKCS12(path, pass); err == nil {
		return k, path, nil
	}
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, "", err
	}
	cert, err := ca.Issue(key.Public(), name, 3*365*24*time.Hour)
	if err != nil {
		return nil, "", err
	}
	p12, err := pkcs12.Modern.Encode(key, cert, []*x509.Certificate{ca.Certificate}, pass)
	if err != nil {
		return nil, "", err
	}
	if err := os.WriteFile(path, p12, 0o600); err != nil {
		return nil, "", err
	}
	return &Key{Signer: key, Certificate: cert, Chain: []*x509.Certificate{ca.Certificate}}, path, nil
}

// DevPasswordFile is where the development PKCS#12 password is kept.
func DevPasswordFile(dir string) string { return filepath.Join(dir, devPassFile) }

func devPassword(dir string) (string, error) {
	path := DevPasswordFile(dir)
	if b, err := os.ReadFile(path); err == nil {
		return string(b), nil
	}
	b := make([]byte, 16)
	rand.Read(b)
	pass := hex.EncodeToString(b)
	return pass, os.WriteFile(path, []byte(pass), 0o600)
}

// lockDir takes an exclusive lock on dir's lock file.
func lockDir(dir string) (func(), error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, err
	}
	f, err := os.OpenFile(filepath.Join(dir, ".lock"), os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		return nil, err
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX); err != nil {
		f.Close()
		return nil, err
	}
	return func() { syscall.Flock(int(f.Fd()), syscall.LOCK_UN); f.Close() }, nil
}

func serial() *big.Int {
	n, _ := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 127))
	return n
}

// fileName keeps the letters, digits, dots and dashes of a unit code.
func fileName(s string) string {
	b := []byte(s)
	for i, c := range b {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '-') {
			b[i] = '_'
		}
	}
	if len(b) == 0 {
		return "city"
	}
	return string(b)
}

// DevTokenKey makes a P-256 key on a PKCS#11 token, labelled
// cfg.KeyLabel, with a development certificate from ca stored beside it:
// for trying the token path out (SoftHSM2), never for production.
func DevTokenKey(cfg PKCS11Config, ca *DevCA) error {
	ctx, err := crypto11.Configure(&crypto11.Config{Path: cfg.Module, TokenLabel: cfg.TokenLabel, Pin: cfg.PIN})
	if err != nil {
		return err
	}
	defer ctx.Close()
	label := []byte(cfg.KeyLabel)
	k, err := ctx.GenerateECDSAKeyPairWithLabel(label, label, elliptic.P256())
	if err != nil {
		return err
	}
	cert, err := ca.Issue(k.Public(), "Token "+cfg.KeyLabel, 3*365*24*time.Hour)
	if err != nil {
		return err
	}
	return ctx.ImportCertificateWithLabel(label, label, cert)
}
