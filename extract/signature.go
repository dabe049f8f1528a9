package extract

import (
	"regexp"
	"strings"
	"unicode"

	"hoso"
)

var (
	reSignPrefix   = regexp.MustCompile(`^(kt|tm|tl|tuq|q|ktl|thua lenh|thua uy quyen)\s*[.:]?\s+`)
	reAcademic     = regexp.MustCompile(`^((?:GS|PGS|TS|TSKH|ThS|Ths|BS|BSCKI|BSCKII|CKI|CKII|DS|DSCKI|KS|NGƯT|NGND|NSƯT|NSND|Lương y)\s*\.\s*)+`)
	reNotNameLabel = regexp.MustCompile(`^(so|noi nhan|ngay|reg|serial|date|ky|\(ky|nguoi)`)
)

// positionOf returns the post a title line names, in its canonical
// spelling ("PHÓ CHỦ TỊCH"), and where in the line it starts (runes); ok is
// false when the line names none. Stray marks before it (a stamp's edge) are
// skipped, and diacritics OCR lost or confused are restored from the closed
// list of posts.
func positionOf(l Line) (canon string, start int, ok bool) {
	canon, start, _, ok = positionAndPrefix(l)
	return canon, start, ok
}

// positionAndPrefix is positionOf that also returns the signing prefix
// ("kt", "tm", "tl", ...) the line opens with, folded.
func positionAndPrefix(l Line) (canon string, start int, prefix string, ok bool) {
	if !isUpperText(l.Text) || len([]rune(l.Text)) > 60 {
		return "", 0, "", false
	}
	f := []rune(l.Fold)
	i := 0
	for i < len(f) && !unicode.IsLetter(f[i]) {
		i++
	}
	rest := string(f[i:])
	if m := reSignPrefix.FindStringSubmatchIndex(rest); m != nil {
		prefix = rest[m[2]:m[3]]
		i += len([]rune(rest[:m[1]]))
		rest = rest[m[1]:]
	}
	// Compare letters only: OCR drops or adds spaces in spaced capitals and
	// strews marks from the stamp; one wrong letter in a long title is
	// forgiven.
	tight := lettersOnly(rest)
	for _, exact := range []bool{true, false} {
		for _, p := range positionTitles {
			fp := lettersOnly(Fold(p))
			for _, cand := range []struct{ want, canon string }{{"pho" + fp, "PHÓ " + p}, {fp, p}} {
				if tight == cand.want || !exact && len(cand.want) >= 8 && fuzzyEq(tight, cand.want) {
					return cand.canon, i, prefix, true
				}
			}
		}
	}
	return "", 0, "", false
}

// positionTitles are the posts that sign, as printed in capitals.
var positionTitles = []string{
	"CHỦ TỊCH", "GIÁM ĐỐC", "HIỆU TRƯỞNG", "VIỆN TRƯỞNG", "TRƯỞNG PHÒNG", "CHÁNH VĂN PHÒNG", "BÍ THƯ",
	"THỦ TRƯỞNG", "CỤC TRƯỞNG", "CHI CỤC TRƯỞNG", "TRƯỞNG BAN", "TỔNG GIÁM ĐỐC", "BỘ TRƯỞNG", "CHÁNH ÁN",
	"CHÁNH THANH TRA", "TRƯỞNG KHOA", "CHỦ NHIỆM", "HIỆU PHÓ", "THỨ TRƯỞNG", "PHÓ TRƯỞNG PHÒNG",
	"TỔNG CỤC TRƯỞNG", "GIÁM ĐỐC SỞ", "CHỦ TỊCH ỦY BAN NHÂN DÂN", "TRƯỞNG ĐOÀN",
}

func isPositionLine(l Line) bool {
	_, _, ok := positionOf(l)
	return ok
}

// signatureFields reads the signer's title (the last title line above the
// signature: "PHÓ CHỦ TỊCH" under "KT. CHỦ TỊCH") and name (without
// academic titles) from the end of the document.
func signatureFields(d *docText, fs hoso.Fields, from int) {
	// The signature comes after the body; a post named above it (the
	// authority line under a decision's subject, the conferring line of a
	// diploma) is not the signer's.
	bodyStart := 0
	for i, l := range d.lines {
		if strings.HasPrefix(l.Fold, "can cu") || strings.HasPrefix(l.Fold, "dieu ") || strings.HasPrefix(l.Fold, "kinh gui") {
			bodyStart = i
			break
		}
	}
	title := -1
	for i := len(d.lines) - 1; i >= max(from, bodyStart); i-- {
		l := d.lines[i]
		if isPositionLine(l) && l.CenterX() > 0.3 {
			if bodyStart == 0 && i+1 < len(d.lines) && l.Top() < 0.3 && l.Page == d.lines[0].Page {
				continue
			}
			title = i
			break
		}
	}
	if title < 0 {
		signerNameWithoutTitle(d, fs)
		return
	}
	tl := d.lines[title]
	canon, start, prefix, _ := positionAndPrefix(tl)
	conf := 0.92
	if Clean(string([]rune(tl.Text)[start:])) != canon && !strings.HasPrefix(string([]rune(tl.Text)[start:]), canon) {
		conf = 0.8 // spelling restored from the list of posts
	}
	if prefix == "kt" && !strings.HasPrefix(canon, "PHÓ ") {
		// "KT. GIÁM ĐỐC" (signing for the director) is signed by a deputy,
		// whose own title line ("PHÓ GIÁM ĐỐC") the stamp made unreadable.
		canon, conf = "PHÓ "+canon, 0.8
	}
	fs["signer_title"] = d.lineField(title, start, len([]rune(tl.Text)), canon, conf)
	for i := title + 1; i < len(d.lines) && i <= title+20; i++ {
		l := d.lines[i]
		if abs64(l.CenterX()-tl.CenterX()) > 0.25 || l.Page != tl.Page {
			continue
		}
		if signerName(d, i, fs, 1) {
			return
		}
	}
}

// signerName takes line i as the signer's name when it looks like one.
func signerName(d *docText, i int, fs hoso.Fields, weight float64) bool {
	l := d.lines[i]
	if reNotNameLabel.MatchString(l.Fold) || l.Conf() < 0.5 {
		return false
	}
	text := strings.TrimLeftFunc(l.Text, func(r rune) bool { return !unicode.IsLetter(r) })
	off := len([]rune(l.Text)) - len([]rune(text))
	name := reAcademic.ReplaceAllString(text, "")
	off += len([]rune(text)) - len([]rune(name))
	// Vietnamese names have no hyphens or dots: those are the pen's strokes.
	name = Clean(strings.Map(func(r rune) rune {
		if r == '-' || r == '_' || r == '.' || r == ',' {
			return ' '
		}
		return r
	}, name))
	if !looksLikeName(name) {
		return false
	}
	name = TitleCase(name)
	conf := weight * nameConfidence(name)
	if fixed, ok := restoreSurname(name); ok {
		name, conf = fixed, conf*0.85
	}
	fs["signer_name"] = d.lineField(i, off, len([]rune(l.Text)), name, conf)
	return true
}

// signerNameWithoutTitle is for a signature whose title line a stamp made
// unreadable: the name is then the last name-shaped line in the right half
// of the last page, below the body.
func signerNameWithoutTitle(d *docText, fs hoso.Fields) {
	lastPage := d.lines[len(d.lines)-1].Page
	for i := len(d.lines) - 1; i >= 0; i-- {
		l := d.lines[i]
		if l.Page != lastPage {
			return
		}
		if strings.HasPrefix(l.Fold, "dieu ") || strings.HasPrefix(l.Fold, "noi nhan") {
			return
		}
		if l.CenterX() > 0.5 && signerName(d, i, fs, 0.75) {
			return
		}
	}
}

// looksLikeName reports whether s is shaped like a Vietnamese full name: two
// to six words, each a capitalized run of letters.
func looksLikeName(s string) bool {
	ws := strings.Fields(s)
	if len(ws) < 2 || len(ws) > 6 {
		return false
	}
	for _, w := range ws {
		rs := []rune(w)
		if !unicode.IsUpper(rs[0]) {
			return false
		}
		for _, r := range rs {
			if !unicode.IsLetter(r) {
				return false
			}
		}
	}
	return true
}

// surnames are the family names most Vietnamese carry, spelled right. A
// name that starts with one is more likely read right, and a first word that
// differs from one only by its marks is restored to it (OCR confuses marks
// most, and these names are few).
var surnames = strings.Fields("Nguyễn Trần Lê Phạm Hoàng Huỳnh Phan Vũ Võ Đặng Bùi Đỗ Hồ Ngô Dương Lý Đào Đoàn Vương Trịnh " +
	"Trương Lâm Phùng Mai Tô Tạ Hà Lưu Đinh Quách Cao Thái Lương Châu Tăng Kiều Mạc Nhữ Lại Chu Khúc Đàm Triệu " +
	"Lã Lò Diệp Hứa Tôn Từ Âu Quan Giang Thân Khổng Nông Lục Hàn Kim Ninh Ông Phí Vi Đồng Bạch Doãn Khương " +
	"Khuất Lạc Hầu Tiêu Mẫn Nghiêm Bế Cù Giáp Thạch Sầm Ưng Viên Yên Kha Ngũ Lành Văn Thiều Đường")

// commonSurnames maps a folded surname to its spelling, for the surnames
// whose folded form is not shared with another.
var commonSurnames = map[string]string{}

func init() {
	seen := map[string]int{}
	for _, s := range surnames {
		seen[Fold(s)]++
	}
	for _, s := range surnames {
		if seen[Fold(s)] == 1 {
			commonSurnames[Fold(s)] = s
		} else {
			commonSurnames[Fold(s)] = "" // known, but its marks cannot be restored
		}
	}
}

// restoreSurname respells the first word of a name when only its marks
// differ from a known surname's; ok reports a change.
func restoreSurname(name string) (string, bool) {
	ws := strings.Fields(name)
	if len(ws) < 2 {
		return name, false
	}
	want, known := commonSurnames[Fold(ws[0])]
	if !known || want == "" || want == ws[0] {
		return name, false
	}
	ws[0] = want
	return strings.Join(ws, " "), true
}

// nameConfidence rates a name read by OCR by its shape.
func nameConfidence(name string) float64 {
	ws := strings.Fields(name)
	if len(ws) == 0 {
		return 0
	}
	c := 0.75
	if _, ok := commonSurnames[Fold(ws[0])]; ok {
		c = 0.95
	}
	if len(ws) < 2 || len(ws) > 5 {
		c -= 0.2
	}
	return c
}

// lettersOnly keeps the letters of s.
func lettersOnly(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsLetter(r) {
			return r
		}
		return -1
	}, s)
}
