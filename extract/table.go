package extract

import (
	"regexp"
	"sort"
	"strings"

	"hoso"
)

// An annex table ("danh sách kèm theo") lists one person a row. Rows are
// anchored by the running number (STT) in the first column; columns are
// taken from the header cells, and their meaning from the header's words.

type column struct {
	x0, x1 int
	key    string // what the column holds: name, birth, unit, rank, old, new, date, percent, position
}

var headerKeys = []struct {
	words []string
	key   string
}{
	{[]string{"stt", "tt", "sti", "st"}, "index"},
	{[]string{"ho va ten", "ho ten", "ho, ten"}, "name"},
	{[]string{"ngay sinh", "nam sinh", "ngay, thang"}, "birth"},
	{[]string{"don vi", "co quan"}, "unit"},
	{[]string{"ngach", "chuc danh", "ma so"}, "rank"},
	{[]string{"cu", "hien huong", "hien giu"}, "old"},
	{[]string{"moi", "nang len", "duoc xep"}, "new"},
	{[]string{"thoi diem", "thoi gian", "ke tu", "ngay huong"}, "date"},
	{[]string{"%", "muc phu cap", "phu cap", "ty le"}, "percent"},
	{[]string{"chuc vu"}, "position"},
}

var (
	reIndex    = regexp.MustCompile(`^\d{1,3}[.]?$`)
	reStepCoef = regexp.MustCompile(`(` + dig + `{1,2})\s*[-–/:.]?\s+(` + coefPat + `)|(` + dig + `{1,2})\s*[-–:]\s*(` + coefPat + `)`)
	reCellRank = regexp.MustCompile(`^(.*?)\s*\(\s*(?:ma\s*so\s*:?\s*)?([^()]+)\)`)
	rePct      = regexp.MustCompile(`(` + dig + `{1,2})\s*%`)
)

// tableCell is the words of one cell.
type tableCell struct {
	words []hoso.Word
	page  int
}

func (c tableCell) text() string {
	ws := append([]hoso.Word(nil), c.words...)
	// Read the cell line by line, left to right.
	sort.SliceStable(ws, func(i, j int) bool {
		a, b := ws[i].Box, ws[j].Box
		if abs(a.Min.Y-b.Min.Y) > a.Dy()/2 {
			return a.Min.Y < b.Min.Y
		}
		return a.Min.X < b.Min.X
	})
	parts := make([]string, len(ws))
	for i, w := range ws {
		parts[i] = w.Text
	}
	return Clean(strings.Join(parts, " "))
}

func (c tableCell) field(v any, base float64) hoso.Field {
	f := hoso.Field{Value: v, Confidence: base, Page: c.page}
	if len(c.words) == 0 {
		return f
	}
	box := c.words[0].Box
	var sum float64
	for _, w := range c.words {
		box = box.Union(w.Box)
		sum += w.Confidence
	}
	f.Box = []int{box.Min.X, box.Min.Y, box.Max.X, box.Max.Y}
	f.Confidence = round2(base * (0.4 + 0.6*sum/float64(len(c.words))))
	return f
}

// tablePeople reads the people of the annex tables in the document.
func tablePeople(d *docText) []hoso.Fields {
	var people []hoso.Fields
	var cols []column
	for _, page := range pagesOf(d.lines) {
		if c := headerColumns(page); c != nil {
			cols = c
		}
		if cols == nil {
			continue
		}
		for _, row := range tableRows(page, cols) {
			if p := personFromRow(row, cols); len(p) > 0 {
				people = append(people, p)
			}
		}
	}
	return people
}

func pagesOf(lines []Line) [][]Line {
	var out [][]Line
	for i, l := range lines {
		if i == 0 || l.Page != lines[i-1].Page {
			out = append(out, nil)
		}
		out[len(out)-1] = append(out[len(out)-1], l)
	}
	return out
}

// headerColumns finds the table header on a page (the row naming "Họ và
// tên") and returns its columns, or nil.
func headerColumns(lines []Line) []column {
	hi := -1
	for i, l := range lines {
		if fuzzyHas(l.Fold, "ho va ten") || strings.HasPrefix(l.Fold, "ho ten") {
			hi = i
			break
		}
	}
	if hi < 0 {
		return nil
	}
	h := lines[hi]
	lh := max(h.Box.Dy(), 10)
	top, bottom := h.Box.Min.Y-2*lh, h.Box.Max.Y+2*lh
	var cells []Line
	for _, l := range lines {
		// A caption spanning the table ("Kèm theo ...") is no header cell.
		if l.Box.Max.Y >= top && l.Box.Min.Y <= bottom && !reIndex.MatchString(l.Text) && l.Box.Dx() < l.PageW*2/5 {
			cells = append(cells, l)
		}
	}
	// Merge header lines that overlap horizontally into one column.
	sort.Slice(cells, func(i, j int) bool { return cells[i].Box.Min.X < cells[j].Box.Min.X })
	type group struct {
		x0, x1 int
		fold   string
	}
	var groups []group
	for _, c := range cells {
		if n := len(groups); n > 0 && c.Box.Min.X < groups[n-1].x1-lh/2 {
			groups[n-1].x1 = max(groups[n-1].x1, c.Box.Max.X)
			groups[n-1].fold += " " + c.Fold
			continue
		}
		groups = append(groups, group{c.Box.Min.X, c.Box.Max.X, c.Fold})
	}
	if len(groups) < 3 {
		return nil
	}
	cols := make([]column, len(groups))
	for i, g := range groups {
		cols[i] = column{x0: g.x0, x1: g.x1, key: headerKey(g.fold)}
	}
	// Column bounds meet halfway between neighbouring headers.
	for i := range cols {
		if i == 0 {
			cols[i].x0 = 0
		} else {
			mid := (groups[i-1].x1 + groups[i].x0) / 2
			cols[i].x0, cols[i-1].x1 = mid, mid
		}
	}
	cols[len(cols)-1].x1 = 1 << 30
	return cols
}

func headerKey(fold string) string {
	f := " " + strings.Join(strings.Fields(strings.NewReplacer(",", " ", "(", " ", ")", " ").Replace(fold)), " ") + " "
	// "Bậc, hệ số cũ" / "mới" are told apart by their last word.
	if strings.Contains(f, " he so ") || strings.Contains(f, " bac ") {
		if strings.Contains(f, " moi ") || strings.Contains(f, " nang len ") {
			return "new"
		}
		if strings.Contains(f, " cu ") || strings.Contains(f, " hien ") {
			return "old"
		}
	}
	for _, hk := range headerKeys {
		for _, w := range hk.words {
			if strings.Contains(f, " "+w+" ") || (w == "%" && strings.Contains(f, "%")) {
				return hk.key
			}
		}
	}
	return ""
}

// tableRows cuts the page below the header into rows around the running
// numbers of the first column and returns each row's cells.
func tableRows(lines []Line, cols []column) [][]tableCell {
	var idxCol *column
	for i := range cols {
		if cols[i].key == "index" {
			idxCol = &cols[i]
			break
		}
	}
	if idxCol == nil {
		idxCol = &cols[0]
	}
	type anchor struct{ cy int }
	var anchors []anchor
	var words []hoso.Word
	page := 0
	headerBottom := 0
	for _, l := range lines {
		if fuzzyHas(l.Fold, "ho va ten") || strings.HasPrefix(l.Fold, "ho ten") {
			headerBottom = l.Box.Max.Y
		}
	}
	for _, l := range lines {
		page = l.Page
		if l.Box.Min.Y <= headerBottom {
			continue
		}
		for _, w := range l.Words {
			cx := (w.Box.Min.X + w.Box.Max.X) / 2
			if cx >= idxCol.x0 && cx < idxCol.x1 && reIndex.MatchString(w.Text) {
				anchors = append(anchors, anchor{(w.Box.Min.Y + w.Box.Max.Y) / 2})
				continue
			}
			words = append(words, w)
		}
	}
	if len(anchors) == 0 {
		return nil
	}
	sort.Slice(anchors, func(i, j int) bool { return anchors[i].cy < anchors[j].cy })
	var rows [][]tableCell
	for i, a := range anchors {
		var top, bottom int
		if i > 0 {
			top = (anchors[i-1].cy + a.cy) / 2
		} else if len(anchors) > 1 {
			top = a.cy - (anchors[1].cy-a.cy)/2
		} else {
			top = a.cy - 60
		}
		if i+1 < len(anchors) {
			bottom = (a.cy + anchors[i+1].cy) / 2
		} else {
			bottom = a.cy + (a.cy - top)
		}
		cells := make([]tableCell, len(cols))
		for _, w := range words {
			cy := (w.Box.Min.Y + w.Box.Max.Y) / 2
			if cy < top || cy >= bottom {
				continue
			}
			cx := (w.Box.Min.X + w.Box.Max.X) / 2
			for ci, c := range cols {
				if cx >= c.x0 && cx < c.x1 {
					cells[ci].words = append(cells[ci].words, w)
					cells[ci].page = page
				}
			}
		}
		rows = append(rows, cells)
	}
	return rows
}

// personFromRow turns one table row into a person's fields.
func personFromRow(cells []tableCell, cols []column) hoso.Fields {
	p := hoso.Fields{}
	for i, c := range cells {
		if len(c.words) == 0 {
			continue
		}
		t := c.text()
		switch cols[i].key {
		case "name":
			if v, ok := asName(t); ok {
				name := v.(string)
				p["person_name"] = c.field(name, nameConfidence(name))
			}
		case "birth":
			if v, err := ParseDate(t); err == nil {
				p["birth_date"] = c.field(v, 0.95)
			}
		case "unit":
			p["person_unit"] = c.field(t, 0.85)
		case "position":
			p["position"] = c.field(t, 0.85)
		case "rank":
			if m := reCellRank.FindStringSubmatch(t); m != nil {
				if code, err := ParseRankCode(m[2]); err == nil {
					conf := 0.9
					if knownRank(code) {
						conf = 0.97
					}
					p["rank_code"] = c.field(code, conf)
				}
				if name := strings.TrimSpace(m[1]); name != "" {
					p["rank_name"] = c.field(upperFirst(name), 0.9)
				}
			} else {
				p["rank_name"] = c.field(upperFirst(t), 0.7)
			}
		case "old", "new":
			suffix := "_from"
			if cols[i].key == "new" {
				suffix = "_to"
			}
			if m := reStepCoef.FindStringSubmatch(Fold(t)); m != nil {
				step, coef := m[1], m[2]
				if step == "" {
					step, coef = m[3], m[4]
				}
				if n, err := ParseInt(step); err == nil {
					p["step"+suffix] = c.field(n, 0.92)
				}
				if v, err := ParseCoefficient(coef); err == nil {
					p["coefficient"+suffix] = c.field(v, 0.92)
				}
			}
		case "date":
			if v, err := ParseDate(t); err == nil {
				p["effective_date"] = c.field(v, 0.92)
			}
		case "percent", "":
			// A column whose header was not understood still says what it
			// holds when its cells are percentages.
			if cols[i].key == "" && !strings.Contains(t, "%") {
				continue
			}
			if m := rePct.FindStringSubmatch(Fold(t)); m != nil {
				if n, err := ParseInt(m[1]); err == nil {
					p["allowance_percent"] = c.field(itoa(n), 0.9)
				}
			} else if n, err := ParseInt(strings.Trim(t, " %")); err == nil {
				p["allowance_percent"] = c.field(itoa(n), 0.8)
			}
		}
	}
	if p["person_name"].Value == nil {
		return nil
	}
	return p
}
