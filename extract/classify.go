package extract

import (
	"regexp"
	"strings"

	"hoso"
)

// The signs that a page opens a new document: the national motto of every
// Vietnamese administrative document (Decree 30/2020), or the title of a
// diploma, certificate or evaluation form.
var (
	mottoPhrases   = []string{"cong hoa xa hoi chu nghia", "socialist republic of"}
	reDiplomaTitle = regexp.MustCompile(`^(bang|the degree of|degree of)\b`)
	formTitles     = []string{"phieu danh gia", "giay chung nhan", "chung chi", "phieu nhan xet"}
	annexPhrases   = []string{"kem theo quyet dinh", "kem theo cong van", "kem theo to trinh", "kem theo ke hoach"}
)

// opensDocument reports whether a page's lines start a new document.
func opensDocument(lines []Line) bool {
	var top []Line
	for _, l := range lines {
		if l.Top() < 0.35 {
			top = append(top, l)
		}
	}
	for _, l := range top {
		for _, p := range annexPhrases {
			if fuzzyHas(l.Fold, p) {
				return false // an annex carries its decision's number: it continues it
			}
		}
	}
	for _, l := range top {
		for _, p := range mottoPhrases {
			if fuzzyHas(l.Fold, p) {
				return true
			}
		}
		if isUpperText(l.Text) {
			for _, t := range formTitles {
				if strings.HasPrefix(l.Fold, t) {
					return true
				}
			}
			if reDiplomaTitle.MatchString(l.Fold) {
				return true
			}
		}
	}
	return false
}

// splitDocuments groups a file's pages into documents: a new one starts on
// every page that opens with a header block.
func splitDocuments(pages [][]Line) [][]int {
	var docs [][]int
	for i, lines := range pages {
		if i == 0 || opensDocument(lines) || len(docs) == 0 {
			docs = append(docs, []int{i})
			continue
		}
		docs[len(docs)-1] = append(docs[len(docs)-1], i)
	}
	return docs
}

// subjectKinds maps words of a decision's subject to its type, most
// specific first ("nâng phụ cấp" is an allowance, not a salary raise).
var subjectKinds = []struct {
	words []string
	t     hoso.DocType
}{
	{[]string{"phu cap"}, hoso.AllowanceDecision},
	{[]string{"chuyen ngach", "nang ngach", "xep ngach", "bo nhiem ngach", "bo nhiem vao ngach", "chuyen chuc danh nghe nghiep", "thang hang", "xep luong"}, hoso.RankChangeDecision},
	{[]string{"nang bac luong", "nang luong", "nang bac"}, hoso.SalaryRaiseDecision},
	{[]string{"tuyen dung", "tiep nhan vao lam"}, hoso.RecruitmentDecision},
	{[]string{"dieu dong", "biet phai", "luan chuyen", "chuyen cong tac", "tiep nhan"}, hoso.TransferDecision},
	{[]string{"bo nhiem", "giao nhiem vu phu trach"}, hoso.AppointmentDecision},
}

func decisionKind(folded string) (hoso.DocType, bool) {
	for _, k := range subjectKinds {
		for _, w := range k.words {
			if strings.Contains(folded, w) {
				return k.t, true
			}
		}
	}
	return "", false
}

// classify tells a document's type from its title, subject and first
// article, with a confidence.
func classify(d *docText, title titleInfo) (hoso.DocType, float64) {
	switch title.kind {
	case titleDecision:
		if t, ok := decisionKind(Fold(title.subject)); ok {
			return t, 0.97
		}
		if m := d.find(reArticle1, 0); m != nil {
			end := min(len(d.fold), d.byteOf(m[1])+400)
			if t, ok := decisionKind(d.fold[d.byteOf(m[1]):end]); ok {
				return t, 0.85
			}
		}
		return hoso.OtherDoc, 0.5
	case titleDiploma:
		return hoso.Diploma, 0.95
	case titleCertificate:
		return hoso.Certificate, 0.95
	case titleEvaluation:
		return hoso.Evaluation, 0.95
	case titleLetter:
		return hoso.OtherDoc, 0.9
	}
	// No title could be read (a stamp, a coloured or decorated title): the
	// body's labels still tell the kind of document.
	for _, c := range bodyCues {
		n := 0
		for _, p := range c.phrases {
			if strings.Contains(d.fold, p) {
				n++
			}
		}
		if n >= 2 {
			return c.t, 0.75
		}
	}
	return hoso.OtherDoc, 0.6
}

// bodyCues are labels printed on each kind of form; two of them make the
// kind.
var bodyCues = []struct {
	t       hoso.DocType
	phrases []string
}{
	{hoso.Evaluation, []string{"tu danh gia", "xep loai chat luong", "ho va ten", "chuc vu, chuc danh"}},
	{hoso.Diploma, []string{"xep loai tot nghiep", "hinh thuc dao tao", "so vao so cap bang", "nganh:"}},
	{hoso.Certificate, []string{"cap cho", "da hoan thanh", "so vao so", "boi duong"}},
}

var reArticle1 = regexp.MustCompile(`(?m)^dieu\s*1\s*[.:]`)
