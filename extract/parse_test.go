package extract

import (
	"testing"
)

func TestParseDate(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"15/7/2025", "2025-07-15"},
		{"01/05/1973", "1973-05-01"},
		{"1.5.2025", "2025-05-01"},
		{"15 - 07 - 2025", "2025-07-15"},
		{"ngày 15 tháng 7 năm 2025", "2025-07-15"},
		{"ngay 03 thang 11 nam 2025", "2025-11-03"},
		{"15 tháng 7, năm 2025", "2025-07-15"},
		{"24 January 1986", "1986-01-24"},
		{"2O/O2/1979", "1979-02-20"}, // O read for 0
		{"l4/07/1989", "1989-07-14"}, // l read for 1
		{"ngày 2l tháng 3 năm 2022", "2022-03-21"},
		{"13/06/1990.", "1990-06-13"},
	} {
		got, err := ParseDate(c.in)
		if err != nil || got != c.want {
			t.Errorf("ParseDate(%q) = %q, %v; want %q", c.in, got, err, c.want)
		}
	}
	for _, bad := range []string{"", "31/02/2020", "2020", "ab/cd/efgh", "15/13/2020", "32/01/2020", "1/1/1800"} {
		if got, err := ParseDate(bad); err == nil {
			t.Errorf("ParseDate(%q) = %q, want an error", bad, got)
		}
	}
}

func TestParseCoefficient(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"3,33", "3.33"}, {"3.33", "3.33"}, {"2,34", "2.34"}, {"10,00", "10.00"}, {"3 , 00", "3.00"}, {"4,O5", "4.05"},
	} {
		got, err := ParseCoefficient(c.in)
		if err != nil || got != c.want {
			t.Errorf("ParseCoefficient(%q) = %q, %v; want %q", c.in, got, err, c.want)
		}
	}
	for _, bad := range []string{"", "333", "3,3", "a,bc", "0,50", "99,00"} {
		if got, err := ParseCoefficient(bad); err == nil {
			t.Errorf("ParseCoefficient(%q) = %q, want an error", bad, got)
		}
	}
}

func TestParseRankCode(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"01.003", "01.003"}, {"01003", "01.003"}, {"01,003", "01.003"}, {"O1.OO3", "01.003"},
		{"V.07.05.15", "V.07.05.15"}, {"V07.05.15", "V.07.05.15"}, {"V.07.0515", "V.07.05.15"}, {"06.031", "06.031"},
	} {
		got, err := ParseRankCode(c.in)
		if err != nil || got != c.want {
			t.Errorf("ParseRankCode(%q) = %q, %v; want %q", c.in, got, err, c.want)
		}
	}
	for _, bad := range []string{"", "1.003", "V.7.5.15", "chuyên viên"} {
		if got, err := ParseRankCode(bad); err == nil {
			t.Errorf("ParseRankCode(%q) = %q, want an error", bad, got)
		}
	}
}

func TestNormalizeDocNumber(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"1234/QĐ-UBND", "1234/QĐ-UBND"},
		{"1234 / QĐ - UBND", "1234/QĐ-UBND"},
		{"1234/QD-UBND", "1234/QĐ-UBND"},
		{"567/SNV-CCVC.", "567/SNV-CCVC"},
		{"l23/QĐ-SYT", "123/QĐ-SYT"},
		{"3770/STC-TCCB", "3770/STC-TCCB"},
	} {
		got, err := NormalizeDocNumber(c.in)
		if err != nil || got != c.want {
			t.Errorf("NormalizeDocNumber(%q) = %q, %v; want %q", c.in, got, err, c.want)
		}
	}
	if _, err := NormalizeDocNumber("QĐ-UBND"); err == nil {
		t.Error("a number without digits must be refused")
	}
}

func TestParseCitizenID(t *testing.T) {
	if got, err := ParseCitizenID("031085486486"); err != nil || got != "031085486486" {
		t.Errorf("got %q, %v", got, err)
	}
	if got, err := ParseCitizenID("O31085486486"); err != nil || got != "031085486486" {
		t.Errorf("O for 0: got %q, %v", got, err)
	}
	for _, bad := range []string{"03108548648", "0310854864861", "abc"} {
		if _, err := ParseCitizenID(bad); err == nil {
			t.Errorf("ParseCitizenID(%q) accepted", bad)
		}
	}
}

func TestFoldKeepsRuneCount(t *testing.T) {
	for _, s := range []string{"Nguyễn Văn Hùng", "ĐỘC LẬP - TỰ DO - HẠNH PHÚC", "Quyết định số 12/QĐ-UBND", "Ð ð"} {
		if len([]rune(Fold(s))) != len([]rune(s)) {
			t.Errorf("Fold(%q) = %q changes the rune count", s, Fold(s))
		}
	}
	if got := Fold("Quyết Định ĐỘC LẬP"); got != "quyet dinh doc lap" {
		t.Errorf("Fold = %q", got)
	}
}

func TestCleanAndCase(t *testing.T) {
	// NFD input (decomposed accents) comes out NFC with single spaces.
	if got := Clean("Nguye\u0302\u0303n   Va\u0306n\tHu\u0300ng "); got != "Nguyễn Văn Hùng" {
		t.Errorf("Clean = %q", got)
	}
	if got := TitleCase("NGUYỄN VĂN HÙNG"); got != "Nguyễn Văn Hùng" {
		t.Errorf("TitleCase = %q", got)
	}
	if got := SentenceCase("CỬ NHÂN"); got != "Cử nhân" {
		t.Errorf("SentenceCase = %q", got)
	}
}

func TestLabelsUnderOCRNoise(t *testing.T) {
	for _, c := range []struct {
		text, phrase string
		want         bool
	}{
		{"CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "cong hoa xa hoi chu nghia", true},
		{"CONG HOA XA HOL CHU NGHIA VIET NAM", "cong hoa xa hoi chu nghia", true}, // lost accents, I for l
		{"CỘNG HÒA XÃ HỘI CHỦ NGHỈA VIỆT NAM", "cong hoa xa hoi chu nghia", true},
		{"Kèm theo Quyết đỉnh số 12", "kem theo quyet dinh", true},
		{"Theo đề nghị của Trưởng phòng", "cong hoa xa hoi chu nghia", false},
	} {
		if got := fuzzyHas(Fold(c.text), c.phrase); got != c.want {
			t.Errorf("fuzzyHas(%q, %q) = %v", c.text, c.phrase, got)
		}
	}
	rate := closedVocabulary(ratings)
	for in, want := range map[string]string{
		"Hoàn thành tốt nhiệm vụ":   "Hoàn thành tốt nhiệm vụ",
		"Hoan thanh tot nhiem vu":   "Hoàn thành tốt nhiệm vụ",
		"Hoàn thành tôt nhiệm vụ.":  "Hoàn thành tốt nhiệm vụ",
		"Không hoàn thành nhiệm vu": "Không hoàn thành nhiệm vụ",
		"Hoàn thành nhiệm vụ":       "Hoàn thành nhiệm vụ",
	} {
		if got, ok := rate(in); !ok || got != want {
			t.Errorf("rating %q = %v, want %q", in, got, want)
		}
	}
	if got, ok := rate("Đề nghị khen thưởng"); ok {
		t.Errorf("rating of an unrelated phrase = %v", got)
	}
}

func TestSplitPostUnit(t *testing.T) {
	for _, c := range []struct{ in, post, unit string }{
		{"Giáo viên Trường THPT Ngô Quyền", "Giáo viên", "Trường THPT Ngô Quyền"},
		{"Phó Trưởng phòng Xây dựng và kiểm tra văn bản Sở Tư pháp", "Phó Trưởng phòng Xây dựng và kiểm tra văn bản", "Sở Tư pháp"},
		{"Chuyên viên Văn phòng Ủy ban nhân dân thành phố", "Chuyên viên", "Văn phòng Ủy ban nhân dân thành phố"},
		{"Phó Trưởng phòng Kinh tế Ủy ban nhân dân phường Hải Dương", "Phó Trưởng phòng Kinh tế", "Ủy ban nhân dân phường Hải Dương"},
		{"Sở Giáo dục và Đào tạo", "", "Sở Giáo dục và Đào tạo"},
		{"Phó Hiệu trưởng", "Phó Hiệu trưởng", ""},
	} {
		post, unit, _ := splitPostUnit(c.in)
		if post != c.post || unit != c.unit {
			t.Errorf("splitPostUnit(%q) = %q, %q; want %q, %q", c.in, post, unit, c.post, c.unit)
		}
	}
}

func TestLadders(t *testing.T) {
	for _, c := range []struct {
		code string
		step int
		want string
	}{
		{"01.003", 1, "2.34"}, {"01.003", 9, "4.98"}, {"01.002", 8, "6.78"}, {"01.004", 7, "3.96"},
		{"01.005", 2, "2.06"}, {"06.032", 2, "2.41"}, {"V.07.03.29", 3, "3.00"},
	} {
		if got, ok := ladderCoefficient(c.code, c.step); !ok || got != c.want {
			t.Errorf("ladderCoefficient(%s, %d) = %q, %v; want %q", c.code, c.step, got, ok, c.want)
		}
	}
	if _, ok := ladderCoefficient("01.003", 10); ok {
		t.Error("step 10 of A1 does not exist")
	}
	if !onAnyLadder("3.65", 6) || onAnyLadder("3.64", 6) {
		t.Error("onAnyLadder misjudges A0 step 6")
	}
}

func TestNames(t *testing.T) {
	for in, want := range map[string]string{
		"Bà Vũ Thị Châm":           "Vũ Thị Châm",
		"Ông (bà) NGUYỄN VĂN HÙNG": "Nguyễn Văn Hùng",
		"Đồ Xuân Hưng":             "Đỗ Xuân Hưng", // a surname differing only by its marks is restored
		"Nguýễn Thị Lan":           "Nguyễn Thị Lan",
		"Lê Thị Thu Trang.":        "Lê Thị Thu Trang",
	} {
		got, ok := asName(in)
		if !ok || got != want {
			t.Errorf("asName(%q) = %v, %v; want %q", in, got, ok, want)
		}
	}
	for _, bad := range []string{"", "Giám đốc", "12/05/1980", "nguyễn văn a", "A"} {
		if got, ok := asName(bad); ok {
			t.Errorf("asName(%q) = %v, want no name", bad, got)
		}
	}
	if nameConfidence("Nguyễn Văn A") <= nameConfidence("Xyz Văn A") {
		t.Error("a known surname must raise the confidence")
	}
}

func TestRestorePhrases(t *testing.T) {
	for in, want := range map[string]string{
		"ỦY BẠN NHÂN DÂN PHƯỜNG NGÔ QUYỀN":   "ỦY BAN NHÂN DÂN PHƯỜNG NGÔ QUYỀN",
		"Ủy ban nhân đân phường Thành Đông":  "Ủy ban nhân dân phường Thành Đông",
		"Về việc bố nhiệm ông Trần Văn Hùng": "Về việc bổ nhiệm ông Trần Văn Hùng",
		"Về việc tuyến dụng công chức":       "Về việc tuyển dụng công chức",
		"PHO GIAM ĐỐC":           "PHÓ GIÁM ĐỐC",
		"Trường Tiểu học An Lão": "Trường Tiểu học An Lão", // names are left alone
		"bổ":                     "bổ",                     // single words are never respelled
	} {
		if got := RestorePhrases(in); got != want {
			t.Errorf("RestorePhrases(%q) = %q, want %q", in, got, want)
		}
	}
}
