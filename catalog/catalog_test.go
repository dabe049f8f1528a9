package catalog

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"hoso"
	"hoso/internal/testsvc"
)

// testCatalog is the conformance suite both databases pass.
func testCatalog(t *testing.T, d *DB) {
	ctx := context.Background()
	fixed := time.Date(2026, 12, 3, 9, 0, 0, 0, time.UTC)
	d.Now = func() time.Time { return fixed }

	t.Run("files deduplicated by content", func(t *testing.T) {
		f, dup, err := d.CreateFile(ctx, hoso.File{SHA256: "aa11", Name: "scan.pdf", Size: 10, Unit: "HP.SNV"})
		if err != nil || dup || f.ID == "" || f.Status != "received" {
			t.Fatalf("create: %+v %v %v", f, dup, err)
		}
		again, dup, err := d.CreateFile(ctx, hoso.File{SHA256: "aa11", Name: "other-name.pdf", Size: 10})
		if err != nil || !dup || again.ID != f.ID || again.Name != "scan.pdf" {
			t.Fatalf("same bytes again: %+v %v %v", again, dup, err)
		}
		got, err := d.GetFile(ctx, f.ID)
		if err != nil || got.SHA256 != "aa11" || !got.CreatedAt.Equal(fixed) || got.Unit != "HP.SNV" {
			t.Errorf("get: %+v %v", got, err)
		}
	})
	t.Run("status and errors", func(t *testing.T) {
		f, _, err := d.CreateFile(ctx, hoso.File{SHA256: "bb22", Name: "x.tif", Size: 3})
		if err != nil {
			t.Fatal(err)
		}
		if err := d.SetFileStatus(ctx, f.ID, "failed", hoso.EDamagedFile, "the TIFF file is truncated"); err != nil {
			t.Fatal(err)
		}
		got, _ := d.GetFile(ctx, f.ID)
		if got.Status != "failed" || got.ErrorCode != hoso.EDamagedFile || got.ErrorMessage == "" {
			t.Errorf("after failure: %+v", got)
		}
		if err := d.SetFileStatus(ctx, "nope", "ocr", "", ""); hoso.ErrorCode(err) != hoso.ENotFound {
			t.Errorf("unknown file: %v", err)
		}
		if _, err := d.GetFile(ctx, "nope"); hoso.ErrorCode(err) != hoso.ENotFound {
			t.Errorf("get unknown: %v", err)
		}
	})
	t.Run("pages and documents", func(t *testing.T) {
		f, _, err := d.CreateFile(ctx, hoso.File{SHA256: "cc33", Name: "batch.tif", Size: 9})
		if err != nil {
			t.Fatal(err)
		}
		if err := d.SetPageCount(ctx, f.ID, 2, hoso.StatusOCR); err != nil {
			t.Fatal(err)
		}
		p2 := hoso.Page{Number: 2, Width: 10, Height: 20, Words: []hoso.Word{{Text: "Số", Confidence: 0.9}}}
		if done, total, err := d.SavePage(ctx, f.ID, p2); err != nil || done != 1 || total != 2 {
			t.Fatalf("first page: %d/%d %v", done, total, err)
		}
		if done, total, _ := d.SavePage(ctx, f.ID, p2); done != 1 || total != 2 { // a retry
			t.Errorf("the same page again counts twice: %d/%d", done, total)
		}
		if done, total, _ := d.SavePage(ctx, f.ID, hoso.Page{Number: 1}); done != 2 || total != 2 {
			t.Errorf("last page: %d/%d", done, total)
		}
		pages, err := d.LoadPages(ctx, f.ID)
		if err != nil || len(pages) != 2 || pages[0].Number != 1 || pages[1].Words[0].Text != "Số" {
			t.Fatalf("pages: %+v %v", pages, err)
		}
		docs := []hoso.ExtractedDocument{{Pages: []int{1}, DocType: hoso.Diploma}, {Pages: []int{2}, DocType: hoso.Evaluation}}
		for i := 0; i < 2; i++ { // saving twice keeps one copy
			if err := d.SaveDocuments(ctx, f.ID, docs, []string{"needs_review", "approved"}, "needs_review"); err != nil {
				t.Fatal(err)
			}
		}
		got, err := d.FileDocuments(ctx, f.ID)
		if err != nil || len(got) != 2 || got[1].Document.DocType != hoso.Evaluation || got[1].Status != "approved" {
			t.Fatalf("documents: %+v %v", got, err)
		}
		if ff, _ := d.GetFile(ctx, f.ID); ff.Status != "needs_review" {
			t.Errorf("file status %s", ff.Status)
		}
	})
	t.Run("signed documents and the feed", func(t *testing.T) {
		f, _, err := d.CreateFile(ctx, hoso.File{SHA256: "ab66", Name: "raise.pdf", Size: 9, Unit: "HP.SNV"})
		if err != nil {
			t.Fatal(err)
		}
		docs := []hoso.ExtractedDocument{
			{Pages: []int{1}, DocType: hoso.SalaryRaiseDecision, Fields: hoso.Fields{"number": {Value: "12/QĐ-SNV", Confidence: 0.9}},
				Links: []hoso.Link{{StaffID: "HP000001", Status: hoso.LinkAuto}}},
			{Pages: []int{2}, DocType: hoso.Diploma},
		}
		if err := d.SaveDocuments(ctx, f.ID, docs, []string{"approved", "approved"}, "approved"); err != nil {
			t.Fatal(err)
		}
		stored, _ := d.FileDocuments(ctx, f.ID)
		before, _ := d.Feed(ctx, 0, 1000)
		if err := d.SetDocumentStatus(ctx, stored[0].ID, 2, hoso.StatusSealing); hoso.ErrorCode(err) != hoso.EConflict {
			t.Errorf("status of a version that does not exist: %v", err)
		}
		for _, sd := range stored {
			if err := d.SetDocumentStatus(ctx, sd.ID, sd.Version, hoso.StatusSealing); err != nil {
				t.Fatal(err)
			}
			rec := hoso.Signed{DocumentID: sd.ID, Version: sd.Version, Key: "signed/" + sd.ID + ".pdf", SHA256: "ff" + sd.ID, Size: 1234, SignedAt: fixed, Signer: "CN=test"}
			for i := 0; i < 2; i++ { // a retry appends nothing
				if err := d.MarkSigned(ctx, rec); err != nil {
					t.Fatal(err)
				}
			}
		}
		if err := d.MarkSigned(ctx, hoso.Signed{DocumentID: stored[0].ID, Version: 7}); hoso.ErrorCode(err) != hoso.EConflict {
			t.Errorf("a version moved on: %v", err)
		}
		feed, err := d.Feed(ctx, 0, 1000)
		if err != nil || len(feed) != len(before)+2 {
			t.Fatalf("feed: %d entries after %d, %v", len(feed), len(before), err)
		}
		e := feed[len(before)]
		if e.DocumentID != stored[0].ID || e.Section != "salary_history" || e.Unit != "HP.SNV" || len(e.StaffIDs) != 1 || e.StaffIDs[0] != "HP000001" ||
			e.Fields["number"] != "12/QĐ-SNV" || e.SHA256 != "ff"+stored[0].ID || e.Size != 1234 || !e.SignedAt.Equal(fixed) || e.Signer != "CN=test" {
			t.Errorf("feed entry: %+v", e)
		}
		if feed[len(before)+1].Seq != e.Seq+1 || feed[len(before)+1].Section != "qualifications" {
			t.Errorf("next entry: %+v", feed[len(before)+1])
		}
		if page, _ := d.Feed(ctx, e.Seq, 1); len(page) != 1 || page[0].Seq != e.Seq+1 {
			t.Errorf("paging after %d: %+v", e.Seq, page)
		}
		got, _ := d.GetDocument(ctx, stored[0].ID)
		sf, err := d.SignedFile(ctx, stored[0].ID)
		if got.Status != hoso.StatusSigned || err != nil || sf.Key != "signed/"+stored[0].ID+".pdf" {
			t.Errorf("signed document: %s %+v %v", got.Status, sf, err)
		}
	})
	t.Run("registry", func(t *testing.T) {
		v0, err := d.RegistryVersion(ctx)
		if err != nil {
			t.Fatal(err)
		}
		people := []hoso.Staff{{ID: "NV1", FullName: "Nguyễn Văn An", UnitCode: "HP.SNV"}, {ID: "NV2", FullName: "Trần Thị Bình", UnitCode: "HP.STC"}}
		if added, err := d.UpsertStaff(ctx, people); err != nil || added != 2 {
			t.Fatalf("import: %d %v", added, err)
		}
		if err := d.UpsertUnits(ctx, []hoso.Unit{{Code: "HP", Name: "UBND thành phố"}, {Code: "HP.SNV", Name: "Sở Nội vụ", ParentCode: "HP"}}); err != nil {
			t.Fatal(err)
		}
		v1, _ := d.RegistryVersion(ctx)
		people[1].UnitCode = "HP.SNV"
		if added, err := d.UpsertStaff(ctx, people[1:]); err != nil || added != 0 {
			t.Fatalf("re-import: %d %v", added, err)
		}
		d.Now = func() time.Time { return fixed.Add(time.Minute) }
		d.UpsertStaff(ctx, people[1:])
		d.Now = func() time.Time { return fixed }
		staff, units, v2, err := d.Registry(ctx)
		if err != nil || len(staff) != 2 || staff[1].UnitCode != "HP.SNV" || staff[0].FullName != "Nguyễn Văn An" || len(units) != 2 || units[1].ParentCode != "HP" {
			t.Fatalf("registry: %+v %+v %v", staff, units, err)
		}
		if v0 == v1 || v1 == v2 {
			t.Errorf("the version does not move: %q %q %q", v0, v1, v2)
		}
	})
	t.Run("documents listed and filtered", func(t *testing.T) {
		f, _, err := d.CreateFile(ctx, hoso.File{SHA256: "dd44", Name: "batch2.pdf", Size: 9})
		if err != nil {
			t.Fatal(err)
		}
		var docs []hoso.ExtractedDocument
		var statuses []string
		for i := 0; i < 12; i++ { // more than 9: IDs must sort in the file's order
			doc := hoso.ExtractedDocument{Pages: []int{i + 1}, DocType: hoso.SalaryRaiseDecision}
			status := "needs_review"
			if i%3 == 0 {
				doc.Links = []hoso.Link{{StaffID: "NV1", Status: hoso.LinkAuto}}
				status = "approved"
			} else {
				doc.Links = []hoso.Link{{StaffID: "NV2", Status: hoso.LinkCandidate}}
			}
			docs, statuses = append(docs, doc), append(statuses, status)
		}
		if err := d.SaveDocuments(ctx, f.ID, docs, statuses, "needs_review"); err != nil {
			t.Fatal(err)
		}
		var all []StoredDocument
		after := ""
		for pages := 0; ; pages++ {
			page, next, err := d.ListDocuments(ctx, DocumentFilter{FileID: f.ID, After: after, Limit: 5})
			if err != nil || pages > 3 {
				t.Fatalf("page %d: %v", pages, err)
			}
			all = append(all, page...)
			if next == "" {
				break
			}
			after = next
		}
		if len(all) != 12 {
			t.Fatalf("paged: %d documents", len(all))
		}
		for i, sd := range all {
			if sd.Index != i || sd.Document.Pages[0] != i+1 || sd.Version != 1 {
				t.Errorf("document %d: %+v", i, sd)
			}
		}
		linked, _, err := d.ListDocuments(ctx, DocumentFilter{StaffID: "NV1", Limit: 50})
		if err != nil || len(linked) != 4 || linked[0].Unit != "HP.SNV" {
			t.Errorf("by person: %d %+v %v", len(linked), linked, err)
		}
		if cands, _, _ := d.ListDocuments(ctx, DocumentFilter{StaffID: "NV2", Limit: 50}); len(cands) != 0 {
			t.Errorf("a candidate is not a link: %d", len(cands))
		}
		review, _, _ := d.ListDocuments(ctx, DocumentFilter{Status: "needs_review", FileID: f.ID, Limit: 50})
		byUnit, _, _ := d.ListDocuments(ctx, DocumentFilter{Unit: "HP.SNV", FileID: f.ID, Limit: 50})
		if len(review) != 8 || len(byUnit) != 4 {
			t.Errorf("by status %d, by unit %d", len(review), len(byUnit))
		}
		got, err := d.GetDocument(ctx, all[3].ID)
		if err != nil || got.ID != all[3].ID || got.Status != "approved" || len(got.Document.Links) != 1 {
			t.Errorf("get: %+v %v", got, err)
		}
		if _, err := d.GetDocument(ctx, "nope"); hoso.ErrorCode(err) != hoso.ENotFound {
			t.Errorf("unknown document: %v", err)
		}
	})
	t.Run("audit log", func(t *testing.T) {
		f, _, err := d.CreateFile(ctx, hoso.File{SHA256: "ee55", Name: "quyết định.pdf", Size: 9, UploadedBy: "tok1"})
		if err != nil {
			t.Fatal(err)
		}
		d.CreateFile(ctx, hoso.File{SHA256: "ee55", Name: "again.pdf", Size: 9}) // a duplicate adds nothing
		d.SetPageCount(ctx, f.ID, 1, hoso.StatusOCR)
		d.SaveDocuments(ctx, f.ID, []hoso.ExtractedDocument{{Pages: []int{1}, DocType: hoso.Diploma}}, []string{"needs_review"}, "needs_review")
		d.SetFileStatus(ctx, f.ID, hoso.StatusFailed, hoso.EUnavailable, "storage down")
		log, err := d.Audit(ctx, f.ID)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, e := range log {
			got = append(got, e.Actor+" "+e.Action+" "+e.DocumentID+" "+e.Detail)
		}
		want := []string{"tok1 received  quyết định.pdf", "system prepared  1 pages",
			"system analyzed " + DocumentID(f.ID, 0) + " diploma → needs_review", "system failed  unavailable: storage down"}
		if strings.Join(got, "|") != strings.Join(want, "|") {
			t.Errorf("audit:\n%q\nwant\n%q", got, want)
		}
		if ff, _ := d.GetFile(ctx, f.ID); ff.UploadedBy != "tok1" {
			t.Errorf("uploaded by %q", ff.UploadedBy)
		}
	})
	t.Run("tokens stored hashed", func(t *testing.T) {
		secret, tok, err := d.CreateToken(ctx, "clerk", "HP.SNV")
		if err != nil || !strings.HasPrefix(secret, "hoso_") {
			t.Fatalf("create: %v", err)
		}
		got, err := d.Authenticate(ctx, secret)
		if err != nil || got.ID != tok.ID || got.Role != "clerk" || got.Unit != "HP.SNV" {
			t.Errorf("authenticate: %+v %v", got, err)
		}
		if _, err := d.Authenticate(ctx, secret+"x"); hoso.ErrorCode(err) != hoso.EUnauthorized {
			t.Errorf("a wrong token: %v", err)
		}
		var stored int
		if err := d.db.QueryRowContext(ctx, d.rebind(`SELECT COUNT(*) FROM tokens WHERE hash = ?`), secret).Scan(&stored); err != nil || stored != 0 {
			t.Errorf("the secret itself is stored: %d %v", stored, err)
		}
		if _, _, err := d.CreateToken(ctx, "root", ""); hoso.ErrorCode(err) != hoso.EInvalid {
			t.Errorf("unknown role: %v", err)
		}
	})
}

func TestSQLite(t *testing.T) {
	path := filepath.Join(t.TempDir(), "hoso.db")
	d, err := Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	testCatalog(t, d)
	d.Close()
	// Opening again applies no migration twice.
	d, err = Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	d.Close()
}

// TestConcurrentOpen opens one SQLite file from many connections at once,
// as processes starting together do: every one migrates or waits.
func TestConcurrentOpen(t *testing.T) {
	path := filepath.Join(t.TempDir(), "hoso.db")
	errs := make(chan error, 6)
	for i := 0; i < 6; i++ {
		go func() {
			d, err := Open(context.Background(), path)
			if err == nil {
				_, _, err = d.CreateFile(context.Background(), hoso.File{SHA256: fmt.Sprint(time.Now().UnixNano()), Name: "x"})
				d.Close()
			}
			errs <- err
		}()
	}
	for i := 0; i < 6; i++ {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
}

func TestPostgres(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a PostgreSQL server")
	}
	d, err := Open(context.Background(), testsvc.PostgresDB(t))
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	testCatalog(t, d)
}
