package ocr

/*
#cgo LDFLAGS: -ltesseract -llept
#include <stdlib.h>
#include <leptonica/allheaders.h>
#include <tesseract/capi.h>

static TessBaseAPI* osdNew(void) {
	TessBaseAPI* api = TessBaseAPICreate();
	if (TessBaseAPIInit3(api, NULL, "osd") != 0) {
		TessBaseAPIDelete(api);
		return NULL;
	}
	TessBaseAPISetPageSegMode(api, PSM_OSD_ONLY);
	return api;
}

// osdDetect returns 1 and fills deg/conf when orientation was found.
static int osdDetect(TessBaseAPI* api, const unsigned char* data, size_t size, int dpi, int* deg, float* conf) {
	PIX* pix = pixReadMem(data, size);
	if (pix == NULL) return 0;
	pixSetResolution(pix, dpi, dpi);
	TessBaseAPISetImage2(api, pix);
	const char* script = NULL;
	float sconf = 0;
	BOOL ok = TessBaseAPIDetectOrientationScript(api, deg, conf, &script, &sconf);
	TessBaseAPIClear(api);
	pixDestroy(&pix);
	return ok ? 1 : 0;
}
*/
import "C"

import (
	"image"
	"unsafe"
)

// osd is Tesseract's orientation and script detection, which tells by the
// shapes of the letters which way up a page is.
type osd struct{ api *C.TessBaseAPI }

func newOSD() *osd {
	api := C.osdNew()
	if api == nil {
		return nil
	}
	return &osd{api: api}
}

func (o *osd) close() {
	if o != nil && o.api != nil {
		C.TessBaseAPIEnd(o.api)
		C.TessBaseAPIDelete(o.api)
		o.api = nil
	}
}

// orientation returns how far g must be turned clockwise to be upright
// (0, 90, 180 or 270) and Tesseract's confidence; ok is false when it could
// not tell (too little text).
func (o *osd) orientation(g *image.Gray, dpi int) (turn int, conf float64, ok bool) {
	if o == nil {
		return 0, 0, false
	}
	data := encodePGM(g)
	var deg C.int
	var c C.float
	if C.osdDetect(o.api, (*C.uchar)(unsafe.Pointer(&data[0])), C.size_t(len(data)), C.int(dpi), &deg, &c) == 0 {
		return 0, 0, false
	}
	return int(deg), float64(c), true
}
