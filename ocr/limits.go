package ocr

// Limits bound what reading one file may cost. Every limit is a setting; the
// zero value of a field means "use the default".
type Limits struct {
	MaxFileBytes  int64 // larger files are rejected with too_large
	MaxPages      int   // files with more pages are rejected with too_large
	MaxPagePixels int   // a page image larger than this (width*height) is rejected
	RenderDPI     int   // resolution used when a PDF page has to be rendered
}

// DefaultLimits are sized for scans of A4/A3 paper at up to 600 dpi.
var DefaultLimits = Limits{
	MaxFileBytes:  512 << 20,
	MaxPages:      1000,
	MaxPagePixels: 80_000_000, // A3 at 600 dpi is about 70 MP
	RenderDPI:     300,
}

// withDefaults fills the zero fields of l from DefaultLimits.
func (l Limits) withDefaults() Limits {
	d := DefaultLimits
	if l.MaxFileBytes <= 0 {
		l.MaxFileBytes = d.MaxFileBytes
	}
	if l.MaxPages <= 0 {
		l.MaxPages = d.MaxPages
	}
	if l.MaxPagePixels <= 0 {
		l.MaxPagePixels = d.MaxPagePixels
	}
	if l.RenderDPI <= 0 {
		l.RenderDPI = d.RenderDPI
	}
	return l
}
