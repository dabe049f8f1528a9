package registry

import (
	"bytes"
	"fmt"
	"math/rand"
	"testing"

	"github.com/xuri/excelize/v2"

	"hoso"
)

// syntheticStaff makes n people with Vietnamese names drawn from common
// parts, so that homonyms occur as they do in a city.
func syntheticStaff(n int) []hoso.Staff {
	rng := rand.New(rand.NewSource(1))
	surnames := []string{"Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô", "Dương", "Lý"}
	middles := []string{"Văn", "Thị", "Minh", "Thu", "Đức", "Hồng", "Quang", "Thanh", "Ngọc", "Xuân", "Hữu", "Kim"}
	givens := []string{"Hương", "Hướng", "Nam", "Lan", "Hùng", "Hưng", "Thủy", "Thúy", "Anh", "Bình", "Cường", "Dũng",
		"Giang", "Hà", "Hải", "Hạnh", "Hiếu", "Hoa", "Huyền", "Khánh", "Linh", "Long", "Mai", "Minh", "Nga", "Ngọc",
		"Phong", "Phương", "Quân", "Sơn", "Tâm", "Thắng", "Thảo", "Trang", "Trung", "Tuấn", "Tú", "Vân", "Việt", "Yến"}
	out := make([]hoso.Staff, n)
	for i := range out {
		out[i] = hoso.Staff{
			ID:        fmt.Sprintf("HP%06d", i),
			FullName:  surnames[rng.Intn(len(surnames))] + " " + middles[rng.Intn(len(middles))] + " " + givens[rng.Intn(len(givens))],
			BirthDate: fmt.Sprintf("%04d-%02d-%02d", 1960+rng.Intn(45), 1+rng.Intn(12), 1+rng.Intn(28)),
			CitizenID: fmt.Sprintf("031%09d", i),
			UnitName:  fmt.Sprintf("Đơn vị %d", rng.Intn(500)),
		}
	}
	return out
}

// BenchmarkMatch100k matches people against a registry of 100,000 staff
// (the index, not a scan): ns/op is the time of one match and decision.
func BenchmarkMatch100k(b *testing.B) {
	staff := syntheticStaff(100_000)
	r := New()
	r.Upsert(staff)
	rng := rand.New(rand.NewSource(2))
	queries := make([]Query, 1000)
	for i := range queries {
		s := staff[rng.Intn(len(staff))]
		queries[i] = Query{Name: s.FullName, BirthDate: s.BirthDate, Unit: s.UnitName}
		if i%3 == 0 {
			queries[i].Name = foldName(s.FullName) // OCR that lost every mark
		}
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		Decide(r.Match(queries[i%len(queries)]), DefaultSettings)
	}
}

// BenchmarkImportXLSX100k reads an Excel export of 100,000 staff.
func BenchmarkImportXLSX100k(b *testing.B) {
	f := excelize.NewFile()
	sw, err := f.NewStreamWriter("Sheet1")
	if err != nil {
		b.Fatal(err)
	}
	header := []any{"Mã CBCCVC", "Họ và tên", "Ngày sinh", "Giới tính", "Số CCCD", "Mã đơn vị", "Tên đơn vị", "Chức vụ", "Mã ngạch"}
	if err := sw.SetRow("A1", header); err != nil {
		b.Fatal(err)
	}
	for i, s := range syntheticStaff(100_000) {
		cellName, _ := excelize.CoordinatesToCellName(1, i+2)
		d := s.BirthDate[8:10] + "/" + s.BirthDate[5:7] + "/" + s.BirthDate[0:4]
		if err := sw.SetRow(cellName, []any{s.ID, s.FullName, d, "Nam", s.CitizenID, "HP.X", s.UnitName, "Chuyên viên", "01.003"}); err != nil {
			b.Fatal(err)
		}
	}
	if err := sw.Flush(); err != nil {
		b.Fatal(err)
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(buf.Len()))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		staff, bad, err := ReadStaff(bytes.NewReader(buf.Bytes()))
		if err != nil || len(bad) > 0 || len(staff) != 100_000 {
			b.Fatalf("%d staff, %d bad, %v", len(staff), len(bad), err)
		}
		New().Upsert(staff)
	}
}
