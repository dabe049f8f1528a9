package hoso

// Picture is a page's original image as a sealed PDF holds it: the scan's
// own pixels at their resolution and colour, never re-encoded where the
// scan was a JPEG.
type Picture struct {
	Width, Height int // pixels
	// Data is the image stream: a JPEG file for DCTDecode (embedded as it
	// is), or the pixels, row by row, for FlateDecode.
	Data             []byte
	Filter           string // "DCTDecode" or "FlateDecode"
	ColorSpace       string // "DeviceGray", "DeviceRGB" or "DeviceCMYK"
	BitsPerComponent int
	// Turn is how far the picture must be turned clockwise to show the page
	// as its file displays it (a PDF page's /Rotate; 0 for image files).
	Turn int
}
