package extract

import (
	"regexp"
	"strings"
	"unicode"

	"hoso"
)

type titleKind int

const (
	titleNone titleKind = iota
	titleDecision
	titleLetter // official letter (công văn), notice, report...: "other"
	titleDiploma
	titleCertificate
	titleEvaluation
)

// titleInfo is what the title block of a document says.
type titleInfo struct {
	kind    titleKind
	line    int    // index of the title line, -1 if none
	text    string // the title as printed
	subject string // "Về việc ..." / "V/v ..." as printed, lines joined
	subjEnd int    // index of the last subject line
	subjBeg int
}

var (
	reOtherTitle   = regexp.MustCompile(`^(thong bao|to trinh|ke hoach|bao cao|cong van|chi thi|huong dan|giay moi|bien ban|nghi quyet|quy dinh|quy che)$`)
	reSubjectStart = regexp.MustCompile(`^(ve\s*viec|v\s*/\s*v\b)`)
)

// findTitle locates the document's title and subject among its lines.
func findTitle(d *docText) titleInfo {
	ti := titleInfo{line: -1, subjEnd: -1, subjBeg: -1}
	for i, l := range d.lines {
		if l.Page != d.lines[0].Page {
			break
		}
		if l.Top() > 0.6 {
			continue // the right half of a bilingual diploma starts again at the top
		}
		f := strings.Trim(l.Fold, " .:")
		// Titles are set in spaced capitals: OCR adds and drops spaces.
		tight := strings.ReplaceAll(f, " ", "")
		up := isUpperText(l.Text)
		switch {
		case up && (tight == "quyetdinh" || fuzzyEq(f, "quyet dinh")) && !strings.HasSuffix(l.Text, ":"):
			ti.kind, ti.line, ti.text = titleDecision, i, l.Text
		case up && reOtherTitle.MatchString(f):
			ti.kind, ti.line, ti.text = titleLetter, i, l.Text
		case up && (strings.HasPrefix(tight, "phieudanhgia") || strings.HasPrefix(tight, "phieunhanxet") || fuzzyPrefix(f, "phieu danh gia")):
			ti.kind, ti.line, ti.text = titleEvaluation, i, l.Text
		case up && (strings.HasPrefix(tight, "chungchi") || strings.HasPrefix(tight, "giaychungnhan") || fuzzyPrefix(f, "giay chung nhan")):
			ti.kind, ti.line, ti.text = titleCertificate, i, l.Text
		case up && (strings.HasPrefix(tight, "bang") && len(tight) <= 30 || strings.HasPrefix(tight, "thedegree")):
			if ti.kind != titleDiploma || strings.HasPrefix(tight, "bang") {
				ti.kind, ti.line, ti.text = titleDiploma, i, l.Text
			}
			continue // the Vietnamese title of a bilingual diploma comes after the English one
		case reSubjectStart.MatchString(f) && ti.kind == titleNone:
			// An official letter has no title: its subject "V/v ..." sits
			// under the number.
			ti.kind, ti.line = titleLetter, -1
			ti.subjBeg = i
		default:
			continue
		}
		if ti.kind != titleDiploma {
			break
		}
	}
	if ti.kind == titleDecision || ti.kind == titleLetter {
		readSubject(d, &ti)
	}
	return ti
}

// readSubject collects the subject lines that follow the title: they start
// with "Về việc" or "V/v" and run until the authority line (capitals), the
// first "Căn cứ" or the addressee ("Kính gửi").
func readSubject(d *docText, ti *titleInfo) {
	start := ti.subjBeg
	if start < 0 {
		for i := ti.line + 1; i < len(d.lines) && i <= ti.line+3; i++ {
			if reSubjectStart.MatchString(d.lines[i].Fold) {
				start = i
				break
			}
		}
	}
	if start < 0 {
		return
	}
	first := d.lines[start]
	parts := []string{first.Text}
	end := start
	for i := start + 1; i < len(d.lines) && i < start+6; i++ {
		l := d.lines[i]
		f := l.Fold
		if isUpperText(l.Text) || strings.HasPrefix(f, "can cu") || strings.HasPrefix(f, "kinh gui") ||
			strings.HasPrefix(f, "thuc hien") || strings.HasPrefix(f, "dieu ") || reDateLine.MatchString(f) {
			break
		}
		// Subject lines are centred under the title (or under the number,
		// in the left column, for a letter): stay in that column.
		if abs64(l.CenterX()-first.CenterX()) > 0.2 && first.CenterX() < 0.45 {
			continue
		}
		if l.Box.Min.Y-d.lines[end].Box.Max.Y > 2*first.Box.Dy() {
			break
		}
		parts = append(parts, l.Text)
		end = i
	}
	ti.subjBeg, ti.subjEnd = start, end
	ti.subject = Clean(strings.Join(parts, " "))
}

// fuzzyEq reports whether two short folded strings differ by at most one
// edit per six letters.
func fuzzyEq(a, b string) bool {
	if len(a) > len(b)+2 || len(b) > len(a)+2 {
		return false
	}
	end, errs := approxIndex(a, b, len(b)/6)
	return end >= 0 && errs+abs(len([]rune(a))-len([]rune(b))) <= len(b)/6
}

// fuzzyPrefix reports whether a starts with something close to p.
func fuzzyPrefix(a, p string) bool {
	rs := []rune(a)
	if len(rs) < len([]rune(p)) {
		return false
	}
	return fuzzyEq(string(rs[:len([]rune(p))]), p)
}

// orgWords open the name of a body in a header block; a line that opens with
// one starts a new body, any other line continues the one above.
var orgWords = []string{
	"uy ban", "ubnd", "hoi dong", "hdnd", "so ", "bo ", "hoc vien", "truong", "benh vien", "trung tam",
	"thanh uy", "tinh uy", "dang uy", "huyen uy", "quan uy", "van phong", "ban ", "chi cuc", "cuc ", "tong cuc",
	"vien ", "dai hoc", "cong an", "bao hiem", "kho bac", "thanh tra", "phong ", "toa an", "vien kiem sat",
	"lien doan", "doan ", "mat tran", "ngan hang", "dai phat thanh", "bo chi huy", "quan khu", "chinh phu",
}

func opensBody(folded string) bool {
	for _, w := range orgWords {
		if strings.HasPrefix(folded+" ", w) {
			return true
		}
	}
	return false
}

// headerBlock returns the lines of the top-left block (the issuing body),
// above the number line or the title.
func headerBlock(d *docText, stop int) []int {
	var idx []int
	for i, l := range d.lines {
		if i >= stop || l.Page != d.lines[0].Page || l.Top() > 0.35 {
			break
		}
		if l.CenterX() > 0.45 || !isUpperText(l.Text) || letterRatio(l.Text) < 0.7 {
			continue
		}
		if reNumberLine.MatchString(l.Fold) {
			break
		}
		idx = append(idx, i)
	}
	return idx
}

// issuer returns the issuing body as printed in the top-left block, without
// its parent line: the last body the block names.
func issuerField(d *docText, stop int) (hoso.Field, bool) {
	block := headerBlock(d, stop)
	if len(block) == 0 {
		return hoso.Field{}, false
	}
	start := block[0]
	for _, i := range block {
		if opensBody(d.lines[i].Fold) {
			start = i
		}
	}
	var parts []string
	first, last := -1, -1
	for _, i := range block {
		if i < start {
			continue
		}
		if first < 0 {
			first = i
		}
		last = i
		parts = append(parts, d.lines[i].Text)
	}
	v := Clean(strings.Join(parts, " "))
	conf := 0.9
	if !opensBody(d.lines[start].Fold) {
		conf = 0.6
	}
	f := d.field(d.lineStart[first], d.lineStart[last]+len([]rune(d.lines[last].Text)), v, conf)
	return f, true
}

var (
	reNumberLine = regexp.MustCompile(`^s[o0]\s*[:;.]?\s*\d`)
	reNumber     = regexp.MustCompile(`(?m)^s[o0]\s*[:;.]?\s*([0-9oil|]{1,6}\s*/\s*[^\s,;]+(?:\s*-\s*[^\s,;]+)*)`)
	reDateLine   = regexp.MustCompile(`([^\n,]{2,40}?)\s*[,.]?\s*ngay\s*(?:([0-9oil|]{1,2})\s*thang\s*([0-9oil|]{1,2})\s*nam\s*([0-9oil|]{4})|([0-9oil|]{1,2})\s*[/.-]\s*([0-9oil|]{1,2})\s*[/.-]\s*([0-9oil|]{4}))`)
)

// numberField reads "Số: 1234/QĐ-UBND".
func numberField(d *docText) (hoso.Field, int, bool) {
	m := d.find(reNumber, 0)
	if m == nil || d.lines[d.lineOf(m[0])].Top() > 0.4 {
		return hoso.Field{}, -1, false
	}
	raw := d.group(m, 1)
	v, err := NormalizeDocNumber(raw)
	if err != nil {
		return hoso.Field{}, -1, false
	}
	conf := 0.95
	if v != strings.ReplaceAll(raw, " ", "") {
		conf = 0.8
	}
	return d.field(m[2], m[3], v, conf), d.lineOf(m[0]), true
}

// placeDate is a "<place>, ngày D tháng M năm Y" line.
type placeDate struct {
	place, date hoso.Field
	line        int
}

// placeDates returns every place-and-date line of the document in order.
func placeDates(d *docText) []placeDate {
	var out []placeDate
	for _, m := range d.findAll(reDateLine, 0) {
		li := d.lineOf(m[0])
		ls := d.lineStart[li]
		// The place starts the line; the date line stands on its own.
		if m[2] != ls && d.lineOf(m[2]) == li {
			// A date inside a sentence ("... ngày 15 tháng 3 năm 2020 của ...").
			pre := strings.TrimSpace(d.text(ls, m[2]))
			if pre != "" {
				continue
			}
		}
		if d.lineOf(m[2]) != li {
			continue
		}
		place := cleanPlace(d.group(m, 1))
		lf := Fold(place)
		if place == "" || strings.Contains(lf, "can cu") || strings.HasPrefix(lf, "ke tu") || strings.HasPrefix(lf, "tu ") || len([]rune(place)) > 30 {
			continue
		}
		g, end := 2, m[9]
		if m[4] < 0 { // the numeric form "ngày 15/7/2025"
			g, end = 5, m[15]
		}
		date, err := makeDateDigits(d.group(m, g), d.group(m, g+1), d.group(m, g+2))
		if err != nil {
			continue
		}
		out = append(out, placeDate{
			place: d.field(m[2], m[3], place, 0.9),
			date:  d.field(m[2], end, date, 0.95),
			line:  li,
		})
	}
	return out
}

func makeDateDigits(dd, mm, yy string) (string, error) {
	d, _ := fixDigits(dd)
	m, _ := fixDigits(mm)
	y, _ := fixDigits(yy)
	return makeDate(d, m, y)
}

// cleanPlace keeps the place name of a date line: its last capitalized
// words, without the marks a stamp or a rule left before it.
func cleanPlace(s string) string {
	ws := strings.Fields(strings.Trim(s, " ,.;"))
	start := len(ws)
	for start > 0 {
		r := []rune(ws[start-1])
		if !unicode.IsUpper(r[0]) && !(start < len(ws) && len(r) <= 3 && unicode.IsLower(r[0])) {
			break
		}
		start--
	}
	return strings.Trim(strings.Join(ws[start:], " "), " ,.;_-")
}
