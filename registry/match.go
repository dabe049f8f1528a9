package registry

import (
	"fmt"
	"sort"
	"strings"

	"hoso"
	"hoso/internal/edit"
)

// Settings are the thresholds of linking.
type Settings struct {
	AutoMinScore      float64 // the best candidate's score for an automatic link
	AutoMinMargin     float64 // how far ahead of the next one it must be
	CandidateMinScore float64 // the least score offered to a reviewer
	MaxCandidates     int     // how many are offered
}

// DefaultSettings send to review anything short of a clear match.
var DefaultSettings = Settings{AutoMinScore: 0.85, AutoMinMargin: 0.2, CandidateMinScore: 0.3, MaxCandidates: 3}

// Query is what a document says of its person.
type Query struct {
	Name      string
	BirthDate string // YYYY-MM-DD
	CitizenID string
	Unit      string // the person's unit as printed
	Issuer    string // the issuing body
	RankCode  string
}

// Candidate is a registry person scored against a query, with the evidence.
type Candidate struct {
	StaffID string
	Score   float64
	Reasons []string

	name    float64 // 1 identical, 0.85 same letters but marks differ, 0.6 close, else low
	birth   float64 // 1 equal, 0.5 unknown or one digit off, 0 different
	noBirth bool    // the document states no birth date (evaluation forms)
	cid     int     // 1 equal, 0 unknown, -1 different
	unit    bool    // the printed unit or issuer is the person's unit or above it
	ownUnit bool    // the printed unit is the person's own unit
}

// Match returns the registry people that may be the one the query names,
// best first.
func (r *Registry) Match(q Query) []Candidate {
	qnames := namesOf(q.Name)
	qn := qnames.folded
	seen := map[int]bool{}
	var idx []int
	add := func(is ...int) {
		for _, i := range is {
			if !seen[i] {
				seen[i] = true
				idx = append(idx, i)
			}
		}
	}
	if i, ok := r.byCID[q.CitizenID]; ok && q.CitizenID != "" {
		add(i)
	}
	add(r.byName[qn]...)
	add(r.byGiven[givenKey(qn, q.BirthDate)]...)
	for _, i := range r.byBirth[q.BirthDate] {
		if similarity(qnames, r.names[i]) >= 0.6 {
			add(i)
		}
	}
	cands := make([]Candidate, 0, len(idx))
	for _, i := range idx {
		cands = append(cands, r.score(q, qnames, i))
	}
	sort.SliceStable(cands, func(a, b int) bool { return cands[a].Score > cands[b].Score })
	return cands
}

func (r *Registry) score(q Query, qn names, i int) Candidate {
	s := r.staff[i]
	c := Candidate{StaffID: s.ID}
	c.name = similarity(qn, r.names[i])
	switch {
	case c.name == 1:
		c.Reasons = append(c.Reasons, "name identical")
	case c.name >= 0.85:
		c.Reasons = append(c.Reasons, "name equal but for its marks")
	case c.name >= 0.6:
		c.Reasons = append(c.Reasons, "name close")
	default:
		c.Reasons = append(c.Reasons, "name differs")
	}
	switch {
	case q.BirthDate == "" || s.BirthDate == "":
		c.birth = 0.5
		c.noBirth = q.BirthDate == ""
		c.Reasons = append(c.Reasons, "birth date unknown")
	case q.BirthDate == s.BirthDate:
		c.birth = 1
		c.Reasons = append(c.Reasons, "birth date equal")
	case edit.Distance(q.BirthDate, s.BirthDate) == 1:
		c.birth = 0.5
		c.Reasons = append(c.Reasons, "birth date one digit off")
	default:
		c.Reasons = append(c.Reasons, "birth date differs")
	}
	if q.CitizenID != "" && s.CitizenID != "" {
		if q.CitizenID == s.CitizenID {
			c.cid = 1
			c.Reasons = append(c.Reasons, "citizen ID equal")
		} else {
			c.cid = -1
			c.Reasons = append(c.Reasons, "citizen ID differs")
		}
	}
	if r.unitAgrees(q, s) {
		c.unit = true
		c.ownUnit = q.Unit != "" && foldName(q.Unit) == foldName(s.UnitName)
		if c.ownUnit {
			c.Reasons = append(c.Reasons, "unit is the person's own")
		} else {
			c.Reasons = append(c.Reasons, "unit agrees")
		}
	}
	c.Score = 0.5*c.name + 0.4*c.birth
	if c.unit {
		c.Score += 0.1
	}
	switch c.cid {
	case 1:
		c.Score = min(1, c.Score+0.3)
	case -1:
		c.Score *= 0.3
	}
	c.Score = float64(int(c.Score*1000+0.5)) / 1000
	return c
}

// unitAgrees reports whether the unit printed on the document, or its
// issuer, is the person's unit or a body above it (a decision of the
// Department of Education for a school's teacher), by the unit tree.
func (r *Registry) unitAgrees(q Query, s hoso.Staff) bool {
	names := r.unitAncestors(s.UnitCode)
	if len(names) == 0 && s.UnitName != "" {
		names = []string{foldName(s.UnitName)}
	}
	for _, printed := range []string{q.Unit, q.Issuer} {
		p := foldName(printed)
		if p == "" {
			continue
		}
		for _, n := range names {
			if n == p || strings.HasSuffix(n, p) || strings.HasSuffix(p, n) {
				return true
			}
			// A body from before the 2025 merger (a district's people's
			// committee) still names the place its successor carries.
			if pp, np := placeOf(p), placeOf(n); pp != "" && pp == np {
				return true
			}
		}
	}
	return false
}

// adminLevels name the levels of local government, folded.
var adminLevels = []string{"thi xa", "thi tran", "thanh pho", "tinh", "huyen", "quan", "xa", "phuong"}

// placeOf returns the place an administrative body is named after ("an
// lao" of "uy ban nhan dan huyen an lao"), or "" when the name has no
// level word.
func placeOf(folded string) string {
	ws := strings.Fields(folded)
	for i := len(ws) - 1; i >= 0; i-- {
		for _, lv := range adminLevels {
			lw := strings.Fields(lv)
			if i+len(lw) <= len(ws) && strings.Join(ws[i:i+len(lw)], " ") == lv && i+len(lw) < len(ws) {
				return strings.Join(ws[i+len(lw):], " ")
			}
		}
	}
	return ""
}

// similarity compares two names letter for letter and mark for mark: 1
// when identical, 0.85 when only marks differ (Hương, Hướng), less by the
// edit distance of their letters.
func similarity(a, b names) float64 {
	if a.lower == b.lower && a.lower != "" {
		return 1
	}
	fa, fb := a.folded, b.folded
	if fa == "" || fb == "" {
		return 0
	}
	if fa == fb {
		return 0.85
	}
	d := edit.Distance(fa, fb)
	n := max(len([]rune(fa)), len([]rune(fb)))
	sim := 1 - float64(d)/float64(n)
	if d <= 2 && sim > 0.8 {
		return 0.6 + 0.1*float64(2-d)
	}
	return sim * 0.6
}

// Decide turns candidates into links: one automatic link when the best is
// right by independent evidence and nothing else comes close, otherwise the
// best few as candidates for a reviewer.
func Decide(cands []Candidate, set Settings) []hoso.Link {
	var links []hoso.Link
	if len(cands) == 0 {
		return links
	}
	top := cands[0]
	if auto(cands, set) {
		return append(links, hoso.Link{StaffID: top.StaffID, Score: top.Score, Status: hoso.LinkAuto, Reasons: top.Reasons})
	}
	for _, c := range cands {
		if len(links) >= set.MaxCandidates || c.Score < set.CandidateMinScore {
			break
		}
		links = append(links, hoso.Link{StaffID: c.StaffID, Score: c.Score, Status: hoso.LinkCandidate, Reasons: c.Reasons})
	}
	return links
}

func auto(cands []Candidate, set Settings) bool {
	top := cands[0]
	if top.cid < 0 {
		return false
	}
	// A form that states no birth date (an annual evaluation) still names
	// the person's own unit: an identical name in that very unit, borne by
	// nobody else in the registry, is two pieces of evidence.
	if top.noBirth && top.name == 1 && top.ownUnit {
		for _, c := range cands[1:] {
			if c.name >= 0.85 {
				return false
			}
		}
		return true
	}
	// Never on a name alone: the name must match and a birth date or a
	// citizen ID must agree.
	if top.Score < set.AutoMinScore || top.name < 0.85 || (top.birth < 1 && top.cid < 1) {
		return false
	}
	// A name that differs in its marks is another name (Hương, Hướng)
	// unless more evidence says it is the same person.
	if top.name < 1 && top.cid < 1 && !(top.birth == 1 && top.unit) {
		return false
	}
	for _, c := range cands[1:] {
		// Homonyms with the same birth date: only a citizen ID or the unit
		// may separate them.
		if c.name >= 0.85 && c.birth == top.birth {
			separated := top.cid == 1 && c.cid != 1 || top.unit && !c.unit
			if !separated {
				return false
			}
			continue
		}
		if top.Score-c.Score < set.AutoMinMargin {
			return false
		}
	}
	return true
}

// Linker fills the links of extracted documents from a registry.
type Linker struct {
	Registry *Registry
	Settings Settings
}

// Link matches the document's person, or each person of its annex table.
func (l Linker) Link(doc *hoso.ExtractedDocument) {
	doc.Links = []hoso.Link{}
	if doc.DocType == hoso.OtherDoc {
		return
	}
	issuer := str(doc.Fields, "issuer")
	if issuer == "" {
		issuer = str(doc.Fields, "institution")
	}
	if len(doc.People) > 0 {
		for i, p := range doc.People {
			for _, lk := range Decide(l.Registry.Match(queryOf(p, issuer)), l.Settings) {
				lk.Person = &i
				doc.Links = append(doc.Links, lk)
			}
		}
		return
	}
	if str(doc.Fields, "person_name") == "" {
		return
	}
	doc.Links = append(doc.Links, Decide(l.Registry.Match(queryOf(doc.Fields, issuer)), l.Settings)...)
}

func queryOf(fs hoso.Fields, issuer string) Query {
	unit := str(fs, "person_unit")
	if unit == "" {
		unit = str(fs, "from_unit")
	}
	return Query{
		Name: str(fs, "person_name"), BirthDate: str(fs, "birth_date"), CitizenID: str(fs, "citizen_id"),
		Unit: unit, Issuer: issuer, RankCode: str(fs, "rank_code"),
	}
}

func str(fs hoso.Fields, k string) string {
	s, _ := fs[k].Value.(string)
	return s
}

// String describes a candidate for logs and tests.
func (c Candidate) String() string {
	return fmt.Sprintf("%s %.3f (%s)", c.StaffID, c.Score, strings.Join(c.Reasons, ", "))
}
