package docgen

import (
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/go-pdf/fpdf"
)

// The page of the PDF documents: A4, in millimetres.
const (
	pageW   = 210.0
	pageH   = 297.0
	marginL = 20.0
	marginR = 20.0
	marginT = 18.0
	marginB = 20.0
	bodyW   = pageW - marginL - marginR
	bottom  = pageH - marginB
)

// rgb is a colour of the product's palette.
type rgb struct{ r, g, b int }

var (
	colText   = rgb{0x1d, 0x26, 0x2d}
	colHead   = rgb{0x0e, 0x3b, 0x47}
	colMuted  = rgb{0x4f, 0x5b, 0x66}
	colRule   = rgb{0xb8, 0xc1, 0xc8}
	colStrong = rgb{0x7d, 0x8a, 0x95}
	colFill   = rgb{0xe9, 0xee, 0xf1}
	colLight  = rgb{0xf3, 0xf5, 0xf7}
)

// pdfWriter lays a document out on pages.
type pdfWriter struct {
	f   *fpdf.Fpdf
	doc *document
	// known are the pages of the headings listed in the table of contents,
	// from a first pass; nil during that pass.
	known []int
	// pages are the pages of those headings in this pass, links their
	// targets.
	pages []int
	links []int
	// style and size are the font last set through font, which skips
	// setting it again: fpdf writes each change into the page.
	style string
	size  float64
}

// writePDF writes doc as PDF. A document with a table of contents is laid
// out twice: the first pass finds the pages of the headings, the second
// writes them in the contents (whose lines take the same room either way).
func writePDF(w io.Writer, doc *document) error {
	var known []int
	for _, b := range doc.Blocks {
		if _, ok := b.(contents); ok {
			first, err := layoutPDF(doc, nil)
			if err != nil {
				return err
			}
			known = first.pages
			break
		}
	}
	p, err := layoutPDF(doc, known)
	if err != nil {
		return err
	}
	if err := p.f.Output(w); err != nil {
		return fmt.Errorf("docgen: pdf: %w", err)
	}
	return nil
}

func layoutPDF(doc *document, known []int) (*pdfWriter, error) {
	f := fpdf.New("P", "mm", "A4", "")
	p := &pdfWriter{f: f, doc: doc, known: known}
	f.SetCompression(true)
	f.AddUTF8FontFromBytes("sans", "", fontRegular)
	f.AddUTF8FontFromBytes("sans", "B", fontBold)
	f.AddUTF8FontFromBytes("sans", "I", fontItalic)
	f.SetMargins(marginL, marginT, marginR)
	f.SetAutoPageBreak(true, marginB)
	f.SetCellMargin(0)
	f.SetTitle(oneLine(doc.Title), true)
	f.SetSubject(oneLine(doc.Subject), true)
	f.SetCreator("ctg", true)
	f.SetProducer("ctg", true)
	f.SetLang("fr-FR")
	if !doc.Created.IsZero() {
		f.SetCreationDate(doc.Created)
		f.SetModificationDate(doc.Created)
	}
	f.SetDisplayMode("fullwidth", "continuous")
	f.AliasNbPages("{nb}")
	cover := len(doc.Blocks) > 0 && isCover(doc.Blocks[0])
	f.SetFooterFunc(func() { p.footer(cover) })
	f.AddPage()
	for i, b := range doc.Blocks {
		switch b := b.(type) {
		case heading:
			p.heading(b, next(doc.Blocks, i))
		case paragraph:
			p.paragraph(b, next(doc.Blocks, i))
		case table:
			p.table(b)
		case pageBreak:
			f.AddPage()
		case contents:
			p.contents()
		case signatures:
			p.signatures(b)
		}
		if f.Err() {
			return nil, fmt.Errorf("docgen: pdf: %w", f.Error())
		}
	}
	return p, nil
}

func next(blocks []block, i int) block {
	if i+1 < len(blocks) {
		return blocks[i+1]
	}
	return nil
}

func isCover(b block) bool {
	p, ok := b.(paragraph)
	return ok && p.Style == styleTitle
}

func (p *pdfWriter) color(c rgb) { p.f.SetTextColor(c.r, c.g, c.b) }

func (p *pdfWriter) font(styleStr string, size float64) {
	if styleStr == p.style && size == p.size {
		return
	}
	p.style, p.size = styleStr, size
	p.f.SetFont("sans", styleStr, size)
}

func (p *pdfWriter) footer(cover bool) {
	f := p.f
	if cover && f.PageNo() == 1 {
		return
	}
	f.SetY(-13)
	p.font("", 8)
	p.color(colMuted)
	f.SetDrawColor(colRule.r, colRule.g, colRule.b)
	f.SetLineWidth(0.2)
	f.Line(marginL, pageH-14, pageW-marginR, pageH-14)
	num := "Page " + strconv.Itoa(f.PageNo()) + " sur {nb}"
	title := p.fit(oneLine(p.doc.Title), bodyW-30)
	f.CellFormat(bodyW-30, 5, title, "", 0, "L", false, 0, "")
	f.CellFormat(30, 5, num, "", 0, "R", false, 0, "")
	p.color(colText)
	// fpdf sets the page's font again after the footer, behind font's back.
	p.style, p.size = "", 0
}

// fit shortens s with an ellipsis until it fits in w with the current font.
func (p *pdfWriter) fit(s string, w float64) string {
	if p.f.GetStringWidth(s) <= w {
		return s
	}
	r := []rune(s)
	for len(r) > 0 && p.f.GetStringWidth(string(r)+"…") > w {
		r = r[:len(r)-1]
	}
	return strings.TrimSpace(string(r)) + "…"
}

// room reports whether h millimetres remain on the page; if not, it starts
// a new page.
func (p *pdfWriter) room(h float64) {
	if p.f.GetY()+h > bottom+0.01 {
		p.f.AddPage()
	}
}

// atTop reports whether nothing is written on the page yet.
func (p *pdfWriter) atTop() bool { return p.f.GetY() <= marginT+0.01 }

var headingSizes = map[int]struct{ size, line, before, after float64 }{
	1: {15, 7, 7, 3},
	2: {12.5, 6, 5, 2},
	3: {11, 5.5, 4, 1.5},
}

// need is the room the start of a block takes, which the heading before
// it keeps with.
func (p *pdfWriter) need(b block) float64 {
	switch b := b.(type) {
	case table:
		return p.tableStart(b)
	case paragraph:
		return 12
	case heading:
		m := headingSizes[min(max(b.Level, 1), 3)]
		return m.before + m.line + m.after + 12
	}
	return 20
}

func (p *pdfWriter) heading(h heading, following block) {
	f := p.f
	m := headingSizes[min(max(h.Level, 1), 3)]
	after := p.need(following)
	p.font("B", m.size)
	lines := p.split(oneLine(h.Text), bodyW)
	// A heading keeps with the start of what follows it.
	p.room(m.before + float64(len(lines))*m.line + m.after + after)
	if !p.atTop() {
		f.Ln(m.before)
	}
	if h.Level <= 2 {
		n := len(p.pages)
		p.pages = append(p.pages, f.PageNo())
		if n < len(p.links) {
			f.SetLink(p.links[n], f.GetY(), -1)
		}
		f.Bookmark(oneLine(h.Text), h.Level-1, -1)
	}
	p.color(colHead)
	for _, l := range lines {
		f.SetX(marginL)
		f.CellFormat(bodyW, m.line, l, "", 1, "L", false, 0, "")
	}
	if h.Level == 1 {
		f.SetDrawColor(colStrong.r, colStrong.g, colStrong.b)
		f.SetLineWidth(0.3)
		f.Line(marginL, f.GetY()+0.8, pageW-marginR, f.GetY()+0.8)
		f.Ln(1)
	}
	f.Ln(m.after)
	p.color(colText)
}

// paragraph writes a paragraph with the look of its style.
func (p *pdfWriter) paragraph(para paragraph, following block) {
	f := p.f
	var text strings.Builder
	bold := false
	for _, r := range para.Runs {
		text.WriteString(clean(r.Text))
		bold = bold || r.Bold
	}
	centred := func(styleStr string, size, line, after float64, c rgb) {
		if bold {
			styleStr = "B"
		}
		p.font(styleStr, size)
		p.color(c)
		for _, l := range p.split(oneLine(text.String()), bodyW) {
			f.SetX(marginL)
			f.CellFormat(bodyW, line, l, "", 1, "C", false, 0, "")
		}
		f.Ln(after)
		p.color(colText)
	}
	switch para.Style {
	case styleTitle:
		f.SetY(80)
		centred("B", 22, 10, 6, colHead)
		return
	case styleSubtitle:
		centred("", 14, 7, 3, colHead)
		return
	case styleCover:
		centred("", 11, 6, 1.5, colText)
		return
	}
	size, line, after, indent := 10.0, 5.0, 2.0, 0.0
	c := colText
	switch para.Style {
	case styleNote:
		size, line, c = 8.5, 4.2, colMuted
	case styleBullet:
		indent, after = 5, 1
	case styleLabel:
		bold = true
		after = 1
	}
	p.font("", size)
	switch {
	case para.Style == styleLabel:
		// A label keeps with the start of what it introduces.
		p.room(line + after + p.need(following))
	case isList(following):
		p.room(line * 3)
	default:
		p.room(line * 2)
	}
	p.color(c)
	if indent > 0 {
		f.SetLeftMargin(marginL + indent)
		f.SetX(marginL + 1)
		f.CellFormat(indent-1, line, "•", "", 0, "L", false, 0, "")
	} else {
		f.SetX(marginL)
	}
	for _, r := range para.Runs {
		st := ""
		if r.Bold || para.Style == styleLabel {
			st += "B"
		}
		if r.Italic {
			st += "I"
		}
		if st == "BI" {
			st = "B" // no bold italic face is embedded
		}
		p.font(st, size)
		f.Write(line, strings.ReplaceAll(clean(r.Text), "\n", " "))
	}
	f.Ln(line)
	f.SetLeftMargin(marginL)
	if para.Style == styleBullet && !isList(following) {
		after = 2.5
	}
	f.Ln(after)
	p.color(colText)
}

func isList(b block) bool {
	pa, ok := b.(paragraph)
	return ok && pa.Style == styleBullet
}

// split breaks text into lines of at most w millimetres with the current
// font, at ASCII spaces only (a no-break space holds "22 246 000 €"
// together) and at line breaks; a word longer than a line is cut.
func (p *pdfWriter) split(text string, w float64) []string {
	f := p.f
	space := f.GetStringWidth(" ")
	var lines []string
	for _, hard := range strings.Split(text, "\n") {
		cur, curW := "", 0.0
		for _, word := range strings.Split(hard, " ") {
			if word == "" {
				continue
			}
			ww := f.GetStringWidth(word)
			if cur != "" && curW+space+ww <= w {
				cur, curW = cur+" "+word, curW+space+ww
				continue
			}
			if cur != "" {
				lines = append(lines, cur)
			}
			for ww > w {
				r := []rune(word)
				n := len(r) - 1
				for n > 1 && f.GetStringWidth(string(r[:n])) > w {
					n--
				}
				lines = append(lines, string(r[:n]))
				word = string(r[n:])
				ww = f.GetStringWidth(word)
			}
			cur, curW = word, ww
		}
		lines = append(lines, cur)
	}
	return lines
}

// Tables: cells padded, rows ruled, the header filled and repeated on each
// page, a row too tall for the rest of the page carried over to the next.
const (
	cellPad  = 1.4
	cellLine = 4.2
	cellSize = 9.0
)

// colWidths are the widths of a table's columns in millimetres.
func colWidths(t table) []float64 {
	widths := make([]float64, len(t.Cols))
	var total float64
	for _, c := range t.Cols {
		total += c.Width
	}
	for i, c := range t.Cols {
		widths[i] = bodyW * c.Width / total
	}
	return widths
}

// cellLines breaks each cell of a row into the lines its column holds.
func (p *pdfWriter) cellLines(t table, widths []float64, cells []string, strong bool) [][]string {
	out := make([][]string, len(widths))
	for i := range widths {
		cell := ""
		if i < len(cells) {
			cell = cells[i]
		}
		p.font(p.cellStyle(t, i, strong), cellSize)
		out[i] = p.split(strings.TrimSpace(clean(cell)), widths[i]-2*cellPad)
	}
	return out
}

// tableStart is the height a table needs on a page to begin there: all
// of a short table (up to keepWhole) or of a key-value table (a fiche's
// facts), which read best whole; the header and first row of a longer one.
func (p *pdfWriter) tableStart(t table) float64 {
	const keepWhole = 70.0
	widths := colWidths(t)
	h := 0.0
	if len(t.Head) > 0 {
		h += rowHeight(p.cellLines(t, widths, t.Head, true))
	}
	first := h
	rows := append(slices.Clone(t.Rows), t.Foot)
	if len(t.Foot) == 0 {
		rows = rows[:len(rows)-1]
	}
	for i, r := range rows {
		h += rowHeight(p.cellLines(t, widths, r, i == len(t.Rows)))
		if i == 0 {
			first = h
		}
		if h > keepWhole && !t.Keys {
			return first
		}
	}
	return min(h, bottom-marginT-40)
}

func (p *pdfWriter) table(t table) {
	f := p.f
	if len(t.Cols) == 0 {
		return
	}
	f.SetAutoPageBreak(false, marginB)
	defer f.SetAutoPageBreak(true, marginB)
	widths := colWidths(t)
	type kind int
	const (
		body kind = iota
		head
		foot
	)
	var headLines [][]string
	if len(t.Head) > 0 {
		headLines = p.cellLines(t, widths, t.Head, true)
	}
	// A table without header opens with a rule, on each of its pages.
	topRule := false
	draw := func(lines [][]string, from, n int, k kind) {
		y := f.GetY()
		h := float64(n)*cellLine + 2*cellPad
		x := marginL
		for i, w := range widths {
			switch {
			case k == head:
				f.SetFillColor(colFill.r, colFill.g, colFill.b)
				f.Rect(x, y, w, h, "F")
			case k == foot || (t.Keys && i == 0):
				f.SetFillColor(colLight.r, colLight.g, colLight.b)
				f.Rect(x, y, w, h, "F")
			}
			p.font(p.cellStyle(t, i, k != body), cellSize)
			align := "L"
			if t.Cols[i].Right {
				align = "R"
			}
			for j := from; j < from+n && j < len(lines[i]); j++ {
				f.SetXY(x+cellPad, y+cellPad+float64(j-from)*cellLine)
				f.CellFormat(w-2*cellPad, cellLine, lines[i][j], "", 0, align, false, 0, "")
			}
			x += w
		}
		rule := colRule
		width := 0.2
		if k == head || k == foot {
			rule, width = colStrong, 0.35
		}
		f.SetDrawColor(rule.r, rule.g, rule.b)
		f.SetLineWidth(width)
		if k == foot || topRule {
			f.Line(marginL, y, pageW-marginR, y)
		}
		topRule = false
		f.Line(marginL, y+h, pageW-marginR, y+h)
		f.SetXY(marginL, y+h)
	}
	drawHead := func() {
		if headLines != nil {
			draw(headLines, 0, maxLines(headLines), head)
		} else {
			topRule = true
		}
	}
	p.room(p.tableStart(t))
	drawHead()
	row := func(cells []string, k kind) {
		lines := p.cellLines(t, widths, cells, k != body)
		n := maxLines(lines)
		from := 0
		for from < n {
			avail := int((bottom - f.GetY() - 2*cellPad + 0.01) / cellLine)
			if avail < 1 || (from == 0 && avail < n && float64(n)*cellLine < 60) {
				// Break before a short row rather than split it.
				f.AddPage()
				drawHead()
				continue
			}
			take := min(avail, n-from)
			draw(lines, from, take, k)
			from += take
			if from < n {
				f.AddPage()
				drawHead()
			}
		}
	}
	for _, r := range t.Rows {
		row(r, body)
	}
	if len(t.Foot) > 0 {
		row(t.Foot, foot)
	}
	f.Ln(3)
}

// cellStyle is the font style of a cell: bold in header and total rows,
// and in the first column of a key-value table.
func (p *pdfWriter) cellStyle(t table, col int, strong bool) string {
	if strong || (t.Keys && col == 0) {
		return "B"
	}
	return ""
}

func maxLines(lines [][]string) int {
	n := 1
	for _, l := range lines {
		n = max(n, len(l))
	}
	return n
}

func rowHeight(lines [][]string) float64 { return float64(maxLines(lines))*cellLine + 2*cellPad }

// contents writes the table of contents: the headings of levels 1 and 2,
// each a link to its page, with the page number from the first pass.
func (p *pdfWriter) contents() {
	f := p.f
	f.SetAutoPageBreak(false, marginB)
	defer f.SetAutoPageBreak(true, marginB)
	p.font("B", 15)
	p.color(colHead)
	f.SetX(marginL)
	f.CellFormat(bodyW, 7, "Sommaire", "", 1, "L", false, 0, "")
	f.Ln(4)
	n := 0
	for _, b := range p.doc.Blocks {
		h, ok := b.(heading)
		if !ok || h.Level > 2 {
			continue
		}
		link := f.AddLink()
		p.links = append(p.links, link)
		page := ""
		if n < len(p.known) {
			page = strconv.Itoa(p.known[n])
		}
		n++
		indent, size, st := 0.0, 10.0, "B"
		if h.Level == 2 {
			indent, size, st = 6, 9.5, ""
		}
		p.font(st, size)
		p.color(colText)
		const numW, line = 12.0, 5.2
		lines := p.split(oneLine(h.Text), bodyW-indent-numW-4)
		if h.Level == 1 {
			p.room(float64(len(lines))*line + 2 + line)
			f.Ln(1.5)
		} else {
			p.room(float64(len(lines)) * line)
		}
		for i, l := range lines {
			y := f.GetY()
			f.SetXY(marginL+indent, y)
			f.CellFormat(f.GetStringWidth(l), line, l, "", 0, "L", false, link, "")
			if i == len(lines)-1 {
				// Dot leaders up to the page number.
				x := marginL + indent + f.GetStringWidth(l) + 1.5
				end := pageW - marginR - numW
				dot := f.GetStringWidth(". ")
				if dots := int(math.Floor((end - x) / dot)); dots > 0 {
					p.color(colMuted)
					f.SetXY(end-float64(dots)*dot, y)
					f.CellFormat(float64(dots)*dot, line, strings.Repeat(". ", dots), "", 0, "R", false, link, "")
					p.color(colText)
				}
				f.SetXY(pageW-marginR-numW, y)
				f.CellFormat(numW, line, page, "", 0, "R", false, link, "")
			}
			f.SetXY(marginL, y+line)
		}
	}
	p.color(colText)
}

// signatures draws a box per signatory, two by two, none split across
// pages: the name, then the place, the date, the name and capacity of who
// signs and room for the signature, left to fill by hand.
func (p *pdfWriter) signatures(s signatures) {
	f := p.f
	f.SetAutoPageBreak(false, marginB)
	defer f.SetAutoPageBreak(true, marginB)
	const gap, h, line = 8.0, 62.0, 5.5
	w := (bodyW - gap) / 2
	for i, name := range s.Parties {
		col := i % 2
		if col == 0 {
			p.room(h + 4)
		}
		x, y := marginL+float64(col)*(w+gap), f.GetY()
		f.SetDrawColor(colStrong.r, colStrong.g, colStrong.b)
		f.SetLineWidth(0.3)
		f.Rect(x, y, w, h, "D")
		p.font("B", 10)
		p.color(colHead)
		yy := y + 3
		for _, l := range p.split("Pour "+oneLine(name), w-6) {
			f.SetXY(x+3, yy)
			f.CellFormat(w-6, line, l, "", 0, "L", false, 0, "")
			yy += line
		}
		p.font("", 9.5)
		p.color(colText)
		yy += 2
		for _, l := range []string{"Fait à ………………………………………", "le ………………………………………………", "Nom et qualité du signataire :", "", "Signature :"} {
			f.SetXY(x+3, yy)
			f.CellFormat(w-6, line, l, "", 0, "L", false, 0, "")
			yy += line + 1
		}
		if col == 1 || i == len(s.Parties)-1 {
			f.SetXY(marginL, y+h+4)
		} else {
			f.SetXY(marginL, y)
		}
	}
}
