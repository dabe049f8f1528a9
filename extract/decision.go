package extract

import (
	"regexp"
	"strings"
	"unicode"

	"hoso"
)

// Patterns over folded text ("ông" -> "ong"); OCR digit confusions are
// allowed where a number must stand.
const (
	dig     = `[0-9oil|]`
	datePat = dig + `{1,2}\s*[/.\-]\s*` + dig + `{1,2}\s*[/.\-]\s*` + dig + `{4}|` + dig + `{1,2}\s*thang\s*` + dig + `{1,2}\s*,?\s*nam\s*` + dig + `{4}`
	coefPat = dig + `{1,2}\s*[,./]\s*` + dig + `{2}`
)

var (
	reArticle3    = regexp.MustCompile(`(?m)^dieu\s*[3-9]\s*[.:]`)
	rePersonSinh  = regexp.MustCompile(`\b(ong|ba|dong\s*chi|d/c)\s+([^\s,;:()]+(?:\s+[^\s,;:()]+){1,5}?)\s*,?\s*(?:sinh\s*(?:ngay|nam))`)
	rePersonOnly  = regexp.MustCompile(`\b(ong|ba|dong\s*chi|d/c)\s+([^\s,;:()]+(?:\s+[^\s,;:()]+){1,5}?)\s*[,;]`)
	reBirth       = regexp.MustCompile(`(?:sinh\s*ngay|ngay\s*sinh)\s*:?\s*(` + datePat + `)`)
	reCitizen     = regexp.MustCompile(`(?:dinh\s*danh\s*ca\s*nhan|can\s*cuoc(?:\s*cong\s*dan)?|cccd)\s*(?:so)?\s*:?\s*(` + dig + `(?:\s?` + dig + `){11})\b`)
	reEffective   = regexp.MustCompile(`(?:ke\s*)?tu\s*ngay\s*(` + datePat + `)`)
	reRank        = regexp.MustCompile(`(ngach|chuc\s*danh\s*nghe\s*nghiep)\s+([^():;,]{2,80}?)\s*(?:\(\s*|,\s*)ma\s*(?:so|ngach)\s*:?\s*([v0-9oil|][0-9oil|.,]{3,10}[0-9a-z])\s*\)?`)
	reStepsFromTo = regexp.MustCompile(`tu\s*bac\s*(` + dig + `{1,2})\s*(?:/\s*\d+)?\s*[,;]?\s*he\s*so\s*(?:luong\s*)?:?\s*(` + coefPat + `)\s*[,;]?\s*len\s*bac\s*(` + dig + `{1,2})\s*(?:/\s*\d+)?\s*[,;]?\s*he\s*so\s*(?:luong\s*)?:?\s*(` + coefPat + `)`)
	reStepsNew    = regexp.MustCompile(`xep\s*luong\s*:?\s*bac\s*(` + dig + `{1,2})\s*[,;]?\s*he\s*so\s*(?:luong\s*)?:?\s*(` + coefPat + `)`)
	reStepsOld    = regexp.MustCompile(`he\s*so\s*luong\s*cu\s*:?\s*bac\s*(` + dig + `{1,2})\s*[,;]?\s*he\s*so\s*(?:luong\s*)?:?\s*(` + coefPat + `)`)
	reStepsAny    = regexp.MustCompile(`bac\s*(` + dig + `{1,2})\s*[,;]?\s*he\s*so\s*(?:luong\s*)?:?\s*(` + coefPat + `)`)
	rePercentTo   = regexp.MustCompile(`len\s*(` + dig + `{1,2})\s*%`)
	rePercent     = regexp.MustCompile(`vuot\s*khung\s*(?:la\s*)?(` + dig + `{1,2})\s*%`)
	rePosition    = regexp.MustCompile(`(?s)giu\s*chuc\s*vu\s+(.+?)\s*(?:,|\.|;|\bke\s*tu\b|\bnhiem\s*ky\b|\bthoi\s*han\b)`)
	reToUnit      = regexp.MustCompile(`(?s)den\s*(?:lam\s*viec|nhan\s*cong\s*tac|cong\s*tac|nhan\s*nhiem\s*vu)\s*tai\s+(.+?)\s*(?:,|\.|;|\btrong\s*thoi\s*han\b|\bke\s*tu\b)`)
	reRecruitUnit = regexp.MustCompile(`(?s)vao\s*lam\s*(?:cong\s*chuc|vien\s*chuc|viec|nhan\s*vien)?\s*(?:tai|o)\s+(.+?)\s*(?:,|\.|;|\bke\s*tu\b)`)
	reAfterBirth  = regexp.MustCompile(`(?s)^\s*,\s*(.+?)\s*(?:,|\.|;|\bnhu\s*sau\b|\bvao\s*lam\b|\bso\s*dinh\s*danh\b)`)
)

// decisionFields reads the person and the change a decision makes from its
// articles.
func decisionFields(d *docText, t hoso.DocType, fs hoso.Fields) {
	a1 := d.find(reArticle1, 0)
	if a1 == nil {
		return
	}
	from := a1[0]
	end := len(d.flow)
	if a3 := d.find(reArticle3, a1[1]); a3 != nil {
		end = a3[0]
	}
	scope := func(m match) bool { return m != nil && m[0] < end }

	// The person: "ông/bà <Name>, sinh ngày <date>, <job> <unit>, ..."
	m := d.find(rePersonSinh, from)
	if !scope(m) {
		m = d.find(rePersonOnly, from)
	}
	afterPerson := from
	if scope(m) {
		name := d.group(m, 2)
		if looksLikeName(name) {
			fs["person_name"] = d.field(m[4], m[5], TitleCase(name), nameConfidence(name))
		}
		afterPerson = m[5]
	}
	if b := d.find(reBirth, afterPerson); scope(b) {
		if v, err := ParseDate(d.group(b, 1)); err == nil {
			fs["birth_date"] = d.field(b[2], b[3], v, 0.95)
		}
		afterPerson = b[3]
		// What follows the birth date is the person's post and unit.
		if pm := d.findFrom(reAfterBirth, afterPerson, 200); pm != nil {
			seg := d.group(pm, 1)
			if !strings.HasPrefix(Fold(seg), "giu chuc vu") && !strings.HasPrefix(Fold(seg), "so ") {
				if _, unit, off := splitPostUnit(seg); unit != "" {
					key := "person_unit"
					if t == hoso.TransferDecision {
						key = "from_unit"
					}
					fs[key] = d.field(pm[2]+off, pm[3], unit, 0.85)
				}
			}
		}
	}
	if c := d.find(reCitizen, from); scope(c) {
		if v, err := ParseCitizenID(d.group(c, 1)); err == nil {
			fs["citizen_id"] = d.field(c[2], c[3], v, 0.95)
		}
	}
	if e := d.find(reEffective, from); scope(e) {
		if v, err := ParseDate(d.group(e, 1)); err == nil {
			fs["effective_date"] = d.field(e[2], e[3], v, 0.9)
		}
	}
	switch t {
	case hoso.AppointmentDecision:
		if p := d.find(rePosition, from); scope(p) {
			post, unit, off := splitPostUnit(d.group(p, 1))
			if post != "" {
				fs["position"] = d.field(p[2], p[2]+len([]rune(post)), post, 0.85)
			}
			if unit != "" && fs["person_unit"].Value == nil {
				fs["person_unit"] = d.field(p[2]+off, p[3], unit, 0.85)
			}
		}
	case hoso.TransferDecision:
		if u := d.find(reToUnit, from); scope(u) {
			fs["to_unit"] = d.field(u[2], u[3], d.group(u, 1), 0.85)
		}
	case hoso.RecruitmentDecision:
		if u := d.find(reRecruitUnit, from); scope(u) {
			fs["person_unit"] = d.field(u[2], u[3], d.group(u, 1), 0.85)
		}
	}
	if t == hoso.SalaryRaiseDecision || t == hoso.RankChangeDecision || t == hoso.RecruitmentDecision || t == hoso.AllowanceDecision {
		rankFields(d, from, end, fs)
	}
	if t != hoso.AllowanceDecision {
		stepFields(d, from, end, fs)
	} else {
		if p := d.find(rePercentTo, from); scope(p) {
			percentField(d, p, fs)
		} else if p := d.find(rePercent, from); scope(p) {
			percentField(d, p, fs)
		}
	}
}

func percentField(d *docText, m match, fs hoso.Fields) {
	if n, err := ParseInt(d.group(m, 1)); err == nil && n > 0 && n <= 100 {
		fs["allowance_percent"] = d.field(m[2], m[3], itoa(n), 0.9)
	}
}

// findFrom is find limited to a window of n runes after from.
func (d *docText) findFrom(re *regexp.Regexp, from, n int) match {
	m := d.find(re, from)
	if m == nil || m[0] != from && m[0] > from+n {
		return nil
	}
	return m
}

// rankFields reads "ngạch <name> (mã số <code>)" or "chức danh nghề nghiệp
// <name> (mã số <code>)": the rank after the decision, which is the one
// after "sang" when the decision moves the person from one rank to another.
func rankFields(d *docText, from, end int, fs hoso.Fields) {
	var pick match
	for _, m := range d.findAll(reRank, from) {
		if m[0] >= end {
			break
		}
		pick = m
		before := d.fold[d.byteOf(max(0, m[0]-8)):d.byteOf(m[0])]
		if !strings.Contains(before, "tu ") || strings.Contains(before, "sang") {
			if strings.Contains(before, "sang") {
				break
			}
			// Keep looking for a "sang ngạch" further on, else keep the first.
			if next := d.findAll(reRank, m[1]); len(next) > 0 && next[0][0] < end &&
				strings.Contains(d.fold[d.byteOf(max(0, next[0][0]-8)):d.byteOf(next[0][0])], "sang") {
				continue
			}
			break
		}
	}
	if pick == nil {
		return
	}
	name := d.group(pick, 2)
	code, err := ParseRankCode(d.group(pick, 3))
	if err == nil {
		conf := 0.9
		if knownRank(code) {
			conf = 0.97
		}
		fs["rank_code"] = d.field(pick[6], pick[7], code, conf)
	}
	if name != "" {
		fs["rank_name"] = d.field(pick[4], pick[5], upperFirst(name), 0.9)
	}
}

// stepFields reads the salary steps and coefficients before and after.
func stepFields(d *docText, from, end int, fs hoso.Fields) {
	put := func(key string, m match, g int, isCoef bool) {
		raw := d.group(m, g)
		if isCoef {
			if v, err := ParseCoefficient(raw); err == nil {
				fs[key] = d.field(m[2*g], m[2*g+1], v, 0.92)
			}
			return
		}
		if n, err := ParseInt(raw); err == nil && n >= 1 && n <= 20 {
			fs[key] = d.field(m[2*g], m[2*g+1], n, 0.92)
		}
	}
	if m := d.find(reStepsFromTo, from); m != nil && m[0] < end {
		put("step_from", m, 1, false)
		put("coefficient_from", m, 2, true)
		put("step_to", m, 3, false)
		put("coefficient_to", m, 4, true)
		return
	}
	if m := d.find(reStepsNew, from); m != nil && m[0] < end {
		put("step_to", m, 1, false)
		put("coefficient_to", m, 2, true)
		if o := d.find(reStepsOld, from); o != nil && o[0] < end {
			put("step_from", o, 1, false)
			put("coefficient_from", o, 2, true)
		}
		return
	}
	if m := d.find(reStepsAny, from); m != nil && m[0] < end {
		put("step_to", m, 1, false)
		put("coefficient_to", m, 2, true)
	}
}

// unitWords open the name of a unit inside a sentence ("Giáo viên Trường
// THPT Ngô Quyền"): the post comes before, the unit from there on.
var unitWords = []string{
	"truong", "so", "uy ban", "ubnd", "benh vien", "trung tam", "van phong", "thanh tra", "phong", "ban",
	"hoc vien", "vien", "chi cuc", "cuc", "kho bac", "dai", "bao", "hoi", "dang uy", "cong an", "bao hiem",
	"khoa", "thu vien", "bao tang", "nha hat", "nha van hoa", "quy", "cang vu", "chi nhanh", "tram", "doi",
	"hoi dong", "toa an", "lien doan", "mat tran", "tinh uy", "thanh uy", "hdnd",
}

// splitPostUnit cuts "<post> <unit>" where the unit's first word is a
// capitalized unit word; off is the rune offset of the unit in s.
func splitPostUnit(s string) (post, unit string, off int) {
	words := strings.Fields(s)
	pos := 0
	for i, w := range words {
		if i > 0 {
			pos++ // the space
		}
		rs := []rune(w)
		if !unicode.IsUpper(rs[0]) {
			pos += len(rs)
			continue
		}
		// "Trưởng" (head of) folds like "Trường" (school): it opens a post.
		if strings.HasPrefix(strings.ToLower(w), "trưởng") {
			pos += len(rs)
			continue
		}
		rest := Fold(strings.Join(words[i:], " ")) + " "
		for _, u := range unitWords {
			if strings.HasPrefix(rest, u+" ") {
				return strings.TrimSpace(strings.Join(words[:i], " ")), strings.Join(words[i:], " "), pos
			}
		}
		pos += len(rs)
	}
	return s, "", 0
}

func upperFirst(s string) string {
	rs := []rune(Clean(s))
	if len(rs) > 0 {
		rs[0] = unicode.ToUpper(rs[0])
	}
	return string(rs)
}
