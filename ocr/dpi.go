package ocr

import (
	"bytes"
	"encoding/binary"
	"math"
)

// imageDPI reads the resolution a JPEG (JFIF) or PNG (pHYs) file declares;
// 0 when it declares none.
func imageDPI(f Format, data []byte) int {
	switch f {
	case FormatJPEG:
		// SOI, then APP0 "JFIF\0" version(2) units(1) xdensity(2) ydensity(2)
		i := bytes.Index(data[:min(len(data), 64)], []byte("JFIF\x00"))
		if i < 0 || i+12 > len(data) {
			return 0
		}
		units := data[i+7]
		x := int(binary.BigEndian.Uint16(data[i+8:]))
		switch units {
		case 1:
			return x
		case 2:
			return int(math.Round(float64(x) * 2.54))
		}
	case FormatPNG:
		i := bytes.Index(data[:min(len(data), 4096)], []byte("pHYs"))
		if i < 0 || i+13 > len(data) {
			return 0
		}
		x := binary.BigEndian.Uint32(data[i+4:])
		if data[i+12] == 1 { // per metre
			return int(math.Round(float64(x) * 0.0254))
		}
	}
	return 0
}

// guessDPI estimates the resolution of a page scanned from A4 paper (the
// common case) from its pixel size, when the file does not say.
func guessDPI(w, h int) int {
	short := float64(min(w, h))
	dpi := short / 8.27
	// Snap to the usual scanner settings.
	best, bestDiff := 300, math.Inf(1)
	for _, d := range []int{100, 150, 200, 240, 300, 400, 600} {
		if diff := math.Abs(dpi - float64(d)); diff < bestDiff {
			best, bestDiff = d, diff
		}
	}
	return best
}
