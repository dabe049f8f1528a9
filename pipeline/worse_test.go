package pipeline

import (
	"context"
	"image"
	"image/jpeg"
	_ "image/jpeg"
	"math"
	"math/rand"
	"os"
	"path/filepath"
	"testing"

	"hoso/internal/eval"
)

// degrade makes a scan worse the way a hurried clerk's scanner does: lower
// resolution, a tilt, sensor noise, heavy JPEG compression.
func degrade(tb testing.TB, src, dst string, deg float64) {
	tb.Helper()
	f, err := os.Open(src)
	if err != nil {
		tb.Fatal(err)
	}
	img, _, err := image.Decode(f)
	f.Close()
	if err != nil {
		tb.Fatal(err)
	}
	b := img.Bounds()
	w, h := b.Dx()*3/4, b.Dy()*3/4
	out := image.NewGray(image.Rect(0, 0, w, h))
	sin, cos := math.Sincos(deg * math.Pi / 180)
	rng := rand.New(rand.NewSource(1))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			// Turn about the centre, then sample the source at 4/3 scale.
			dx, dy := float64(x)-float64(w)/2, float64(y)-float64(h)/2
			sx := (dx*cos+dy*sin+float64(w)/2)*4/3 + float64(b.Min.X)
			sy := (-dx*sin+dy*cos+float64(h)/2)*4/3 + float64(b.Min.Y)
			v := 255.0
			if p := image.Pt(int(sx), int(sy)); p.In(b) {
				r, g, bb, _ := img.At(p.X, p.Y).RGBA()
				v = float64(r+g+bb) / 3 / 257
			}
			v += rng.NormFloat64() * 18
			out.Pix[y*w+x] = uint8(math.Max(0, math.Min(255, v)))
		}
	}
	o, err := os.Create(dst)
	if err != nil {
		tb.Fatal(err)
	}
	defer o.Close()
	if err := jpeg.Encode(o, out, &jpeg.Options{Quality: 35}); err != nil {
		tb.Fatal(err)
	}
}

// TestScannedWorse reads corpus pages made worse (150 dpi, tilted 2.8°,
// noisy, JPEG quality 35) and expects the key fields all the same.
func TestScannedWorse(t *testing.T) {
	if testing.Short() {
		t.Skip("OCR")
	}
	dir := needCorpus(t)
	truth, err := eval.LoadTruth(filepath.Join(dir, "truth.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	names := map[string]bool{"scans/50277cee.jpg": true, "scans/7cb0d52b.jpg": true, "scans/8de293e3.jpg": true, "scans/4cba5c63.jpg": true}
	tmp := t.TempDir()
	var want []eval.TruthFile
	var files []string
	for i, tf := range truth {
		if !names[tf.File] {
			continue
		}
		p := filepath.Join(tmp, filepath.Base(tf.File))
		degrade(t, filepath.Join(dir, tf.File), p, []float64{2.8, -2.2}[i%2])
		tf.File = p
		want = append(want, tf)
		files = append(files, p)
	}
	_, results := extractAll(t, files)
	rep := eval.Score(want, results)
	t.Logf("\n%s", rep)
	keys := []string{"number", "issued_on", "issuer", "person_name", "birth_date", "effective_date"}
	if acc := rep.FieldAccuracy(keys...); acc < 0.95 {
		t.Errorf("key fields on worse scans: %.3f", acc)
		for _, m := range rep.Mistakes {
			t.Log(m)
		}
	}
	if rep.DocTypeAccuracy() < 1 {
		t.Errorf("document types on worse scans: %.3f", rep.DocTypeAccuracy())
	}
	_ = context.Background
}
