package ocr

import (
	"bytes"
	"context"
	"encoding/binary"
	"github.com/pdfcpu/pdfcpu/pkg/api"
	"image"
	"image/color"
	"image/png"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"hoso"
)

func TestMain(m *testing.M) {
	SingleThreaded()
	os.Exit(m.Run())
}

func TestSniffFormat(t *testing.T) {
	for _, c := range []struct {
		head string
		want Format
		code string
	}{
		{"%PDF-1.7\n", FormatPDF, ""},
		{"\xef\xbb\xbf%PDF-1.4", FormatPDF, ""}, // junk before the header
		{"\xff\xd8\xff\xe0", FormatJPEG, ""},
		{"\x89PNG\r\n\x1a\n", FormatPNG, ""},
		{"II*\x00", FormatTIFF, ""},
		{"MM\x00*", FormatTIFF, ""},
		{"<!DOCTYPE html><html>", "", hoso.EUnsupportedType},
		{"", "", hoso.EEmptyFile},
	} {
		got, err := SniffFormat([]byte(c.head))
		if got != c.want || hoso.ErrorCode(err) != c.code && !(c.code == "" && err == nil) {
			t.Errorf("SniffFormat(%q) = %q, %v; want %q, %q", c.head, got, err, c.want, c.code)
		}
	}
}

// tiffWithDirs builds a little-endian TIFF header and n chained directories
// holding only width and height, as scanTIFF reads them.
func tiffWithDirs(n, w, h int, loop bool) []byte {
	var b bytes.Buffer
	b.WriteString("II*\x00")
	binary.Write(&b, binary.LittleEndian, uint32(8))
	for i := 0; i < n; i++ {
		off := 8 + i*(2+2*12+4)
		binary.Write(&b, binary.LittleEndian, uint16(2))
		for _, e := range [][2]int{{256, w}, {257, h}} {
			binary.Write(&b, binary.LittleEndian, uint16(e[0]))
			binary.Write(&b, binary.LittleEndian, uint16(4))
			binary.Write(&b, binary.LittleEndian, uint32(1))
			binary.Write(&b, binary.LittleEndian, uint32(e[1]))
		}
		next := uint32(off + 2 + 2*12 + 4)
		if i == n-1 {
			next = 0
			if loop {
				next = 8
			}
		}
		binary.Write(&b, binary.LittleEndian, next)
	}
	return b.Bytes()
}

func TestScanTIFF(t *testing.T) {
	pages, err := scanTIFF(tiffWithDirs(3, 1000, 1400, false), 10)
	if err != nil || len(pages) != 3 || pages[2].Width != 1000 || pages[2].Height != 1400 {
		t.Fatalf("scanTIFF = %v, %v", pages, err)
	}
	if _, err := scanTIFF(tiffWithDirs(3, 10, 10, false), 2); hoso.ErrorCode(err) != hoso.ETooLarge {
		t.Errorf("too many pages: %v", err)
	}
	if _, err := scanTIFF(tiffWithDirs(2, 10, 10, true), 10); hoso.ErrorCode(err) != hoso.EDamagedFile {
		t.Errorf("a looping directory chain: %v", err)
	}
	if _, err := scanTIFF(tiffWithDirs(2, 10, 10, false)[:20], 10); hoso.ErrorCode(err) != hoso.EDamagedFile {
		t.Errorf("a truncated file: %v", err)
	}
}

func TestRotateQuarter(t *testing.T) {
	g := image.NewGray(image.Rect(0, 0, 3, 2))
	copy(g.Pix, []uint8{1, 2, 3, 4, 5, 6})
	// Turning clockwise: the left column becomes the top row, read upwards.
	if got := rotateQuarter(g, 90); !bytes.Equal(got.Pix, []uint8{4, 1, 5, 2, 6, 3}) || got.Rect.Dx() != 2 {
		t.Errorf("90: %v", got.Pix)
	}
	if got := rotateQuarter(g, 180); !bytes.Equal(got.Pix, []uint8{6, 5, 4, 3, 2, 1}) {
		t.Errorf("180: %v", got.Pix)
	}
	if got := rotateQuarter(rotateQuarter(g, 90), 270); !bytes.Equal(got.Pix, g.Pix) {
		t.Errorf("90 then 270: %v", got.Pix)
	}
}

// lines draws dark horizontal bars like lines of text, turned clockwise by
// deg degrees.
func lines(w, h int, deg float64) *image.Gray {
	g := image.NewGray(image.Rect(0, 0, w, h))
	sin, cos := math.Sincos(deg * math.Pi / 180)
	cx, cy := float64(w)/2, float64(h)/2
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			// Undo the turn to find the point on the upright page.
			dx, dy := float64(x)-cx, float64(y)-cy
			ux, uy := dx*cos+dy*sin+cx, -dx*sin+dy*cos+cy
			v := uint8(255)
			if ux > 100 && ux < float64(w)-100 && int(uy)%40 < 12 && uy > 100 && uy < float64(h)-100 {
				v = 0
			}
			g.Pix[y*w+x] = v
		}
	}
	return g
}

func TestSkewAngle(t *testing.T) {
	for _, deg := range []float64{-2.5, -1, 0, 0.6, 1.4} {
		got := newInkMap(lines(1200, 1600, deg), 900).skewAngle(5)
		if math.Abs(got-deg) > 0.15 {
			t.Errorf("skew of lines turned %.2f = %.2f", deg, got)
		}
	}
}

func TestNormalizeBackground(t *testing.T) {
	// Paper shaded from 255 down to 120 left to right, with ink at 40%.
	g := image.NewGray(image.Rect(0, 0, 400, 300))
	for y := 0; y < 300; y++ {
		for x := 0; x < 400; x++ {
			paper := 255 - 135*x/399
			v := paper
			if y%30 < 4 && x%50 < 30 {
				v = paper * 4 / 10
			}
			g.Pix[y*400+x] = uint8(v)
		}
	}
	n := normalizeBackground(g, 33)
	for _, x := range []int{40, 200, 390} {
		// Paper comes out near-white: at least the 215 that despeckle clears.
		if p := n.Pix[15*400+x]; p < 215 {
			t.Errorf("paper at x=%d is %d after normalization", x, p)
		}
		if ink := n.Pix[1*400+x-x%50+5]; ink > 130 {
			t.Errorf("ink at x=%d is %d after normalization", x, ink)
		}
	}
}

func TestDespeckleKeepsMarksNearLetters(t *testing.T) {
	g := image.NewGray(image.Rect(0, 0, 200, 200))
	for i := range g.Pix {
		g.Pix[i] = 255
	}
	set := func(x0, y0, x1, y1 int) {
		for y := y0; y < y1; y++ {
			for x := x0; x < x1; x++ {
				g.Pix[y*200+x] = 0
			}
		}
	}
	set(50, 50, 60, 80)     // a letter stroke
	set(53, 44, 56, 47)     // its diacritic dot, 3 px above
	set(150, 150, 153, 153) // dust, far from anything
	despeckle(g, 200)
	if g.Pix[45*200+54] != 0 {
		t.Error("the dot next to the letter was erased")
	}
	if g.Pix[151*200+151] != 255 {
		t.Error("the isolated speck was kept")
	}
	if g.Pix[60*200+55] != 0 {
		t.Error("the letter was erased")
	}
}

func TestRemoveRulesAndTableCells(t *testing.T) {
	// A 3x3 grid of rules 300 px apart, a word inside one cell.
	g := image.NewGray(image.Rect(0, 0, 1000, 1000))
	for i := range g.Pix {
		g.Pix[i] = 255
	}
	for k := 0; k < 4; k++ {
		p := 50 + 300*k
		for i := 50; i <= 950; i++ {
			g.Pix[p*1000+i], g.Pix[(p+1)*1000+i] = 0, 0 // horizontal, 2 px
			g.Pix[i*1000+p], g.Pix[i*1000+p+1] = 0, 0   // vertical
		}
	}
	for y := 180; y < 200; y++ {
		for x := 120; x < 140; x++ {
			g.Pix[y*1000+x] = 0
		}
	}
	hs, vs := removeRules(g, 200)
	if g.Pix[50*1000+500] != 255 || g.Pix[500*1000+50] != 255 {
		t.Error("rules not erased")
	}
	if g.Pix[190*1000+130] != 0 {
		t.Error("the word was erased")
	}
	cells := tableCells(hs, vs, 1000, 200)
	if len(cells) != 9 {
		t.Fatalf("%d cells, want 9: %v", len(cells), cells)
	}
	if !image.Pt(130, 190).In(cells[0]) {
		t.Errorf("the first cell %v does not hold the word", cells[0])
	}
}

func TestDownscale(t *testing.T) {
	g := image.NewGray(image.Rect(0, 0, 300, 300))
	for i := range g.Pix {
		g.Pix[i] = uint8(i % 2 * 200)
	}
	d := downscale(g, 2.0/3)
	if d.Rect.Dx() != 200 || d.Rect.Dy() != 200 {
		t.Fatalf("size %v", d.Rect)
	}
	for _, v := range d.Pix {
		if v < 60 || v > 140 {
			t.Fatalf("average of a fine pattern = %d", v)
		}
	}
}

// writePDF writes a one-page born-digital PDF with the given text in
// Helvetica, built by hand so the test needs no PDF library.
func writePDF(t *testing.T, path, text string) {
	t.Helper()
	writePDFContent(t, path, "BT /F1 14 Tf 72 720 Td ("+text+") Tj ET")
}

// writePDFContent writes a one-page PDF with the given content stream.
func writePDFContent(t *testing.T, path, content string) {
	t.Helper()
	objs := []string{
		"<< /Type /Catalog /Pages 2 0 R >>",
		"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
		"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
		"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
		"<< /Length " + strconv.Itoa(len(content)) + " >>\nstream\n" + content + "\nendstream",
	}
	var b bytes.Buffer
	b.WriteString("%PDF-1.4\n")
	offs := make([]int, len(objs))
	for i, o := range objs {
		offs[i] = b.Len()
		b.WriteString(strconv.Itoa(i+1) + " 0 obj\n" + o + "\nendobj\n")
	}
	xref := b.Len()
	b.WriteString("xref\n0 " + strconv.Itoa(len(objs)+1) + "\n0000000000 65535 f \n")
	for _, o := range offs {
		s := strconv.Itoa(o)
		b.WriteString("0000000000"[:10-len(s)] + s + " 00000 n \n")
	}
	b.WriteString("trailer\n<< /Size " + strconv.Itoa(len(objs)+1) + " /Root 1 0 R >>\nstartxref\n" + strconv.Itoa(xref) + "\n%%EOF\n")
	if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestBornDigitalPDFReadFromItsText(t *testing.T) {
	path := filepath.Join(t.TempDir(), "letter.pdf")
	writePDF(t, path, "So: 123/QD-UBND Hai Phong ngay 15 thang 7 nam 2025")
	p := mustFirstPage(t, path, Limits{})
	if p.Gray != nil || len(p.Words) < 5 || p.Words[1].Text != "123/QD-UBND" {
		t.Fatalf("page: image %v, words %v", p.Gray != nil, p.Words)
	}
	// Its box is where the text was drawn: 72 pt from the left, at 300 dpi.
	if b := p.Words[0].Box; b.Min.X < 290 || b.Min.X > 310 {
		t.Errorf("first word box %v", b)
	}
}

func TestImageSourceDPIAndLimits(t *testing.T) {
	g := image.NewGray(image.Rect(0, 0, 120, 80))
	for i := range g.Pix {
		g.Pix[i] = 255
	}
	g.Set(5, 5, color.Gray{0})
	var b bytes.Buffer
	if err := png.Encode(&b, g); err != nil {
		t.Fatal(err)
	}
	src, err := OpenBytes(context.Background(), "", b.Bytes(), Limits{})
	if err != nil || src.PageCount() != 1 {
		t.Fatalf("open: %v", err)
	}
	if _, err := OpenBytes(context.Background(), "", b.Bytes(), Limits{MaxPagePixels: 100}); hoso.ErrorCode(err) != hoso.ETooLarge {
		t.Errorf("pixel limit: %v", err)
	}
	if _, err := OpenBytes(context.Background(), "", b.Bytes()[:30], Limits{}); hoso.ErrorCode(err) != hoso.EDamagedFile {
		t.Errorf("truncated PNG: %v", err)
	}
	if d := guessDPI(1653, 2339); d != 200 {
		t.Errorf("guessDPI(A4 at 200) = %d", d)
	}
}

func TestVectorPDFPageIsRendered(t *testing.T) {
	// No image, no text: a drawing, which only a renderer can turn into
	// pixels (poppler's pdftoppm).
	path := filepath.Join(t.TempDir(), "drawing.pdf")
	writePDFContent(t, path, "10 w 100 400 m 500 400 l S")
	p := mustFirstPage(t, path, Limits{RenderDPI: 100})
	if p.Gray == nil || p.DPI != 100 {
		t.Fatalf("rendered page: image %v, dpi %d", p.Gray != nil, p.DPI)
	}
	// The page is 595x842 pt: 827x1169 px at 100 dpi; the line is drawn
	// 400 pt from the bottom.
	if w, h := p.Gray.Rect.Dx(), p.Gray.Rect.Dy(); w < 820 || w > 830 || h < 1165 || h > 1175 {
		t.Errorf("size %dx%d", w, h)
	}
	y := (842 - 400) * 100 / 72
	if v := p.Gray.GrayAt(300*100/72, y).Y; v > 100 {
		t.Errorf("the line is not drawn: %d", v)
	}
}

// mustFirstPage opens a file and returns its first page.
func mustFirstPage(tb testing.TB, path string, l Limits) *PageImage {
	tb.Helper()
	src, err := Open(context.Background(), path, l)
	if err != nil {
		tb.Fatal(err)
	}
	defer src.Close()
	p, err := src.Page(context.Background(), 1)
	if err != nil {
		tb.Fatal(err)
	}
	return p
}

func TestPDFMadeFromAnImageAt72DPI(t *testing.T) {
	// Tools that turn an image into a PDF often set the page box from the
	// pixels (72 dpi): the page is still a scan, read from its image, and
	// its resolution is judged by the pixels.
	dir := t.TempDir()
	g := image.NewGray(image.Rect(0, 0, 1653, 2339))
	for i := range g.Pix {
		g.Pix[i] = 255
	}
	for y := 300; y < 330; y++ {
		for x := 200; x < 1400; x++ {
			g.Pix[y*1653+x] = 0
		}
	}
	img := filepath.Join(dir, "page.png")
	f, err := os.Create(img)
	if err != nil {
		t.Fatal(err)
	}
	png.Encode(f, g)
	f.Close()
	pdf := filepath.Join(dir, "page.pdf")
	if err := api.ImportImagesFile([]string{img}, pdf, nil, nil); err != nil {
		t.Fatal(err)
	}
	p := mustFirstPage(t, pdf, Limits{})
	if p.Gray == nil || p.Gray.Rect.Dx() != 1653 || p.DPI != 200 {
		t.Fatalf("page: image %v, dpi %d", p.Gray != nil, p.DPI)
	}
	if p.Gray.GrayAt(800, 315).Y != 0 || p.Gray.GrayAt(800, 500).Y != 255 {
		t.Error("the image was not taken as stored")
	}
}
