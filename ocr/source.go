package ocr

import (
	"bytes"
	"context"
	"fmt"
	"image"
	_ "image/jpeg" // scans
	_ "image/png"  // scans
	"os"

	"hoso"
)

// Format is the kind of file a scan arrived as.
type Format string

// The formats hoso reads.
const (
	FormatPDF  Format = "pdf"
	FormatJPEG Format = "jpeg"
	FormatPNG  Format = "png"
	FormatTIFF Format = "tiff"
)

// SniffFormat tells a file's format from its first bytes, never from its
// name. It returns an unsupported_type error for anything else.
func SniffFormat(head []byte) (Format, error) {
	switch {
	case len(head) == 0:
		return "", hoso.Errorf(hoso.EEmptyFile, "the file is empty")
	case bytes.HasPrefix(head, []byte{0xFF, 0xD8, 0xFF}):
		return FormatJPEG, nil
	case bytes.HasPrefix(head, []byte("\x89PNG\r\n\x1a\n")):
		return FormatPNG, nil
	case bytes.HasPrefix(head, []byte("II*\x00")), bytes.HasPrefix(head, []byte("MM\x00*")):
		return FormatTIFF, nil
	}
	// The PDF header may be preceded by some junk; readers accept it within
	// the first kilobyte.
	if i := bytes.Index(head[:min(len(head), 1024)], []byte("%PDF-")); i >= 0 {
		return FormatPDF, nil
	}
	return "", hoso.Errorf(hoso.EUnsupportedType, "the file is not a PDF, JPEG, PNG or TIFF file")
}

// PageImage is one page of a file, ready for OCR, or already read when it
// came from a born-digital PDF's text layer.
type PageImage struct {
	Number int
	Gray   *image.Gray // nil when Words came from a text layer
	DPI    int
	// Words and Size are set for born-digital pages: words in pixels at
	// TextDPI, and the page size in those pixels.
	Words []hoso.Word
	Size  image.Point
}

// Source gives the pages of one file, one at a time, so that a large batch
// is never decoded whole.
type Source interface {
	Format() Format
	PageCount() int
	Page(ctx context.Context, n int) (*PageImage, error) // n is 1-based
	Close() error
}

// Renderer is a Source whose pages can be drawn whatever they hold (PDF).
type Renderer interface {
	Render(ctx context.Context, n, dpi int) (*image.Gray, error)
}

// Open reads the file at path, checks it against the limits and returns its
// pages. Errors carry stable codes (empty_file, unsupported_type,
// damaged_file, encrypted_file, too_large, no_pages).
func Open(ctx context.Context, path string, limits Limits) (Source, error) {
	limits = limits.withDefaults()
	st, err := os.Stat(path)
	if err != nil {
		return nil, hoso.WrapError(hoso.ENotFound, "the file cannot be read", err)
	}
	if st.Size() > limits.MaxFileBytes {
		return nil, hoso.Errorf(hoso.ETooLarge, "the file is larger than %d MB", limits.MaxFileBytes>>20)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, hoso.WrapError(hoso.ENotFound, "the file cannot be read", err)
	}
	return OpenBytes(ctx, path, data, limits)
}

// OpenBytes is Open for a file already in memory; path is used only to hand
// the file to external tools (poppler) and may be empty.
func OpenBytes(ctx context.Context, path string, data []byte, limits Limits) (Source, error) {
	limits = limits.withDefaults()
	if int64(len(data)) > limits.MaxFileBytes {
		return nil, hoso.Errorf(hoso.ETooLarge, "the file is larger than %d MB", limits.MaxFileBytes>>20)
	}
	f, err := SniffFormat(data)
	if err != nil {
		return nil, err
	}
	switch f {
	case FormatJPEG, FormatPNG:
		return openImage(f, data, limits)
	case FormatTIFF:
		pages, err := scanTIFF(data, limits.MaxPages)
		if err != nil {
			return nil, err
		}
		for i, p := range pages {
			if p.Width*p.Height > limits.MaxPagePixels {
				return nil, hoso.Errorf(hoso.ETooLarge, "page %d is larger than %d megapixels", i+1, limits.MaxPagePixels/1_000_000)
			}
		}
		return &tiffSource{data: data, pages: pages}, nil
	default:
		return openPDF(ctx, path, data, limits)
	}
}

// imageSource is a single-page JPEG or PNG.
type imageSource struct {
	format Format
	data   []byte
}

func openImage(f Format, data []byte, limits Limits) (*imageSource, error) {
	cfg, _, err := image.DecodeConfig(bytes.NewReader(data))
	if err != nil {
		return nil, hoso.WrapError(hoso.EDamagedFile, fmt.Sprintf("the %s image cannot be read", f), err)
	}
	if cfg.Width*cfg.Height > limits.MaxPagePixels {
		return nil, hoso.Errorf(hoso.ETooLarge, "the image is larger than %d megapixels", limits.MaxPagePixels/1_000_000)
	}
	return &imageSource{format: f, data: data}, nil
}

func (s *imageSource) Format() Format { return s.format }
func (s *imageSource) PageCount() int { return 1 }
func (s *imageSource) Close() error   { return nil }

func (s *imageSource) Page(ctx context.Context, n int) (*PageImage, error) {
	if n != 1 {
		return nil, fmt.Errorf("page %d of a one-page image", n)
	}
	img, _, err := image.Decode(bytes.NewReader(s.data))
	if err != nil {
		return nil, hoso.WrapError(hoso.EDamagedFile, fmt.Sprintf("the %s image cannot be decoded", s.format), err)
	}
	return &PageImage{Number: 1, Gray: ToGray(img), DPI: imageDPI(s.format, s.data)}, nil
}

// tiffSource is a TIFF file of one or more pages.
type tiffSource struct {
	data  []byte
	pages []tiffPage
}

func (s *tiffSource) Format() Format { return FormatTIFF }
func (s *tiffSource) PageCount() int { return len(s.pages) }
func (s *tiffSource) Close() error   { return nil }

func (s *tiffSource) Page(ctx context.Context, n int) (*PageImage, error) {
	if n < 1 || n > len(s.pages) {
		return nil, fmt.Errorf("page %d of %d", n, len(s.pages))
	}
	img, dpi, err := decodeTIFFPage(s.data, n-1)
	if err != nil {
		return nil, err
	}
	return &PageImage{Number: n, Gray: img, DPI: dpi}, nil
}
