package extract

import (
	"image"
	"strings"
	"testing"
	"unicode/utf8"

	"hoso"
)

// pageFromText lays text out as a scanned page would be read: one row per
// line, "||" splitting a row into a left and a right column.
func pageFromText(text string) hoso.Page {
	var words []hoso.Word
	line := 0
	rows := strings.Split(strings.TrimSpace(text), "\n")
	step := 2400 / max(1, len(rows)) // rows spread over the page, as printed
	for row, l := range rows {
		for col, part := range strings.Split(l, "||") {
			line++
			x := 120 + col*900
			for _, w := range strings.Fields(part) {
				n := utf8.RuneCountInString(w)
				words = append(words, hoso.Word{Text: w, Box: image.Rect(x, 80+step*row, x+22*n, 112+step*row), Confidence: 0.95, Line: line})
				x += 22*n + 12
			}
		}
	}
	return hoso.Page{Number: 1, Width: 1800, Height: 2600, DPI: 200, Words: words}
}

func value(d hoso.ExtractedDocument, k string) any { return d.Fields[k].Value }

// TestWordingVariants checks wordings and layouts the dev corpus does not
// carry, as other issuers write them.
func TestWordingVariants(t *testing.T) {
	doc := Analyze([]hoso.Page{pageFromText(`
UBND TỈNH HẢI DƯƠNG || CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
SỞ VĂN HÓA, THỂ THAO VÀ DU LỊCH || Độc lập - Tự do - Hạnh phúc
Số: 45 / QĐ-SVHTTDL || Hải Dương, ngày 5/3/2024
QUYẾT ĐỊNH
V/v nâng lương thường xuyên cho công chức
GIÁM ĐỐC SỞ VĂN HÓA, THỂ THAO VÀ DU LỊCH
Căn cứ Nghị định số 204/2004/NĐ-CP;
QUYẾT ĐỊNH:
Điều 1. Nâng lương cho đồng chí Hoàng Minh Châu, sinh ngày 02/09/1979, chuyên viên Phòng Tổ chức - Hành chính,
ngạch Chuyên viên, mã ngạch 01.003, từ bậc 4, hệ số lương: 3,33 lên bậc 5, hệ số lương: 3,66, từ ngày 01/3/2024.
Điều 2. Quyết định có hiệu lực từ ngày ký.
Nơi nhận: || GIÁM ĐỐC
- Như Điều 2; || Trương Văn Khoa
`)})[0]
	for k, want := range map[string]any{
		"number":         "45/QĐ-SVHTTDL",
		"issuer":         "SỞ VĂN HÓA, THỂ THAO VÀ DU LỊCH",
		"issued_on":      "2024-03-05",
		"issue_place":    "Hải Dương",
		"subject":        "V/v nâng lương thường xuyên cho công chức",
		"person_name":    "Hoàng Minh Châu",
		"birth_date":     "1979-09-02",
		"rank_code":      "01.003",
		"rank_name":      "Chuyên viên",
		"step_from":      4,
		"coefficient_to": "3.66",
		"effective_date": "2024-03-01",
		"signer_title":   "GIÁM ĐỐC",
		"signer_name":    "Trương Văn Khoa",
	} {
		if got := value(doc, k); got != want {
			t.Errorf("%s = %v, want %v", k, got, want)
		}
	}
	if doc.DocType != hoso.SalaryRaiseDecision {
		t.Errorf("type %s", doc.DocType)
	}
}

func TestDiplomaVariant(t *testing.T) {
	doc := Analyze([]hoso.Page{pageFromText(`
CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc
HIỆU TRƯỞNG TRƯỜNG ĐẠI HỌC HÀNG HẢI VIỆT NAM
cấp
BẰNG KỸ SƯ
Chuyên ngành: Điều khiển tàu biển
Cho: Ông NGUYỄN VĂN BÌNH
Ngày sinh: 12/10/1990
Xếp loại tốt nghiệp: Trung bình khá
|| Hải Phòng, ngày 20 tháng 6 năm 2013
|| HIỆU TRƯỞNG
|| PGS.TS. Lương Công Nhớ
Số hiệu: HH 012345
Số vào sổ cấp bằng: 5678/ĐH
`)})[0]
	for k, want := range map[string]any{
		"qualification_level": "Kỹ sư",
		"major":               "Điều khiển tàu biển",
		"person_name":         "Nguyễn Văn Bình",
		"birth_date":          "1990-10-12",
		"grade":               "Trung bình khá",
		"institution":         "TRƯỜNG ĐẠI HỌC HÀNG HẢI VIỆT NAM",
		"issued_on":           "2013-06-20",
		"signer_name":         "Lương Công Nhớ",
		"serial":              "HH 012345",
		"register_no":         "5678/ĐH",
	} {
		if got := value(doc, k); got != want {
			t.Errorf("%s = %v, want %v", k, got, want)
		}
	}
	if doc.DocType != hoso.Diploma {
		t.Errorf("type %s", doc.DocType)
	}
}
