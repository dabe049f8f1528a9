package registry

import (
	"slices"
	"strings"

	"hoso"
	"hoso/extract"
)

// Registry holds the staff and the unit tree in memory with the indexes
// matching needs: no lookup scans every person.
type Registry struct {
	staff   []hoso.Staff
	names   []names // the staff's names, normalized once
	byID    map[string]int
	byName  map[string][]int // folded full name
	byGiven map[string][]int // folded given name + birth date: survives a damaged surname
	byBirth map[string][]int // birth date
	byCID   map[string]int   // citizen ID
	units   map[string]hoso.Unit
}

// New returns an empty registry.
func New() *Registry {
	return &Registry{
		byID: map[string]int{}, byName: map[string][]int{}, byGiven: map[string][]int{},
		byBirth: map[string][]int{}, byCID: map[string]int{}, units: map[string]hoso.Unit{},
	}
}

// Len is the number of people.
func (r *Registry) Len() int { return len(r.staff) }

// Get returns the person with the ID.
func (r *Registry) Get(id string) (hoso.Staff, bool) {
	i, ok := r.byID[id]
	if !ok {
		return hoso.Staff{}, false
	}
	return r.staff[i], true
}

// Upsert adds new people and updates the ones already known by ID (a
// re-import keeps their IDs). It returns how many were added and updated.
func (r *Registry) Upsert(people []hoso.Staff) (added, updated int) {
	changed := false
	for _, s := range people {
		if i, ok := r.byID[s.ID]; ok {
			if r.staff[i] != s {
				r.staff[i] = s
				r.names[i] = namesOf(s.FullName)
				updated++
				changed = true
			}
			continue
		}
		r.byID[s.ID] = len(r.staff)
		r.staff = append(r.staff, s)
		r.names = append(r.names, namesOf(s.FullName))
		r.indexOne(len(r.staff) - 1)
		added++
	}
	if changed {
		r.reindex()
	}
	return added, updated
}

// All returns the people, in the order they were added.
func (r *Registry) All() []hoso.Staff { return slices.Clone(r.staff) }

// Units returns the unit tree, sorted by code.
func (r *Registry) Units() []hoso.Unit {
	out := make([]hoso.Unit, 0, len(r.units))
	for _, u := range r.units {
		out = append(out, u)
	}
	slices.SortFunc(out, func(a, b hoso.Unit) int { return strings.Compare(a.Code, b.Code) })
	return out
}

// SetUnits replaces the unit tree.
func (r *Registry) SetUnits(units []hoso.Unit) {
	r.units = map[string]hoso.Unit{}
	for _, u := range units {
		r.units[u.Code] = u
	}
}

func (r *Registry) reindex() {
	r.byName, r.byGiven, r.byBirth, r.byCID = map[string][]int{}, map[string][]int{}, map[string][]int{}, map[string]int{}
	for i := range r.staff {
		r.indexOne(i)
	}
}

func (r *Registry) indexOne(i int) {
	s := r.staff[i]
	fn := r.names[i].folded
	r.byName[fn] = append(r.byName[fn], i)
	if g := givenKey(fn, s.BirthDate); g != "" {
		r.byGiven[g] = append(r.byGiven[g], i)
	}
	if s.BirthDate != "" {
		r.byBirth[s.BirthDate] = append(r.byBirth[s.BirthDate], i)
	}
	if s.CitizenID != "" {
		r.byCID[s.CitizenID] = i
	}
}

// foldName is a name without marks, lower case, single spaces.
func foldName(s string) string {
	return strings.Join(strings.Fields(extract.Fold(extract.Clean(s))), " ")
}

// givenKey is the folded given name (last word) with the birth date.
func givenKey(folded, birth string) string {
	ws := strings.Fields(folded)
	if len(ws) == 0 || birth == "" {
		return ""
	}
	return ws[len(ws)-1] + "|" + birth
}

// unitAncestors returns the names of a unit and of the bodies above it,
// folded.
func (r *Registry) unitAncestors(code string) []string {
	var out []string
	for k := 0; code != "" && k < 10; k++ {
		u, ok := r.units[code]
		if !ok {
			break
		}
		out = append(out, foldName(u.Name))
		code = u.ParentCode
	}
	return out
}

// names is a name in the two forms matching compares: lower case with its
// marks, and folded without them.
type names struct{ lower, folded string }

func namesOf(s string) names {
	c := extract.Clean(s)
	return names{lower: strings.ToLower(c), folded: foldName(c)}
}
