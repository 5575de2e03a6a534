package territory

import (
	"cmp"
	"math/bits"
	"slices"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Normalize folds a name or a query the way Search compares them: lower
// case, accents removed, ligatures spelt out ("œ" → "oe"), hyphens,
// apostrophes and any other punctuation turned into spaces, spaces collapsed
// and trimmed. "L'Île-d'Yeu" becomes "l ile d yeu".
func Normalize(s string) string {
	b := make([]byte, 0, len(s))
	space := false // a separator is pending
	for i, w := 0, 1; i < len(s); i += w {
		var f string
		if c := s[i]; c < utf8.RuneSelf {
			w = 1
			f = ascii[c]
		} else {
			var r rune
			var sep bool
			r, w = utf8.DecodeRuneInString(s[i:])
			if f, sep = fold(r); f == "" && !sep {
				continue // a combining mark
			}
		}
		if f == "" {
			space = true
			continue
		}
		if space && len(b) > 0 {
			b = append(b, ' ')
		}
		space = false
		b = append(b, f...)
	}
	return string(b)
}

// ascii holds the folding of ASCII: lower-case letters and digits, "" for
// the rest, which separates words.
var ascii = func() (t [utf8.RuneSelf]string) {
	for c := range t {
		switch {
		case 'a' <= c && c <= 'z', '0' <= c && c <= '9':
			t[c] = string(rune(c))
		case 'A' <= c && c <= 'Z':
			t[c] = string(rune(c + 'a' - 'A'))
		}
	}
	return t
}()

// latin holds the folding of U+00C0 … U+017F, the letters French and its
// neighbours use, so that Normalize seldom needs the decomposition tables.
var latin = func() (t [0x180 - 0xC0]string) {
	for i := range t {
		t[i], _ = decompose(rune(0xC0 + i))
	}
	return t
}()

// fold returns the ASCII (or at least unaccented, lower-case) spelling of a
// non-ASCII rune; sep reports a rune that separates words. A combining mark
// folds to nothing, so that decomposed input matches composed input.
func fold(r rune) (f string, sep bool) {
	if r >= 0xC0 && r < 0x180 {
		f = latin[r-0xC0]
		return f, f == ""
	}
	return decompose(r)
}

func decompose(r rune) (string, bool) {
	switch r {
	case 'Æ', 'æ':
		return "ae", false
	case 'Œ', 'œ':
		return "oe", false
	case 'ß':
		return "ss", false
	case 'Ø', 'ø':
		return "o", false
	case 'Ł', 'ł':
		return "l", false
	case 'Đ', 'đ', 'Ð', 'ð':
		return "d", false
	case 'Þ', 'þ':
		return "th", false
	case 'ı':
		return "i", false
	}
	if unicode.Is(unicode.Mn, r) {
		return "", false
	}
	var b strings.Builder
	for _, d := range norm.NFD.String(string(unicode.ToLower(r))) {
		if unicode.IsLetter(d) || unicode.IsDigit(d) {
			b.WriteRune(d)
		}
	}
	return b.String(), b.Len() == 0
}

// aliases are words written both ways in names: "Saint-Gildas" in a commune,
// "St-Gildas" in an EPCI. A name holding one is indexed under the other too.
var aliases = map[string]string{"saint": "st", "st": "saint", "sainte": "ste", "ste": "sainte"}

// index finds communes, EPCIs and départements by the prefixes of the words
// of their names. Entries are numbered by decreasing population, so that
// walking a set of entry numbers upwards lists them most populous first.
type index struct {
	entries  []entry
	words    []string // every distinct word of the names, sorted
	offsets  []int32  // postings of words[i]: postings[offsets[i]:offsets[i+1]]
	postings []int32  // entry numbers, ascending within a word

	communeEntry, epciEntry, depEntry []int32  // entry number of each commune, EPCI, département
	depContext                        []string // "Gironde (33)", by département index
}

type entry struct {
	kind       uint8 // entryCommune, entryEPCI or entryDepartement
	idx        int32 // in Ref.communes, Ref.epcis or Ref.deps
	population int
	norm       string // Normalize(name)
}

const (
	entryDepartement uint8 = iota
	entryEPCI
	entryCommune
)

func buildIndex(r *Ref, n names) index {
	x := index{
		entries:      make([]entry, 0, len(r.deps)+len(r.epcis)+len(r.communes)),
		communeEntry: make([]int32, len(r.communes)),
		epciEntry:    make([]int32, len(r.epcis)),
		depEntry:     make([]int32, len(r.deps)),
		depContext:   make([]string, len(r.deps)),
	}
	for i, d := range r.deps {
		x.entries = append(x.entries, entry{entryDepartement, int32(i), d.Population, n.deps[i]})
		x.depContext[i] = d.Name + " (" + d.Code + ")"
	}
	for i, e := range r.epcis {
		x.entries = append(x.entries, entry{entryEPCI, int32(i), e.Population, n.epcis[i]})
	}
	for i, c := range r.communes {
		x.entries = append(x.entries, entry{entryCommune, int32(i), c.Population, n.communes[i]})
	}
	// Ties (same population) go départements, EPCIs, communes, each in the
	// order of their codes.
	slices.SortFunc(x.entries, func(a, b entry) int {
		return cmp.Or(cmp.Compare(b.population, a.population), cmp.Compare(a.kind, b.kind), cmp.Compare(a.idx, b.idx))
	})

	// Number the distinct words in order of appearance, count their
	// postings, then lay the postings out word by word in sorted word order.
	// Walking the entries upwards keeps each word's postings ascending.
	wordNum := make(map[string]int32, 32000)
	var words []string
	var counts []int32
	type posting struct{ word, id int32 }
	all := make([]posting, 0, 4*len(x.entries))
	for id, e := range x.entries {
		switch e.kind {
		case entryCommune:
			x.communeEntry[e.idx] = int32(id)
		case entryEPCI:
			x.epciEntry[e.idx] = int32(id)
		case entryDepartement:
			x.depEntry[e.idx] = int32(id)
		}
		start := len(all)
		add := func(w string) {
			k, ok := wordNum[w]
			if !ok {
				k = int32(len(words))
				wordNum[w] = k
				words = append(words, w)
				counts = append(counts, 0)
			}
			for _, p := range all[start:] {
				if p.word == k {
					return // a word twice in a name needs one posting
				}
			}
			all = append(all, posting{k, int32(id)})
			counts[k]++
		}
		for w := range strings.SplitSeq(e.norm, " ") {
			add(w)
			if a, ok := aliases[w]; ok {
				add(a)
			}
		}
	}
	order := make([]int32, len(words)) // word numbers in sorted word order
	for i := range order {
		order[i] = int32(i)
	}
	slices.SortFunc(order, func(a, b int32) int { return strings.Compare(words[a], words[b]) })
	x.words = make([]string, len(words))
	x.offsets = make([]int32, len(words)+1)
	next := make([]int32, len(words)) // where the next posting of a word goes
	for i, k := range order {
		x.words[i] = words[k]
		x.offsets[i+1] = x.offsets[i] + counts[k]
		next[k] = x.offsets[i]
	}
	x.postings = make([]int32, len(all))
	for _, p := range all {
		x.postings[next[p.word]] = p.id
		next[p.word]++
	}
	return x
}

// wordRange returns the words that start with prefix, as a range of x.words.
func (x *index) wordRange(prefix string) (lo, hi int) {
	lo = sort.SearchStrings(x.words, prefix)
	hi = lo + sort.Search(len(x.words)-lo, func(i int) bool { return !strings.HasPrefix(x.words[lo+i], prefix) })
	return lo, hi
}

// bitset is a set of entry numbers.
type bitset []uint64

func (s bitset) add(x *index, lo, hi int) {
	for _, id := range x.postings[x.offsets[lo]:x.offsets[hi]] {
		s[id/64] |= 1 << (id % 64)
	}
}

// Search finds communes, EPCIs and départements whose name holds every word
// of q as the start of one of its words, ignoring case, accents, hyphens and
// apostrophes: "saint joseph" finds Saint-Joseph, "ile de re" finds the CC de
// l'Île de Ré; "st" and "saint" are the same word. A query that is a code
// also finds by code: a commune's INSEE code (a former code answers the
// current commune), a postal code, an EPCI's SIREN, a département's code.
//
// Matches by code come first, then names equal to the query, then the rest;
// each group most populous first. limit <= 0 means 20.
func (r *Ref) Search(q string, limit int) []Match {
	if limit <= 0 {
		limit = 20
	}
	x := &r.index
	ids := r.codeMatches(q)
	nq := Normalize(q)
	if nq == "" {
		return r.matches(ids, limit)
	}
	words := strings.Split(nq, " ")

	// Intersect the entries of each word, the rarest word first.
	type span struct{ lo, hi, n int }
	spans := make([]span, len(words))
	for i, w := range words {
		lo, hi := x.wordRange(w)
		if lo == hi {
			return r.matches(ids, limit)
		}
		spans[i] = span{lo, hi, int(x.offsets[hi] - x.offsets[lo])}
	}
	slices.SortFunc(spans, func(a, b span) int { return cmp.Compare(a.n, b.n) })
	n := (len(x.entries) + 63) / 64
	set := make(bitset, n, 2*n)
	set.add(x, spans[0].lo, spans[0].hi)
	if len(spans) > 1 {
		other := set[n : 2*n]
		for _, s := range spans[1:] {
			clear(other)
			other.add(x, s.lo, s.hi)
			empty := true
			for i := range set {
				set[i] &= other[i]
				empty = empty && set[i] == 0
			}
			if empty {
				return r.matches(ids, limit)
			}
		}
	}

	// Walk the set upwards (most populous first): names equal to the query
	// go first wherever they stand, the others fill up to the limit.
	var exact, rest []int32
	for i, word := range set {
		for word != 0 {
			id := int32(i*64 + bits.TrailingZeros64(word))
			word &= word - 1
			if x.entries[id].norm == nq {
				exact = append(exact, id)
			} else if len(rest) < limit {
				rest = append(rest, id)
			}
		}
	}
	ids = append(ids, exact...)
	ids = append(ids, rest...)
	return r.matches(ids, limit)
}

// codeMatches returns the entries q names by code, in the order Search gives
// them. Spaces inside the query are ignored ("243 301 181").
func (r *Ref) codeMatches(q string) []int32 {
	if len(q) > 20 {
		return nil
	}
	code := strings.ToUpper(strings.Join(strings.Fields(q), ""))
	x := &r.index
	var ids []int32
	if i, ok := r.depIdx[code]; ok {
		ids = append(ids, x.depEntry[i])
	}
	switch {
	case len(code) == 5:
		if i, ok := r.byCode[code]; ok {
			ids = append(ids, x.communeEntry[i])
		} else if i, ok := r.former[code]; ok {
			ids = append(ids, x.communeEntry[i])
		}
		if communes := r.byPostal[code]; len(communes) > 0 {
			byPop := make([]int32, 0, len(communes))
			for _, c := range communes {
				byPop = append(byPop, x.communeEntry[c])
			}
			slices.Sort(byPop)
			ids = append(ids, byPop...)
		}
	case len(code) == 9 && isDigits(code):
		if i, ok := r.epciIdx[code]; ok {
			ids = append(ids, x.epciEntry[i])
		}
	}
	return ids
}

// matches turns entry numbers into Matches, dropping repeats, up to limit.
func (r *Ref) matches(ids []int32, limit int) []Match {
	var out []Match
	for i, id := range ids {
		if len(out) == limit {
			break
		}
		if slices.Contains(ids[:i], id) {
			continue
		}
		out = append(out, r.match(id))
	}
	return out
}

func (r *Ref) match(id int32) Match {
	e := r.index.entries[id]
	switch e.kind {
	case entryCommune:
		c := &r.communes[e.idx]
		return Match{KindCommune, c.Code, c.Name, c.Population, r.index.depContext[r.depIdx[c.Departement]]}
	case entryEPCI:
		p := &r.epcis[e.idx]
		return Match{KindEPCI, p.SIREN, p.Name, p.Population, KindLabel(p.Kind)}
	default:
		d := &r.deps[e.idx]
		return Match{KindDepartement, d.Code, d.Name, d.Population, r.regions[r.regionIdx[d.Region]].Name}
	}
}
