package extract

import (
	"regexp"
	"strings"

	"hoso"
)

// labelRE builds a pattern for a "Label: value" line; labels are folded.
func labelRE(labels ...string) *regexp.Regexp {
	alts := make([]string, len(labels))
	for i, l := range labels {
		alts[i] = strings.ReplaceAll(regexp.QuoteMeta(l), " ", `\s*`)
	}
	return regexp.MustCompile(`(?m)^(?:` + strings.Join(alts, "|") + `)\s*[:;.]\s*(.+)$`)
}

var (
	reHolder     = labelRE("cap cho", "cho", "chung nhan", "ho va ten", "ho ten", "ho, ten")
	reBirthLabel = labelRE("ngay sinh", "sinh ngay", "ngay, thang, nam sinh", "ngay thang nam sinh")
	reMajor      = labelRE("nganh", "chuyen nganh", "nganh dao tao")
	reCourse     = labelRE("da hoan thanh chuong trinh", "da hoan thanh khoa boi duong", "da hoan thanh khoa hoc", "da hoan thanh lop", "chuong trinh", "khoa hoc", "khoa boi duong", "noi dung")
	reLevel      = labelRE("trinh do")
	reGrade      = labelRE("xep loai tot nghiep", "xep loai", "hang tot nghiep", "ket qua")
	reSerial     = labelRE("so hieu", "so hieu van bang", "so hieu bang")
	reRegister   = labelRE("so vao so cap bang", "so vao so goc", "so vao so", "so dang ky")
	reEvalPost   = labelRE("chuc vu, chuc danh", "chuc vu", "chuc danh")
	reEvalUnit   = labelRE("don vi cong tac", "co quan, don vi", "don vi")
	reRating     = regexp.MustCompile(`(?m)^(.*?)(?:xep\s*loai(?:\s*chat\s*luong)?|phan\s*loai(?:\s*danh\s*gia)?)\s*[:;]\s*(.+)$`)
	reYear       = regexp.MustCompile(`(?m)^(?:.*\s)?nam\s*(` + dig + `{4})\s*$`)
	reHonorific  = regexp.MustCompile(`^(?i:(ông|bà|ong|ba|anh|chị|mr\.?|mrs\.?|ms\.?))(\s*\((?i:ông|bà)\))?\s+`)
	reInstAfter  = regexp.MustCompile(`^(hieu truong|giam doc|vien truong|chu tich|the rector of|the president of)\s*`)
)

// labelField reads the value of the first "Label: value" line matching re
// at or after from; transform turns the printed value into the field's.
func labelField(d *docText, re *regexp.Regexp, from int, conf float64, transform func(string) (any, bool)) (hoso.Field, bool) {
	for _, m := range d.findAll(re, from) {
		raw := d.group(m, 1)
		v, ok := transform(raw)
		if !ok {
			continue
		}
		return d.field(m[2], m[3], v, conf), true
	}
	return hoso.Field{}, false
}

func asText(s string) (any, bool) {
	s = strings.Trim(Clean(s), " .;,")
	return s, s != ""
}

func asName(s string) (any, bool) {
	s = reHonorific.ReplaceAllString(Clean(s), "")
	s = strings.Trim(s, " .;,")
	// A name is printed in title case or in capitals, never in lower case.
	if !looksLikeName(s) && !(isUpperText(s) && looksLikeName(TitleCase(s))) {
		return nil, false
	}
	name, _ := restoreSurname(TitleCase(s))
	return name, true
}

func asDate(s string) (any, bool) {
	v, err := ParseDate(s)
	return v, err == nil
}

func asCode(s string) (any, bool) {
	s = strings.Trim(Clean(s), " .;,")
	return s, s != "" && strings.ContainsAny(s, "0123456789")
}

// closedVocabulary returns the canonical spelling of a value from a fixed
// list when the printed value is close to one of them.
func closedVocabulary(vocab []string) func(string) (any, bool) {
	return func(s string) (any, bool) {
		f := strings.Trim(Fold(Clean(s)), " .;,")
		best, bestErr := "", 1<<30
		for _, v := range vocab {
			fv := Fold(v)
			if f == fv {
				return v, true
			}
			if end, errs := approxIndex(f, fv, len(fv)/5); end >= 0 {
				e := errs + abs(len([]rune(f))-len([]rune(fv)))
				if e < bestErr && e <= max(1, len(fv)/5) {
					best, bestErr = v, e
				}
			}
		}
		return best, best != ""
	}
}

var (
	ratings = []string{"Hoàn thành xuất sắc nhiệm vụ", "Hoàn thành tốt nhiệm vụ", "Hoàn thành nhiệm vụ",
		"Không hoàn thành nhiệm vụ", "Hoàn thành nhiệm vụ nhưng còn hạn chế về năng lực"}
	grades = []string{"Xuất sắc", "Giỏi", "Khá", "Trung bình khá", "Trung bình", "Đạt", "Không đạt"}
)

// personFields reads the holder, birth date of a diploma, certificate or
// form.
func personFields(d *docText, from int, fs hoso.Fields) {
	if f, ok := labelField(d, reHolder, from, 0.9, asName); ok {
		f.Confidence = round2(f.Confidence * nameConfidence(f.Value.(string)) / 0.95)
		fs["person_name"] = f
	}
	if f, ok := labelField(d, reBirthLabel, from, 0.95, asDate); ok {
		fs["birth_date"] = f
	}
}

// diplomaFields reads a diploma (bằng): level from its title, the holder,
// major, grade, institution and numbers. On a bilingual diploma only the
// Vietnamese half is read.
func diplomaFields(d *docText, ti titleInfo, fs hoso.Fields) {
	from := 0
	if ti.line >= 0 {
		from = d.lineStart[ti.line]
		if f, ok := qualificationFromTitle(d, ti.line); ok {
			fs["qualification_level"] = f
		}
		institutionFromConferral(d, ti.line, fs)
	}
	personFields(d, from, fs)
	if f, ok := labelField(d, reMajor, from, 0.9, asText); ok {
		fs["major"] = f
	}
	if f, ok := labelField(d, reGrade, from, 0.95, closedVocabulary(grades)); ok {
		fs["grade"] = f
	}
	numberFields(d, from, fs)
}

// institutionFromConferral reads "HIỆU TRƯỞNG TRƯỜNG ĐẠI HỌC ... / cấp":
// the capitals between the motto and the title, without the post.
func institutionFromConferral(d *docText, titleLine int, fs hoso.Fields) {
	col := d.lines[titleLine].Column
	var idx []int
	for i := titleLine - 1; i >= 0 && i >= titleLine-6; i-- {
		l := d.lines[i]
		if l.Column != col || l.Page != d.lines[titleLine].Page {
			continue
		}
		if strings.Contains(l.Fold, "doc lap") || strings.Contains(l.Fold, "cong hoa") {
			break
		}
		if !isUpperText(l.Text) || !hasNonASCII(l.Text) {
			continue // "cấp", or the English half
		}
		idx = append([]int{i}, idx...)
	}
	if len(idx) == 0 {
		return
	}
	var parts []string
	for _, i := range idx {
		parts = append(parts, d.lines[i].Text)
	}
	full := Clean(strings.Join(parts, " "))
	f := Fold(full)
	cut := 0
	if m := reInstAfter.FindStringIndex(f); m != nil {
		cut = len([]rune(f[:m[1]]))
	}
	inst := string([]rune(full)[cut:])
	if inst == "" {
		return
	}
	first, last := idx[0], idx[len(idx)-1]
	fs["institution"] = d.field(d.lineStart[first]+cut, d.lineStart[last]+len([]rune(d.lines[last].Text)), inst, 0.9)
}

func numberFields(d *docText, from int, fs hoso.Fields) {
	if f, ok := labelField(d, reSerial, from, 0.9, asCode); ok {
		fs["serial"] = f
	}
	if f, ok := labelField(d, reRegister, from, 0.9, asCode); ok {
		fs["register_no"] = f
	}
}

// certificateFields reads a certificate (chứng chỉ, giấy chứng nhận).
func certificateFields(d *docText, ti titleInfo, fs hoso.Fields) {
	stop := len(d.lines)
	from := 0
	if ti.line >= 0 {
		stop, from = ti.line, d.lineStart[ti.line]
	}
	if f, ok := issuerField(d, stop); ok {
		fs["institution"] = f
	}
	personFields(d, from, fs)
	if f, ok := labelField(d, reCourse, from, 0.85, asText); ok {
		fs["major"] = f
	}
	if f, ok := labelField(d, reLevel, from, 0.9, asText); ok {
		fs["qualification_level"] = f
	}
	if f, ok := labelField(d, reGrade, from, 0.95, closedVocabulary(grades)); ok {
		fs["grade"] = f
	}
	numberFields(d, from, fs)
}

// evaluationFields reads an annual evaluation form: year, person, post,
// unit and the final rating given by the competent authority (the last
// rating on the form, not the self-assessment).
func evaluationFields(d *docText, ti titleInfo, fs hoso.Fields) {
	from := 0
	if ti.line >= 0 {
		from = d.lineStart[ti.line]
		if m := d.find(reYear, from); m != nil && d.lineOf(m[0]) <= ti.line+2 {
			if y, err := ParseInt(d.group(m, 1)); err == nil && y > 1950 && y < 2100 {
				fs["year"] = d.field(m[2], m[3], y, 0.95)
			}
		}
	}
	personFields(d, from, fs)
	if f, ok := labelField(d, reEvalPost, from, 0.85, asText); ok {
		fs["position"] = f
	}
	if f, ok := labelField(d, reEvalUnit, from, 0.85, asText); ok {
		fs["person_unit"] = f
	}
	var last hoso.Field
	found := false
	rate := closedVocabulary(ratings)
	for _, m := range d.findAll(reRating, from) {
		if pre := d.fold[d.byteOf(m[2]):d.byteOf(m[3])]; strings.Contains(pre, "tu ") || strings.HasPrefix(strings.TrimLeft(pre, "0123456789. "), "tu") {
			continue // the self-assessment
		}
		if v, ok := rate(d.group(m, 2)); ok {
			last, found = d.field(m[4], m[5], v, 0.95), true
		}
	}
	if found {
		fs["rating"] = last
	}
}

// hasNonASCII reports whether s has a letter outside ASCII: Vietnamese text
// as opposed to the English half of a bilingual diploma.
func hasNonASCII(s string) bool {
	for _, r := range s {
		if r > 127 {
			return true
		}
	}
	return false
}

// qualificationLevels are the degrees a Vietnamese diploma confers, as its
// title names them ("BẰNG CỬ NHÂN", "BẰNG TỐT NGHIỆP ĐẠI HỌC").
var qualificationLevels = []string{
	"Cử nhân", "Kỹ sư", "Kiến trúc sư", "Bác sĩ", "Dược sĩ", "Thạc sĩ", "Tiến sĩ", "Tiến sĩ khoa học",
	"Đại học", "Cao đẳng", "Trung cấp", "Sơ cấp", "Trung học phổ thông", "Trung học cơ sở",
}

// qualificationFromTitle reads the degree from a diploma's title line (and
// the line under it, where spaced capitals wrapped): the words after BẰNG
// (and TỐT NGHIỆP), matched to the list of degrees with spaces and marks
// ignored, since OCR garbles both in large spaced titles.
func qualificationFromTitle(d *docText, li int) (hoso.Field, bool) {
	l := d.lines[li]
	tight := strings.ReplaceAll(l.Fold, " ", "")
	rest := strings.TrimPrefix(strings.TrimPrefix(tight, "bang"), "totnghiep")
	if rest == tight {
		return hoso.Field{}, false
	}
	next := ""
	if li+1 < len(d.lines) && d.lines[li+1].Page == l.Page && isUpperText(d.lines[li+1].Text) && d.lines[li+1].Column == l.Column {
		next = strings.ReplaceAll(d.lines[li+1].Fold, " ", "")
	}
	best, conf := "", 0.0
	for _, q := range qualificationLevels {
		fq := strings.ReplaceAll(Fold(q), " ", "")
		switch {
		case rest == fq:
			best, conf = q, 0.95
		case rest+next == fq && conf < 0.85:
			best, conf = q, 0.85
		case conf == 0 && len(rest) >= 2 && strings.HasPrefix(fq, rest):
			best, conf = q, 0.6 // a part of the title was lost
		}
	}
	if best == "" {
		return hoso.Field{}, false
	}
	return d.lineField(li, 0, len([]rune(l.Text)), best, conf), true
}
