package ocr

import (
	"image"
	"sort"

	"hoso"
)

// Tesseract's automatic layout takes a stamp, and the signature and title
// lines it covers, for a picture and reads nothing there. The ink that no
// word covers is found here and read again as plain blocks of text.

// skippedLine numbers the lines read from skipped regions apart from the
// page's and the table cells'.
const skippedLine = 1 << 29

// maxSkipped bounds the regions read again on one page.
const maxSkipped = 6

// skippedRegions returns the regions of g with ink that no word box covers,
// largest first, at most maxSkipped.
func skippedRegions(g *image.Gray, words []hoso.Word, dpi int) []image.Rectangle {
	cell := max(4, dpi/20)
	w, h := g.Rect.Dx(), g.Rect.Dy()
	gw, gh := (w+cell-1)/cell, (h+cell-1)/cell
	ink := make([]bool, gw*gh)
	for y := 0; y < h; y++ {
		row := g.Pix[y*g.Stride : y*g.Stride+w]
		for x, v := range row {
			if v < 128 {
				ink[(y/cell)*gw+x/cell] = true
			}
		}
	}
	for _, wd := range words {
		b := wd.Box
		for cy := max(0, b.Min.Y/cell-1); cy <= min(gh-1, b.Max.Y/cell+1); cy++ {
			for cx := max(0, b.Min.X/cell-1); cx <= min(gw-1, b.Max.X/cell+1); cx++ {
				ink[cy*gw+cx] = false
			}
		}
	}
	// Join what is left within two cells of each other into regions.
	label := make([]int, gw*gh)
	var regions []image.Rectangle
	var counts []int
	for i, on := range ink {
		if !on || label[i] != 0 {
			continue
		}
		id := len(regions) + 1
		r := image.Rect(i%gw, i/gw, i%gw+1, i/gw+1)
		n := 0
		stack := []int{i}
		label[i] = id
		for len(stack) > 0 {
			p := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			n++
			px, py := p%gw, p/gw
			r = r.Union(image.Rect(px, py, px+1, py+1))
			for dy := -2; dy <= 2; dy++ {
				for dx := -2; dx <= 2; dx++ {
					x, y := px+dx, py+dy
					if x < 0 || y < 0 || x >= gw || y >= gh {
						continue
					}
					q := y*gw + x
					if ink[q] && label[q] == 0 {
						label[q] = id
						stack = append(stack, q)
					}
				}
			}
		}
		regions = append(regions, r)
		counts = append(counts, n)
	}
	var out []image.Rectangle
	var sizes []int
	for i, r := range regions {
		// A line of text is at least a few cells wide and two tall.
		if r.Dx() < 4 || r.Dy() < 2 || counts[i] < 6 {
			continue
		}
		px := image.Rect(r.Min.X*cell, r.Min.Y*cell, r.Max.X*cell, r.Max.Y*cell).Intersect(g.Rect)
		out = append(out, px)
		sizes = append(sizes, counts[i])
	}
	idx := make([]int, len(out))
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(a, b int) bool { return sizes[idx[a]] > sizes[idx[b]] })
	var best []image.Rectangle
	for _, i := range idx[:min(len(idx), maxSkipped)] {
		best = append(best, out[i])
	}
	return best
}

// readSkipped reads the regions the page's layout skipped as blocks and
// returns the words worth keeping.
func (w *worker) readSkipped(g *image.Gray, dpi int, words []hoso.Word) ([]hoso.Word, error) {
	var out []hoso.Word
	const margin = 10
	for i, r := range skippedRegions(g, words, dpi) {
		rw, _, err := w.recognize(crop(g, r, margin), dpi, 6)
		if err != nil {
			return nil, err
		}
		for _, wd := range rw {
			if wd.Confidence < 0.4 {
				continue // the stamp's own marks
			}
			wd.Box = wd.Box.Add(r.Min.Sub(image.Pt(margin, margin)))
			wd.Line = skippedLine + i<<20 + wd.Line&(1<<20-1)
			out = append(out, wd)
		}
	}
	return out, nil
}
