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

func TestDecisionVariants(t *testing.T) {
	header := `ỦY BAN NHÂN DÂN || CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
PHƯỜNG LÊ CHÂN || Độc lập - Tự do - Hạnh phúc
Số: 88/QĐ-UBND || Lê Chân, ngày 02 tháng 10 năm 2025
QUYẾT ĐỊNH
%s
CHỦ TỊCH ỦY BAN NHÂN DÂN PHƯỜNG LÊ CHÂN
Căn cứ Luật Tổ chức chính quyền địa phương ngày 16 tháng 6 năm 2025;
QUYẾT ĐỊNH:
%s
Điều 2. Quyết định này có hiệu lực kể từ ngày ký.
Nơi nhận: || TM. ỦY BAN NHÂN DÂN
- Như Điều 2; || CHỦ TỊCH
- Lưu: VT. || Bùi Thị Quỳnh Anh`
	for _, c := range []struct {
		subject, article string
		typ              hoso.DocType
		want             map[string]any
	}{
		{"Về việc điều động công chức", "Điều 1. Điều động ông Vũ Đình Khang, sinh ngày 11/11/1986, Chuyên viên Văn phòng HĐND và UBND phường, đến nhận công tác tại Phòng Kinh tế, Hạ tầng và Đô thị, kể từ ngày 15 tháng 10 năm 2025.",
			hoso.TransferDecision, map[string]any{"person_name": "Vũ Đình Khang", "birth_date": "1986-11-11", "from_unit": "Văn phòng HĐND và UBND phường", "effective_date": "2025-10-15"}},
		{"Về việc bổ nhiệm công chức lãnh đạo", "Điều 1. Bổ nhiệm bà Lò Thị Mai, sinh ngày 05/05/1982, Chuyên viên Phòng Văn hóa - Xã hội, giữ chức vụ Phó Trưởng phòng Văn hóa - Xã hội, kể từ ngày 01 tháng 11 năm 2025.",
			hoso.AppointmentDecision, map[string]any{"person_name": "Lò Thị Mai", "position": "Phó Trưởng phòng Văn hóa - Xã hội", "effective_date": "2025-11-01"}},
		{"Về việc tuyển dụng viên chức", "Điều 1. Tuyển dụng ông Đinh Công Tráng, sinh ngày 30/01/1998, số định danh cá nhân 031098001234 vào làm viên chức tại Trường Mầm non Lê Chân, kể từ ngày 01 tháng 11 năm 2025. Ông Đinh Công Tráng được xếp chức danh nghề nghiệp Giáo viên mầm non hạng III (mã số V.07.02.26), bậc 1, hệ số lương 2,10.",
			hoso.RecruitmentDecision, map[string]any{"person_name": "Đinh Công Tráng", "citizen_id": "031098001234", "person_unit": "Trường Mầm non Lê Chân", "rank_code": "V.07.02.26", "step_to": 1, "coefficient_to": "2.10"}},
		{"Về việc nâng ngạch công chức", "Điều 1. Nâng ngạch bà Hà Thu Trang, sinh ngày 19/07/1984, Chuyên viên Ủy ban nhân dân phường Lê Chân, từ ngạch Chuyên viên (mã số 01.003) lên ngạch Chuyên viên chính (mã số 01.002), kể từ ngày 01 tháng 10 năm 2025.",
			hoso.RankChangeDecision, map[string]any{"person_name": "Hà Thu Trang", "rank_code": "01.002", "rank_name": "Chuyên viên chính", "person_unit": "Ủy ban nhân dân phường Lê Chân"}},
	} {
		text := strings.Replace(strings.Replace(header, "%s", c.subject, 1), "%s", c.article, 1)
		doc := Analyze([]hoso.Page{pageFromText(text)})[0]
		if doc.DocType != c.typ {
			t.Errorf("%s: type %s, want %s", c.subject, doc.DocType, c.typ)
		}
		for k, want := range c.want {
			if got := value(doc, k); got != want {
				t.Errorf("%s: %s = %v, want %v", c.subject, k, got, want)
			}
		}
		for k, want := range map[string]any{"issuer": "ỦY BAN NHÂN DÂN PHƯỜNG LÊ CHÂN", "number": "88/QĐ-UBND", "issued_on": "2025-10-02", "signer_title": "CHỦ TỊCH", "signer_name": "Bùi Thị Quỳnh Anh"} {
			if got := value(doc, k); got != want {
				t.Errorf("%s: %s = %v, want %v", c.subject, k, got, want)
			}
		}
	}
}

func TestEvaluationAndCertificateVariants(t *testing.T) {
	eval := Analyze([]hoso.Page{pageFromText(`
CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc
PHIẾU ĐÁNH GIÁ, XẾP LOẠI CHẤT LƯỢNG CÔNG CHỨC NĂM 2023
Họ và tên: Trần Minh Đức
Chức vụ, chức danh: Chuyên viên
Cơ quan, đơn vị: Sở Xây dựng
2. Tự xếp loại chất lượng: Hoàn thành xuất sắc nhiệm vụ
Kết quả đánh giá, xếp loại chất lượng: Hoàn thành tốt nhiệm vụ
|| Hải Phòng, ngày 20 tháng 12 năm 2023
|| GIÁM ĐỐC
|| Phạm Văn Lực
`)})[0]
	for k, want := range map[string]any{"year": 2023, "person_name": "Trần Minh Đức", "position": "Chuyên viên", "person_unit": "Sở Xây dựng",
		"rating": "Hoàn thành tốt nhiệm vụ", "issued_on": "2023-12-20", "signer_name": "Phạm Văn Lực"} {
		if got := value(eval, k); got != want {
			t.Errorf("evaluation %s = %v, want %v", k, got, want)
		}
	}
	cert := Analyze([]hoso.Page{pageFromText(`
BỘ GIÁO DỤC VÀ ĐÀO TẠO || CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
TRƯỜNG ĐẠI HỌC NGOẠI NGỮ || Độc lập - Tự do - Hạnh phúc
CHỨNG CHỈ NGOẠI NGỮ
Cấp cho: Bà Nguyễn Thị Ngọc Ánh
Ngày sinh: 03/03/1993
Trình độ: B1
Xếp loại: Khá
|| Hà Nội, ngày 15 tháng 8 năm 2018
|| HIỆU TRƯỞNG
|| TS. Đỗ Tuấn Minh
Số hiệu: NN 778899
`)})[0]
	if cert.DocType != hoso.Certificate {
		t.Errorf("certificate type %s", cert.DocType)
	}
	for k, want := range map[string]any{"institution": "TRƯỜNG ĐẠI HỌC NGOẠI NGỮ", "person_name": "Nguyễn Thị Ngọc Ánh", "birth_date": "1993-03-03",
		"qualification_level": "B1", "grade": "Khá", "issue_place": "Hà Nội", "signer_name": "Đỗ Tuấn Minh", "serial": "NN 778899"} {
		if got := value(cert, k); got != want {
			t.Errorf("certificate %s = %v, want %v", k, got, want)
		}
	}
}
