package ocr

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"os"
	"runtime"
	"strconv"
	"strings"
	"syscall"

	"github.com/otiai10/gosseract/v2"

	"hoso"
)

// Options configure an Engine.
type Options struct {
	Languages []string // Tesseract languages; default vie+eng
	Workers   int      // engines, one per goroutine; default runtime.NumCPU()
	// PageSegMode is Tesseract's page segmentation mode; default 3 (fully
	// automatic), chosen by measurement (see README: OCR).
	PageSegMode int
	// FlipConfidence: when a page's mean word confidence is below this, the
	// page is also read turned by 180 degrees and the better reading kept.
	FlipConfidence float64
	Limits         Limits
}

// Engine reads pages with a pool of Tesseract engines. Tesseract is run with
// one thread per engine (OMP_THREAD_LIMIT=1) and as many engines as cores:
// measured far faster than Tesseract's own OpenMP threading.
type Engine struct {
	opts    Options
	clients chan *gosseract.Client
}

// NewEngine starts opts.Workers Tesseract engines.
func NewEngine(opts Options) (*Engine, error) {
	if len(opts.Languages) == 0 {
		opts.Languages = []string{"vie", "eng"}
	}
	if opts.Workers <= 0 {
		opts.Workers = runtime.NumCPU()
	}
	if opts.PageSegMode == 0 {
		opts.PageSegMode = int(gosseract.PSM_AUTO)
	}
	if opts.FlipConfidence == 0 {
		opts.FlipConfidence = 0.70
	}
	opts.Limits = opts.Limits.withDefaults()
	e := &Engine{opts: opts, clients: make(chan *gosseract.Client, opts.Workers)}
	for i := 0; i < opts.Workers; i++ {
		c := gosseract.NewClient()
		if err := c.SetLanguage(opts.Languages...); err != nil {
			e.Close()
			return nil, hoso.WrapError(hoso.EUnavailable, "tesseract cannot start", err)
		}
		if err := c.SetPageSegMode(gosseract.PageSegMode(opts.PageSegMode)); err != nil {
			e.Close()
			return nil, hoso.WrapError(hoso.EUnavailable, "tesseract cannot start", err)
		}
		e.clients <- c
	}
	return e, nil
}

// Workers is the number of pages the engine reads at once.
func (e *Engine) Workers() int { return e.opts.Workers }

// Limits are the limits the engine applies to files.
func (e *Engine) Limits() Limits { return e.opts.Limits }

// Close stops the engines.
func (e *Engine) Close() error {
	for {
		select {
		case c := <-e.clients:
			c.Close()
		default:
			return nil
		}
	}
}

// ReadPage corrects the orientation and skew of a page image and reads its
// words. A born-digital page (Words already set) is returned as it is.
func (e *Engine) ReadPage(ctx context.Context, p *PageImage) (hoso.Page, error) {
	if p.Gray == nil {
		return hoso.Page{Number: p.Number, Width: p.Size.X, Height: p.Size.Y, DPI: p.DPI, Words: p.Words, Source: "text"}, nil
	}
	g := p.Gray
	dpi := p.DPI
	if dpi <= 0 {
		dpi = guessDPI(g.Rect.Dx(), g.Rect.Dy())
	}
	g, rotation, skew := prepare(g, dpi)

	words, conf, err := e.recognize(ctx, g, dpi)
	if err != nil {
		return hoso.Page{}, fmt.Errorf("ocr page %d: %w", p.Number, err)
	}
	// A poor reading may be a page upside down, or turned a quarter when the
	// ink was too sparse to tell: try the other orientations, keep the best.
	if conf < e.opts.FlipConfidence {
		base, baseRotation := g, rotation
		for _, turn := range []int{180, 90, 270} {
			tg := rotateQuarter(base, turn)
			tw, tconf, err := e.recognize(ctx, tg, dpi)
			if err != nil {
				return hoso.Page{}, fmt.Errorf("ocr page %d turned %d: %w", p.Number, turn, err)
			}
			if tconf > conf+0.05 {
				words, g, conf = tw, tg, tconf
				rotation = (baseRotation + 360 - turn) % 360
			}
			if conf >= e.opts.FlipConfidence {
				break
			}
		}
	}
	return hoso.Page{
		Number: p.Number, Width: g.Rect.Dx(), Height: g.Rect.Dy(), DPI: dpi,
		Rotation: rotation, Skew: skew, Words: words, Source: "ocr",
	}, nil
}

// recognize runs one engine on g and returns its words and their mean
// confidence (weighted by length).
func (e *Engine) recognize(ctx context.Context, g *image.Gray, dpi int) ([]hoso.Word, float64, error) {
	var c *gosseract.Client
	select {
	case c = <-e.clients:
	case <-ctx.Done():
		return nil, 0, ctx.Err()
	}
	defer func() { e.clients <- c }()
	if err := c.SetVariable("user_defined_dpi", strconv.Itoa(dpi)); err != nil {
		return nil, 0, err
	}
	if err := c.SetImageFromBytes(encodePGM(g)); err != nil {
		return nil, 0, err
	}
	boxes, err := c.GetBoundingBoxesVerbose()
	if err != nil {
		return nil, 0, hoso.WrapError(hoso.EUnavailable, "tesseract failed", err)
	}
	words := make([]hoso.Word, 0, len(boxes))
	var sum, n float64
	for _, b := range boxes {
		t := strings.TrimSpace(b.Word)
		if t == "" {
			continue
		}
		conf := b.Confidence / 100
		line := b.BlockNum<<20 | b.ParNum<<10 | b.LineNum
		words = append(words, hoso.Word{Text: t, Box: b.Box, Confidence: conf, Line: line})
		l := float64(len([]rune(t)))
		sum += conf * l
		n += l
	}
	if n == 0 {
		return words, 0, nil
	}
	return words, sum / n, nil
}

// encodePGM writes g as a binary PGM, which leptonica reads without any
// decompression work.
func encodePGM(g *image.Gray) []byte {
	w, h := g.Rect.Dx(), g.Rect.Dy()
	var buf bytes.Buffer
	fmt.Fprintf(&buf, "P5\n%d %d\n255\n", w, h)
	buf.Grow(w * h)
	for y := 0; y < h; y++ {
		buf.Write(g.Pix[y*g.Stride : y*g.Stride+w])
	}
	return buf.Bytes()
}

// SingleThreaded makes sure Tesseract's OpenMP runs one thread per engine.
// OpenMP reads OMP_THREAD_LIMIT when the library loads, before any Go code
// runs, so when it is unset the process re-executes itself with it set. Call
// it first thing in main (and in TestMain).
func SingleThreaded() {
	if os.Getenv("OMP_THREAD_LIMIT") != "" {
		return
	}
	exe, err := os.Executable()
	if err != nil {
		return
	}
	env := append(os.Environ(), "OMP_THREAD_LIMIT=1")
	// Exec replaces the process; on failure we simply go on multi-threaded.
	_ = syscall.Exec(exe, os.Args, env)
}
