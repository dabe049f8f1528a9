package ocr

import (
	"image"
	"image/color"
	"math"
)

// ToGray converts any decoded image to compact 8-bit grayscale (Stride ==
// width, origin at 0,0), with fast paths for the types scanners produce.
func ToGray(img image.Image) *image.Gray {
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	switch m := img.(type) {
	case *image.Gray:
		// Keep it when already compact; decoders may pad rows (JPEG MCUs).
		if b.Min == (image.Point{}) && m.Stride == w && len(m.Pix) == w*h {
			return m
		}
		out := image.NewGray(image.Rect(0, 0, w, h))
		for y := 0; y < h; y++ {
			off := m.PixOffset(b.Min.X, b.Min.Y+y)
			copy(out.Pix[y*w:(y+1)*w], m.Pix[off:off+w])
		}
		return out
	case *image.YCbCr:
		// Y is the luminance: take the plane as it is.
		out := image.NewGray(image.Rect(0, 0, w, h))
		for y := 0; y < h; y++ {
			off := m.YOffset(b.Min.X, b.Min.Y+y)
			copy(out.Pix[y*w:(y+1)*w], m.Y[off:off+w])
		}
		return out
	}
	out := image.NewGray(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			out.Pix[y*w+x] = color.GrayModel.Convert(img.At(b.Min.X+x, b.Min.Y+y)).(color.Gray).Y
		}
	}
	return out
}

// rotateQuarter turns g clockwise by deg, a multiple of 90.
func rotateQuarter(g *image.Gray, deg int) *image.Gray {
	deg = ((deg % 360) + 360) % 360
	if deg == 0 {
		return g
	}
	w, h := g.Rect.Dx(), g.Rect.Dy()
	var out *image.Gray
	if deg == 180 {
		out = image.NewGray(image.Rect(0, 0, w, h))
		n := len(g.Pix)
		for i := 0; i < n; i++ {
			out.Pix[n-1-i] = g.Pix[i]
		}
		return out
	}
	out = image.NewGray(image.Rect(0, 0, h, w))
	for y := 0; y < h; y++ {
		row := g.Pix[y*g.Stride : y*g.Stride+w]
		for x, v := range row {
			if deg == 90 { // (x, y) -> (h-1-y, x)
				out.Pix[x*h+(h-1-y)] = v
			} else { // 270: (x, y) -> (y, w-1-x)
				out.Pix[(w-1-x)*h+y] = v
			}
		}
	}
	return out
}

// inkMap is a small binary view of a page for layout analysis: true where
// there is ink. Scale is how many page pixels one cell covers.
type inkMap struct {
	W, H  int
	Scale int
	Ink   []bool
}

// newInkMap averages g down so its longer side is at most maxSide cells and
// thresholds it with Otsu's method.
func newInkMap(g *image.Gray, maxSide int) *inkMap {
	w, h := g.Rect.Dx(), g.Rect.Dy()
	s := max(1, (max(w, h)+maxSide-1)/maxSide)
	mw, mh := w/s, h/s
	vals := make([]uint8, mw*mh)
	var hist [256]int
	for my := 0; my < mh; my++ {
		for mx := 0; mx < mw; mx++ {
			sum := 0
			for y := my * s; y < my*s+s; y++ {
				row := g.Pix[y*g.Stride+mx*s : y*g.Stride+mx*s+s]
				for _, v := range row {
					sum += int(v)
				}
			}
			v := uint8(sum / (s * s))
			vals[my*mw+mx] = v
			hist[v]++
		}
	}
	t := otsu(hist[:], len(vals))
	m := &inkMap{W: mw, H: mh, Scale: s, Ink: make([]bool, len(vals))}
	for i, v := range vals {
		m.Ink[i] = int(v) < t
	}
	m.despeckle()
	return m
}

// despeckle clears ink cells with fewer than two inked neighbours: scanner
// dust, not text.
func (m *inkMap) despeckle() {
	keep := make([]bool, len(m.Ink))
	for y := 1; y < m.H-1; y++ {
		for x := 1; x < m.W-1; x++ {
			i := y*m.W + x
			if !m.Ink[i] {
				continue
			}
			n := 0
			for _, d := range [...]int{-m.W - 1, -m.W, -m.W + 1, -1, 1, m.W - 1, m.W, m.W + 1} {
				if m.Ink[i+d] {
					n++
				}
			}
			keep[i] = n >= 2
		}
	}
	m.Ink = keep
}

// otsu returns the threshold that best separates the histogram's two classes.
func otsu(hist []int, total int) int {
	var sum float64
	for i, c := range hist {
		sum += float64(i * c)
	}
	var sumB, wB float64
	best, bestVar := 128, -1.0
	for t := 0; t < 256; t++ {
		wB += float64(hist[t])
		if wB == 0 {
			continue
		}
		wF := float64(total) - wB
		if wF == 0 {
			break
		}
		sumB += float64(t * hist[t])
		mB, mF := sumB/wB, (sum-sumB)/wF
		if v := wB * wF * (mB - mF) * (mB - mF); v > bestVar {
			best, bestVar = t+1, v
		}
	}
	return best
}

// skewAngle finds the small angle (degrees, positive clockwise) by which the
// text lines are tilted: the angle whose projection of the ink onto the
// vertical axis is sharpest.
func (m *inkMap) skewAngle(maxDeg float64) float64 {
	type pt struct{ x, y float64 }
	var pts []pt
	for y := 0; y < m.H; y++ {
		for x := 0; x < m.W; x++ {
			if m.Ink[y*m.W+x] {
				pts = append(pts, pt{float64(x), float64(y)})
			}
		}
	}
	if len(pts) < 100 {
		return 0
	}
	extra := int(float64(m.W)*math.Tan(maxDeg*math.Pi/180)) + 2
	bins := make([]float64, m.H+2*extra)
	score := func(deg float64) float64 {
		t := math.Tan(deg * math.Pi / 180)
		clear(bins)
		for _, p := range pts {
			i := int(p.y-p.x*t) + extra
			if i >= 0 && i < len(bins) {
				bins[i]++
			}
		}
		var s float64
		for _, b := range bins {
			s += b * b
		}
		return s
	}
	best, bestScore := 0.0, score(0)
	search := func(from, to, step float64) {
		for a := from; a <= to+1e-9; a += step {
			if s := score(a); s > bestScore {
				best, bestScore = a, s
			}
		}
	}
	search(-maxDeg, maxDeg, 0.25)
	c := best
	search(c-0.25, c+0.25, 0.05)
	return math.Round(best*100) / 100
}

// rotateSmall turns g counter-clockwise by deg degrees about its centre
// (bilinear, white outside), which undoes a clockwise skew of deg.
func rotateSmall(g *image.Gray, deg float64) *image.Gray {
	if math.Abs(deg) < 0.05 {
		return g
	}
	w, h := g.Rect.Dx(), g.Rect.Dy()
	out := image.NewGray(image.Rect(0, 0, w, h))
	sin, cos := math.Sincos(deg * math.Pi / 180)
	cx, cy := float64(w-1)/2, float64(h-1)/2
	for y := 0; y < h; y++ {
		dy := float64(y) - cy
		// Source of (x, y) is (x, y) turned clockwise by deg about the centre.
		xs0 := cx - dy*sin
		ys0 := cy + dy*cos
		row := out.Pix[y*out.Stride : y*out.Stride+w]
		for x := range row {
			dx := float64(x) - cx
			xs := xs0 + dx*cos
			ys := ys0 + dx*sin
			row[x] = sampleBilinear(g, xs, ys)
		}
	}
	return out
}

func sampleBilinear(g *image.Gray, x, y float64) uint8 {
	w, h := g.Rect.Dx(), g.Rect.Dy()
	if x < 0 || y < 0 || x > float64(w-1) || y > float64(h-1) {
		return 255
	}
	x0, y0 := int(x), int(y)
	x1, y1 := min(x0+1, w-1), min(y0+1, h-1)
	fx, fy := x-float64(x0), y-float64(y0)
	p := g.Pix
	s := g.Stride
	top := float64(p[y0*s+x0])*(1-fx) + float64(p[y0*s+x1])*fx
	bot := float64(p[y1*s+x0])*(1-fx) + float64(p[y1*s+x1])*fx
	return uint8(top*(1-fy) + bot*fy + 0.5)
}

// normalizeBackground flattens uneven lighting (scanner shading, page
// curl, yellowed paper): it estimates the paper's brightness in blocks as
// the brightest pixels there, smooths that map, and divides it out, so that
// paper becomes white everywhere and ink keeps its contrast.
func normalizeBackground(g *image.Gray, block int) *image.Gray {
	w, h := g.Rect.Dx(), g.Rect.Dy()
	bw, bh := (w+block-1)/block, (h+block-1)/block
	bg := make([]float64, bw*bh)
	for by := 0; by < bh; by++ {
		for bx := 0; bx < bw; bx++ {
			// The 95th percentile rather than the maximum ignores dust.
			var hist [256]int
			n := 0
			for y := by * block; y < min(h, (by+1)*block); y++ {
				row := g.Pix[y*g.Stride+bx*block : y*g.Stride+min(w, (bx+1)*block)]
				for _, v := range row {
					hist[v]++
				}
				n += len(row)
			}
			k := n / 20
			v := 255
			for ; v > 0 && k > 0; v-- {
				k -= hist[v]
			}
			bg[by*bw+bx] = float64(v)
		}
	}
	// A block that is all ink (a thick bar, a photo) takes its neighbours'
	// paper: take the maximum over 3x3 blocks, then smooth.
	bg = smoothGrid(maxGrid(bg, bw, bh), bw, bh)
	out := image.NewGray(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		fy := (float64(y)+0.5)/float64(block) - 0.5
		y0 := clampInt(int(math.Floor(fy)), 0, bh-1)
		y1 := clampInt(y0+1, 0, bh-1)
		ty := clamp01(fy - float64(y0))
		for x := 0; x < w; x++ {
			fx := (float64(x)+0.5)/float64(block) - 0.5
			x0 := clampInt(int(math.Floor(fx)), 0, bw-1)
			x1 := clampInt(x0+1, 0, bw-1)
			tx := clamp01(fx - float64(x0))
			b := (bg[y0*bw+x0]*(1-tx)+bg[y0*bw+x1]*tx)*(1-ty) + (bg[y1*bw+x0]*(1-tx)+bg[y1*bw+x1]*tx)*ty
			v := float64(g.Pix[y*g.Stride+x]) * 255 / math.Max(b, 40)
			out.Pix[y*w+x] = uint8(math.Min(255, v))
		}
	}
	return out
}

func maxGrid(v []float64, w, h int) []float64 {
	out := make([]float64, len(v))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			m := 0.0
			for dy := -1; dy <= 1; dy++ {
				for dx := -1; dx <= 1; dx++ {
					if yy, xx := y+dy, x+dx; yy >= 0 && yy < h && xx >= 0 && xx < w {
						m = math.Max(m, v[yy*w+xx])
					}
				}
			}
			out[y*w+x] = m
		}
	}
	return out
}

func smoothGrid(v []float64, w, h int) []float64 {
	out := make([]float64, len(v))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			var s float64
			var n int
			for dy := -1; dy <= 1; dy++ {
				for dx := -1; dx <= 1; dx++ {
					if yy, xx := y+dy, x+dx; yy >= 0 && yy < h && xx >= 0 && xx < w {
						s += v[yy*w+xx]
						n++
					}
				}
			}
			out[y*w+x] = s / float64(n)
		}
	}
	return out
}

func clampInt(v, lo, hi int) int { return max(lo, min(hi, v)) }

func clamp01(v float64) float64 { return math.Max(0, math.Min(1, v)) }

// removeRules erases long straight runs of ink, horizontal and vertical:
// table rules, frames and underlines, which no letter makes and which
// Tesseract would read as rows of junk. The page must be deskewed first.
func removeRules(g *image.Gray, dpi int) (hspans, vspans []span) {
	const dark = 150
	minLen := max(40, dpi/3) // a third of an inch: longer than any letter stroke
	w, h := g.Rect.Dx(), g.Rect.Dy()
	var spans []span
	for y := 0; y < h; y++ {
		row := g.Pix[y*g.Stride : y*g.Stride+w]
		for x := 0; x < w; {
			if row[x] >= dark {
				x++
				continue
			}
			s := x
			for x < w && row[x] < dark {
				x++
			}
			if x-s >= minLen {
				spans = append(spans, span{y, s, x})
			}
		}
	}
	for x := 0; x < w; x++ {
		for y := 0; y < h; {
			if g.Pix[y*g.Stride+x] >= dark {
				y++
				continue
			}
			s := y
			for y < h && g.Pix[y*g.Stride+x] < dark {
				y++
			}
			if y-s >= minLen {
				vspans = append(vspans, span{x, s, y})
			}
		}
	}
	// Erase each run and the grey fringe of anti-aliasing next to it.
	const paper = 235
	for _, sp := range spans {
		for y := max(0, sp.pos-2); y <= min(h-1, sp.pos+2); y++ {
			row := g.Pix[y*g.Stride : y*g.Stride+w]
			for x := sp.start; x < sp.end; x++ {
				if y == sp.pos || row[x] < paper {
					row[x] = 255
				}
			}
		}
	}
	for _, sp := range vspans {
		for x := max(0, sp.pos-2); x <= min(w-1, sp.pos+2); x++ {
			for y := sp.start; y < sp.end; y++ {
				if x == sp.pos || g.Pix[y*g.Stride+x] < paper {
					g.Pix[y*g.Stride+x] = 255
				}
			}
		}
	}
	return spans, vspans
}

// span is a straight run of ink: at position pos (y for a horizontal run, x
// for a vertical one), from start to end.
type span struct{ pos, start, end int }

// prepare readies an upright page for OCR: skew undone and ruling lines
// removed; the cells of ruled tables are returned.
func prepare(g *image.Gray, dpi int) (out *image.Gray, skew float64, cells []image.Rectangle) {
	skew = newInkMap(g, 900).skewAngle(5)
	if r := rotateSmall(g, skew); r != g {
		g = r
	} else {
		g = cloneGray(g) // rules are removed in place: never touch the caller's image
	}
	hs, vs := removeRules(g, dpi)
	despeckle(g, dpi)
	return g, skew, tableCells(hs, vs, g.Rect.Dx(), dpi)
}

func cloneGray(g *image.Gray) *image.Gray {
	out := image.NewGray(g.Rect)
	copy(out.Pix, g.Pix)
	return out
}

// despeckle erases specks of scanner noise: connected blobs of ink smaller
// than a diacritic's dot that have no other ink near them. Marks that sit
// next to letters (the dots and hooks of Vietnamese) are kept. Memory: a
// byte per pixel and a coarse grid, whatever the noise.
func despeckle(g *image.Gray, dpi int) {
	const dark = 200
	// Near-white is paper: clear it, so faint dust and shading go too.
	for i, v := range g.Pix {
		if v >= 215 {
			g.Pix[i] = 255
		}
	}
	w, h := g.Rect.Dx(), g.Rect.Dy()
	maxArea := max(4, dpi*dpi/1600) // 25 px at 200 dpi
	cell := max(4, dpi/25)          // a speck is noise when no big ink is within a cell or two
	gw, gh := (w+cell-1)/cell, (h+cell-1)/cell
	bigInk := make([]bool, gw*gh)
	visited := make([]bool, w*h)
	var specks [][]int32 // pixels of each small blob
	var stack, blob []int32
	for i := range visited {
		if visited[i] || g.Pix[i] >= dark {
			continue
		}
		blob = blob[:0]
		stack = append(stack[:0], int32(i))
		visited[i] = true
		for len(stack) > 0 {
			p := int(stack[len(stack)-1])
			stack = stack[:len(stack)-1]
			blob = append(blob, int32(p))
			x := p % w
			for _, q := range [4]int{p - 1, p + 1, p - w, p + w} {
				if q < 0 || q >= len(visited) || (q == p-1 && x == 0) || (q == p+1 && x == w-1) {
					continue
				}
				if !visited[q] && g.Pix[q] < dark {
					visited[q] = true
					stack = append(stack, int32(q))
				}
			}
		}
		if len(blob) <= maxArea {
			specks = append(specks, append([]int32(nil), blob...))
			continue
		}
		for _, p := range blob {
			bigInk[(int(p)/w/cell)*gw+int(p)%w/cell] = true
		}
	}
	for _, sp := range specks {
		cx, cy := int(sp[0])%w/cell, int(sp[0])/w/cell
		near := false
		for dy := -1; dy <= 1 && !near; dy++ {
			for dx := -1; dx <= 1; dx++ {
				if x, y := cx+dx, cy+dy; x >= 0 && y >= 0 && x < gw && y < gh && bigInk[y*gw+x] {
					near = true
					break
				}
			}
		}
		if !near {
			for _, p := range sp {
				g.Pix[p] = 255
			}
		}
	}
}

// downscale shrinks g by the factor f (0 < f < 1).
func downscale(g *image.Gray, f float64) *image.Gray {
	w, h := g.Rect.Dx(), g.Rect.Dy()
	ow, oh := max(1, int(float64(w)*f)), max(1, int(float64(h)*f))
	out := image.NewGray(image.Rect(0, 0, ow, oh))
	// Each output pixel averages every source pixel it touches, whole or in
	// part, so fine strokes are blended rather than dropped.
	for oy := 0; oy < oh; oy++ {
		y0 := oy * h / oh
		y1 := min(h, max(y0+1, ((oy+1)*h+oh-1)/oh))
		for ox := 0; ox < ow; ox++ {
			x0 := ox * w / ow
			x1 := min(w, max(x0+1, ((ox+1)*w+ow-1)/ow))
			sum, n := 0, 0
			for y := y0; y < y1; y++ {
				row := g.Pix[y*g.Stride+x0 : y*g.Stride+x1]
				for _, v := range row {
					sum += int(v)
				}
				n += len(row)
			}
			out.Pix[oy*ow+ox] = uint8(sum / n)
		}
	}
	return out
}
