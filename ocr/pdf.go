package ocr

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"io"
	"math"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"sync"

	"github.com/pdfcpu/pdfcpu/pkg/api"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/model"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/types"
	"golang.org/x/image/tiff"

	"hoso"
)

// TextDPI is the resolution at which the words of a born-digital PDF page
// are placed, so that their boxes are in the same units as a scan's.
const TextDPI = 300

// pdfSource reads a PDF with pdfcpu. A scanned page gives its embedded image
// as stored (lossless, no re-render); a born-digital page gives the words of
// its text layer (poppler's pdftotext); any other page is rendered with
// poppler's pdftoppm, the reference renderer on Debian.
type pdfSource struct {
	path   string // file on disk for poppler; written to a temp file if empty
	tmp    string // temp file we created, removed on Close
	data   []byte
	ctx    *model.Context
	dims   []types.Dim
	limits Limits

	textOnce sync.Once
	text     map[int]textPage // page number -> text layer
	textErr  error
}

type textPage struct {
	size  image.Point
	words []hoso.Word
}

func openPDF(ctx context.Context, path string, data []byte, limits Limits) (s *pdfSource, err error) {
	// pdfcpu may panic on hostile input: turn that into a damaged_file error.
	defer func() {
		if r := recover(); r != nil {
			s, err = nil, hoso.Errorf(hoso.EDamagedFile, "the PDF file is damaged and cannot be read")
		}
	}()
	conf := model.NewDefaultConfiguration()
	conf.ValidationMode = model.ValidationRelaxed
	pc, err := api.ReadAndValidate(bytes.NewReader(data), conf)
	if err != nil {
		return nil, classifyPDFError(err)
	}
	if pc.PageCount == 0 {
		return nil, hoso.Errorf(hoso.ENoPages, "the PDF file has no pages")
	}
	if pc.PageCount > limits.MaxPages {
		return nil, hoso.Errorf(hoso.ETooLarge, "the file has more than %d pages", limits.MaxPages)
	}
	dims, _ := pc.PageDims() // missing boxes fall back to A4 in pageGeometry
	return &pdfSource{path: path, data: data, ctx: pc, dims: dims, limits: limits}, nil
}

func classifyPDFError(err error) error {
	msg := strings.ToLower(err.Error())
	switch {
	case strings.Contains(msg, "password") || strings.Contains(msg, "encrypt"):
		return hoso.WrapError(hoso.EEncryptedFile, "the PDF file is encrypted; upload it without a password", err)
	default:
		return hoso.WrapError(hoso.EDamagedFile, "the PDF file is damaged and cannot be read", err)
	}
}

func (s *pdfSource) Format() Format { return FormatPDF }
func (s *pdfSource) PageCount() int { return s.ctx.PageCount }

func (s *pdfSource) Close() error {
	if s.tmp != "" {
		return os.Remove(s.tmp)
	}
	return nil
}

// Page returns page n: the scan's embedded image, the text layer, or a
// rendering, in that order of preference.
func (s *pdfSource) Page(ctx context.Context, n int) (p *PageImage, err error) {
	defer func() {
		if r := recover(); r != nil {
			p, err = nil, hoso.Errorf(hoso.EDamagedFile, "page %d of the PDF file is damaged", n)
		}
	}()
	if n < 1 || n > s.ctx.PageCount {
		return nil, fmt.Errorf("page %d of %d", n, s.ctx.PageCount)
	}
	pageW, pageH, rotate := s.pageGeometry(n)

	if img, ok := s.scanImage(n, pageW, pageH); ok {
		img = rotateQuarter(img, rotate)
		dpi := int(math.Round(float64(img.Bounds().Dx()) / (pageWidthRotated(pageW, pageH, rotate) / 72)))
		if dpi < 100 || dpi > 1200 {
			// The page box is not the paper's size (a tool put the image at
			// 72 dpi): judge by the pixels, as for an image file.
			dpi = guessDPI(img.Bounds().Dx(), img.Bounds().Dy())
		}
		return &PageImage{Number: n, Gray: img, DPI: snapDPI(dpi)}, nil
	}
	if tp, err := s.textLayer(ctx, n); err == nil && len(tp.words) >= 5 {
		return &PageImage{Number: n, Words: tp.words, Size: tp.size, DPI: TextDPI}, nil
	}
	img, err := s.render(ctx, n, s.limits.RenderDPI)
	if err != nil {
		return nil, err
	}
	return &PageImage{Number: n, Gray: img, DPI: s.limits.RenderDPI}, nil
}

// pageGeometry returns the page's media box in points and its /Rotate.
func (s *pdfSource) pageGeometry(n int) (w, h float64, rotate int) {
	w, h = 595, 842 // A4 when the page says nothing usable
	if n-1 < len(s.dims) && s.dims[n-1].Width > 0 && s.dims[n-1].Height > 0 {
		w, h = s.dims[n-1].Width, s.dims[n-1].Height
	}
	if d, _, inh, err := s.ctx.PageDict(n, false); err == nil && d != nil {
		if inh != nil {
			rotate = ((inh.Rotate % 360) + 360) % 360
		}
	}
	return w, h, rotate
}

func pageWidthRotated(w, h float64, rotate int) float64 {
	if rotate == 90 || rotate == 270 {
		return h
	}
	return w
}

// scanStream finds the page's scan: one image that covers most of the
// page at a resolution fit for OCR. It returns the image's stream and its
// object number.
func (s *pdfSource) scanStream(n int, pageW, pageH float64) (*types.StreamDict, int, bool) {
	_, _, inh, err := s.ctx.PageDict(n, true)
	if err != nil || inh == nil || inh.Resources == nil {
		return nil, 0, false
	}
	xobjs, err := s.ctx.DereferenceDict(inh.Resources["XObject"])
	if err != nil || xobjs == nil {
		return nil, 0, false
	}
	var (
		best       *types.StreamDict
		bestObjNr  int
		bestPixels int
	)
	for _, o := range xobjs {
		sd, _, err := s.ctx.DereferenceStreamDict(o)
		if err != nil || sd == nil {
			continue
		}
		if st := sd.Subtype(); st == nil || *st != "Image" {
			continue
		}
		w, h := sd.IntEntry("Width"), sd.IntEntry("Height")
		if w == nil || h == nil {
			continue
		}
		if px := *w * *h; px > bestPixels {
			best, bestPixels = sd, px
			if ir, ok := o.(types.IndirectRef); ok {
				bestObjNr = ir.ObjectNumber.Value()
			}
		}
	}
	if best == nil {
		return nil, 0, false
	}
	w, h := *best.IntEntry("Width"), *best.IntEntry("Height")
	// A scan is at least ~100 dpi across the page's longer side, or, where a
	// tool set the page box from the pixels (72 dpi), a page-sized image.
	if float64(max(w, h)) < 100*max(pageW, pageH)/72 && max(w, h) < 1000 || bestPixels > s.limits.MaxPagePixels {
		return nil, 0, false
	}
	return best, bestObjNr, true
}

// scanImage returns the page's embedded scan in gray. A JPEG stream is
// decoded as stored; other encodings are decoded by pdfcpu.
func (s *pdfSource) scanImage(n int, pageW, pageH float64) (*image.Gray, bool) {
	best, bestObjNr, ok := s.scanStream(n, pageW, pageH)
	if !ok {
		return nil, false
	}
	var img image.Image
	var err error
	if fp := best.FilterPipeline; len(fp) == 1 && fp[0].Name == "DCTDecode" && best.Raw != nil {
		img, _, err = image.Decode(bytes.NewReader(best.Raw))
	} else {
		var mi *model.Image
		mi, err = pdfcpu.ExtractImage(s.ctx, best, false, "", bestObjNr, false)
		if err == nil && mi != nil {
			img, err = decodeExtracted(mi)
		} else if err == nil {
			return nil, false
		}
	}
	if err != nil || img == nil {
		return nil, false
	}
	return ToGray(img), true
}

func decodeExtracted(mi *model.Image) (image.Image, error) {
	data, err := io.ReadAll(mi.Reader)
	if err != nil {
		return nil, err
	}
	if mi.FileType == "tif" || mi.FileType == "tiff" {
		return tiff.Decode(bytes.NewReader(data))
	}
	img, _, err := image.Decode(bytes.NewReader(data))
	return img, err
}

var (
	reBBoxPage = regexp.MustCompile(`<page width="([\d.]+)" height="([\d.]+)">`)
	reBBoxWord = regexp.MustCompile(`<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>`)
)

// textLayer returns the words of page n's text layer, read once for the
// whole file with pdftotext -bbox.
func (s *pdfSource) textLayer(ctx context.Context, n int) (textPage, error) {
	s.textOnce.Do(func() {
		path, err := s.filePath()
		if err != nil {
			s.textErr = err
			return
		}
		out, err := exec.CommandContext(ctx, "pdftotext", "-enc", "UTF-8", "-bbox", path, "-").Output()
		if err != nil {
			s.textErr = fmt.Errorf("pdftotext: %w", err)
			return
		}
		s.text = parseBBox(string(out))
	})
	return s.text[n], s.textErr
}

// parseBBox parses pdftotext -bbox output into words in TextDPI pixels.
func parseBBox(html string) map[int]textPage {
	pages := map[int]textPage{}
	scale := float64(TextDPI) / 72
	chunks := strings.Split(html, "<page ")
	for i, c := range chunks[1:] {
		c = "<page " + c
		var tp textPage
		if m := reBBoxPage.FindStringSubmatch(c); m != nil {
			w, _ := strconv.ParseFloat(m[1], 64)
			h, _ := strconv.ParseFloat(m[2], 64)
			tp.size = image.Pt(int(w*scale), int(h*scale))
		}
		for _, m := range reBBoxWord.FindAllStringSubmatch(c, -1) {
			var f [4]float64
			for j := range f {
				f[j], _ = strconv.ParseFloat(m[j+1], 64)
			}
			tp.words = append(tp.words, hoso.Word{
				Text:       unescapeHTML(m[5]),
				Box:        image.Rect(int(f[0]*scale), int(f[1]*scale), int(f[2]*scale), int(f[3]*scale)),
				Confidence: 1,
			})
		}
		pages[i+1] = tp
	}
	return pages
}

func unescapeHTML(s string) string {
	r := strings.NewReplacer("&amp;", "&", "&lt;", "<", "&gt;", ">", "&quot;", `"`, "&apos;", "'", "&#39;", "'")
	return r.Replace(s)
}

// Render draws page n at dpi, whatever the page holds: the picture a
// reviewer sees of a born-digital page.
func (s *pdfSource) Render(ctx context.Context, n, dpi int) (*image.Gray, error) {
	return s.render(ctx, n, dpi)
}

// render draws page n with pdftoppm.
func (s *pdfSource) render(ctx context.Context, n, dpi int) (*image.Gray, error) {
	path, err := s.filePath()
	if err != nil {
		return nil, err
	}
	pg := strconv.Itoa(n)
	out, err := exec.CommandContext(ctx, "pdftoppm", "-r", strconv.Itoa(dpi), "-gray",
		"-f", pg, "-l", pg, "-png", path).Output()
	if err != nil {
		return nil, hoso.WrapError(hoso.EDamagedFile, fmt.Sprintf("page %d of the PDF file cannot be rendered", n), err)
	}
	img, _, err := image.Decode(bytes.NewReader(out))
	if err != nil {
		return nil, hoso.WrapError(hoso.EDamagedFile, fmt.Sprintf("page %d of the PDF file cannot be rendered", n), err)
	}
	return ToGray(img), nil
}

// filePath returns a path poppler can read, writing the bytes to a temporary
// file when the source was opened from memory.
func (s *pdfSource) filePath() (string, error) {
	if s.path != "" {
		return s.path, nil
	}
	if s.tmp != "" {
		return s.tmp, nil
	}
	f, err := os.CreateTemp("", "hoso-*.pdf")
	if err != nil {
		return "", fmt.Errorf("temp file for poppler: %w", err)
	}
	defer f.Close()
	if _, err := f.Write(s.data); err != nil {
		os.Remove(f.Name())
		return "", fmt.Errorf("temp file for poppler: %w", err)
	}
	s.tmp = f.Name()
	return s.tmp, nil
}

// snapDPI rounds a measured resolution to a nearby common scanner setting.
func snapDPI(d int) int {
	for _, c := range []int{72, 96, 100, 150, 200, 240, 300, 400, 600} {
		if abs(d-c) <= c/20 {
			return c
		}
	}
	return d
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}
