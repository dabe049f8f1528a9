// Package signer will seal documents with the agency's PAdES signature
// (digitorus/pdfsign; keys from PKCS#12 or PKCS#11). Nothing is built here
// yet: it comes with the sealing issue.
package signer
