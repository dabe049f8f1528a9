package registry

import (
	"bytes"
	"fmt"
	"math/rand"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"hoso"
)

const staffCSV = `staff_id,full_name,birth_date,gender,citizen_id,unit_code,unit_name,position,rank_code
HP000001,Nguyễn Thị Hương,1990-06-13,Nữ,031190000001,HP.SGDDT.TH,Trường Tiểu học An Lão,Giáo viên,V.07.03.29
HP000002,Nguyễn Thị Hướng,1990-06-13,Nữ,031190000002,HP.SGDDT.TH,Trường Tiểu học An Lão,Giáo viên,V.07.03.29
HP000003,Trần Văn Hùng,1980-10-23,Nam,,HP.SNV,Sở Nội vụ,Chuyên viên,01.003
HP000004,Trần Văn Hùng,1975-01-02,Nam,,HP.STC,Sở Tài chính,Chuyên viên,01.003
HP000005,Lê Văn Nam,1971-10-24,Nam,031071000005,HP.SNV,Sở Nội vụ,Chuyên viên,01.003
HP000006,Lê Văn Nam,1971-10-24,Nam,031071000006,HP.STC,Sở Tài chính,Chuyên viên,01.003
HP000007,Phạm Minh Tuấn,1985-03-12,Nam,,HP.SNV,Sở Nội vụ,Chuyên viên,01.003
HP000008,Vũ Thị Lan,1992-02-02,Nữ,031192000008,HP.STC,Sở Tài chính,Chuyên viên,01.003
HP000009,Đào Thu Hà,1988-08-08,Nữ,,HP.XAL,Ủy ban nhân dân xã An Lão,Chuyên viên,01.003
HP000010,Đào Thu Hà,1988-08-08,Nữ,,HP.SNV,Sở Nội vụ,Chuyên viên,01.003
`

const unitsCSV = `unit_code,unit_name,parent_code
HP,Ủy ban nhân dân thành phố Hải Phòng,
HP.SNV,Sở Nội vụ,HP
HP.STC,Sở Tài chính,HP
HP.SGDDT,Sở Giáo dục và Đào tạo,HP
HP.SGDDT.TH,Trường Tiểu học An Lão,HP.SGDDT
HP.XAL,Ủy ban nhân dân xã An Lão,HP
`

// MustRegistry builds a registry from CSV text.
func MustRegistry(tb testing.TB, staff, units string) *Registry {
	tb.Helper()
	s, bad, err := ReadStaff(strings.NewReader(staff))
	if err != nil || len(bad) > 0 {
		tb.Fatalf("staff: %v %v", err, bad)
	}
	u, bad, err := ReadUnits(strings.NewReader(units))
	if err != nil || len(bad) > 0 {
		tb.Fatalf("units: %v %v", err, bad)
	}
	r := New()
	r.Upsert(s)
	r.SetUnits(u)
	return r
}

func TestImportCSVWithBadRows(t *testing.T) {
	in := "\ufeffMã CBCCVC,Họ và tên,Ngày sinh,Giới tính,Số CCCD,Mã đơn vị,Tên đơn vị,Chức vụ,Mã ngạch\n" +
		"HP1,NGUYỄN VĂN A,15/07/1980,Nam,031080000001,HP.SNV,Sở Nội vụ,Chuyên viên,01.003\n" +
		",Thiếu Mã,01/01/1990,Nữ,,,,,\n" +
		"HP3,Lê Thị B,31/02/1990,Nữ,,,,,\n" +
		"HP4,Lê Thị C,1991-03-04,Nữ,12345,,,,\n" +
		"HP1,Trùng Mã,1992-01-01,Nam,,,,,\n" +
		"\n" +
		"HP6,Đỗ Văn D,1993-05-06,Nam,,,,,\n"
	staff, bad, err := ReadStaff(strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	if len(staff) != 2 || staff[0].FullName != "Nguyễn Văn A" || staff[0].BirthDate != "1980-07-15" || staff[1].ID != "HP6" {
		t.Errorf("good rows: %+v", staff)
	}
	wantLines := []int{3, 4, 5, 6}
	if len(bad) != len(wantLines) {
		t.Fatalf("bad rows: %v", bad)
	}
	for i, b := range bad {
		if b.Line != wantLines[i] || b.Reason == "" {
			t.Errorf("bad row %d: %v, want line %d", i, b, wantLines[i])
		}
	}
	if _, _, err := ReadStaff(strings.NewReader("a,b\n1,2\n")); hoso.ErrorCode(err) != hoso.EInvalid {
		t.Errorf("a file without the needed columns: %v", err)
	}
}

func TestImportXLSXAndReimport(t *testing.T) {
	f := excelize.NewFile()
	rows := [][]any{
		{"Mã CBCCVC", "Họ và tên", "Ngày sinh", "Số CCCD", "Tên đơn vị"},
		{"HP1", "Nguyễn Văn A", "15/07/1980", "031080000001", "Sở Nội vụ"},
		{"HP2", "Trần Thị B", "1990-01-02", "", "Sở Tài chính"},
	}
	for i, r := range rows {
		cellName, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := f.SetSheetRow("Sheet1", cellName, &r); err != nil {
			t.Fatal(err)
		}
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	staff, bad, err := ReadStaff(bytes.NewReader(buf.Bytes()))
	if err != nil || len(bad) > 0 || len(staff) != 2 || staff[0].CitizenID != "031080000001" {
		t.Fatalf("xlsx: %+v %v %v", staff, bad, err)
	}
	r := New()
	if a, u := r.Upsert(staff); a != 2 || u != 0 {
		t.Errorf("first import: %d added, %d updated", a, u)
	}
	changed := staff[1]
	changed.UnitName = "Sở Nội vụ"
	if a, u := r.Upsert([]hoso.Staff{staff[0], changed}); a != 0 || u != 1 {
		t.Errorf("re-import: %d added, %d updated", a, u)
	}
	if s, _ := r.Get("HP2"); s.UnitName != "Sở Nội vụ" || r.Len() != 2 {
		t.Errorf("after re-import: %+v, %d people", s, r.Len())
	}
	// The index follows the update.
	if c := r.Match(Query{Name: "Trần Thị B", BirthDate: "1990-01-02"}); len(c) != 1 || c[0].StaffID != "HP2" {
		t.Errorf("match after re-import: %v", c)
	}
}

func TestDecide(t *testing.T) {
	r := MustRegistry(t, staffCSV, unitsCSV)
	for _, c := range []struct {
		name string
		q    Query
		auto string   // the automatic link, or ""
		cand []string // else the candidates offered, best first (a prefix)
	}{
		{"exact name and birth", Query{Name: "Phạm Minh Tuấn", BirthDate: "1985-03-12"}, "HP000007", nil},
		{"name alone is not enough", Query{Name: "Phạm Minh Tuấn"}, "", []string{"HP000007"}},
		{"one mark differs: Hương is not Hướng", Query{Name: "Nguyễn Thị Hương", BirthDate: "1990-06-13"}, "", []string{"HP000001", "HP000002"}},
		{"Hương and Hướng told apart by citizen ID", Query{Name: "Nguyễn Thị Hương", BirthDate: "1990-06-13", CitizenID: "031190000001"}, "HP000001", nil},
		{"homonyms, different birth dates", Query{Name: "Trần Văn Hùng", BirthDate: "1980-10-23"}, "HP000003", nil},
		{"homonyms, same birth date, no separating evidence", Query{Name: "Lê Văn Nam", BirthDate: "1971-10-24"}, "", []string{"HP000005", "HP000006"}},
		{"homonyms, same birth date, unit separates", Query{Name: "Lê Văn Nam", BirthDate: "1971-10-24", Issuer: "SỞ TÀI CHÍNH"}, "HP000006", nil},
		{"homonyms, same birth date, citizen ID separates", Query{Name: "Lê Văn Nam", BirthDate: "1971-10-24", CitizenID: "031071000005"}, "HP000005", nil},
		{"OCR lost the marks of the name", Query{Name: "Pham Minh Tuan", BirthDate: "1985-03-12"}, "", []string{"HP000007"}},
		{"OCR lost marks, unit confirms", Query{Name: "Pham Minh Tuan", BirthDate: "1985-03-12", Unit: "Sở Nội vụ"}, "HP000007", nil},
		{"OCR damaged a letter of the name", Query{Name: "Phạm Mính Tuấm", BirthDate: "1985-03-12"}, "", []string{"HP000007"}},
		{"OCR damaged a digit of the birth date", Query{Name: "Phạm Minh Tuấn", BirthDate: "1985-08-12"}, "", []string{"HP000007"}},
		{"unknown person", Query{Name: "Hoàng Văn Mới", BirthDate: "2000-01-01"}, "", nil},
		{"unknown person sharing a birth date", Query{Name: "Hoàng Thị Lạ", BirthDate: "1990-06-13"}, "", nil},
		{"a conflicting citizen ID blocks", Query{Name: "Vũ Thị Lan", BirthDate: "1992-02-02", CitizenID: "099999999999"}, "", nil},
		{"a citizen ID the registry lacks is no evidence either way", Query{Name: "Phạm Minh Tuấn", BirthDate: "1985-03-12", CitizenID: "099999999999"}, "HP000007", nil},
		{"evaluation form: own unit, no birth date", Query{Name: "Phạm Minh Tuấn", Unit: "Sở Nội vụ"}, "HP000007", nil},
		{"evaluation form: homonyms in the registry", Query{Name: "Trần Văn Hùng", Unit: "Sở Nội vụ"}, "", []string{"HP000003"}},
		{"name in NFD (decomposed marks)", Query{Name: "Pha\u0323m Minh Tua\u0302\u0301n", BirthDate: "1985-03-12"}, "HP000007", nil},
		{"homonyms told apart by a pre-merger issuer of the same place", Query{Name: "Đào Thu Hà", BirthDate: "1988-08-08", Issuer: "ỦY BAN NHÂN DÂN HUYỆN AN LÃO"}, "HP000009", nil},
		{"school teacher, decision of the department above", Query{Name: "Trần Văn Hùng", BirthDate: "1980-10-23", Issuer: "SỞ GIÁO DỤC VÀ ĐÀO TẠO"}, "HP000003", nil},
	} {
		t.Run(c.name, func(t *testing.T) {
			links := Decide(r.Match(c.q), DefaultSettings)
			var auto []string
			var cands []string
			for _, l := range links {
				if l.Status == hoso.LinkAuto {
					auto = append(auto, l.StaffID)
				} else {
					cands = append(cands, l.StaffID)
				}
				if len(l.Reasons) == 0 {
					t.Errorf("link %s has no reasons", l.StaffID)
				}
			}
			if c.auto != "" && (len(auto) != 1 || auto[0] != c.auto || len(links) != 1) {
				t.Fatalf("links %+v, want automatic %s", links, c.auto)
			}
			if c.auto == "" && len(auto) > 0 {
				t.Fatalf("automatic link %v, want none (%+v)", auto, links)
			}
			for i, id := range c.cand {
				if i >= len(cands) || cands[i] != id {
					t.Fatalf("candidates %v, want %v first", cands, c.cand)
				}
			}
		})
	}
}

func TestMultiPersonLinks(t *testing.T) {
	r := MustRegistry(t, staffCSV, unitsCSV)
	doc := &hoso.ExtractedDocument{DocType: hoso.SalaryRaiseDecision, Fields: hoso.Fields{"issuer": {Value: "SỞ NỘI VỤ"}},
		People: []hoso.Fields{
			{"person_name": {Value: "Phạm Minh Tuấn"}, "birth_date": {Value: "1985-03-12"}},
			{"person_name": {Value: "Người Không Có"}, "birth_date": {Value: "1999-09-09"}},
			{"person_name": {Value: "Trần Văn Hùng"}, "birth_date": {Value: "1975-01-02"}},
		}}
	Linker{Registry: r, Settings: DefaultSettings}.Link(doc)
	got := map[int][]string{}
	for _, l := range doc.Links {
		if l.Person == nil {
			t.Fatalf("link without person: %+v", l)
		}
		got[*l.Person] = append(got[*l.Person], l.StaffID+":"+l.Status)
	}
	if fmt.Sprint(got[0]) != "[HP000007:auto]" || len(got[1]) != 0 || fmt.Sprint(got[2]) != "[HP000004:auto]" {
		t.Errorf("links by person: %v", got)
	}
}

// TestHomonymsNeverAutoLinked is a property: for random registries holding
// two people identical in name and birth date, a query that matches both
// and carries nothing that tells them apart is never linked automatically.
func TestHomonymsNeverAutoLinked(t *testing.T) {
	rng := rand.New(rand.NewSource(7))
	surnames := []string{"Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng"}
	middles := []string{"Văn", "Thị", "Minh", "Thu", "Đức", "Hồng"}
	givens := []string{"Hương", "Hướng", "Nam", "Lan", "Hùng", "Hưng", "Thủy", "Thúy"}
	for trial := 0; trial < 300; trial++ {
		r := New()
		var staff []hoso.Staff
		for i := 0; i < 40; i++ {
			staff = append(staff, hoso.Staff{
				ID:        fmt.Sprintf("X%03d", i),
				FullName:  surnames[rng.Intn(len(surnames))] + " " + middles[rng.Intn(len(middles))] + " " + givens[rng.Intn(len(givens))],
				BirthDate: fmt.Sprintf("19%02d-%02d-%02d", 60+rng.Intn(40), 1+rng.Intn(12), 1+rng.Intn(28)),
				UnitName:  []string{"Sở Nội vụ", "Sở Tài chính"}[rng.Intn(2)],
			})
		}
		twin := staff[rng.Intn(len(staff))]
		twin.ID = "TWIN"
		staff = append(staff, twin)
		r.Upsert(staff)
		q := Query{Name: twin.FullName, BirthDate: twin.BirthDate}
		if rng.Intn(2) == 0 {
			q.Issuer = "ỦY BAN NHÂN DÂN THÀNH PHỐ HẢI PHÒNG" // names no unit of either
		}
		for _, l := range Decide(r.Match(q), DefaultSettings) {
			if l.Status == hoso.LinkAuto {
				t.Fatalf("trial %d: %q born %s auto-linked to %s although two people share both", trial, q.Name, q.BirthDate, l.StaffID)
			}
		}
	}
}
