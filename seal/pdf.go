// Package seal writes the searchable PDF of a document: each page's
// original picture at its resolution and colour, an invisible text layer
// from the OCR words at their boxes, and the document's metadata in the
// information dictionary and in XMP. It writes PDF itself (a few objects
// a page); signing is the signer package's work.
package seal

import (
	"bytes"
	"compress/zlib"
	_ "embed"
	"fmt"
	"io"
	"math"
	"strings"
	"time"
	"unicode/utf16"
	"unicode/utf8"

	"hoso"
)

// glyphless is Tesseract's font for invisible text layers (pdf.ttf, Apache
// 2.0): every glyph empty and half an em wide. The text is never drawn;
// the font is embedded so that any reader can select and search it.
//
//go:embed glyphless.ttf
var glyphless []byte

// Page is one page of the sealed PDF.
type Page struct {
	// Picture is drawn turned clockwise by Picture.Turn: its pixels are
	// never turned.
	Picture hoso.Picture
	// Width, Height and DPI are the upright page in the units of the words'
	// boxes (hoso.Page's), which set the page's size in points.
	Width, Height, DPI int
	// Skew is the small clockwise tilt of the picture (hoso.Page.Skew): the
	// words, read from the straightened page, are tilted with it.
	Skew  float64
	Words []hoso.Word
}

// Metadata is what the document information dictionary and the XMP
// packet say of the document.
type Metadata struct {
	Title, Subject, Author, Keywords string
	Created                          time.Time
	// Custom entries (hoso's: document ID, version, staff, original's
	// SHA-256 ...) go in the information dictionary under their names and
	// in XMP under hoso's namespace. Keys are ASCII letters.
	Custom map[string]string
	// CustomOrder lists the Custom keys in the order they are written.
	CustomOrder []string
}

// Producer names hoso in the files it writes.
const Producer = "hoso"

// Write writes the PDF of pages with meta to w.
func Write(w io.Writer, pages []Page, meta Metadata) error {
	if len(pages) == 0 {
		return hoso.Errorf(hoso.EInvalid, "a sealed document needs at least one page")
	}
	pw := &writer{}
	pw.buf.WriteString("%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
	// Fixed objects: 1 catalog, 2 page tree, 3 info, 4 metadata, 5 font.
	const catalogID, pagesID, infoID, metaID, fontID = 1, 2, 3, 4, 5
	pw.next = 6
	font := pw.writeFont()
	var kids []string
	for i, p := range pages {
		id, err := pw.writePage(p, pagesID, font)
		if err != nil {
			return fmt.Errorf("page %d: %w", i+1, err)
		}
		kids = append(kids, fmt.Sprintf("%d 0 R", id))
	}
	pw.object(fontID, fmt.Sprintf("<< /Type /Font /Subtype /Type0 /BaseFont /GlyphLessFont /Encoding /Identity-H /DescendantFonts [%d 0 R] /ToUnicode %d 0 R >>", font.cid, font.toUnicode))
	pw.object(pagesID, fmt.Sprintf("<< /Type /Pages /Kids [%s] /Count %d >>", strings.Join(kids, " "), len(pages)))
	pw.object(infoID, infoDict(meta))
	xmp := xmpPacket(meta)
	pw.object(metaID, fmt.Sprintf("<< /Type /Metadata /Subtype /XML /Length %d >>\nstream\n%s\nendstream", len(xmp), xmp))
	pw.object(catalogID, fmt.Sprintf("<< /Type /Catalog /Pages %d 0 R /Metadata %d 0 R /Lang (vi-VN) /MarkInfo << /Marked false >> >>", pagesID, metaID))
	pw.finish(catalogID, infoID)
	_, err := w.Write(pw.buf.Bytes())
	return err
}

// writer builds the file in memory, recording where each object starts.
type writer struct {
	buf     bytes.Buffer
	offsets map[int]int
	next    int
}

func (pw *writer) alloc() int { pw.next++; return pw.next - 1 }

func (pw *writer) object(id int, body string) {
	pw.start(id)
	pw.buf.WriteString(body)
	pw.buf.WriteString("\nendobj\n")
}

func (pw *writer) start(id int) {
	if pw.offsets == nil {
		pw.offsets = map[int]int{}
	}
	pw.offsets[id] = pw.buf.Len()
	fmt.Fprintf(&pw.buf, "%d 0 obj\n", id)
}

// stream writes a stream object; dict holds the entries besides /Length.
func (pw *writer) stream(id int, dict string, data []byte) {
	pw.start(id)
	fmt.Fprintf(&pw.buf, "<< %s /Length %d >>\nstream\n", dict, len(data))
	pw.buf.Write(data)
	pw.buf.WriteString("\nendstream\nendobj\n")
}

func (pw *writer) finish(root, info int) {
	xref := pw.buf.Len()
	fmt.Fprintf(&pw.buf, "xref\n0 %d\n0000000000 65535 f \n", pw.next)
	for id := 1; id < pw.next; id++ {
		fmt.Fprintf(&pw.buf, "%010d 00000 n \n", pw.offsets[id])
	}
	fmt.Fprintf(&pw.buf, "trailer\n<< /Size %d /Root %d 0 R /Info %d 0 R /ID [<%s> <%s>] >>\nstartxref\n%d\n%%%%EOF\n",
		pw.next, root, info, fileID(pw.buf.Bytes()), fileID(pw.buf.Bytes()), xref)
}

type fontIDs struct{ cid, toUnicode int }

// writeFont writes the glyphless CID font; the Type0 font itself is
// written last under its fixed number.
func (pw *writer) writeFont() fontIDs {
	file, desc, cid, toUni, cidMap := pw.alloc(), pw.alloc(), pw.alloc(), pw.alloc(), pw.alloc()
	pw.stream(file, fmt.Sprintf("/Filter /FlateDecode /Length1 %d", len(glyphless)), deflate(glyphless))
	pw.object(desc, fmt.Sprintf("<< /Type /FontDescriptor /FontName /GlyphLessFont /Flags 5 /FontBBox [0 0 500 1000] /ItalicAngle 0 /Ascent 1000 /Descent 0 /CapHeight 1000 /StemV 80 /FontFile2 %d 0 R >>", file))
	// Every code shows glyph 1 of the font (an empty box), half an em wide.
	m := make([]byte, 2*65536)
	for i := 1; i < len(m); i += 2 {
		m[i] = 1
	}
	pw.stream(cidMap, "/Filter /FlateDecode", deflate(m))
	pw.object(cid, fmt.Sprintf("<< /Type /Font /Subtype /CIDFontType2 /BaseFont /GlyphLessFont /CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> /FontDescriptor %d 0 R /DW 500 /CIDToGIDMap %d 0 R >>", desc, cidMap))
	pw.stream(toUni, "/Filter /FlateDecode", deflate([]byte(toUnicodeCMap())))
	return fontIDs{cid: cid, toUnicode: toUni}
}

// toUnicodeCMap maps each 2-byte code to the character of the same
// number: the text layer is written in UTF-16 code units.
func toUnicodeCMap() string {
	var b strings.Builder
	b.WriteString("/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n")
	// bfrange entries may not cross a change of the first byte; 100 a block.
	var ranges []string
	for hi := 0; hi < 256; hi++ {
		if hi >= 0xD8 && hi <= 0xDF {
			continue // surrogates: never written alone
		}
		ranges = append(ranges, fmt.Sprintf("<%02X00> <%02XFF> <%02X00>", hi, hi, hi))
	}
	for len(ranges) > 0 {
		n := min(100, len(ranges))
		fmt.Fprintf(&b, "%d beginbfrange\n%s\nendbfrange\n", n, strings.Join(ranges[:n], "\n"))
		ranges = ranges[n:]
	}
	b.WriteString("endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n")
	return b.String()
}

// writePage writes the picture, the text layer and the page; it returns
// the page's object number.
func (pw *writer) writePage(p Page, parent int, font fontIDs) (int, error) {
	pic := p.Picture
	if pic.Width <= 0 || pic.Height <= 0 || len(pic.Data) == 0 {
		return 0, hoso.Errorf(hoso.EInvalid, "the page has no picture")
	}
	if p.DPI <= 0 || p.Width <= 0 || p.Height <= 0 {
		return 0, hoso.Errorf(hoso.EInvalid, "the page has no size")
	}
	img, content, page := pw.alloc(), pw.alloc(), pw.alloc()
	data := pic.Data
	dict := fmt.Sprintf("/Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace /%s /BitsPerComponent %d /Filter /%s",
		pic.Width, pic.Height, pic.ColorSpace, pic.BitsPerComponent, pic.Filter)
	switch pic.Filter {
	case "DCTDecode":
		if pic.ColorSpace == "DeviceCMYK" {
			dict += " /Decode [1 0 1 0 1 0 1 0]" // JPEG files store CMYK inverted (Adobe)
		}
	case "FlateDecode":
		data = deflate(data)
	default:
		return 0, hoso.Errorf(hoso.EInvalid, "picture filter %q", pic.Filter)
	}
	pw.stream(img, dict, data)

	k := 72 / float64(p.DPI) // points per pixel of the words' boxes
	pwPt, phPt := float64(p.Width)*k, float64(p.Height)*k
	var c bytes.Buffer
	fmt.Fprintf(&c, "q %s cm /Im0 Do Q\n", pictureMatrix(pic.Turn, pwPt, phPt))
	writeTextLayer(&c, p.Words, k, pwPt, phPt, p.Skew)
	pw.stream(content, "/Filter /FlateDecode", deflate(c.Bytes()))
	pw.object(page, fmt.Sprintf("<< /Type /Page /Parent %d 0 R /MediaBox [0 0 %s %s] /Resources << /XObject << /Im0 %d 0 R >> /Font << /F1 5 0 R >> >> /Contents %d 0 R >>",
		parent, num(pwPt), num(phPt), img, content))
	return page, nil
}

// pictureMatrix maps the image's unit square onto the page turned
// clockwise by turn degrees.
func pictureMatrix(turn int, w, h float64) string {
	var m [6]float64
	switch ((turn % 360) + 360) % 360 {
	case 90: // the image's top edge becomes the page's right edge
		m = [6]float64{0, -h, w, 0, 0, h}
	case 180:
		m = [6]float64{-w, 0, 0, -h, w, h}
	case 270:
		m = [6]float64{0, h, -w, 0, w, 0}
	default:
		m = [6]float64{w, 0, 0, h, 0, 0}
	}
	parts := make([]string, 6)
	for i, v := range m {
		parts[i] = num(v)
	}
	return strings.Join(parts, " ")
}

// writeTextLayer writes each word invisibly (render mode 3) over its box,
// stretched to the box's width, tilted by skew about the page's centre.
func writeTextLayer(c *bytes.Buffer, words []hoso.Word, k, w, h, skew float64) {
	if len(words) == 0 {
		return
	}
	c.WriteString("q\n")
	if math.Abs(skew) >= 0.05 {
		// Clockwise on the page is a negative angle in PDF's y-up space.
		sin, cos := math.Sincos(-skew * math.Pi / 180)
		cx, cy := w/2, h/2
		fmt.Fprintf(c, "%s %s %s %s %s %s cm\n", num(cos), num(sin), num(-sin), num(cos),
			num(cx-cos*cx+sin*cy), num(cy-sin*cx-cos*cy))
	}
	c.WriteString("BT 3 Tr\n")
	for _, wd := range words {
		text := strings.TrimSpace(wd.Text)
		n := utf8.RuneCountInString(text)
		bw, bh := float64(wd.Box.Dx())*k, float64(wd.Box.Dy())*k
		if n == 0 || bw <= 0 || bh <= 0 {
			continue
		}
		size := bh
		// The glyphless font's advance is half an em: stretch to the box.
		scale := 100 * bw / (float64(n) * 0.5 * size)
		x := float64(wd.Box.Min.X) * k
		y := h - float64(wd.Box.Max.Y)*k + 0.2*bh // baseline a little above the box's foot
		fmt.Fprintf(c, "/F1 %s Tf %s Tz 1 0 0 1 %s %s Tm <%s> Tj\n", num(size), num(scale), num(x), num(y), utf16Hex(text+" "))
	}
	c.WriteString("ET\nQ\n")
}

// utf16Hex encodes s as the 2-byte codes of the text layer.
func utf16Hex(s string) string {
	var b strings.Builder
	for _, u := range utf16.Encode([]rune(s)) {
		fmt.Fprintf(&b, "%04X", u)
	}
	return b.String()
}

func num(v float64) string {
	s := fmt.Sprintf("%.3f", v)
	s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	if s == "-0" || s == "" {
		return "0"
	}
	return s
}

func deflate(b []byte) []byte {
	var out bytes.Buffer
	zw, _ := zlib.NewWriterLevel(&out, zlib.BestSpeed)
	zw.Write(b)
	zw.Close()
	return out.Bytes()
}
