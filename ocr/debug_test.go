package ocr

import (
	"context"
	"fmt"
	"image/png"
	"os"
	"strconv"
	"testing"
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
		_, conf, err := e.recognize(context.Background(), g, 200, 3)
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
