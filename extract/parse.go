package extract

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// digitLike maps characters OCR confuses with digits to the digit, for use
// inside tokens that must be numbers (dates, coefficients, codes).
var digitLike = strings.NewReplacer(
	"O", "0", "o", "0", "Q", "0", "D", "0",
	"l", "1", "I", "1", "|", "1", "i", "1", "!", "1",
	"S", "5", "s", "5", "B", "8", "Z", "2", "z", "2", "g", "9", "q", "9",
)

// fixDigits repairs a token that should be all digits; ok is false when it
// still is not.
func fixDigits(s string) (string, bool) {
	t := digitLike.Replace(s)
	for _, r := range t {
		if r < '0' || r > '9' {
			return s, false
		}
	}
	return t, t != ""
}

var (
	reDateNumeric = regexp.MustCompile(`^([0-9OoIl|]{1,2})\s*[/.\-]\s*([0-9OoIl|]{1,2})\s*[/.\-]\s*([0-9OoIl|]{4})$`)
	reDateWords   = regexp.MustCompile(`^(?:ngay\s*)?([0-9OoIl|]{1,2})\s*thang\s*([0-9OoIl|]{1,2})\s*[,]?\s*nam\s*([0-9OoIl|]{4})$`)
	reDateEnglish = regexp.MustCompile(`^(\d{1,2})\s+([a-z]+)\s+(\d{4})$`)
)

var englishMonths = map[string]int{
	"january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6,
	"july": 7, "august": 8, "september": 9, "october": 10, "november": 11, "december": 12,
}

// ParseDate reads a date written as "15/7/2025", "15.07.2025", "ngày 15
// tháng 7 năm 2025" or "15 July 2025", tolerating OCR's letter-for-digit
// confusions, and returns it as YYYY-MM-DD.
func ParseDate(s string) (string, error) {
	f := strings.TrimSpace(Fold(Clean(s)))
	f = strings.TrimRight(f, ".,;")
	var d, m, y string
	if g := reDateNumeric.FindStringSubmatch(f); g != nil {
		d, m, y = g[1], g[2], g[3]
	} else if g := reDateWords.FindStringSubmatch(f); g != nil {
		d, m, y = g[1], g[2], g[3]
	} else if g := reDateEnglish.FindStringSubmatch(f); g != nil && englishMonths[g[2]] > 0 {
		d, m, y = g[1], strconv.Itoa(englishMonths[g[2]]), g[3]
	} else {
		return "", fmt.Errorf("not a date: %q", s)
	}
	var ok bool
	for _, p := range []*string{&d, &m, &y} {
		if *p, ok = fixDigits(*p); !ok {
			return "", fmt.Errorf("not a date: %q", s)
		}
	}
	return makeDate(d, m, y)
}

func makeDate(d, m, y string) (string, error) {
	di, _ := strconv.Atoi(d)
	mi, _ := strconv.Atoi(m)
	yi, _ := strconv.Atoi(y)
	t := time.Date(yi, time.Month(mi), di, 0, 0, 0, 0, time.UTC)
	if yi < 1900 || yi > 2100 || t.Day() != di || int(t.Month()) != mi {
		return "", fmt.Errorf("no such date: %s/%s/%s", d, m, y)
	}
	return t.Format("2006-01-02"), nil
}

var reCoefficient = regexp.MustCompile(`^([0-9OoIl|]{1,2})\s*[,./]\s*([0-9OoIl|]{2})$`)

// ParseCoefficient reads a salary coefficient printed as "3,33" (or "3.33",
// or "3/33" where OCR took the comma for a slash) and returns it with a dot
// and two decimals.
func ParseCoefficient(s string) (string, error) {
	g := reCoefficient.FindStringSubmatch(strings.TrimSpace(s))
	if g == nil {
		return "", fmt.Errorf("not a coefficient: %q", s)
	}
	a, ok1 := fixDigits(g[1])
	b, ok2 := fixDigits(g[2])
	if !ok1 || !ok2 {
		return "", fmt.Errorf("not a coefficient: %q", s)
	}
	ai, _ := strconv.Atoi(a)
	if ai < 1 || ai > 15 {
		return "", fmt.Errorf("coefficient out of range: %q", s)
	}
	return strconv.Itoa(ai) + "." + b, nil
}

// ParseInt reads a small whole number (a salary step, a year, a percentage).
func ParseInt(s string) (int, error) {
	t, ok := fixDigits(strings.TrimSpace(s))
	if !ok {
		return 0, fmt.Errorf("not a number: %q", s)
	}
	return strconv.Atoi(t)
}

var (
	reRankCodeV   = regexp.MustCompile(`^[Vv]\s*[.,]?\s*(\d{2})\s*[.,]?\s*(\d{2})\s*[.,]?\s*(\d{2})$`)
	reRankCodeNum = regexp.MustCompile(`^(\d{2})\s*[.,]?\s*(\d{3})([a-zA-Z]?)$`)
)

// ParseRankCode normalizes a civil-service rank code ("01.003") or a
// professional title code ("V.07.05.15") as printed, repairing lost dots.
func ParseRankCode(s string) (string, error) {
	s = strings.TrimSpace(s)
	if g := reRankCodeV.FindStringSubmatch(s); g != nil {
		return "V." + g[1] + "." + g[2] + "." + g[3], nil
	}
	t := s
	if fixed, ok := fixDigits(strings.NewReplacer(".", "", ",", "", " ", "").Replace(s)); ok && len(fixed) == 5 {
		t = fixed
	}
	if g := reRankCodeNum.FindStringSubmatch(t); g != nil {
		return g[1] + "." + g[2] + strings.ToLower(g[3]), nil
	}
	return "", fmt.Errorf("not a rank code: %q", s)
}

var reCitizenID = regexp.MustCompile(`^\d{12}$`)

// ParseCitizenID returns the 12 digits of a citizen identity number.
func ParseCitizenID(s string) (string, error) {
	t, ok := fixDigits(strings.ReplaceAll(strings.TrimSpace(s), " ", ""))
	if !ok || !reCitizenID.MatchString(t) {
		return "", fmt.Errorf("not a citizen ID: %q", s)
	}
	return t, nil
}

var reDocNumber = regexp.MustCompile(`^([0-9OoIl|]{1,6})\s*/\s*(.+)$`)

// NormalizeDocNumber cleans a document number as printed ("1234/QĐ-UBND"):
// no spaces around its slashes and hyphens, digits repaired, and the
// abbreviation QĐ (quyết định) restored where OCR lost its stroke.
func NormalizeDocNumber(s string) (string, error) {
	s = Clean(s)
	s = strings.Trim(s, " .,;:")
	s = regexp.MustCompile(`\s*([/\-])\s*`).ReplaceAllString(s, "$1")
	g := reDocNumber.FindStringSubmatch(s)
	if g == nil {
		return "", fmt.Errorf("not a document number: %q", s)
	}
	n, ok := fixDigits(g[1])
	if !ok {
		return "", fmt.Errorf("not a document number: %q", s)
	}
	rest := g[2]
	if strings.HasPrefix(rest, "QD-") || strings.HasPrefix(rest, "QÐ-") {
		rest = "QĐ-" + rest[len("QD-"):]
	}
	return n + "/" + rest, nil
}
