package ocr

/*
#cgo LDFLAGS: -llept
#include <stdlib.h>
#include <string.h>
#include <leptonica/allheaders.h>

// readTIFFPageGray decodes page n of a TIFF held in memory into an 8-bit
// grayscale buffer allocated with malloc. It returns NULL on failure.
static unsigned char* readTIFFPageGray(const unsigned char* data, size_t size, int n,
                                       int* w, int* h, int* res) {
	setMsgSeverity(L_SEVERITY_NONE);
	PIX* pix = pixReadMemTiff(data, size, n);
	if (pix == NULL) return NULL;
	PIX* gray = pixConvertTo8(pix, 0);
	int xres = pixGetXRes(pix);
	pixDestroy(&pix);
	if (gray == NULL) return NULL;
	l_int32 pw, ph, pd;
	pixGetDimensions(gray, &pw, &ph, &pd);
	if (pd != 8) { pixDestroy(&gray); return NULL; }
	unsigned char* out = (unsigned char*)malloc((size_t)pw * (size_t)ph);
	if (out == NULL) { pixDestroy(&gray); return NULL; }
	l_uint32* pdata = pixGetData(gray);
	l_int32 wpl = pixGetWpl(gray);
	for (l_int32 y = 0; y < ph; y++) {
		l_uint32* line = pdata + y * wpl;
		unsigned char* row = out + (size_t)y * pw;
		for (l_int32 x = 0; x < pw; x++) row[x] = GET_DATA_BYTE(line, x);
	}
	pixDestroy(&gray);
	*w = pw; *h = ph; *res = xres;
	return out;
}
*/
import "C"

import (
	"encoding/binary"
	"fmt"
	"image"
	"unsafe"

	"hoso"
)

// tiffPage is the directory entry of one TIFF page: enough to count pages and
// check limits before decoding anything.
type tiffPage struct {
	Width, Height int
}

// scanTIFF walks the chain of image directories of a TIFF file and returns
// one entry per page. It reads only the directories, never pixel data.
func scanTIFF(data []byte, maxPages int) ([]tiffPage, error) {
	if len(data) < 8 {
		return nil, hoso.Errorf(hoso.EDamagedFile, "the TIFF file is truncated")
	}
	var bo binary.ByteOrder
	switch string(data[:2]) {
	case "II":
		bo = binary.LittleEndian
	case "MM":
		bo = binary.BigEndian
	default:
		return nil, hoso.Errorf(hoso.EDamagedFile, "not a TIFF file")
	}
	if bo.Uint16(data[2:4]) != 42 {
		return nil, hoso.Errorf(hoso.EUnsupportedType, "BigTIFF and other TIFF variants are not supported")
	}
	var pages []tiffPage
	seen := map[uint32]bool{}
	off := bo.Uint32(data[4:8])
	for off != 0 {
		if seen[off] {
			return nil, hoso.Errorf(hoso.EDamagedFile, "the TIFF directory chain loops")
		}
		seen[off] = true
		if int64(off)+2 > int64(len(data)) {
			return nil, hoso.Errorf(hoso.EDamagedFile, "the TIFF file is truncated")
		}
		n := int(bo.Uint16(data[off:]))
		end := int64(off) + 2 + int64(n)*12 + 4
		if end > int64(len(data)) {
			return nil, hoso.Errorf(hoso.EDamagedFile, "the TIFF file is truncated")
		}
		var p tiffPage
		for i := 0; i < n; i++ {
			e := data[int64(off)+2+int64(i)*12:]
			tag, typ := bo.Uint16(e), bo.Uint16(e[2:])
			var v int
			switch typ {
			case 3: // SHORT
				v = int(bo.Uint16(e[8:]))
			case 4: // LONG
				v = int(bo.Uint32(e[8:]))
			}
			switch tag {
			case 256:
				p.Width = v
			case 257:
				p.Height = v
			}
		}
		pages = append(pages, p)
		if len(pages) > maxPages {
			return nil, hoso.Errorf(hoso.ETooLarge, "the file has more than %d pages", maxPages)
		}
		off = bo.Uint32(data[end-4:])
	}
	if len(pages) == 0 {
		return nil, hoso.Errorf(hoso.ENoPages, "the TIFF file has no pages")
	}
	return pages, nil
}

// decodeTIFFPage decodes page n (0-based) of a TIFF file to grayscale with
// leptonica, which reads every compression libtiff knows (JPEG, CCITT G3/G4,
// LZW, ...). It returns the image and its horizontal resolution (0 if unset).
func decodeTIFFPage(data []byte, n int) (*image.Gray, int, error) {
	var w, h, res C.int
	buf := C.readTIFFPageGray((*C.uchar)(unsafe.Pointer(&data[0])), C.size_t(len(data)), C.int(n), &w, &h, &res)
	if buf == nil {
		return nil, 0, hoso.Errorf(hoso.EDamagedFile, "page %d of the TIFF file cannot be decoded", n+1)
	}
	defer C.free(unsafe.Pointer(buf))
	img := image.NewGray(image.Rect(0, 0, int(w), int(h)))
	copy(img.Pix, unsafe.Slice((*byte)(unsafe.Pointer(buf)), int(w)*int(h)))
	if int(w) <= 0 || int(h) <= 0 {
		return nil, 0, fmt.Errorf("tiff page %d: empty image", n+1)
	}
	return img, int(res), nil
}
