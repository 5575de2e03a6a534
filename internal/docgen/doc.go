// Package docgen writes the documents people sign, publish and keep, from
// the data at the time they ask: the convention as DOCX (to negotiate in a
// word processor) and PDF (to sign), the plan and budget as XLSX, the
// yearly review and the final evaluation as PDF.
//
// A document is first written once, in French, as a list of blocks
// (headings, paragraphs, tables, signature blocks); one writer per format
// then lays the blocks out (docx.go, a small WordprocessingML writer; pdf.go,
// over go-pdf/fpdf with the embedded Liberation Sans), so that the DOCX and
// the PDF of a convention say the same thing. The package reads no database
// and knows nothing of HTTP: the caller gathers the data.
package docgen

import (
	"strings"
	"time"
	"unicode"
)

// document is what a writer lays out: its blocks, and what its metadata and
// page footers say.
type document struct {
	// Title is the document's title in its properties and its footer.
	Title   string
	Subject string
	// Created is the date of generation, in the properties.
	Created time.Time
	Blocks  []block
}

// block is one element of a document, in reading order.
type block interface{ isBlock() }

// heading is a heading of level 1 to 3. Levels 1 and 2 go in the table of
// contents and the PDF's outline.
type heading struct {
	Level int
	Text  string
}

// style is the look of a paragraph.
type style int

const (
	styleNormal   style = iota
	styleTitle          // the big title of the cover page
	styleSubtitle       // the lines under it
	styleCover          // the other lines of the cover, centred
	styleBullet         // an item of a bulleted list
	styleNote           // a smaller, muted paragraph: sources, notes
	styleLabel          // a short bold line that introduces what follows
)

// paragraph is a paragraph of runs of text.
type paragraph struct {
	Style style
	Runs  []run
}

// run is a piece of a paragraph's text with its emphasis.
type run struct {
	Text         string
	Bold, Italic bool
}

// column is the layout of one column of a table: its share of the width
// (the shares of a table need not add up to 1) and whether its cells are
// aligned right, as amounts are.
type column struct {
	Width float64
	Right bool
}

// table is a table with a header row (repeated on each page it spans),
// its rows and an optional bold total row. A key-value table (Keys) has
// no header and its first column in bold: the facts of a fiche action.
type table struct {
	Cols []column
	Head []string
	Rows [][]string
	Foot []string
	Keys bool
}

// pageBreak starts a new page.
type pageBreak struct{}

// contents is the table of contents: the headings of levels 1 and 2.
type contents struct{}

// signatures are the signature blocks, one per signatory, with the place
// and the date left to fill by hand.
type signatures struct {
	Parties []string
}

func (heading) isBlock()    {}
func (paragraph) isBlock()  {}
func (table) isBlock()      {}
func (pageBreak) isBlock()  {}
func (contents) isBlock()   {}
func (signatures) isBlock() {}

// builder appends blocks to a document with a few shorthands.
type builder struct{ doc *document }

func (b builder) add(bl ...block) { b.doc.Blocks = append(b.doc.Blocks, bl...) }

func (b builder) h1(text string) { b.add(heading{1, text}) }
func (b builder) h2(text string) { b.add(heading{2, text}) }
func (b builder) h3(text string) { b.add(heading{3, text}) }

// p adds a paragraph of plain text; an empty text adds nothing. Line breaks
// in text start new paragraphs, as people type them in descriptions.
func (b builder) p(text string) { b.styled(styleNormal, text) }

func (b builder) styled(st style, text string) {
	for _, line := range paragraphs(text) {
		b.add(paragraph{Style: st, Runs: []run{{Text: line}}})
	}
}

// runs adds a paragraph of runs.
func (b builder) runs(st style, rs ...run) { b.add(paragraph{Style: st, Runs: rs}) }

// bullets adds a bulleted list.
func (b builder) bullets(items ...string) {
	for _, it := range items {
		b.styled(styleBullet, it)
	}
}

// paragraphs splits a text typed by a person into its paragraphs: the
// lines that are not blank, trimmed.
func paragraphs(text string) []string {
	var out []string
	for _, line := range strings.Split(clean(text), "\n") {
		if line = strings.TrimSpace(line); line != "" {
			out = append(out, line)
		}
	}
	return out
}

// clean keeps what both formats can carry: no control characters but line
// breaks and tabs (turned into spaces), nothing outside the Basic
// Multilingual Plane (emoji, which the font has no glyph for and the PDF
// writer refuses), no carriage returns. It also gives French punctuation
// its no-break space, so that a line never starts with ":" or "»".
func clean(s string) string {
	return typography.Replace(strip(s))
}

var typography = strings.NewReplacer(" :", nbsp+":", " ;", nbsp+";", " ?", nbsp+"?", " !", nbsp+"!", "« ", "«"+nbsp, " »", nbsp+"»")

func strip(s string) string {
	ok := true
	for _, r := range s {
		if r > 0xFFFF || r == '\r' || r == '\t' || (unicode.IsControl(r) && r != '\n') || r == 0xFFFE || r == 0xFFFF {
			ok = false
			break
		}
	}
	if ok {
		return s
	}
	return strings.Map(func(r rune) rune {
		switch {
		case r == '\t':
			return ' '
		case r > 0xFFFF, r == '\r', r == 0xFFFE, r == 0xFFFF, unicode.IsControl(r) && r != '\n':
			return -1
		}
		return r
	}, s)
}

// oneLine is clean text on one line: the cells of tables, headings. Only
// ASCII spaces and line breaks collapse: the no-break spaces of French
// typography ("22 246 000 €", "« oui »") stay.
func oneLine(s string) string {
	return strings.Join(strings.FieldsFunc(clean(s), func(r rune) bool { return r == ' ' || r == '\n' }), " ")
}
