package main

import (
	"context"
	"crypto/x509"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"hoso/pipeline"
	"hoso/signer"
)

// signFlags are the signing settings of the processes that seal.
type signFlags struct {
	p12, p12PassFile                                 *string
	pkcs11Module, pkcs11Token, pkcs11Key, pkcs11Cert *string
	pkcs11PinFile                                    *string
	scope, reason, location, contact, agency, tsaURL *string
	visible                                          *bool
}

// unitPlaceholder in a key setting is replaced by the unit's code when
// each unit signs with its own key (--sign-scope unit).
const unitPlaceholder = "{unit}"

func addSignFlags(fs *flag.FlagSet) signFlags {
	return signFlags{
		p12:           fs.String("sign-p12", envString("HOSO_SIGN_P12", ""), "PKCS#12 file of the signing key; {unit} stands for the unit's code (env HOSO_SIGN_P12)"),
		p12PassFile:   fs.String("sign-p12-password-file", envString("HOSO_SIGN_P12_PASSWORD_FILE", ""), "file holding the PKCS#12 password; default env HOSO_SIGN_P12_PASSWORD"),
		pkcs11Module:  fs.String("pkcs11-module", envString("HOSO_PKCS11_MODULE", ""), "PKCS#11 library of the token or HSM (env HOSO_PKCS11_MODULE)"),
		pkcs11Token:   fs.String("pkcs11-token", envString("HOSO_PKCS11_TOKEN", ""), "token label (env HOSO_PKCS11_TOKEN)"),
		pkcs11Key:     fs.String("pkcs11-key", envString("HOSO_PKCS11_KEY", ""), "key label on the token; {unit} stands for the unit's code (env HOSO_PKCS11_KEY)"),
		pkcs11Cert:    fs.String("pkcs11-cert", envString("HOSO_PKCS11_CERT", ""), "PEM certificate and chain, when the token holds no certificate (env HOSO_PKCS11_CERT)"),
		pkcs11PinFile: fs.String("pkcs11-pin-file", envString("HOSO_PKCS11_PIN_FILE", ""), "file holding the token PIN; default env HOSO_PKCS11_PIN"),
		scope:         fs.String("sign-scope", envString("HOSO_SIGN_SCOPE", "city"), "city (one key) or unit (each unit its own key) (env HOSO_SIGN_SCOPE)"),
		reason:        fs.String("sign-reason", envString("HOSO_SIGN_REASON", "Bản sao điện tử được số hóa từ bản chính"), "reason written in each signature (env HOSO_SIGN_REASON)"),
		location:      fs.String("sign-location", envString("HOSO_SIGN_LOCATION", "Hải Phòng"), "location written in each signature (env HOSO_SIGN_LOCATION)"),
		contact:       fs.String("sign-contact", envString("HOSO_SIGN_CONTACT", ""), "contact written in each signature (env HOSO_SIGN_CONTACT)"),
		agency:        fs.String("sign-agency", envString("HOSO_SIGN_AGENCY", ""), "agency shown in the visible signature; default the certificate's name (env HOSO_SIGN_AGENCY)"),
		tsaURL:        fs.String("tsa-url", envString("HOSO_TSA_URL", ""), "RFC 3161 timestamp authority (env HOSO_TSA_URL)"),
		visible:       fs.Bool("sign-visible", envString("HOSO_SIGN_VISIBLE", "true") == "true", "draw the signature as text at the top right of page 1 (env HOSO_SIGN_VISIBLE)"),
	}
}

func (f signFlags) check() error {
	switch *f.scope {
	case "city", "unit":
	default:
		return fmt.Errorf("--sign-scope must be city or unit, not %q", *f.scope)
	}
	if *f.p12 != "" && *f.pkcs11Module != "" {
		return fmt.Errorf("--sign-p12 and --pkcs11-module: choose one key source")
	}
	if *f.pkcs11Module != "" && (*f.pkcs11Token == "" || *f.pkcs11Key == "") {
		return fmt.Errorf("--pkcs11-module needs --pkcs11-token and --pkcs11-key")
	}
	return nil
}

// keyring returns the signing key of a unit, opened once and kept; close
// releases them all. With no key configured it uses development keys under
// the data folder, and says so loudly.
func (f signFlags) keyring(dataDir string, log *slog.Logger) (func(ctx context.Context, unit string) (*signer.Key, error), func(), error) {
	var mu sync.Mutex
	keys := map[string]*signer.Key{}
	closeAll := func() {
		mu.Lock()
		defer mu.Unlock()
		for _, k := range keys {
			k.Close()
		}
	}
	open := func(name string) (*signer.Key, error) {
		subst := func(s string) string { return strings.ReplaceAll(s, unitPlaceholder, name) }
		switch {
		case *f.p12 != "":
			pass, err := signer.ReadSecret(*f.p12PassFile, "HOSO_SIGN_P12_PASSWORD")
			if err != nil {
				return nil, err
			}
			return signer.LoadPKCS12(subst(*f.p12), pass)
		case *f.pkcs11Module != "":
			pin, err := signer.ReadSecret(*f.pkcs11PinFile, "HOSO_PKCS11_PIN")
			if err != nil {
				return nil, err
			}
			return signer.OpenPKCS11(signer.PKCS11Config{Module: *f.pkcs11Module, TokenLabel: *f.pkcs11Token, PIN: pin,
				KeyLabel: subst(*f.pkcs11Key), CertFile: subst(*f.pkcs11Cert)})
		}
		k, path, err := signer.DevKey(filepath.Join(dataDir, "keys"), devKeyName(name))
		if err == nil {
			log.Warn("signing with a DEVELOPMENT key, NOT FOR PRODUCTION: set --sign-p12 or --pkcs11-module", "key", path, "subject", k.Subject())
		}
		return k, err
	}
	get := func(ctx context.Context, unit string) (*signer.Key, error) {
		name := "city"
		if *f.scope == "unit" {
			if unit == "" {
				return nil, errors.New("the document has no unit to choose its signing key")
			}
			name = unit
		}
		mu.Lock()
		defer mu.Unlock()
		if k, ok := keys[name]; ok {
			return k, nil
		}
		k, err := open(name)
		if err != nil {
			return nil, err
		}
		keys[name] = k
		return k, nil
	}
	return get, closeAll, nil
}

func devKeyName(name string) string {
	if name == "city" {
		return "Thành phố Hải Phòng"
	}
	return name
}

// sealer builds the seal stage's sealer from the settings.
func (f signFlags) sealer(dataDir string, of ocrFlags, log *slog.Logger) (*pipeline.Sealer, func(), error) {
	key, closeAll, err := f.keyring(dataDir, log)
	if err != nil {
		return nil, nil, err
	}
	return &pipeline.Sealer{Key: key, Limits: of.limits(), Settings: signer.Settings{Reason: *f.reason, Location: *f.location,
		Contact: *f.contact, TSAURL: *f.tsaURL, Agency: *f.agency, Visible: *f.visible}}, closeAll, nil
}

// runKeys: hoso keys dev [--data DIR] [--unit CODE]
func runKeys(ctx context.Context, args []string) error {
	if len(args) == 0 || args[0] != "dev" {
		return fmt.Errorf("usage: hoso keys dev [--data DIR] [--unit CODE]")
	}
	fs := flag.NewFlagSet("keys dev", flag.ContinueOnError)
	data := fs.String("data", envString("HOSO_DATA", "./var"), "data folder (env HOSO_DATA)")
	unit := fs.String("unit", "", "make the key of this unit (for --sign-scope unit); default the city's")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	dir := filepath.Join(*data, "keys")
	name := "Thành phố Hải Phòng"
	if *unit != "" {
		name = *unit
	}
	k, path, err := signer.DevKey(dir, name)
	if err != nil {
		return err
	}
	fmt.Fprintln(os.Stderr, "DEVELOPMENT KEYS, NOT FOR PRODUCTION: for trying hoso out only.")
	enc := json.NewEncoder(os.Stdout)
	enc.SetEscapeHTML(false)
	return enc.Encode(map[string]string{"ca": filepath.Join(dir, signer.DevCAFile), "p12": path,
		"password_file": signer.DevPasswordFile(dir), "subject": k.Subject()})
}

// runVerify: hoso verify [--trust bundle.pem] FILE...
func runVerify(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("verify", flag.ContinueOnError)
	trust := fs.String("trust", envString("HOSO_TRUST", ""), "PEM bundle of the trusted root certificates (env HOSO_TRUST)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() == 0 {
		return fmt.Errorf("usage: hoso verify [--trust bundle.pem] FILE...")
	}
	var roots []*x509.Certificate
	if *trust != "" {
		var err error
		if roots, err = signer.ReadCertificates(*trust); err != nil {
			return err
		}
	}
	enc := json.NewEncoder(os.Stdout)
	enc.SetEscapeHTML(false)
	bad := 0
	for _, path := range fs.Args() {
		data, err := os.ReadFile(path)
		rep := signer.Report{File: path, Signatures: []signer.SignatureReport{}}
		if err != nil {
			rep.Error = err.Error()
		} else {
			rep = signer.Verify(path, data, signer.Pool(roots...))
		}
		if !rep.Valid {
			bad++
		}
		if err := enc.Encode(rep); err != nil {
			return err
		}
	}
	if bad > 0 {
		return fmt.Errorf("%d of %d files have no valid signature", bad, fs.NArg())
	}
	return nil
}
