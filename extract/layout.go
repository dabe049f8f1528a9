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
// read column by column. Words keep the recognizer's lines when it gave
// them; a line is cut where a gap is much wider than a space.
func PageLines(p hoso.Page) []Line {
	words := usableWords(p.Words)
	if len(words) == 0 {
		return nil
	}
	var lines []Line
	for _, ws := range textLines(words) {
		lines = append(lines, splitRow(ws, p)...)
	}
	lines = orderRows(lines)
	if gx, ok := fullGutter(lines, p.Width); ok {
		for i := range lines {
			if lines[i].Box.Min.X >= gx {
				lines[i].Column = 1
			}
		}
		sort.SliceStable(lines, func(i, j int) bool { return lines[i].Column < lines[j].Column })
		row, last := -1, -1
		for i := range lines {
			if lines[i].Row != last || (i > 0 && lines[i].Column != lines[i-1].Column) {
				row++
				last = lines[i].Row
			}
			lines[i].Row = row
		}
	}
	return lines
}

// textLines groups words into text lines: by the recognizer's line when
// known, else by vertical overlap.
func textLines(words []hoso.Word) [][]hoso.Word {
	if words[0].Line != 0 {
		var out [][]hoso.Word
		index := map[int]int{}
		for _, w := range words {
			i, ok := index[w.Line]
			if !ok {
				i = len(out)
				index[w.Line] = i
				out = append(out, nil)
			}
			out[i] = append(out[i], w)
		}
		return out
	}
	sorted := slices.Clone(words)
	sort.Slice(sorted, func(i, j int) bool { return sorted[i].Box.Min.Y < sorted[j].Box.Min.Y })
	type acc struct {
		box   image.Rectangle
		words []hoso.Word
	}
	var rows []*acc
	for _, w := range sorted {
		var target *acc
		for k := len(rows) - 1; k >= 0 && k >= len(rows)-4; k-- {
			if overlapY(rows[k].box, w.Box) >= 0.5*float64(min(rows[k].box.Dy(), w.Box.Dy())) {
				target = rows[k]
				break
			}
		}
		if target == nil {
			rows = append(rows, &acc{box: w.Box, words: []hoso.Word{w}})
			continue
		}
		target.box = target.box.Union(w.Box)
		target.words = append(target.words, w)
	}
	out := make([][]hoso.Word, len(rows))
	for i, r := range rows {
		out[i] = r.words
	}
	return out
}

func overlapY(a, b image.Rectangle) float64 {
	return float64(max(0, min(a.Max.Y, b.Max.Y)-max(a.Min.Y, b.Min.Y)))
}

// orderRows sorts lines into rows (lines side by side share a row) from the
// top, and left to right within a row.
func orderRows(lines []Line) []Line {
	sort.SliceStable(lines, func(i, j int) bool {
		return lines[i].Box.Min.Y+lines[i].Box.Max.Y < lines[j].Box.Min.Y+lines[j].Box.Max.Y
	})
	row := -1
	var rowBox image.Rectangle
	for i := range lines {
		b := lines[i].Box
		if row < 0 || overlapY(rowBox, b) < 0.5*float64(min(rowBox.Dy(), b.Dy())) {
			row++
			rowBox = b
		} else {
			rowBox = rowBox.Union(b)
		}
		lines[i].Row = row
	}
	sort.SliceStable(lines, func(i, j int) bool {
		if lines[i].Row != lines[j].Row {
			return lines[i].Row < lines[j].Row
		}
		return lines[i].Box.Min.X < lines[j].Box.Min.X
	})
	return lines
}

// splitRow cuts a text line into lines at gaps much wider than a space.
func splitRow(ws []hoso.Word, p hoso.Page) []Line {
	ws = slices.Clone(ws)
	if ws[0].Line == 0 {
		// Words grouped by geometry: put them left to right. The
		// recognizer's lines (and table cells) are in reading order already.
		sort.Slice(ws, func(i, j int) bool { return ws[i].Box.Min.X < ws[j].Box.Min.X })
	}
	hs := make([]int, len(ws))
	for i, w := range ws {
		hs[i] = w.Box.Dy()
	}
	slices.Sort(hs)
	gap := int(1.6 * float64(max(8, hs[len(hs)/2])))
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
		if l.Conf() < 0.6 || letterRatio(l.Text) < 0.6 || len([]rune(l.Text)) < 3 {
			continue // scanner noise and stamps do not close a gutter
		}
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
