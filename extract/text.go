// Package extract reads what a document says from the words OCR found on its
// pages: where one document ends and the next begins, the document's type,
// and its fields. It is pure: no I/O, values in, values out.
package extract

import (
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// Clean returns s in Unicode NFC with runs of white space folded to one
// space, trimmed, and look-alike letters OCR produces replaced by the
// Vietnamese ones (Ð U+00D0 by Đ U+0110).
func Clean(s string) string {
	s = norm.NFC.String(s)
	s = strings.Map(func(r rune) rune {
		switch r {
		case 'Ð':
			return 'Đ'
		case 'ð':
			return 'đ'
		case '\u00a0', '\t', '\n', '\r', '\f':
			return ' '
		case '“', '”':
			return '"'
		case '‘', '’':
			return '\''
		case '–', '—':
			return '-'
		}
		return vietnameseLetter(r)
	}, s)
	return strings.Join(strings.Fields(s), " ")
}

// foldRune maps a letter to its base Latin letter, lower case, with every
// Vietnamese diacritic removed (đ -> d). It maps one rune to one rune, so a
// folded string lines up rune by rune with its source.
func foldRune(r rune) rune {
	switch r {
	case 'đ', 'Đ', 'Ð', 'ð':
		return 'd'
	}
	if r < 128 {
		return unicode.ToLower(r)
	}
	d := norm.NFD.String(string(r))
	for _, b := range d {
		if b < 128 {
			return unicode.ToLower(b)
		}
		if !unicode.Is(unicode.Mn, b) {
			return unicode.ToLower(b)
		}
	}
	return unicode.ToLower(r)
}

// Fold returns s lower-cased with diacritics removed, rune for rune, so that
// labels can be found whatever OCR did to the accents.
func Fold(s string) string {
	rs := []rune(s)
	for i, r := range rs {
		rs[i] = foldRune(r)
	}
	return string(rs)
}

// TitleCase writes a Vietnamese proper name with each word capitalized and
// the rest lower case: "NGUYỄN VĂN HÙNG" -> "Nguyễn Văn Hùng".
func TitleCase(s string) string {
	words := strings.Fields(Clean(s))
	for i, w := range words {
		rs := []rune(strings.ToLower(w))
		rs[0] = unicode.ToUpper(rs[0])
		words[i] = string(rs)
	}
	return strings.Join(words, " ")
}

// SentenceCase capitalizes the first letter only: "CỬ NHÂN" -> "Cử nhân".
func SentenceCase(s string) string {
	rs := []rune(strings.ToLower(Clean(s)))
	if len(rs) > 0 {
		rs[0] = unicode.ToUpper(rs[0])
	}
	return string(rs)
}

// isUpperText reports whether the letters of s are (almost all) capitals.
func isUpperText(s string) bool {
	var up, low int
	for _, r := range s {
		if unicode.IsUpper(r) {
			up++
		} else if unicode.IsLower(r) {
			low++
		}
	}
	return up >= 2 && low*8 <= up
}

// letterRatio is the share of letters and digits among the non-space runes.
func letterRatio(s string) float64 {
	var good, all int
	for _, r := range s {
		if unicode.IsSpace(r) {
			continue
		}
		all++
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			good++
		}
	}
	if all == 0 {
		return 0
	}
	return float64(good) / float64(all)
}

// approxIndex finds needle in hay allowing up to maxErr edits (Sellers'
// algorithm) and returns the end of the best match and its edit count, or
// -1 when there is none within maxErr.
func approxIndex(hay, needle string, maxErr int) (end, errs int) {
	h, n := []rune(hay), []rune(needle)
	if len(n) == 0 {
		return 0, 0
	}
	prev := make([]int, len(n)+1)
	cur := make([]int, len(n)+1)
	for j := range prev {
		prev[j] = j
	}
	best, bestEnd := maxErr+1, -1
	for i := 1; i <= len(h); i++ {
		cur[0] = 0
		for j := 1; j <= len(n); j++ {
			cost := 1
			if h[i-1] == n[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j-1]+cost, prev[j]+1, cur[j-1]+1)
		}
		if cur[len(n)] < best {
			best, bestEnd = cur[len(n)], i
		}
		prev, cur = cur, prev
	}
	if bestEnd < 0 {
		return -1, 0
	}
	return bestEnd, best
}

// fuzzyHas reports whether the folded text contains the folded phrase with
// at most one edit per six letters.
func fuzzyHas(folded, phrase string) bool {
	if strings.Contains(folded, phrase) {
		return true
	}
	end, _ := approxIndex(folded, phrase, len([]rune(phrase))/6)
	return end >= 0
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

// vietnameseLetter maps a Latin letter with a mark Vietnamese never uses
// (ñ, ï, ü, ç, ë, ...: OCR's misreadings of Vietnamese letters) to its bare
// letter; every other rune is returned as it is.
func vietnameseLetter(r rune) rune {
	if r < 0xC0 || r > 0x24F {
		return r // ASCII, and the Vietnamese letters of Latin Extended Additional
	}
	switch r {
	case 'À', 'Á', 'Â', 'Ã', 'È', 'É', 'Ê', 'Ì', 'Í', 'Ò', 'Ó', 'Ô', 'Õ', 'Ù', 'Ú', 'Ý',
		'à', 'á', 'â', 'ã', 'è', 'é', 'ê', 'ì', 'í', 'ò', 'ó', 'ô', 'õ', 'ù', 'ú', 'ý',
		'Ă', 'ă', 'Đ', 'đ', 'Ĩ', 'ĩ', 'Ũ', 'ũ', 'Ơ', 'ơ', 'Ư', 'ư':
		return r
	}
	if !unicode.IsLetter(r) {
		return r
	}
	base := foldRune(r)
	if base < 128 {
		if unicode.IsUpper(r) {
			return unicode.ToUpper(base)
		}
		return base
	}
	return r
}
