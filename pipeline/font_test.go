package pipeline

import (
	"bufio"
	"image"
	"image/draw"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/image/font"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/math/fixed"
)

// sansFont is a typeface unlike the corpus's serif one (Debian's
// fonts-dejavu-core).
const sansFont = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"

// renderPage typesets text (spaces kept, one line a row) as a 200 dpi page.
func renderPage(tb testing.TB, text, fontPath, out string) {
	tb.Helper()
	data, err := os.ReadFile(fontPath)
	if err != nil {
		if os.Getenv("CI") != "" {
			tb.Fatalf("font missing (make deps): %v", err)
		}
		tb.Skipf("font missing: %v", err)
	}
	f, err := opentype.Parse(data)
	if err != nil {
		tb.Fatal(err)
	}
	face, err := opentype.NewFace(f, &opentype.FaceOptions{Size: 13, DPI: 200, Hinting: font.HintingFull})
	if err != nil {
		tb.Fatal(err)
	}
	defer face.Close()
	img := image.NewGray(image.Rect(0, 0, 1654, 2339))
	draw.Draw(img, img.Bounds(), image.White, image.Point{}, draw.Src)
	d := &font.Drawer{Dst: img, Src: image.Black, Face: face}
	sc := bufio.NewScanner(strings.NewReader(text))
	y := 200
	for sc.Scan() {
		d.Dot = fixed.P(130, y)
		d.DrawString(sc.Text())
		y += 56
	}
	w, err := os.Create(out)
	if err != nil {
		tb.Fatal(err)
	}
	defer w.Close()
	if err := png.Encode(w, img); err != nil {
		tb.Fatal(err)
	}
}

// TestOtherFont reads a decision set in a sans-serif face, with an issuer,
// a rank and wording the corpus does not have.
func TestOtherFont(t *testing.T) {
	if testing.Short() {
		t.Skip("OCR")
	}
	text, err := os.ReadFile(filepath.Join("testdata", "letter-sans.txt"))
	if err != nil {
		t.Fatal(err)
	}
	page := filepath.Join(t.TempDir(), "sans.png")
	renderPage(t, string(text), sansFont, page)
	raw, _ := extractAll(t, []string{page})
	if raw[0].Error != nil || len(raw[0].Documents) != 1 {
		t.Fatalf("result: %+v", raw[0])
	}
	doc := raw[0].Documents[0]
	if doc.DocType != "salary_raise_decision" {
		t.Errorf("type %s", doc.DocType)
	}
	for k, want := range map[string]any{
		"number": "312/QĐ-BVTE", "issued_on": "2024-05-14", "issuer": "BỆNH VIỆN TRẺ EM", "person_name": "Tô Thị Ngọc Lan",
		"birth_date": "1987-09-21", "rank_code": "V.08.05.12", "step_to": 4, "coefficient_to": "3.33",
		"effective_date": "2024-04-01", "signer_title": "PHÓ GIÁM ĐỐC", "signer_name": "Mai Xuân Trường",
	} {
		if got := doc.Fields[k].Value; got != want {
			t.Errorf("%s = %v, want %v", k, got, want)
		}
	}
}
