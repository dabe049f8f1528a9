package extract

import (
	"image"
	"regexp"
	"strings"
	"unicode/utf8"

	"hoso"
)

// docText is the text of one document as a single flow: its lines in
// reading order joined by newlines, with a folded twin for matching labels
// and a map from every rune back to the word it came from.
type docText struct {
	lines     []Line
	flow      []rune
	fold      string // folded flow; byte offsets differ from rune offsets
	foldRunes []int  // byte offset in fold -> rune offset (len(fold)+1 entries)
	lineAt    []int  // rune offset -> line index
	wordAt    []int  // rune offset -> word index within its line, -1 on spaces
	lineStart []int
}

func newDocText(lines []Line) *docText {
	d := &docText{lines: lines}
	var sb strings.Builder
	for i, l := range lines {
		if i > 0 {
			d.flow = append(d.flow, '\n')
			d.lineAt = append(d.lineAt, i-1)
			d.wordAt = append(d.wordAt, -1)
		}
		d.lineStart = append(d.lineStart, len(d.flow))
		for wi, w := range l.Words {
			if wi > 0 {
				d.flow = append(d.flow, ' ')
				d.lineAt = append(d.lineAt, i)
				d.wordAt = append(d.wordAt, -1)
			}
			for _, r := range w.Text {
				d.flow = append(d.flow, r)
				d.lineAt = append(d.lineAt, i)
				d.wordAt = append(d.wordAt, wi)
			}
		}
	}
	for _, r := range d.flow {
		sb.WriteRune(foldRune(r))
	}
	d.fold = sb.String()
	d.foldRunes = make([]int, len(d.fold)+1)
	ri := 0
	for bi := 0; bi < len(d.fold); {
		_, size := utf8.DecodeRuneInString(d.fold[bi:])
		for k := 0; k < size; k++ {
			d.foldRunes[bi+k] = ri
		}
		bi += size
		ri++
	}
	d.foldRunes[len(d.fold)] = ri
	return d
}

// match is a regexp match in rune offsets: m[2k], m[2k+1] bound group k
// (-1 when the group did not take part).
type match []int

// findAll runs re over the folded flow from rune offset `from` and returns
// the matches in rune offsets.
func (d *docText) findAll(re *regexp.Regexp, from int) []match {
	fromByte := d.byteOf(from)
	var out []match
	for _, bm := range re.FindAllStringSubmatchIndex(d.fold[fromByte:], -1) {
		m := make(match, len(bm))
		for i, b := range bm {
			if b < 0 {
				m[i] = -1
			} else {
				m[i] = d.foldRunes[b+fromByte]
			}
		}
		out = append(out, m)
	}
	return out
}

// find returns the first match of re at or after rune offset from.
func (d *docText) find(re *regexp.Regexp, from int) match {
	if ms := d.findAll(re, from); len(ms) > 0 {
		return ms[0]
	}
	return nil
}

func (d *docText) byteOf(runeOff int) int {
	if runeOff <= 0 {
		return 0
	}
	// foldRunes is monotonic: binary search for the first byte of runeOff.
	lo, hi := 0, len(d.fold)
	for lo < hi {
		mid := (lo + hi) / 2
		if d.foldRunes[mid] < runeOff {
			lo = mid + 1
		} else {
			hi = mid
		}
	}
	return lo
}

// text returns the original (not folded) text of runes [a, b), cleaned.
func (d *docText) text(a, b int) string {
	if a < 0 || b > len(d.flow) || a >= b {
		return ""
	}
	return Clean(string(d.flow[a:b]))
}

// group returns the original text of group k of m.
func (d *docText) group(m match, k int) string {
	if m == nil || 2*k+1 >= len(m) || m[2*k] < 0 {
		return ""
	}
	return d.text(m[2*k], m[2*k+1])
}

// lineOf returns the index of the line holding rune offset off.
func (d *docText) lineOf(off int) int {
	if off < 0 || len(d.lineAt) == 0 {
		return 0
	}
	return d.lineAt[min(off, len(d.lineAt)-1)]
}

// field builds a Field for value v read from runes [a, b): its page and box
// are those of the words under the span, and its confidence is base
// weighted by the recognizer's confidence in those words.
func (d *docText) field(a, b int, v any, base float64) hoso.Field {
	f := hoso.Field{Value: v, Confidence: base}
	if a < 0 || b > len(d.flow) || a >= b {
		return f
	}
	var box image.Rectangle
	var sum float64
	var n int
	seen := map[[2]int]bool{}
	page := 0
	for i := a; i < b; i++ {
		wi := d.wordAt[i]
		if wi < 0 {
			continue
		}
		li := d.lineAt[i]
		k := [2]int{li, wi}
		if seen[k] {
			continue
		}
		seen[k] = true
		w := d.lines[li].Words[wi]
		if page == 0 {
			page = d.lines[li].Page
		}
		if d.lines[li].Page != page {
			continue
		}
		if n == 0 {
			box = w.Box
		} else {
			box = box.Union(w.Box)
		}
		sum += w.Confidence
		n++
	}
	if n > 0 {
		f.Page = page
		f.Box = []int{box.Min.X, box.Min.Y, box.Max.X, box.Max.Y}
		f.Confidence = round2(base * (0.4 + 0.6*sum/float64(n)))
	}
	return f
}

// lineField builds a Field from a whole line (or part of one, from rune a
// of the line's text to rune b).
func (d *docText) lineField(li, a, b int, v any, base float64) hoso.Field {
	s := d.lineStart[li]
	return d.field(s+a, s+b, v, base)
}

func round2(x float64) float64 {
	return float64(int(x*100+0.5)) / 100
}
