// Package signer signs PDFs (PAdES through digitorus/pdfsign) with keys
// from a PKCS#12 file or a PKCS#11 token (crypto11), makes development
// keys, and verifies signatures against a trust bundle.
package signer

import (
	"crypto"
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"os"
	"strings"

	"github.com/ThalesGroup/crypto11"
	"software.sslmate.com/src/go-pkcs12"

	"hoso"
)

// Key is a signing key with its certificate and the chain above it.
type Key struct {
	Signer      crypto.Signer
	Certificate *x509.Certificate
	// Chain holds the issuers of Certificate, nearest first (the root
	// may be left out).
	Chain []*x509.Certificate
	close func() error
}

// Close releases the key (a token session).
func (k *Key) Close() error {
	if k == nil || k.close == nil {
		return nil
	}
	return k.close()
}

// Subject is the certificate's subject as the catalog and the feed name
// the signer.
func (k *Key) Subject() string { return k.Certificate.Subject.String() }

// LoadPKCS12 reads a PKCS#12 file (.p12, .pfx) holding the key, its
// certificate and the chain. The password comes from a file or the
// environment, never a command line.
func LoadPKCS12(path, password string) (*Key, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, hoso.WrapError(hoso.EInvalid, "the PKCS#12 file cannot be read", err)
	}
	priv, cert, chain, err := pkcs12.DecodeChain(data, password)
	if err != nil {
		return nil, hoso.WrapError(hoso.EInvalid, "the PKCS#12 file cannot be opened (wrong password?)", err)
	}
	s, ok := priv.(crypto.Signer)
	if !ok {
		return nil, hoso.Errorf(hoso.EInvalid, "the PKCS#12 key cannot sign")
	}
	return &Key{Signer: s, Certificate: cert, Chain: chain}, nil
}

// PKCS11Config locates a key on a PKCS#11 token: an HSM, or the USB
// tokens Vietnamese CAs issue.
type PKCS11Config struct {
	Module     string // the token's PKCS#11 library, e.g. /usr/lib/softhsm/libsofthsm2.so
	TokenLabel string
	PIN        string // from a file or the environment, never a command line
	KeyLabel   string
	// CertFile holds the certificate (and chain, PEM) when the token does
	// not: by default the token's certificate of the same label is used.
	CertFile string
}

// OpenPKCS11 opens a session on the token and finds the key pair.
func OpenPKCS11(cfg PKCS11Config) (*Key, error) {
	ctx, err := crypto11.Configure(&crypto11.Config{Path: cfg.Module, TokenLabel: cfg.TokenLabel, Pin: cfg.PIN})
	if err != nil {
		return nil, hoso.WrapError(hoso.EUnavailable, "the PKCS#11 token cannot be opened", err)
	}
	fail := func(err error) (*Key, error) { ctx.Close(); return nil, err }
	s, err := ctx.FindKeyPair(nil, []byte(cfg.KeyLabel))
	if err != nil {
		return fail(hoso.WrapError(hoso.EUnavailable, "the PKCS#11 token cannot be searched", err))
	}
	if s == nil {
		return fail(hoso.Errorf(hoso.ENotFound, "no key labelled %q on the token", cfg.KeyLabel))
	}
	var cert *x509.Certificate
	var chain []*x509.Certificate
	if cfg.CertFile != "" {
		certs, err := ReadCertificates(cfg.CertFile)
		if err != nil {
			return fail(err)
		}
		cert, chain = certs[0], certs[1:]
	} else if cert, err = ctx.FindCertificate(nil, []byte(cfg.KeyLabel), nil); err != nil || cert == nil {
		return fail(hoso.Errorf(hoso.ENotFound, "no certificate labelled %q on the token; give its file", cfg.KeyLabel))
	}
	if !samePublicKey(cert.PublicKey, s.Public()) {
		return fail(hoso.Errorf(hoso.EInvalid, "the certificate is not the token key's"))
	}
	return &Key{Signer: s, Certificate: cert, Chain: chain, close: ctx.Close}, nil
}

func samePublicKey(a, b crypto.PublicKey) bool {
	ea, ok := a.(interface{ Equal(crypto.PublicKey) bool })
	return ok && ea.Equal(b)
}

// ReadCertificates reads the PEM certificates of a file, in order.
func ReadCertificates(path string) ([]*x509.Certificate, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, hoso.WrapError(hoso.EInvalid, "the certificate file cannot be read", err)
	}
	var out []*x509.Certificate
	for {
		var b *pem.Block
		b, data = pem.Decode(data)
		if b == nil {
			break
		}
		if b.Type != "CERTIFICATE" {
			continue
		}
		c, err := x509.ParseCertificate(b.Bytes)
		if err != nil {
			return nil, hoso.WrapError(hoso.EInvalid, "a certificate cannot be parsed", err)
		}
		out = append(out, c)
	}
	if len(out) == 0 {
		return nil, hoso.Errorf(hoso.EInvalid, "no certificate in %s", path)
	}
	return out, nil
}

// ReadSecret reads a password or PIN from a file (its first line), or,
// when path is empty, from the environment variable env.
func ReadSecret(path, env string) (string, error) {
	if path == "" {
		return os.Getenv(env), nil
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return "", fmt.Errorf("secret file: %w", err)
	}
	s, _, _ := strings.Cut(string(b), "\n")
	return strings.TrimRight(s, "\r"), nil
}
