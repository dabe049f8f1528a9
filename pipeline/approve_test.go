package pipeline

import (
	"testing"

	"hoso"
)

func TestApproveStatus(t *testing.T) {
	good := hoso.ExtractedDocument{DocType: hoso.Diploma, DocTypeConfidence: 0.95,
		Fields: hoso.Fields{"person_name": {Value: "Lê A", Confidence: 0.9}},
		Links:  []hoso.Link{{StaffID: "HP1", Status: hoso.LinkAuto}}}
	lowField := good
	lowField.Fields = hoso.Fields{"person_name": {Value: "Lê A", Confidence: 0.5}}
	candidate := good
	candidate.Links = []hoso.Link{{StaffID: "HP1", Status: hoso.LinkCandidate}}
	unlinked := good
	unlinked.Links = nil
	other := good
	other.DocType = hoso.OtherDoc
	for _, c := range []struct {
		name   string
		doc    hoso.ExtractedDocument
		policy string
		want   string
	}{
		{"confident document", good, "confident", "approved"},
		{"a field below the threshold", lowField, "confident", "needs_review"},
		{"a candidate link", candidate, "confident", "needs_review"},
		{"nobody linked", unlinked, "confident", "needs_review"},
		{"an unrelated letter", other, "confident", "needs_review"},
		{"policy off", good, "off", "needs_review"},
		{"policy all", lowField, "all", "approved"},
	} {
		if got := ApproveStatus(c.doc, c.policy); got != c.want {
			t.Errorf("%s: %s, want %s", c.name, got, c.want)
		}
	}
}

func TestQueueFor(t *testing.T) {
	for pages, want := range map[int]string{1: QueueSmall, 5: QueueSmall, 6: QueueDefault, 49: QueueDefault, 50: QueueBulk, 400: QueueBulk} {
		if got := QueueFor(pages); got != want {
			t.Errorf("QueueFor(%d) = %s, want %s", pages, got, want)
		}
	}
}
