package extract

import (
	"strings"
	"testing"
	"unicode/utf8"

	"hoso"
	"image"
)

// The parsers take OCR text, which can be anything: they must never panic,
// and what they accept must have the contract's form.

func FuzzParseDate(f *testing.F) {
	for _, s := range []string{"15/7/2025", "ngày 15 tháng 7 năm 2025", "24 January 1986", "2O/O2/1979", "", "//", "99/99/9999"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		v, err := ParseDate(s)
		if err == nil && (len(v) != 10 || v[4] != '-' || v[7] != '-') {
			t.Fatalf("ParseDate(%q) = %q, not YYYY-MM-DD", s, v)
		}
	})
}

func FuzzParseCoefficient(f *testing.F) {
	for _, s := range []string{"3,33", "3.33", "10,00", "4,O5", ",", "1,"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		v, err := ParseCoefficient(s)
		if err == nil && (strings.Count(v, ".") != 1 || len(v)-strings.Index(v, ".") != 3) {
			t.Fatalf("ParseCoefficient(%q) = %q, not N.NN", s, v)
		}
	})
}

func FuzzParseRankCode(f *testing.F) {
	for _, s := range []string{"01.003", "V.07.05.15", "01003", "V07.05.15", "V...", "0"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		v, err := ParseRankCode(s)
		if err == nil && !reRankCodeShape.MatchString(v) {
			t.Fatalf("ParseRankCode(%q) = %q, not a rank code", s, v)
		}
	})
}

func FuzzNormalizeDocNumber(f *testing.F) {
	for _, s := range []string{"1234/QĐ-UBND", "1234 / QD - UBND", "/", "1/", "Số: 12/TB"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		v, err := NormalizeDocNumber(s)
		if err == nil && (!strings.Contains(v, "/") || !utf8.ValidString(v) && utf8.ValidString(s)) {
			t.Fatalf("NormalizeDocNumber(%q) = %q", s, v)
		}
	})
}

// FuzzAnalyzeText runs the whole analysis on a page of arbitrary lines.
func FuzzAnalyzeText(f *testing.F) {
	f.Add("ỦY BAN NHÂN DÂN\nSố: 12/QĐ-UBND\nQUYẾT ĐỊNH\nVề việc nâng bậc lương\nĐiều 1. Nâng bậc lương đối với ông Nguyễn Văn A, sinh ngày 01/02/1980, Chuyên viên Sở Nội vụ, như sau:\n- Từ bậc 1, hệ số 2,34 lên bậc 2, hệ số 2,67;")
	f.Add("BẰNG CỬ NHÂN\nCho: Lê Thị B\nNgày sinh: 1/1/1990\nSố hiệu: A 1")
	f.Add("STT Họ và tên Ngày sinh\n1 Trần C 01/01/1970")
	f.Fuzz(func(t *testing.T, text string) {
		if !utf8.ValidString(text) || len(text) > 4000 {
			return
		}
		var words []hoso.Word
		for li, line := range strings.Split(text, "\n") {
			x := 100
			for _, w := range strings.Fields(line) {
				n := utf8.RuneCountInString(w)
				words = append(words, hoso.Word{Text: w, Box: image.Rect(x, 100+40*li, x+20*n, 130+40*li), Confidence: 0.9, Line: li + 1})
				x += 20*n + 10
			}
		}
		docs := Analyze([]hoso.Page{{Number: 1, Width: 2000, Height: 3000, Words: words}})
		if len(docs) != 1 {
			t.Fatalf("one page gave %d documents", len(docs))
		}
	})
}
