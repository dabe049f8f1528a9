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
	Languages []string // Tesseract languages; default vie (vie+eng measured worse: English
	// words win over Vietnamese ones that lost their marks)
	Workers int // engines, one per goroutine; default runtime.NumCPU()
	// PageSegMode is Tesseract's page segmentation mode; default 3 (fully
	// automatic), chosen by measurement (see README: OCR).
	PageSegMode int
	// FlipConfidence: when orientation detection found nothing and a page's
	// mean word confidence is below this, the page is also read turned each
	// other way and the best reading kept.
	FlipConfidence float64
	// MaxDPI is the finest resolution pages are read at: finer scans are
	// scaled down first. Default 200 (HOSO_OCR_MAX_DPI): measured on the dev
	// corpus, the same accuracy as 300 dpi (CER 0.032 both) in 80% of the
	// memory (peak 376 MB against 474 MB) and less time.
	MaxDPI int
	Limits Limits
}

// Engine reads pages with a pool of Tesseract engines. Tesseract is run with
// one thread per engine (OMP_THREAD_LIMIT=1) and as many engines as cores:
// measured far faster than Tesseract's own OpenMP threading.
type Engine struct {
	opts    Options
	workers chan *worker
}

// worker is one Tesseract engine for reading and one for orientation.
type worker struct {
	c   *gosseract.Client
	osd *osd
}

// NewEngine starts opts.Workers Tesseract engines.
func NewEngine(opts Options) (*Engine, error) {
	if len(opts.Languages) == 0 {
		opts.Languages = []string{"vie"}
	}
	if opts.Workers <= 0 {
		opts.Workers = runtime.NumCPU()
	}
	if opts.PageSegMode == 0 {
		opts.PageSegMode = int(gosseract.PSM_AUTO)
	}
	if opts.MaxDPI == 0 {
		opts.MaxDPI = 200
		if v, err := strconv.Atoi(os.Getenv("HOSO_OCR_MAX_DPI")); err == nil && v > 0 {
			opts.MaxDPI = v
		}
	}
	if opts.FlipConfidence == 0 {
		opts.FlipConfidence = 0.70
	}
	opts.Limits = opts.Limits.withDefaults()
	e := &Engine{opts: opts, workers: make(chan *worker, opts.Workers)}
	for i := 0; i < opts.Workers; i++ {
		c := gosseract.NewClient()
		// Tesseract's adaptive classifier learns from each page it reads and
		// changes how it reads the next: each page must read the same
		// whatever came before (and whichever engine reads it).
		for k, v := range map[string]string{"classify_enable_learning": "0", "classify_enable_adaptive_matcher": "0"} {
			if err := c.SetVariable(gosseract.SettableVariable(k), v); err != nil {
				c.Close()
				e.Close()
				return nil, hoso.WrapError(hoso.EUnavailable, "tesseract cannot start", err)
			}
		}
		// Tesseract's own messages ("Detected N diacritics") are not for
		// users: errors come back through the API.
		if err := c.DisableOutput(); err != nil {
			c.Close()
			e.Close()
			return nil, hoso.WrapError(hoso.EUnavailable, "tesseract cannot start", err)
		}
		w := &worker{c: c, osd: newOSD()}
		if w.osd == nil {
			c.Close()
			e.Close()
			return nil, hoso.Errorf(hoso.EUnavailable, "tesseract orientation detection cannot start (is osd.traineddata installed?)")
		}
		if err := c.SetLanguage(opts.Languages...); err != nil {
			e.Close()
			return nil, hoso.WrapError(hoso.EUnavailable, "tesseract cannot start", err)
		}
		e.workers <- w
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
		case w := <-e.workers:
			w.c.Close()
			w.osd.close()
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
	// One engine reads the whole page, starting afresh: Tesseract carries
	// state from one image to the next, and a page must read the same
	// whatever was read before it.
	w, err := e.acquire(ctx)
	if err != nil {
		return hoso.Page{}, err
	}
	defer e.release(w)
	if err := w.reset(e.opts.Languages); err != nil {
		return hoso.Page{}, err
	}
	g := p.Gray
	dpi := p.DPI
	if dpi <= 0 {
		dpi = guessDPI(g.Rect.Dx(), g.Rect.Dy())
	}
	if e.opts.MaxDPI > 0 && dpi > e.opts.MaxDPI {
		// Tesseract's memory and time grow with the pixels, not its
		// accuracy: text is read as well at this resolution.
		g = downscale(g, float64(e.opts.MaxDPI)/float64(dpi))
		dpi = e.opts.MaxDPI
	}
	g = normalizeBackground(g, max(16, dpi/6))
	turn, _, osdOK := w.osd.orientation(g, dpi)
	if !osdOK {
		turn = 0 // no letters to tell by: a poor reading below tries the other ways
	}
	rotation := turn
	g = rotateQuarter(g, 360-turn)
	g, skew, cells := prepare(g, dpi)

	words, conf, err := w.readWords(g, dpi, cells, e.opts.PageSegMode)
	if err != nil {
		return hoso.Page{}, fmt.Errorf("ocr page %d: %w", p.Number, err)
	}
	// A poor reading may be a page upside down, or turned a quarter when the
	// ink was too sparse to tell: try the other orientations, keep the best.
	if !osdOK && conf < e.opts.FlipConfidence {
		base, baseRotation := g, rotation
		for _, turn := range []int{180, 90, 270} {
			tg := rotateQuarter(base, turn)
			tw, tconf, err := w.recognize(tg, dpi, e.opts.PageSegMode)
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

// cellLine numbers the text of table cells apart from Tesseract's lines:
// all the words of one cell form one line, in reading order.
const cellLine = 1 << 30

// readWords reads a prepared page: the text outside tables with automatic
// layout, and each table cell as a block of its own.
func (w *worker) readWords(g *image.Gray, dpi int, cells []image.Rectangle, psm int) ([]hoso.Word, float64, error) {
	page := g
	if len(cells) > 0 {
		page = whiten(g, cells)
	}
	words, conf, err := w.recognize(page, dpi, psm)
	if err != nil {
		return nil, 0, err
	}
	skipped, err := w.readSkipped(page, dpi, words)
	if err != nil {
		return nil, 0, err
	}
	words = append(words, skipped...)
	if len(cells) == 0 {
		return words, conf, nil
	}
	sum, n := conf*float64(len(words)), float64(len(words))
	const margin = 10
	for i, r := range cells {
		cw, cconf, err := w.recognize(crop(g, r, margin), dpi, int(gosseract.PSM_SINGLE_BLOCK))
		if err != nil {
			return nil, 0, err
		}
		for _, cwd := range cw {
			cwd.Box = cwd.Box.Add(r.Min.Sub(image.Pt(margin, margin)))
			cwd.Line = cellLine + i
			words = append(words, cwd)
		}
		sum += cconf * float64(len(cw))
		n += float64(len(cw))
	}
	if n == 0 {
		return words, 0, nil
	}
	return words, sum / n, nil
}

// recognize runs one engine on g with the page segmentation mode psm and
// returns its words and their mean confidence (weighted by length).
func (w *worker) recognize(g *image.Gray, dpi, psm int) ([]hoso.Word, float64, error) {
	c := w.c
	// As a variable, not SetPageSegMode: gosseract applies variables after
	// (re)initializing the engine, which resets the mode.
	if err := c.SetVariable("tessedit_pageseg_mode", strconv.Itoa(psm)); err != nil {
		return nil, 0, err
	}
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

func (e *Engine) acquire(ctx context.Context) (*worker, error) {
	select {
	case w := <-e.workers:
		return w, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

func (e *Engine) release(w *worker) { e.workers <- w }

// reset makes the engine start afresh on its next image (it reloads the
// language model, which Tesseract keeps cached in memory).
func (w *worker) reset(langs []string) error {
	return w.c.SetLanguage(langs...)
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

// SingleThreaded makes sure Tesseract's OpenMP runs one thread per engine
// (OMP_THREAD_LIMIT=1) and that the C allocator keeps few arenas
// (MALLOC_ARENA_MAX=2: with one arena per thread, freed page images stay
// mapped and a process holds far more memory than it uses). Both are read
// when the C libraries load, before any Go code runs, so when either is
// unset the process re-executes itself with them set. Call it first thing
// in main (and in TestMain).
func SingleThreaded() {
	want := map[string]string{"OMP_THREAD_LIMIT": "1", "MALLOC_ARENA_MAX": "2"}
	env := os.Environ()
	missing := false
	for k, v := range want {
		if os.Getenv(k) == "" {
			env = append(env, k+"="+v)
			missing = true
		}
	}
	if !missing {
		return
	}
	exe, err := os.Executable()
	if err != nil {
		return
	}
	// Exec replaces the process; on failure we simply go on as we are.
	_ = syscall.Exec(exe, os.Args, env)
}
