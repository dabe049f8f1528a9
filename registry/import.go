// Package registry imports the staff registry and the unit tree, and
// matches the person a document names to registry entries. Matching is pure:
// values in, scored candidates out.
package registry

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/xuri/excelize/v2"

	"hoso"
	"hoso/extract"
)

// RowError reports a row that could not be imported, by its line number in
// the file (the header is line 1).
type RowError struct {
	Line   int    `json:"line"`
	Reason string `json:"reason"`
}

func (e RowError) Error() string { return fmt.Sprintf("line %d: %s", e.Line, e.Reason) }

// staffColumns maps the header names an export may carry, folded (no
// marks, lower case), to the Staff fields: the English names of the design
// and the Vietnamese ones of HR systems.
var staffColumns = map[string]string{
	"staff_id": "id", "ma cbccvc": "id", "ma can bo": "id", "ma nhan su": "id", "ma so": "id",
	"full_name": "name", "ho va ten": "name", "ho ten": "name",
	"birth_date": "birth", "ngay sinh": "birth", "ngay thang nam sinh": "birth",
	"gender": "gender", "gioi tinh": "gender",
	"citizen_id": "citizen", "so cccd": "citizen", "so dinh danh": "citizen", "so dinh danh ca nhan": "citizen", "cccd": "citizen",
	"unit_code": "unit", "ma don vi": "unit",
	"unit_name": "unitname", "ten don vi": "unitname", "don vi": "unitname", "don vi cong tac": "unitname",
	"position": "position", "chuc vu": "position", "chuc danh": "position",
	"rank_code": "rank", "ma ngach": "rank", "ma ngach, chuc danh": "rank", "ma chuc danh nghe nghiep": "rank",
}

var unitColumns = map[string]string{
	"unit_code": "code", "ma don vi": "code",
	"unit_name": "name", "ten don vi": "name",
	"parent_code": "parent", "ma don vi cap tren": "parent", "don vi cap tren": "parent", "ma cap tren": "parent",
}

// Table is rows of cells with the header first, from CSV or XLSX.
type Table [][]string

// ReadCSV reads a UTF-8 CSV file (a byte-order mark is allowed).
func ReadCSV(r io.Reader) (Table, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	cr.LazyQuotes = true
	rows, err := cr.ReadAll()
	if err != nil {
		return nil, hoso.WrapError(hoso.EInvalid, "the CSV file cannot be read", err)
	}
	if len(rows) > 0 && len(rows[0]) > 0 {
		rows[0][0] = strings.TrimPrefix(rows[0][0], "\ufeff")
	}
	return rows, nil
}

// ReadXLSX reads the first sheet of an Excel workbook.
func ReadXLSX(r io.Reader) (Table, error) {
	f, err := excelize.OpenReader(r)
	if err != nil {
		return nil, hoso.WrapError(hoso.EInvalid, "the XLSX file cannot be read", err)
	}
	defer f.Close()
	sheets := f.GetSheetList()
	if len(sheets) == 0 {
		return nil, hoso.Errorf(hoso.EInvalid, "the XLSX file has no sheet")
	}
	rows, err := f.Rows(sheets[0])
	if err != nil {
		return nil, hoso.WrapError(hoso.EInvalid, "the XLSX sheet cannot be read", err)
	}
	defer rows.Close()
	var t Table
	for rows.Next() {
		cols, err := rows.Columns()
		if err != nil {
			return nil, hoso.WrapError(hoso.EInvalid, "the XLSX sheet cannot be read", err)
		}
		t = append(t, cols)
	}
	return t, rows.Error()
}

// columnIndex maps the header's columns to field names.
func columnIndex(header []string, names map[string]string, required ...string) (map[string]int, error) {
	idx := map[string]int{}
	for i, h := range header {
		key := strings.Join(strings.Fields(extract.Fold(extract.Clean(h))), " ")
		key = strings.Trim(key, " :*")
		if f, ok := names[key]; ok {
			if _, dup := idx[f]; !dup {
				idx[f] = i
			}
		}
	}
	var missing []string
	for _, r := range required {
		if _, ok := idx[r]; !ok {
			missing = append(missing, r)
		}
	}
	if len(missing) > 0 {
		return nil, hoso.Errorf(hoso.EInvalid, "the header lacks the columns %s", strings.Join(missing, ", "))
	}
	return idx, nil
}

func cell(row []string, idx map[string]int, f string) string {
	i, ok := idx[f]
	if !ok || i >= len(row) {
		return ""
	}
	return extract.Clean(row[i])
}

// ParseStaff turns a Table into staff. Bad rows are reported with their
// line numbers and reasons; the good rows are returned all the same.
func ParseStaff(t Table) ([]hoso.Staff, []RowError, error) {
	if len(t) == 0 {
		return nil, nil, hoso.Errorf(hoso.EInvalid, "the file is empty")
	}
	idx, err := columnIndex(t[0], staffColumns, "id", "name", "birth")
	if err != nil {
		return nil, nil, err
	}
	var out []hoso.Staff
	var bad []RowError
	seen := map[string]int{}
	for i, row := range t[1:] {
		line := i + 2
		if blank(row) {
			continue
		}
		s := hoso.Staff{
			ID: cell(row, idx, "id"), FullName: extract.TitleCase(cell(row, idx, "name")),
			Gender: cell(row, idx, "gender"), UnitCode: cell(row, idx, "unit"), UnitName: cell(row, idx, "unitname"),
			Position: cell(row, idx, "position"), RankCode: cell(row, idx, "rank"),
		}
		var reasons []string
		if s.ID == "" {
			reasons = append(reasons, "no staff ID")
		}
		if s.FullName == "" {
			reasons = append(reasons, "no name")
		}
		if b := cell(row, idx, "birth"); b != "" {
			if d, err := parseRegistryDate(b); err != nil {
				reasons = append(reasons, fmt.Sprintf("birth date %q is not a date", b))
			} else {
				s.BirthDate = d
			}
		} else {
			reasons = append(reasons, "no birth date")
		}
		if c := strings.ReplaceAll(cell(row, idx, "citizen"), " ", ""); c != "" {
			if id, err := extract.ParseCitizenID(c); err != nil || id != c {
				reasons = append(reasons, fmt.Sprintf("citizen ID %q is not 12 digits", c))
			} else {
				s.CitizenID = id
			}
		}
		if first, dup := seen[s.ID]; dup && s.ID != "" {
			reasons = append(reasons, fmt.Sprintf("staff ID %s already on line %d", s.ID, first))
		}
		if len(reasons) > 0 {
			bad = append(bad, RowError{Line: line, Reason: strings.Join(reasons, "; ")})
			continue
		}
		seen[s.ID] = line
		out = append(out, s)
	}
	return out, bad, nil
}

// ParseUnits turns a Table into units.
func ParseUnits(t Table) ([]hoso.Unit, []RowError, error) {
	if len(t) == 0 {
		return nil, nil, hoso.Errorf(hoso.EInvalid, "the file is empty")
	}
	idx, err := columnIndex(t[0], unitColumns, "code", "name")
	if err != nil {
		return nil, nil, err
	}
	var out []hoso.Unit
	var bad []RowError
	for i, row := range t[1:] {
		if blank(row) {
			continue
		}
		u := hoso.Unit{Code: cell(row, idx, "code"), Name: cell(row, idx, "name"), ParentCode: cell(row, idx, "parent")}
		if u.Code == "" || u.Name == "" {
			bad = append(bad, RowError{Line: i + 2, Reason: "a unit needs a code and a name"})
			continue
		}
		out = append(out, u)
	}
	return out, bad, nil
}

func blank(row []string) bool {
	for _, c := range row {
		if strings.TrimSpace(c) != "" {
			return false
		}
	}
	return true
}

// parseRegistryDate reads the dates of an HR export: ISO or dd/mm/yyyy.
func parseRegistryDate(s string) (string, error) {
	s = strings.TrimSpace(s)
	if len(s) == 10 && s[4] == '-' && s[7] == '-' {
		if d, err := extract.ParseDate(s[8:10] + "/" + s[5:7] + "/" + s[0:4]); err == nil {
			return d, nil
		}
		return "", errors.New("not a date")
	}
	return extract.ParseDate(s)
}

// ReadStaff reads a staff registry file, CSV or XLSX by its first bytes.
func ReadStaff(r io.Reader) ([]hoso.Staff, []RowError, error) {
	t, err := readTable(r)
	if err != nil {
		return nil, nil, err
	}
	return ParseStaff(t)
}

// ReadUnits reads a unit tree file, CSV or XLSX by its first bytes.
func ReadUnits(r io.Reader) ([]hoso.Unit, []RowError, error) {
	t, err := readTable(r)
	if err != nil {
		return nil, nil, err
	}
	return ParseUnits(t)
}

func readTable(r io.Reader) (Table, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, err
	}
	if strings.HasPrefix(string(data), "PK\x03\x04") { // a zip: an XLSX workbook
		return ReadXLSX(strings.NewReader(string(data)))
	}
	return ReadCSV(strings.NewReader(string(data)))
}
