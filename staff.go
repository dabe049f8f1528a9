package hoso

// Staff is one person of the staff registry (the HR system's export).
type Staff struct {
	ID        string `json:"staff_id"`
	FullName  string `json:"full_name"`
	BirthDate string `json:"birth_date"` // YYYY-MM-DD
	Gender    string `json:"gender"`
	CitizenID string `json:"citizen_id"`
	UnitCode  string `json:"unit_code"`
	UnitName  string `json:"unit_name"`
	Position  string `json:"position"`
	RankCode  string `json:"rank_code"`
}

// Unit is one body of the post-merger unit tree.
type Unit struct {
	Code       string `json:"unit_code"`
	Name       string `json:"unit_name"`
	ParentCode string `json:"parent_code"` // empty for the root
}
