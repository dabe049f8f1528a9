package extract

import (
	"strings"

	"hoso"
)

// personKeys are the fields about the person concerned; a decision about
// several people carries them per person in People instead.
var personKeys = []string{
	"person_name", "birth_date", "citizen_id", "person_unit", "rank_name", "rank_code", "step_from", "step_to",
	"coefficient_from", "coefficient_to", "allowance_percent", "effective_date", "position",
}

// Analyze splits the pages of one file into documents and reads each: its
// type, its fields (or, for an annex table, its people) and its text.
// Pages must be in file order; links are left empty.
func Analyze(pages []hoso.Page) []hoso.ExtractedDocument {
	pageLines := make([][]Line, len(pages))
	for i, p := range pages {
		pageLines[i] = PageLines(p)
	}
	var out []hoso.ExtractedDocument
	for _, group := range splitDocuments(pageLines) {
		var lines []Line
		var nums []int
		var texts []string
		for _, pi := range group {
			lines = append(lines, pageLines[pi]...)
			nums = append(nums, pages[pi].Number)
			texts = append(texts, PageText(pageLines[pi]))
		}
		doc := AnalyzeDocument(lines)
		doc.Pages = nums
		doc.Text = strings.Join(texts, "\f")
		markSources(&doc, pages)
		out = append(out, doc)
	}
	return out
}

// markSources tells, for each field, whether it was read by OCR or from a
// born-digital page's text.
func markSources(doc *hoso.ExtractedDocument, pages []hoso.Page) {
	source := map[int]string{}
	for _, p := range pages {
		source[p.Number] = hoso.SourceOCR
		if p.Source == "text" {
			source[p.Number] = hoso.SourceText
		}
	}
	mark := func(fs hoso.Fields) {
		for k, f := range fs {
			if f.Source == "" {
				f.Source = source[f.Page]
				if f.Source == "" {
					f.Source = source[doc.Pages[0]]
				}
				fs[k] = f
			}
		}
	}
	mark(doc.Fields)
	for _, p := range doc.People {
		mark(p)
	}
}

// AnalyzeDocument reads one document from its lines.
func AnalyzeDocument(lines []Line) hoso.ExtractedDocument {
	d := newDocText(lines)
	ti := findTitle(d)
	t, conf := classify(d, ti)
	fs := hoso.Fields{}
	doc := hoso.ExtractedDocument{DocType: t, DocTypeConfidence: conf, Fields: fs, People: []hoso.Fields{}, Links: []hoso.Link{}}
	if len(lines) == 0 {
		return doc
	}
	switch t {
	case hoso.Diploma:
		diplomaFields(d, ti, fs)
		if pd := vietnamesePlaceDate(d); pd != nil {
			fs["issued_on"], fs["issue_place"] = pd.date, pd.place
		}
	case hoso.Certificate:
		certificateFields(d, ti, fs)
		if pd := vietnamesePlaceDate(d); pd != nil {
			fs["issued_on"], fs["issue_place"] = pd.date, pd.place
		}
	case hoso.Evaluation:
		evaluationFields(d, ti, fs)
		if pds := placeDates(d); len(pds) > 0 {
			pd := pds[len(pds)-1] // the competent authority's date, after the self-assessment
			fs["issued_on"], fs["issue_place"] = pd.date, pd.place
		}
	default:
		headerFields(d, ti, fs)
		if t != hoso.OtherDoc {
			decisionFields(d, t, fs)
		}
	}
	signatureFields(d, fs, 0)
	if t != hoso.OtherDoc && t != hoso.Diploma && t != hoso.Certificate && t != hoso.Evaluation {
		if people := tablePeople(d); len(people) > 0 && (len(people) > 1 || fs["person_name"].Value == nil) {
			for _, k := range personKeys {
				delete(fs, k)
			}
			for _, p := range people {
				checkSalary(p)
			}
			doc.People = people
		}
	}
	checkSalary(fs)
	restoreFields(&doc)
	return doc
}

// headerFields reads the header of a decision or letter: issuer, number,
// place and date, subject.
func headerFields(d *docText, ti titleInfo, fs hoso.Fields) {
	stop := len(d.lines)
	if ti.line >= 0 {
		stop = ti.line
	}
	if f, li, ok := numberField(d); ok {
		fs["number"] = f
		stop = min(stop, li)
	}
	if f, ok := issuerField(d, stop); ok {
		fs["issuer"] = f
	}
	if pds := placeDates(d); len(pds) > 0 && d.lines[pds[0].line].Top() < 0.4 && d.lines[pds[0].line].Page == d.lines[0].Page {
		fs["issued_on"], fs["issue_place"] = pds[0].date, pds[0].place
	}
	if ti.subject != "" {
		s := d.lineStart[ti.subjBeg]
		e := d.lineStart[ti.subjEnd] + len([]rune(d.lines[ti.subjEnd].Text))
		fs["subject"] = d.field(s, e, ti.subject, 0.9)
	}
}

// vietnamesePlaceDate returns the "<place>, ngày ... tháng ... năm ..." line
// of a diploma or certificate (the English half has its own form).
func vietnamesePlaceDate(d *docText) *placeDate {
	pds := placeDates(d)
	if len(pds) == 0 {
		return nil
	}
	return &pds[len(pds)-1]
}

// checkSalary raises or lowers the confidence of steps and coefficients by
// whether they agree with the salary ladder of the rank.
func checkSalary(fs hoso.Fields) {
	code, _ := fs["rank_code"].Value.(string)
	for _, side := range []string{"_from", "_to"} {
		step, ok1 := fs["step"+side].Value.(int)
		coef, ok2 := fs["coefficient"+side].Value.(string)
		if !ok1 || !ok2 {
			continue
		}
		// The rank code is the rank after the decision: only the new step is
		// bound to its ladder (the old one may sit on another rank's).
		want, known := ladderCoefficient(code, step)
		if side == "_from" {
			known = false
		}
		switch {
		case known && want == coef, !known && onAnyLadder(coef, step):
			bump(fs, "step"+side, 0.97)
			bump(fs, "coefficient"+side, 0.97)
		case known || !onAnyLadder(coef, step):
			cap_(fs, "coefficient"+side, 0.6)
		}
	}
}

func bump(fs hoso.Fields, k string, c float64) {
	f := fs[k]
	if f.Confidence < c {
		f.Confidence = c
	}
	fs[k] = f
}

func cap_(fs hoso.Fields, k string, c float64) {
	f := fs[k]
	if f.Confidence > c {
		f.Confidence = c
	}
	fs[k] = f
}
