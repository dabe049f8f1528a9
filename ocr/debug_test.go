package ocr

import (
	"context"
	"fmt"
	"image/png"
	"os"
	"strconv"
	"testing"
	"time"
)

func TestMain(m *testing.M) {
	SingleThreaded()
	os.Exit(m.Run())
}

// TestDebugOrientation prints the mean confidence of a page read at each
// quarter turn (HOSO_DEBUG_FILE, HOSO_DEBUG_PAGE).
func TestDebugOrientation(t *testing.T) {
	path := os.Getenv("HOSO_DEBUG_FILE")
	if path == "" {
		t.Skip("HOSO_DEBUG_FILE not set")
	}
	n, _ := strconv.Atoi(os.Getenv("HOSO_DEBUG_PAGE"))
	e, err := NewEngine(Options{Workers: 1, Languages: []string{"vie"}})
	if err != nil {
		t.Fatal(err)
	}
	src, err := Open(context.Background(), path, Limits{})
	if err != nil {
		t.Fatal(err)
	}
	p, err := src.Page(context.Background(), n)
	if err != nil {
		t.Fatal(err)
	}
	p.Gray = normalizeBackground(p.Gray, 33)
	m := newInkMap(p.Gray, 900)
	fmt.Println("skew:", m.skewAngle(5))
	for _, turn := range []int{0, 90, 180, 270} {
		g := rotateQuarter(p.Gray, turn)
		w, _ := e.acquire(context.Background())
		_, conf, err := w.recognize(g, 200, 3)
		e.release(w)
		if err != nil {
			t.Fatal(err)
		}
		fmt.Println(turn, conf)
	}
}

// TestDebugDump writes a page after preprocessing to /tmp/debug-page.png.
func TestDebugDump(t *testing.T) {
	path := os.Getenv("HOSO_DEBUG_DUMP")
	if path == "" {
		t.Skip("HOSO_DEBUG_DUMP not set")
	}
	n, _ := strconv.Atoi(os.Getenv("HOSO_DEBUG_PAGE"))
	src, err := Open(context.Background(), path, Limits{})
	if err != nil {
		t.Fatal(err)
	}
	p, err := src.Page(context.Background(), max(n, 1))
	if err != nil {
		t.Fatal(err)
	}
	g, _, _ := prepare(normalizeBackground(p.Gray, 33), 200)
	f, _ := os.Create("/tmp/debug-page.png")
	defer f.Close()
	png.Encode(f, g)
}

func TestDebugOSD(t *testing.T) {
	path := os.Getenv("HOSO_DEBUG_FILE")
	if path == "" {
		t.Skip("HOSO_DEBUG_FILE not set")
	}
	n, _ := strconv.Atoi(os.Getenv("HOSO_DEBUG_PAGE"))
	src, err := Open(context.Background(), path, Limits{})
	if err != nil {
		t.Fatal(err)
	}
	p, err := src.Page(context.Background(), n)
	if err != nil {
		t.Fatal(err)
	}
	o := newOSD()
	defer o.close()
	g := normalizeBackground(p.Gray, 33)
	for _, turn := range []int{0, 90, 180, 270} {
		d, c, ok := o.orientation(rotateQuarter(g, turn), 200)
		fmt.Println("pre-turned", turn, "->", d, c, ok)
	}
}

func TestDebugPSM(t *testing.T) {
	path := os.Getenv("HOSO_DEBUG_FILE")
	if path == "" {
		t.Skip("HOSO_DEBUG_FILE not set")
	}
	n, _ := strconv.Atoi(os.Getenv("HOSO_DEBUG_PAGE"))
	e, err := NewEngine(Options{Workers: 1, Languages: []string{"vie"}})
	if err != nil {
		t.Fatal(err)
	}
	src, err := Open(context.Background(), path, Limits{})
	if err != nil {
		t.Fatal(err)
	}
	p, err := src.Page(context.Background(), n)
	if err != nil {
		t.Fatal(err)
	}
	g, _, _ := prepare(normalizeBackground(p.Gray, 33), 200)
	for _, psm := range []int{3, 4, 6, 11, 12} {
		t0 := time.Now()
		w, _ := e.acquire(context.Background())
		ws, conf, _ := w.recognize(g, 200, psm)
		e.release(w)
		s := ""
		for _, w := range ws {
			s += w.Text + " "
		}
		fmt.Printf("psm %d: %d words conf %.2f %v\n%s\n", psm, len(ws), conf, time.Since(t0), s)
	}
}

func TestDebugReadPage(t *testing.T) {
	path := os.Getenv("HOSO_DEBUG_FILE")
	if path == "" {
		t.Skip("HOSO_DEBUG_FILE not set")
	}
	n, _ := strconv.Atoi(os.Getenv("HOSO_DEBUG_PAGE"))
	e, err := NewEngine(Options{Workers: 1, Languages: []string{"vie"}})
	if err != nil {
		t.Fatal(err)
	}
	src, _ := Open(context.Background(), path, Limits{})
	if os.Getenv("HOSO_DEBUG_FIRST") != "" {
		p1, _ := src.Page(context.Background(), 1)
		pg, _ := e.ReadPage(context.Background(), p1)
		fmt.Println("first page words", len(pg.Words))
	}
	p, _ := src.Page(context.Background(), n)
	g := normalizeBackground(p.Gray, max(16, p.DPI/6))
	pg, _ := e.ReadPage(context.Background(), &PageImage{Number: n, Gray: g, DPI: p.DPI})
	fmt.Println("dpi", p.DPI, "rotation", pg.Rotation, "skew", pg.Skew)
	fmt.Println(len(pg.Words))
}
