package extract

import (
	"unicode"

	"hoso"
)

// phrases are words of the administrative language that recur in issuers,
// units, subjects and posts. OCR most often gets their marks wrong (BẠN for
// BAN, đân for dân); a run of words whose letters match one of them exactly
// takes its marks from it. Only phrases of two words or more are listed, so
// that a real word is never mistaken for another.
var phrases = []string{
	"ủy ban nhân dân", "hội đồng nhân dân", "văn phòng hđnd và ubnd", "bổ nhiệm", "bổ nhiệm lại",
	"tuyển dụng", "điều động", "biệt phái", "nâng bậc lương", "nâng lương", "chuyển ngạch", "nâng ngạch",
	"xếp lương", "phụ cấp", "thâm niên vượt khung", "công chức", "viên chức", "thường xuyên",
	"trước thời hạn", "về việc", "giữ chức vụ", "lãnh đạo, quản lý", "tiểu học", "trung học cơ sở",
	"trung học phổ thông", "mầm non", "giáo dục và đào tạo", "nội vụ", "tài chính", "y tế", "tư pháp",
	"xây dựng", "thành phố", "hải phòng", "hải dương", "đa khoa", "hữu nghị", "bệnh viện", "trung tâm",
	"văn phòng", "thanh tra", "học viện", "hành chính quốc gia", "chính trị", "trưởng phòng", "phó trưởng phòng",
	"hiệu trưởng", "phó hiệu trưởng", "giám đốc", "phó giám đốc", "chủ tịch", "phó chủ tịch",
	"chuyên viên", "chuyên viên chính", "cán sự", "nhân viên", "kế toán viên", "giáo viên", "kinh tế",
	"văn hóa - xã hội", "kiểm soát bệnh tật", "đào tạo", "bồi dưỡng",
}

type phrase struct {
	fold  []rune
	spell []rune
}

var phraseIndex = func() []phrase {
	out := make([]phrase, len(phrases))
	for i, p := range phrases {
		out[i] = phrase{fold: []rune(Fold(p)), spell: []rune(p)}
	}
	// Longer phrases first, so that "phó giám đốc" wins over "giám đốc".
	for i := range out {
		for j := i + 1; j < len(out); j++ {
			if len(out[j].fold) > len(out[i].fold) {
				out[i], out[j] = out[j], out[i]
			}
		}
	}
	return out
}()

// RestorePhrases respells the administrative phrases of s whose marks OCR
// got wrong, keeping each word's case (capitals stay capitals).
func RestorePhrases(s string) string {
	rs := []rune(s)
	fold := []rune(Fold(s))
	for i := 0; i < len(rs); {
		if i > 0 && unicode.IsLetter(fold[i-1]) {
			i++
			continue
		}
		matched := 0
		for _, p := range phraseIndex {
			n := len(p.fold)
			if i+n > len(fold) || string(fold[i:i+n]) != string(p.fold) {
				continue
			}
			if i+n < len(fold) && unicode.IsLetter(fold[i+n]) {
				continue
			}
			for k := 0; k < n; k++ {
				c := p.spell[k]
				if unicode.IsUpper(rs[i+k]) {
					c = unicode.ToUpper(c)
				}
				rs[i+k] = c
			}
			matched = n
			break
		}
		i += max(1, matched)
	}
	return string(rs)
}

// phraseFields are the text fields written in the administrative language.
var phraseFields = []string{"issuer", "institution", "subject", "person_unit", "from_unit", "to_unit", "position", "rank_name"}

// restoreFields respells the phrases of those fields, in a document's
// fields and in each person's; a changed value loses a little confidence.
func restoreFields(doc *hoso.ExtractedDocument) {
	for _, fs := range append([]hoso.Fields{doc.Fields}, doc.People...) {
		for _, k := range phraseFields {
			f, ok := fs[k]
			v, isStr := f.Value.(string)
			if !ok || !isStr {
				continue
			}
			if r := RestorePhrases(v); r != v {
				f.Value = r
				f.Confidence = round2(f.Confidence * 0.95)
				fs[k] = f
			}
		}
	}
}
