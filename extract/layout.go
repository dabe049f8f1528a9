package extract

import (
	"image"
	"slices"
	"sort"
	"strings"

	"hoso"
)

// Line is a run of words on one text line of one column of a page.
type Line struct {
	Page  int // 1-based within the file
	Words []hoso.Word
	Box   image.Rectangle
	Text  string // NFC, single spaces
	Fold  string // Text folded (lower case, no diacritics), rune for rune
	// Row numbers the lines of a page from the top; lines side by side (the
	// two header columns, the cells of a table row) share a row.
	Row int
	// Column is 0 on single-column pages; on a page split by a gutter that
	// runs its full height (a bilingual diploma) it is 0 left, 1 right.
	Column int
	// PageW and PageH are the page's size in pixels.
	PageW, PageH int
}

// Conf is the line's mean word confidence.
func (l Line) Conf() float64 {
	if len(l.Words) == 0 {
		return 0
	}
	var s float64
	for _, w := range l.Words {
		s += w.Confidence
	}
	return s / float64(len(l.Words))
}

// CenterX is the horizontal centre of the line as a share of the page width.
func (l Line) CenterX() float64 {
	return float64(l.Box.Min.X+l.Box.Max.X) / 2 / float64(max(1, l.PageW))
}

// Top is the line's top as a share of the page height.
func (l Line) Top() float64 { return float64(l.Box.Min.Y) / float64(max(1, l.PageH)) }

// PageLines groups a page's words into lines in reading order: rows from the
// top, left to right within a row; a page split by a full-height gutter is
// read column by column.
func PageLines(p hoso.Page) []Line {
	words := usableWords(p.Words)
	if len(words) == 0 {
		return nil
	}
	hs := make([]int, len(words))
	for i, w := range words {
		hs[i] = w.Box.Dy()
	}
	slices.Sort(hs)
	medH := max(1, hs[len(hs)/2])

	rows := groupRows(words, medH)
	var lines []Line
	for _, r := range rows {
		lines = append(lines, splitRow(r, medH, p)...)
	}
	if gx, ok := fullGutter(lines, p.Width); ok {
		for i := range lines {
			if lines[i].Box.Min.X >= gx {
				lines[i].Column = 1
			}
		}
		sort.SliceStable(lines, func(i, j int) bool { return lines[i].Column < lines[j].Column })
	}
	row := -1
	lastRow := -1
	for i := range lines {
		if lines[i].Row != lastRow || (i > 0 && lines[i].Column != lines[i-1].Column) {
			row++
			lastRow = lines[i].Row
		}
		lines[i].Row = row
	}
	return lines
}

// usableWords drops what is not text: empty words, and words far taller
// than text that carry little confidence (stamps, signatures, borders).
func usableWords(ws []hoso.Word) []hoso.Word {
	out := make([]hoso.Word, 0, len(ws))
	for _, w := range ws {
		t := strings.TrimSpace(w.Text)
		if t == "" || w.Box.Dx() <= 0 || w.Box.Dy() <= 0 {
			continue
		}
		if w.Confidence < 0.25 && letterRatio(t) < 0.5 {
			continue
		}
		w.Text = t
		out = append(out, w)
	}
	return out
}

type row struct {
	words  []hoso.Word
	cy, h  float64 // running centre and height
	bottom int
}

// groupRows clusters words whose vertical centres agree into rows.
func groupRows(words []hoso.Word, medH int) []*row {
	sorted := slices.Clone(words)
	sort.Slice(sorted, func(i, j int) bool {
		return sorted[i].Box.Min.Y+sorted[i].Box.Max.Y < sorted[j].Box.Min.Y+sorted[j].Box.Max.Y
	})
	var rows []*row
	for _, w := range sorted {
		cy := float64(w.Box.Min.Y+w.Box.Max.Y) / 2
		h := float64(min(w.Box.Dy(), 3*medH))
		var target *row
		// Look back over the last few rows: a word belongs to the row whose
		// centre is within half a line of its own.
		for k := len(rows) - 1; k >= 0 && k >= len(rows)-4; k-- {
			r := rows[k]
			if abs64(cy-r.cy) < 0.5*min(h, r.h) {
				target = r
				break
			}
		}
		if target == nil {
			rows = append(rows, &row{words: []hoso.Word{w}, cy: cy, h: h})
			continue
		}
		n := float64(len(target.words))
		target.cy = (target.cy*n + cy) / (n + 1)
		target.h = (target.h*n + h) / (n + 1)
		target.words = append(target.words, w)
	}
	sort.SliceStable(rows, func(i, j int) bool { return rows[i].cy < rows[j].cy })
	return rows
}

// splitRow cuts a row into lines at gaps much wider than a space.
func splitRow(r *row, medH int, p hoso.Page) []Line {
	ws := r.words
	sort.Slice(ws, func(i, j int) bool { return ws[i].Box.Min.X < ws[j].Box.Min.X })
	gap := int(1.6 * float64(max(medH, int(r.h))))
	var lines []Line
	start := 0
	for i := 1; i <= len(ws); i++ {
		if i == len(ws) || ws[i].Box.Min.X-ws[i-1].Box.Max.X > gap {
			if l := makeLine(ws[start:i], p); len(l.Words) > 0 {
				lines = append(lines, l)
			}
			start = i
		}
	}
	for i := range lines {
		lines[i].Row = int(r.cy) // provisional: the row's centre
	}
	return lines
}

func makeLine(ws []hoso.Word, p hoso.Page) Line {
	l := Line{Page: p.Number, PageW: p.Width, PageH: p.Height}
	var parts []string
	for _, w := range ws {
		// Each word is cleaned on its own and holds no space, so a line's
		// text maps back to its words rune for rune.
		w.Text = strings.ReplaceAll(Clean(w.Text), " ", "")
		if w.Text == "" {
			continue
		}
		parts = append(parts, w.Text)
		if len(l.Words) == 0 {
			l.Box = w.Box
		} else {
			l.Box = l.Box.Union(w.Box)
		}
		l.Words = append(l.Words, w)
	}
	l.Text = strings.Join(parts, " ")
	l.Fold = Fold(l.Text)
	return l
}

// fullGutter finds a vertical strip, near the middle of the page, that no
// line crosses from the top of the text to its bottom, with text on both
// sides for most of that height: the fold of a two-page diploma.
func fullGutter(lines []Line, pageW int) (int, bool) {
	if len(lines) < 8 || pageW <= 0 {
		return 0, false
	}
	covered := make([]bool, pageW)
	for _, l := range lines {
		for x := max(0, l.Box.Min.X); x < min(pageW, l.Box.Max.X); x++ {
			covered[x] = true
		}
	}
	lo, hi := pageW*35/100, pageW*65/100
	best, bestW := -1, 0
	for x := lo; x < hi; {
		if covered[x] {
			x++
			continue
		}
		s := x
		for x < hi && !covered[x] {
			x++
		}
		if x-s > bestW {
			best, bestW = (s+x)/2, x-s
		}
	}
	if best < 0 || bestW < pageW/100 {
		return 0, false
	}
	var left, right int
	for _, l := range lines {
		if l.Box.Max.X <= best {
			left++
		} else {
			right++
		}
	}
	if left < 6 || right < 6 {
		return 0, false
	}
	return best, true
}

func abs64(x float64) float64 {
	if x < 0 {
		return -x
	}
	return x
}

// PageText is the text of a page's lines in reading order, one per line.
func PageText(lines []Line) string {
	parts := make([]string, len(lines))
	for i, l := range lines {
		parts[i] = l.Text
	}
	return strings.Join(parts, "\n")
}
