package ocr

import (
	"image"
	"sort"
)

// A ruled table is read cell by cell: Tesseract's page layout merges the
// cells of neighbouring columns and the lines of wrapped cells, while each
// cell alone is an easy block of text.

// rule is a straight line merged from runs of ink.
type rule struct{ pos, start, end int }

// mergeRuns joins runs at nearly the same position that overlap into rules
// (a line two pixels thick is two runs), keeping rules at least minLen long.
func mergeRuns(spans []span, minLen int) []rule {
	sort.Slice(spans, func(i, j int) bool {
		if spans[i].pos != spans[j].pos {
			return spans[i].pos < spans[j].pos
		}
		return spans[i].start < spans[j].start
	})
	var rules []rule
	for _, s := range spans {
		merged := false
		for k := len(rules) - 1; k >= 0 && s.pos-rules[k].pos <= 4; k-- {
			r := &rules[k]
			if s.start <= r.end+8 && s.end >= r.start-8 {
				r.start, r.end = min(r.start, s.start), max(r.end, s.end)
				r.pos = s.pos // follow a line that drifts by a pixel
				merged = true
				break
			}
		}
		if !merged {
			rules = append(rules, rule(s))
		}
	}
	out := rules[:0]
	for _, r := range rules {
		if r.end-r.start >= minLen {
			out = append(out, r)
		}
	}
	return out
}

// tableCells finds the cells of ruled tables: rectangles between two
// consecutive horizontal rules and two consecutive vertical rules that both
// cross them. It returns nil when the page has no grid.
func tableCells(hspans, vspans []span, pageW, dpi int) []image.Rectangle {
	hrules := mergeRuns(hspans, pageW/5)
	vrules := mergeRuns(vspans, max(20, dpi/6))
	if len(hrules) < 3 || len(vrules) < 3 {
		return nil
	}
	tol := max(4, dpi/50)
	crosses := func(v rule, y int) bool { return v.start <= y+tol && v.end >= y-tol }
	sort.Slice(hrules, func(i, j int) bool { return hrules[i].pos < hrules[j].pos })
	var cells []image.Rectangle
	for i := 0; i+1 < len(hrules); i++ {
		top, bot := hrules[i], hrules[i+1]
		if bot.pos-top.pos < dpi/12 { // too thin for a row of text
			continue
		}
		var xs []int
		for _, v := range vrules {
			if crosses(v, top.pos) && crosses(v, bot.pos) && v.pos >= min(top.start, bot.start)-tol && v.pos <= max(top.end, bot.end)+tol {
				xs = append(xs, v.pos)
			}
		}
		sort.Ints(xs)
		xs = dedupe(xs, tol)
		if len(xs) < 3 {
			continue
		}
		inset := max(2, dpi/60)
		for k := 0; k+1 < len(xs); k++ {
			r := image.Rect(xs[k]+inset, top.pos+inset, xs[k+1]-inset, bot.pos-inset)
			if r.Dx() > 2*inset && r.Dy() > 2*inset {
				cells = append(cells, r)
			}
		}
	}
	if len(cells) < 4 {
		return nil
	}
	return cells
}

func dedupe(xs []int, tol int) []int {
	var out []int
	for _, x := range xs {
		if len(out) > 0 && x-out[len(out)-1] <= tol {
			continue
		}
		out = append(out, x)
	}
	return out
}

// crop copies the part r of g into a new image with a white margin, so that
// Tesseract sees a block of text away from the edges.
func crop(g *image.Gray, r image.Rectangle, margin int) *image.Gray {
	r = r.Intersect(g.Rect)
	out := image.NewGray(image.Rect(0, 0, r.Dx()+2*margin, r.Dy()+2*margin))
	for i := range out.Pix {
		out.Pix[i] = 255
	}
	for y := 0; y < r.Dy(); y++ {
		src := g.Pix[(r.Min.Y+y)*g.Stride+r.Min.X : (r.Min.Y+y)*g.Stride+r.Max.X]
		copy(out.Pix[(y+margin)*out.Stride+margin:], src)
	}
	return out
}

// whiten paints the rectangles white in a copy of g.
func whiten(g *image.Gray, rs []image.Rectangle) *image.Gray {
	out := image.NewGray(g.Rect)
	copy(out.Pix, g.Pix)
	for _, r := range rs {
		r = r.Intersect(g.Rect)
		for y := r.Min.Y; y < r.Max.Y; y++ {
			row := out.Pix[y*out.Stride+r.Min.X : y*out.Stride+r.Max.X]
			for i := range row {
				row[i] = 255
			}
		}
	}
	return out
}
