package ocr

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"os/exec"
	"strconv"

	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu"

	"hoso"
)

// Picture returns page n of src as it was scanned, for the sealed PDF: a
// JPEG as stored (no re-encoding), other images as their pixels in gray or
// colour, a PDF page's embedded scan likewise, and any other PDF page drawn
// in colour at the render resolution.
func Picture(ctx context.Context, src Source, n int) (hoso.Picture, error) {
	switch s := src.(type) {
	case *imageSource:
		if s.format == FormatJPEG {
			return jpegPicture(s.data, 0)
		}
		img, _, err := image.Decode(bytes.NewReader(s.data))
		if err != nil {
			return hoso.Picture{}, hoso.WrapError(hoso.EDamagedFile, "the image cannot be decoded", err)
		}
		return pixelPicture(img, 0), nil
	case *tiffSource:
		// Leptonica gives the page in gray: what a TIFF scan (bilevel or
		// gray, as HR scans are) holds; a colour TIFF loses its colour.
		img, err := s.Page(ctx, n)
		if err != nil {
			return hoso.Picture{}, err
		}
		return pixelPicture(img.Gray, 0), nil
	case *pdfSource:
		return s.picture(ctx, n)
	}
	return hoso.Picture{}, fmt.Errorf("no picture for a %T", src)
}

// jpegPicture embeds a JPEG file as it is.
func jpegPicture(data []byte, turn int) (hoso.Picture, error) {
	cfg, err := jpeg.DecodeConfig(bytes.NewReader(data))
	if err != nil {
		return hoso.Picture{}, hoso.WrapError(hoso.EDamagedFile, "the JPEG image cannot be read", err)
	}
	cs := "DeviceRGB"
	switch cfg.ColorModel {
	case color.GrayModel:
		cs = "DeviceGray"
	case color.CMYKModel:
		cs = "DeviceCMYK"
	}
	return hoso.Picture{Width: cfg.Width, Height: cfg.Height, Data: data, Filter: "DCTDecode", ColorSpace: cs, BitsPerComponent: 8, Turn: turn}, nil
}

// pixelPicture keeps a gray image in gray and anything else in RGB (on
// white where it was transparent).
func pixelPicture(img image.Image, turn int) hoso.Picture {
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	if g, ok := img.(*image.Gray); ok {
		g = ToGray(g) // compact rows
		return hoso.Picture{Width: w, Height: h, Data: g.Pix, Filter: "FlateDecode", ColorSpace: "DeviceGray", BitsPerComponent: 8, Turn: turn}
	}
	pix := make([]byte, 0, 3*w*h)
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			r, g, bl, a := img.At(x, y).RGBA()
			// Composite on white: 0xffff*(1-a) added to premultiplied colour.
			white := 0xffff - a
			pix = append(pix, byte((r+white)>>8), byte((g+white)>>8), byte((bl+white)>>8))
		}
	}
	return hoso.Picture{Width: w, Height: h, Data: pix, Filter: "FlateDecode", ColorSpace: "DeviceRGB", BitsPerComponent: 8, Turn: turn}
}

// picture gives a PDF page's scan as stored, or the page drawn in colour.
func (s *pdfSource) picture(ctx context.Context, n int) (p hoso.Picture, err error) {
	defer func() {
		if r := recover(); r != nil {
			p, err = hoso.Picture{}, hoso.Errorf(hoso.EDamagedFile, "page %d of the PDF file is damaged", n)
		}
	}()
	pageW, pageH, rotate := s.pageGeometry(n)
	if sd, objNr, ok := s.scanStream(n, pageW, pageH); ok {
		if fp := sd.FilterPipeline; len(fp) == 1 && fp[0].Name == "DCTDecode" && sd.Raw != nil {
			return jpegPicture(sd.Raw, rotate)
		}
		if mi, err := pdfcpu.ExtractImage(s.ctx, sd, false, "", objNr, false); err == nil && mi != nil {
			if img, err := decodeExtracted(mi); err == nil {
				return pixelPicture(img, rotate), nil
			}
		}
	}
	path, err := s.filePath()
	if err != nil {
		return hoso.Picture{}, err
	}
	pg := strconv.Itoa(n)
	// pdftoppm draws the page as displayed, its /Rotate applied.
	out, err := exec.CommandContext(ctx, "pdftoppm", "-r", strconv.Itoa(s.limits.RenderDPI), "-f", pg, "-l", pg, "-png", path).Output()
	if err != nil {
		return hoso.Picture{}, hoso.WrapError(hoso.EDamagedFile, fmt.Sprintf("page %d of the PDF file cannot be rendered", n), err)
	}
	img, _, err := image.Decode(bytes.NewReader(out))
	if err != nil {
		return hoso.Picture{}, hoso.WrapError(hoso.EDamagedFile, fmt.Sprintf("page %d of the PDF file cannot be rendered", n), err)
	}
	return pixelPicture(img, 0), nil
}
