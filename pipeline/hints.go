package pipeline

import (
	"slices"

	"hoso"
)

// HintReason marks a link offered because the clerk named the person at
// upload.
const HintReason = "upload_hint"

// ApplyHints weighs what the clerk said of an upload against the analysis
// of a file with one document. The hints never approve anything by
// themselves:
//   - a document type hint is taken where the classifier was unsure, and
//     sends the document to review where it disagrees with a sure one;
//   - a person hint is offered to the reviewer first when nobody was linked
//     automatically, and turns an automatic link to somebody else into
//     candidates, for a person to decide.
//
// It reports whether a hint disagreed with the analysis (the document then
// needs review whatever the policy).
func ApplyHints(docs []hoso.ExtractedDocument, f hoso.File) (conflict bool) {
	if len(docs) != 1 {
		return false // a batch: the hints cannot say which document they mean
	}
	d := &docs[0]
	if t := f.HintDocType; t != "" && t != d.DocType {
		if d.DocType == hoso.OtherDoc || d.DocTypeConfidence < ApproveMinDocType {
			d.DocType = t
		} else {
			conflict = true
		}
	}
	if id := f.HintStaffID; id != "" && len(d.People) == 0 {
		i := slices.IndexFunc(d.Links, func(l hoso.Link) bool { return l.StaffID == id })
		auto := slices.ContainsFunc(d.Links, func(l hoso.Link) bool { return l.Status == hoso.LinkAuto })
		switch {
		case i >= 0 && d.Links[i].Status == hoso.LinkAuto:
			// The analysis agrees with the clerk.
		case auto:
			conflict = true
			for j := range d.Links {
				d.Links[j].Status = hoso.LinkCandidate
			}
			fallthrough
		default:
			if i < 0 {
				d.Links = append(d.Links, hoso.Link{StaffID: id, Status: hoso.LinkCandidate, Reasons: []string{HintReason}})
				i = len(d.Links) - 1
			} else {
				d.Links[i].Reasons = append(d.Links[i].Reasons, HintReason)
			}
			// The clerk's choice goes first among the candidates.
			l := d.Links[i]
			d.Links = append([]hoso.Link{l}, slices.Delete(d.Links, i, i+1)...)
		}
	}
	return conflict
}
