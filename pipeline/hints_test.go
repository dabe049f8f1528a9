package pipeline

import (
	"slices"
	"testing"

	"hoso"
)

func TestApplyHints(t *testing.T) {
	auto := func(id string) hoso.Link { return hoso.Link{StaffID: id, Score: 0.95, Status: hoso.LinkAuto} }
	cand := func(id string) hoso.Link { return hoso.Link{StaffID: id, Score: 0.5, Status: hoso.LinkCandidate} }
	for _, tc := range []struct {
		name         string
		doc          hoso.ExtractedDocument
		hint         hoso.File
		wantType     hoso.DocType
		wantLinks    []string // staff_id:status, in order
		wantConflict bool
	}{
		{"no hints", hoso.ExtractedDocument{DocType: hoso.Diploma, DocTypeConfidence: 0.95, Links: []hoso.Link{auto("A")}},
			hoso.File{}, hoso.Diploma, []string{"A:auto"}, false},
		{"type taken when unsure", hoso.ExtractedDocument{DocType: hoso.OtherDoc, DocTypeConfidence: 0.5},
			hoso.File{HintDocType: hoso.Certificate}, hoso.Certificate, nil, false},
		{"type against a sure classifier", hoso.ExtractedDocument{DocType: hoso.Diploma, DocTypeConfidence: 0.97},
			hoso.File{HintDocType: hoso.Certificate}, hoso.Diploma, nil, true},
		{"person agrees", hoso.ExtractedDocument{DocType: hoso.Diploma, DocTypeConfidence: 0.97, Links: []hoso.Link{auto("A")}},
			hoso.File{HintStaffID: "A"}, hoso.Diploma, []string{"A:auto"}, false},
		{"person offered first", hoso.ExtractedDocument{DocType: hoso.Diploma, DocTypeConfidence: 0.97, Links: []hoso.Link{cand("B"), cand("A")}},
			hoso.File{HintStaffID: "A"}, hoso.Diploma, []string{"A:candidate", "B:candidate"}, false},
		{"person unknown to the analysis", hoso.ExtractedDocument{DocType: hoso.Diploma, DocTypeConfidence: 0.97},
			hoso.File{HintStaffID: "C"}, hoso.Diploma, []string{"C:candidate"}, false},
		{"person against an automatic link", hoso.ExtractedDocument{DocType: hoso.Diploma, DocTypeConfidence: 0.97, Links: []hoso.Link{auto("B")}},
			hoso.File{HintStaffID: "A"}, hoso.Diploma, []string{"A:candidate", "B:candidate"}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			docs := []hoso.ExtractedDocument{tc.doc}
			conflict := ApplyHints(docs, tc.hint)
			var links []string
			for _, l := range docs[0].Links {
				links = append(links, l.StaffID+":"+l.Status)
			}
			if docs[0].DocType != tc.wantType || !slices.Equal(links, tc.wantLinks) || conflict != tc.wantConflict {
				t.Errorf("got %s %v conflict %v, want %s %v conflict %v", docs[0].DocType, links, conflict, tc.wantType, tc.wantLinks, tc.wantConflict)
			}
			if ApproveStatus(docs[0], "confident") == "approved" && slices.ContainsFunc(docs[0].Links, func(l hoso.Link) bool {
				return slices.Contains(l.Reasons, HintReason)
			}) {
				t.Error("a hinted link was approved automatically")
			}
		})
	}
	// A batch: the hints cannot say which document they mean.
	docs := []hoso.ExtractedDocument{{DocType: hoso.OtherDoc}, {DocType: hoso.OtherDoc}}
	if ApplyHints(docs, hoso.File{HintDocType: hoso.Diploma, HintStaffID: "A"}) || docs[0].DocType != hoso.OtherDoc || len(docs[1].Links) != 0 {
		t.Errorf("hints applied to a batch: %+v", docs)
	}
}
