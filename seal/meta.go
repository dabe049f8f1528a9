package seal

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"html"
	"strings"
	"time"
	"unicode/utf16"
)

// XMPNamespace is hoso's XMP namespace; its prefix is "hoso".
const XMPNamespace = "https://hoso.haiphong.gov.vn/ns/1.0/"

// infoDict is the document information dictionary: the standard entries
// and hoso's own.
func infoDict(m Metadata) string {
	var b strings.Builder
	b.WriteString("<<")
	for _, e := range []struct{ k, v string }{
		{"Title", m.Title}, {"Subject", m.Subject}, {"Author", m.Author}, {"Keywords", m.Keywords},
		{"Creator", Producer}, {"Producer", Producer},
	} {
		if e.v != "" {
			fmt.Fprintf(&b, " /%s %s", e.k, textString(e.v))
		}
	}
	if !m.Created.IsZero() {
		d := pdfDate(m.Created)
		fmt.Fprintf(&b, " /CreationDate (%s) /ModDate (%s)", d, d)
	}
	for _, k := range m.CustomOrder {
		if v, ok := m.Custom[k]; ok && isName(k) {
			fmt.Fprintf(&b, " /%s %s", k, textString(v))
		}
	}
	b.WriteString(" >>")
	return b.String()
}

// textString encodes s as a PDF text string: UTF-16BE with its byte
// order mark, in hexadecimal, which carries any character.
func textString(s string) string {
	var b strings.Builder
	b.WriteString("<FEFF")
	for _, u := range utf16.Encode([]rune(s)) {
		fmt.Fprintf(&b, "%04X", u)
	}
	b.WriteString(">")
	return b.String()
}

func pdfDate(t time.Time) string {
	_, off := t.Zone()
	sign := "+"
	if off < 0 {
		sign, off = "-", -off
	}
	return fmt.Sprintf("D:%s%s%02d'%02d'", t.Format("20060102150405"), sign, off/3600, off%3600/60)
}

func isName(k string) bool {
	if k == "" {
		return false
	}
	for _, r := range k {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z') {
			return false
		}
	}
	return true
}

// xmpPacket is the XMP metadata: Dublin Core, XMP basic, PDF and hoso's
// namespace.
func xmpPacket(m Metadata) string {
	esc := html.EscapeString
	var b strings.Builder
	b.WriteString(`<?xpacket begin="` + "\ufeff" + `" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/">
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
<rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:xmp="http://ns.adobe.com/xap/1.0/" xmlns:pdf="http://ns.adobe.com/pdf/1.3/" xmlns:hoso="` + XMPNamespace + `">
`)
	if m.Title != "" {
		fmt.Fprintf(&b, "<dc:title><rdf:Alt><rdf:li xml:lang=\"x-default\">%s</rdf:li></rdf:Alt></dc:title>\n", esc(m.Title))
	}
	if m.Subject != "" {
		fmt.Fprintf(&b, "<dc:description><rdf:Alt><rdf:li xml:lang=\"x-default\">%s</rdf:li></rdf:Alt></dc:description>\n", esc(m.Subject))
	}
	if m.Author != "" {
		fmt.Fprintf(&b, "<dc:creator><rdf:Seq><rdf:li>%s</rdf:li></rdf:Seq></dc:creator>\n", esc(m.Author))
	}
	b.WriteString("<dc:format>application/pdf</dc:format>\n<dc:language><rdf:Bag><rdf:li>vi</rdf:li></rdf:Bag></dc:language>\n")
	if m.Keywords != "" {
		fmt.Fprintf(&b, "<pdf:Keywords>%s</pdf:Keywords>\n", esc(m.Keywords))
	}
	fmt.Fprintf(&b, "<pdf:Producer>%s</pdf:Producer>\n<xmp:CreatorTool>%s</xmp:CreatorTool>\n", Producer, Producer)
	if !m.Created.IsZero() {
		d := m.Created.Format(time.RFC3339)
		fmt.Fprintf(&b, "<xmp:CreateDate>%s</xmp:CreateDate>\n<xmp:ModifyDate>%s</xmp:ModifyDate>\n", d, d)
	}
	for _, k := range m.CustomOrder {
		if v, ok := m.Custom[k]; ok && isName(k) {
			fmt.Fprintf(&b, "<hoso:%s>%s</hoso:%s>\n", k, esc(v), k)
		}
	}
	b.WriteString("</rdf:Description>\n</rdf:RDF>\n</x:xmpmeta>\n")
	// Room for a later edit in place, as XMP writers leave.
	b.WriteString(strings.Repeat(strings.Repeat(" ", 99)+"\n", 10))
	b.WriteString(`<?xpacket end="w"?>`)
	return b.String()
}

// fileID is the trailer's file identifier: a hash of the content written.
func fileID(b []byte) string {
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:16])
}
