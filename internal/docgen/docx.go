package docgen

import (
	"archive/zip"
	"bufio"
	"encoding/xml"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
)

// A DOCX file is a zip of XML parts (ECMA-376, WordprocessingML). This
// writer makes the handful a document needs: the body, its styles (real
// Heading 1-3, so that the navigation pane and the table of contents work),
// a bullet list, a footer with the page numbers, the fonts and the
// properties. No Go library for the format is both well kept and
// permissively licensed (see docs/architecture.md), and writing these parts
// takes less code than adapting one.

// Page geometry in twentieths of a point (twips): A4, 2 cm margins, which
// leave 9638 twips (17 cm) of text width, as the PDF.
const (
	twipsPageW  = 11906
	twipsPageH  = 16838
	twipsMargin = 1134
	twipsBody   = twipsPageW - 2*twipsMargin
)

// writeDOCX writes doc as a Word document.
func writeDOCX(w io.Writer, doc *document) error {
	z := zip.NewWriter(w)
	parts := []struct {
		name  string
		write func(*bufio.Writer)
	}{
		{"[Content_Types].xml", func(b *bufio.Writer) { b.WriteString(docxContentTypes) }},
		{"_rels/.rels", func(b *bufio.Writer) { b.WriteString(docxRels) }},
		{"docProps/core.xml", func(b *bufio.Writer) { writeCore(b, doc) }},
		{"docProps/app.xml", func(b *bufio.Writer) { b.WriteString(docxApp) }},
		{"word/_rels/document.xml.rels", func(b *bufio.Writer) { b.WriteString(docxDocumentRels) }},
		{"word/styles.xml", func(b *bufio.Writer) { b.WriteString(docxStyles) }},
		{"word/numbering.xml", func(b *bufio.Writer) { b.WriteString(docxNumbering) }},
		{"word/settings.xml", func(b *bufio.Writer) { b.WriteString(docxSettings) }},
		{"word/fontTable.xml", func(b *bufio.Writer) { b.WriteString(docxFontTable) }},
		{"word/footer1.xml", func(b *bufio.Writer) { writeFooter(b, doc) }},
		{"word/document.xml", func(b *bufio.Writer) { (&docxBody{b: b, doc: doc}).write() }},
	}
	for _, p := range parts {
		fw, err := z.CreateHeader(&zip.FileHeader{Name: p.name, Method: zip.Deflate, Modified: doc.Created})
		if err != nil {
			return fmt.Errorf("docgen: docx: %w", err)
		}
		b := bufio.NewWriterSize(fw, 32<<10)
		p.write(b)
		if err := b.Flush(); err != nil {
			return fmt.Errorf("docgen: docx: %w", err)
		}
	}
	if err := z.Close(); err != nil {
		return fmt.Errorf("docgen: docx: %w", err)
	}
	return nil
}

// esc writes s as XML text.
func esc(b *bufio.Writer, s string) {
	_ = xml.EscapeText(b, []byte(s))
}

func writeCore(b *bufio.Writer, doc *document) {
	created := doc.Created
	if created.IsZero() {
		created = time.Now()
	}
	b.WriteString(xml.Header)
	b.WriteString(`<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><dc:title>`)
	esc(b, oneLine(doc.Title))
	b.WriteString(`</dc:title><dc:subject>`)
	esc(b, oneLine(doc.Subject))
	b.WriteString(`</dc:subject><dc:creator>ctg</dc:creator><dc:language>fr-FR</dc:language><dcterms:created xsi:type="dcterms:W3CDTF">`)
	b.WriteString(created.UTC().Format(time.RFC3339))
	b.WriteString(`</dcterms:created><dcterms:modified xsi:type="dcterms:W3CDTF">`)
	b.WriteString(created.UTC().Format(time.RFC3339))
	b.WriteString(`</dcterms:modified></cp:coreProperties>`)
}

func writeFooter(b *bufio.Writer, doc *document) {
	b.WriteString(xml.Header)
	b.WriteString(`<w:ftr xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:p><w:pPr><w:pStyle w:val="Footer"/><w:tabs><w:tab w:val="clear" w:pos="4536"/><w:tab w:val="clear" w:pos="9072"/><w:tab w:val="right" w:pos="` + strconv.Itoa(twipsBody) + `"/></w:tabs></w:pPr><w:r><w:t xml:space="preserve">`)
	title := []rune(oneLine(doc.Title))
	if len(title) > 90 {
		title = append(title[:89], '…')
	}
	esc(b, string(title))
	b.WriteString(`</w:t></w:r><w:r><w:tab/><w:t xml:space="preserve">Page </w:t></w:r>`)
	b.WriteString(`<w:fldSimple w:instr=" PAGE "><w:r><w:t>1</w:t></w:r></w:fldSimple><w:r><w:t xml:space="preserve"> sur </w:t></w:r>`)
	b.WriteString(`<w:fldSimple w:instr=" NUMPAGES "><w:r><w:t>1</w:t></w:r></w:fldSimple></w:p></w:ftr>`)
}

// docxBody writes word/document.xml.
type docxBody struct {
	b   *bufio.Writer
	doc *document
	// marks counts the bookmarks of the headings the contents link to.
	marks int
}

func (d *docxBody) write() {
	b := d.b
	b.WriteString(xml.Header)
	b.WriteString(`<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><w:body>`)
	for _, bl := range d.doc.Blocks {
		switch bl := bl.(type) {
		case heading:
			d.heading(bl)
		case paragraph:
			d.paragraph(bl)
		case table:
			d.table(bl)
		case pageBreak:
			b.WriteString(`<w:p><w:r><w:br w:type="page"/></w:r></w:p>`)
		case contents:
			d.contents()
		case signatures:
			d.signatures(bl)
		}
	}
	cover := len(d.doc.Blocks) > 0 && isCover(d.doc.Blocks[0])
	b.WriteString(`<w:sectPr><w:footerReference w:type="default" r:id="rIdFooter1"/>`)
	fmt.Fprintf(b, `<w:pgSz w:w="%d" w:h="%d"/><w:pgMar w:top="1020" w:right="%d" w:bottom="1134" w:left="%d" w:header="567" w:footer="567" w:gutter="0"/>`,
		twipsPageW, twipsPageH, twipsMargin, twipsMargin)
	if cover {
		// The cover takes the first page's footer, which is none.
		b.WriteString(`<w:titlePg/>`)
	}
	b.WriteString(`</w:sectPr></w:body></w:document>`)
}

// mark is the bookmark of the n-th heading of the contents (from 1).
func mark(n int) string { return "_Toc" + strconv.Itoa(100000+n) }

func (d *docxBody) heading(h heading) {
	b := d.b
	level := min(max(h.Level, 1), 3)
	fmt.Fprintf(b, `<w:p><w:pPr><w:pStyle w:val="Heading%d"/></w:pPr>`, level)
	if level <= 2 {
		d.marks++
		fmt.Fprintf(b, `<w:bookmarkStart w:id="%d" w:name="%s"/>`, d.marks, mark(d.marks))
	}
	d.run(run{Text: oneLine(h.Text)})
	if level <= 2 {
		fmt.Fprintf(b, `<w:bookmarkEnd w:id="%d"/>`, d.marks)
	}
	b.WriteString(`</w:p>`)
}

var paragraphStyles = map[style]string{
	styleNormal:   "",
	styleTitle:    "Title",
	styleSubtitle: "Subtitle",
	styleCover:    "Cover",
	styleBullet:   "ListBullet",
	styleNote:     "Note",
	styleLabel:    "Label",
}

func (d *docxBody) paragraph(p paragraph) {
	b := d.b
	b.WriteString(`<w:p>`)
	if st := paragraphStyles[p.Style]; st != "" {
		b.WriteString(`<w:pPr><w:pStyle w:val="` + st + `"/></w:pPr>`)
	}
	for _, r := range p.Runs {
		r.Text = strings.ReplaceAll(clean(r.Text), "\n", " ")
		d.run(r)
	}
	b.WriteString(`</w:p>`)
}

func (d *docxBody) run(r run) {
	b := d.b
	b.WriteString(`<w:r>`)
	if r.Bold || r.Italic {
		b.WriteString(`<w:rPr>`)
		if r.Bold {
			b.WriteString(`<w:b/>`)
		}
		if r.Italic {
			b.WriteString(`<w:i/>`)
		}
		b.WriteString(`</w:rPr>`)
	}
	b.WriteString(`<w:t xml:space="preserve">`)
	esc(b, r.Text)
	b.WriteString(`</w:t></w:r>`)
}

// Table colours, as in the PDF.
const (
	docxRule   = "B8C1C8"
	docxStrong = "7D8A95"
	docxFill   = "E9EEF1"
	docxLight  = "F3F5F7"
)

func (d *docxBody) table(t table) {
	b := d.b
	if len(t.Cols) == 0 {
		return
	}
	widths := make([]int, len(t.Cols))
	var total float64
	for _, c := range t.Cols {
		total += c.Width
	}
	sum := 0
	for i, c := range t.Cols {
		widths[i] = int(float64(twipsBody) * c.Width / total)
		sum += widths[i]
	}
	widths[len(widths)-1] += twipsBody - sum
	b.WriteString(`<w:tbl><w:tblPr><w:tblW w:w="` + strconv.Itoa(twipsBody) + `" w:type="dxa"/><w:tblLayout w:type="fixed"/>`)
	b.WriteString(`<w:tblBorders><w:top w:val="single" w:sz="6" w:space="0" w:color="` + docxStrong + `"/><w:left w:val="nil"/><w:bottom w:val="single" w:sz="6" w:space="0" w:color="` + docxStrong +
		`"/><w:right w:val="nil"/><w:insideH w:val="single" w:sz="4" w:space="0" w:color="` + docxRule + `"/><w:insideV w:val="nil"/></w:tblBorders>`)
	b.WriteString(`<w:tblCellMar><w:top w:w="45" w:type="dxa"/><w:left w:w="80" w:type="dxa"/><w:bottom w:w="45" w:type="dxa"/><w:right w:w="80" w:type="dxa"/></w:tblCellMar><w:tblLook w:val="0420" w:firstRow="1" w:lastRow="0" w:firstColumn="0" w:lastColumn="0" w:noHBand="1" w:noVBand="1"/></w:tblPr><w:tblGrid>`)
	for _, w := range widths {
		b.WriteString(`<w:gridCol w:w="` + strconv.Itoa(w) + `"/>`)
	}
	b.WriteString(`</w:tblGrid>`)
	row := func(cells []string, head, foot bool) {
		b.WriteString(`<w:tr><w:trPr><w:cantSplit/>`)
		if head {
			b.WriteString(`<w:tblHeader/>`)
		}
		b.WriteString(`</w:trPr>`)
		for i, w := range widths {
			cell := ""
			if i < len(cells) {
				cell = cells[i]
			}
			b.WriteString(`<w:tc><w:tcPr><w:tcW w:w="` + strconv.Itoa(w) + `" w:type="dxa"/>`)
			switch {
			case head:
				b.WriteString(`<w:tcBorders><w:bottom w:val="single" w:sz="8" w:space="0" w:color="` + docxStrong + `"/></w:tcBorders><w:shd w:val="clear" w:color="auto" w:fill="` + docxFill + `"/>`)
			case foot:
				b.WriteString(`<w:tcBorders><w:top w:val="single" w:sz="8" w:space="0" w:color="` + docxStrong + `"/></w:tcBorders><w:shd w:val="clear" w:color="auto" w:fill="` + docxLight + `"/>`)
			case t.Keys && i == 0:
				b.WriteString(`<w:shd w:val="clear" w:color="auto" w:fill="` + docxLight + `"/>`)
			}
			b.WriteString(`</w:tcPr>`)
			strong := head || foot || (t.Keys && i == 0)
			lines := paragraphs(cell)
			if len(lines) == 0 {
				lines = []string{""}
			}
			for _, l := range lines {
				b.WriteString(`<w:p><w:pPr><w:pStyle w:val="TableText"/>`)
				if t.Cols[i].Right {
					b.WriteString(`<w:jc w:val="right"/>`)
				}
				b.WriteString(`</w:pPr>`)
				if l != "" {
					d.run(run{Text: l, Bold: strong})
				}
				b.WriteString(`</w:p>`)
			}
			b.WriteString(`</w:tc>`)
		}
		b.WriteString(`</w:tr>`)
	}
	if len(t.Head) > 0 {
		row(t.Head, true, false)
	}
	for _, r := range t.Rows {
		row(r, false, false)
	}
	if len(t.Foot) > 0 {
		row(t.Foot, false, true)
	}
	// A paragraph after each table keeps two tables from merging and
	// gives the space below.
	b.WriteString(`</w:tbl><w:p><w:pPr><w:pStyle w:val="AfterTable"/></w:pPr></w:p>`)
}

// contents writes a table of contents field whose result, what shows
// before anyone updates the field, lists the headings as links to them.
// It has no page numbers (the switch \n): page numbers written here could
// only be guesses, as the word processor lays the pages out, and neither
// Word nor LibreOffice computes them when it opens a file. The PDF, the
// version that is signed, has them.
func (d *docxBody) contents() {
	b := d.b
	b.WriteString(`<w:p><w:pPr><w:pStyle w:val="TOCHeading"/></w:pPr>`)
	d.run(run{Text: "Sommaire"})
	b.WriteString(`</w:p>`)
	var entries []heading
	for _, bl := range d.doc.Blocks {
		if h, ok := bl.(heading); ok && h.Level <= 2 {
			entries = append(entries, h)
		}
	}
	fieldBegin := `<w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText xml:space="preserve"> TOC \o "1-2" \h \z \u \n </w:instrText></w:r><w:r><w:fldChar w:fldCharType="separate"/></w:r>`
	if len(entries) == 0 {
		b.WriteString(`<w:p>` + fieldBegin + `<w:r><w:fldChar w:fldCharType="end"/></w:r></w:p>`)
		return
	}
	for i, h := range entries {
		fmt.Fprintf(b, `<w:p><w:pPr><w:pStyle w:val="TOC%d"/></w:pPr>`, h.Level)
		if i == 0 {
			b.WriteString(fieldBegin)
		}
		m := mark(i + 1)
		b.WriteString(`<w:hyperlink w:anchor="` + m + `" w:history="1">`)
		d.run(run{Text: oneLine(h.Text)})
		b.WriteString(`</w:hyperlink>`)
		if i == len(entries)-1 {
			b.WriteString(`<w:r><w:fldChar w:fldCharType="end"/></w:r>`)
		}
		b.WriteString(`</w:p>`)
	}
}

// signatures writes the signature blocks as a table of boxes, two by two,
// none split across pages.
func (d *docxBody) signatures(s signatures) {
	b := d.b
	const gap = 340
	w := (twipsBody - gap) / 2
	b.WriteString(`<w:tbl><w:tblPr><w:tblW w:w="` + strconv.Itoa(twipsBody) + `" w:type="dxa"/><w:tblLayout w:type="fixed"/><w:tblCellMar><w:top w:w="80" w:type="dxa"/><w:left w:w="120" w:type="dxa"/><w:bottom w:w="80" w:type="dxa"/><w:right w:w="120" w:type="dxa"/></w:tblCellMar><w:tblLook w:val="0000" w:firstRow="0" w:lastRow="0" w:firstColumn="0" w:lastColumn="0" w:noHBand="1" w:noVBand="1"/></w:tblPr>`)
	fmt.Fprintf(b, `<w:tblGrid><w:gridCol w:w="%d"/><w:gridCol w:w="%d"/><w:gridCol w:w="%d"/></w:tblGrid>`, w, gap, w)
	box := `<w:tcBorders><w:top w:val="single" w:sz="6" w:space="0" w:color="` + docxStrong + `"/><w:left w:val="single" w:sz="6" w:space="0" w:color="` + docxStrong +
		`"/><w:bottom w:val="single" w:sz="6" w:space="0" w:color="` + docxStrong + `"/><w:right w:val="single" w:sz="6" w:space="0" w:color="` + docxStrong + `"/></w:tcBorders>`
	cell := func(name string) {
		fmt.Fprintf(b, `<w:tc><w:tcPr><w:tcW w:w="%d" w:type="dxa"/>%s</w:tcPr>`, w, box)
		b.WriteString(`<w:p><w:pPr><w:pStyle w:val="Label"/></w:pPr>`)
		d.run(run{Text: "Pour " + oneLine(name)})
		b.WriteString(`</w:p>`)
		for _, l := range []string{"Fait à ………………………………………", "le ………………………………………………", "Nom et qualité du signataire :", "", "Signature :", "", "", ""} {
			b.WriteString(`<w:p><w:pPr><w:pStyle w:val="Signature"/></w:pPr>`)
			if l != "" {
				d.run(run{Text: l})
			}
			b.WriteString(`</w:p>`)
		}
		b.WriteString(`</w:tc>`)
	}
	empty := func(width int) {
		fmt.Fprintf(b, `<w:tc><w:tcPr><w:tcW w:w="%d" w:type="dxa"/></w:tcPr><w:p/></w:tc>`, width)
	}
	for i := 0; i < len(s.Parties); i += 2 {
		b.WriteString(`<w:tr><w:trPr><w:cantSplit/></w:trPr>`)
		cell(s.Parties[i])
		empty(gap)
		if i+1 < len(s.Parties) {
			cell(s.Parties[i+1])
		} else {
			empty(w)
		}
		b.WriteString(`</w:tr>`)
		if i+2 < len(s.Parties) {
			// A thin empty row between the rows of boxes.
			fmt.Fprintf(b, `<w:tr><w:trPr><w:trHeight w:val="240" w:hRule="exact"/></w:trPr>`)
			empty(w)
			empty(gap)
			empty(w)
			b.WriteString(`</w:tr>`)
		}
	}
	b.WriteString(`</w:tbl><w:p><w:pPr><w:pStyle w:val="AfterTable"/></w:pPr></w:p>`)
}

const docxContentTypes = xml.Header + `<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">` +
	`<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>` +
	`<Default Extension="xml" ContentType="application/xml"/>` +
	`<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>` +
	`<Override PartName="/word/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"/>` +
	`<Override PartName="/word/numbering.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.numbering+xml"/>` +
	`<Override PartName="/word/settings.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.settings+xml"/>` +
	`<Override PartName="/word/fontTable.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.fontTable+xml"/>` +
	`<Override PartName="/word/footer1.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.footer+xml"/>` +
	`<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>` +
	`<Override PartName="/docProps/app.xml" ContentType="application/vnd.openxmlformats-officedocument.extended-properties+xml"/>` +
	`</Types>`

const docxRels = xml.Header + `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
	`<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/>` +
	`<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/>` +
	`<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/extended-properties" Target="docProps/app.xml"/>` +
	`</Relationships>`

const docxDocumentRels = xml.Header + `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
	`<Relationship Id="rIdStyles" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>` +
	`<Relationship Id="rIdNumbering" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/numbering" Target="numbering.xml"/>` +
	`<Relationship Id="rIdSettings" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/settings" Target="settings.xml"/>` +
	`<Relationship Id="rIdFonts" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/fontTable" Target="fontTable.xml"/>` +
	`<Relationship Id="rIdFooter1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/footer" Target="footer1.xml"/>` +
	`</Relationships>`

const docxApp = xml.Header + `<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"><Application>ctg</Application></Properties>`

const docxSettings = xml.Header + `<w:settings xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">` +
	`<w:zoom w:percent="100"/><w:defaultTabStop w:val="709"/><w:hyphenationZone w:val="425"/><w:characterSpacingControl w:val="doNotCompress"/>` +
	`<w:compat><w:compatSetting w:name="compatibilityMode" w:uri="http://schemas.microsoft.com/office/word" w:val="15"/></w:compat>` +
	`<w:themeFontLang w:val="fr-FR"/><w:decimalSymbol w:val=","/><w:listSeparator w:val=";"/></w:settings>`

const docxFontTable = xml.Header + `<w:fonts xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">` +
	`<w:font w:name="` + fontName + `"><w:altName w:val="Arial"/><w:charset w:val="00"/><w:family w:val="swiss"/><w:pitch w:val="variable"/></w:font>` +
	`</w:fonts>`

const docxNumbering = xml.Header + `<w:numbering xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">` +
	`<w:abstractNum w:abstractNumId="0"><w:multiLevelType w:val="singleLevel"/>` +
	`<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="bullet"/><w:lvlText w:val="•"/><w:lvlJc w:val="left"/>` +
	`<w:pPr><w:ind w:left="425" w:hanging="283"/></w:pPr><w:rPr><w:rFonts w:ascii="` + fontName + `" w:hAnsi="` + fontName + `"/></w:rPr></w:lvl></w:abstractNum>` +
	`<w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num></w:numbering>`

// docxStyles mirror the PDF's look: Liberation Sans 10 pt, headings in the
// product's dark teal, French language for spelling and hyphenation.
const docxStyles = xml.Header + `<w:styles xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">` +
	`<w:docDefaults><w:rPrDefault><w:rPr><w:rFonts w:ascii="` + fontName + `" w:hAnsi="` + fontName + `" w:eastAsia="` + fontName + `" w:cs="` + fontName + `"/>` +
	`<w:color w:val="1D262D"/><w:sz w:val="20"/><w:szCs w:val="20"/><w:lang w:val="fr-FR" w:eastAsia="fr-FR" w:bidi="ar-SA"/></w:rPr></w:rPrDefault>` +
	`<w:pPrDefault><w:pPr><w:spacing w:after="113" w:line="276" w:lineRule="auto"/></w:pPr></w:pPrDefault></w:docDefaults>` +
	`<w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/><w:qFormat/></w:style>` +
	`<w:style w:type="paragraph" w:styleId="Title"><w:name w:val="Title"/><w:basedOn w:val="Normal"/><w:next w:val="Subtitle"/><w:qFormat/>` +
	`<w:pPr><w:spacing w:before="4200" w:after="240"/><w:jc w:val="center"/></w:pPr><w:rPr><w:b/><w:color w:val="0E3B47"/><w:sz w:val="44"/><w:szCs w:val="44"/></w:rPr></w:style>` +
	`<w:style w:type="paragraph" w:styleId="Subtitle"><w:name w:val="Subtitle"/><w:basedOn w:val="Normal"/><w:qFormat/>` +
	`<w:pPr><w:spacing w:after="120"/><w:jc w:val="center"/></w:pPr><w:rPr><w:color w:val="0E3B47"/><w:sz w:val="28"/><w:szCs w:val="28"/></w:rPr></w:style>` +
	`<w:style w:type="paragraph" w:customStyle="1" w:styleId="Cover"><w:name w:val="Cover"/><w:basedOn w:val="Normal"/>` +
	`<w:pPr><w:spacing w:after="60"/><w:jc w:val="center"/></w:pPr><w:rPr><w:sz w:val="22"/><w:szCs w:val="22"/></w:rPr></w:style>` +
	heading1 + heading2 + heading3 +
	`<w:style w:type="paragraph" w:styleId="ListBullet"><w:name w:val="List Bullet"/><w:basedOn w:val="Normal"/><w:qFormat/>` +
	`<w:pPr><w:numPr><w:ilvl w:val="0"/><w:numId w:val="1"/></w:numPr><w:spacing w:after="57"/><w:ind w:left="425" w:hanging="283"/></w:pPr></w:style>` +
	`<w:style w:type="paragraph" w:customStyle="1" w:styleId="Note"><w:name w:val="Note"/><w:basedOn w:val="Normal"/>` +
	`<w:pPr><w:spacing w:after="113"/></w:pPr><w:rPr><w:color w:val="4F5B66"/><w:sz w:val="17"/><w:szCs w:val="17"/></w:rPr></w:style>` +
	`<w:style w:type="paragraph" w:customStyle="1" w:styleId="Label"><w:name w:val="Label"/><w:basedOn w:val="Normal"/><w:next w:val="Normal"/>` +
	`<w:pPr><w:keepNext/><w:spacing w:before="113" w:after="57"/></w:pPr><w:rPr><w:b/></w:rPr></w:style>` +
	`<w:style w:type="paragraph" w:customStyle="1" w:styleId="TableText"><w:name w:val="Table Text"/><w:basedOn w:val="Normal"/>` +
	`<w:pPr><w:spacing w:after="0" w:line="240" w:lineRule="auto"/></w:pPr><w:rPr><w:sz w:val="18"/><w:szCs w:val="18"/></w:rPr></w:style>` +
	`<w:style w:type="paragraph" w:customStyle="1" w:styleId="AfterTable"><w:name w:val="After Table"/><w:basedOn w:val="Normal"/>` +
	`<w:pPr><w:spacing w:after="0" w:line="170" w:lineRule="exact"/></w:pPr><w:rPr><w:sz w:val="8"/><w:szCs w:val="8"/></w:rPr></w:style>` +
	`<w:style w:type="paragraph" w:customStyle="1" w:styleId="Signature"><w:name w:val="Signature Line"/><w:basedOn w:val="Normal"/>` +
	`<w:pPr><w:spacing w:after="80"/></w:pPr><w:rPr><w:sz w:val="19"/><w:szCs w:val="19"/></w:rPr></w:style>` +
	`<w:style w:type="paragraph" w:styleId="TOCHeading"><w:name w:val="TOC Heading"/><w:basedOn w:val="Normal"/><w:next w:val="Normal"/>` +
	`<w:pPr><w:spacing w:after="240"/></w:pPr><w:rPr><w:b/><w:color w:val="0E3B47"/><w:sz w:val="30"/><w:szCs w:val="30"/></w:rPr></w:style>` +
	`<w:style w:type="paragraph" w:styleId="TOC1"><w:name w:val="toc 1"/><w:basedOn w:val="Normal"/><w:next w:val="Normal"/><w:uiPriority w:val="39"/>` +
	`<w:pPr><w:spacing w:before="100" w:after="40"/></w:pPr><w:rPr><w:b/></w:rPr></w:style>` +
	`<w:style w:type="paragraph" w:styleId="TOC2"><w:name w:val="toc 2"/><w:basedOn w:val="Normal"/><w:next w:val="Normal"/><w:uiPriority w:val="39"/>` +
	`<w:pPr><w:spacing w:after="40"/><w:ind w:left="340"/></w:pPr><w:rPr><w:sz w:val="19"/><w:szCs w:val="19"/></w:rPr></w:style>` +
	`<w:style w:type="paragraph" w:styleId="Footer"><w:name w:val="footer"/><w:basedOn w:val="Normal"/>` +
	`<w:pPr><w:pBdr><w:top w:val="single" w:sz="4" w:space="4" w:color="` + docxRule + `"/></w:pBdr><w:tabs><w:tab w:val="center" w:pos="4536"/><w:tab w:val="right" w:pos="9072"/></w:tabs><w:spacing w:after="0"/></w:pPr>` +
	`<w:rPr><w:color w:val="4F5B66"/><w:sz w:val="16"/><w:szCs w:val="16"/></w:rPr></w:style>` +
	`<w:style w:type="character" w:styleId="Hyperlink"><w:name w:val="Hyperlink"/><w:rPr><w:color w:val="0B5D6E"/><w:u w:val="single"/></w:rPr></w:style>` +
	`</w:styles>`

const (
	heading1 = `<w:style w:type="paragraph" w:styleId="Heading1"><w:name w:val="heading 1"/><w:basedOn w:val="Normal"/><w:next w:val="Normal"/><w:qFormat/>` +
		`<w:pPr><w:keepNext/><w:keepLines/><w:pBdr><w:bottom w:val="single" w:sz="6" w:space="2" w:color="7D8A95"/></w:pBdr><w:spacing w:before="360" w:after="160"/><w:outlineLvl w:val="0"/></w:pPr>` +
		`<w:rPr><w:b/><w:color w:val="0E3B47"/><w:sz w:val="30"/><w:szCs w:val="30"/></w:rPr></w:style>`
	heading2 = `<w:style w:type="paragraph" w:styleId="Heading2"><w:name w:val="heading 2"/><w:basedOn w:val="Normal"/><w:next w:val="Normal"/><w:qFormat/>` +
		`<w:pPr><w:keepNext/><w:keepLines/><w:spacing w:before="280" w:after="113"/><w:outlineLvl w:val="1"/></w:pPr>` +
		`<w:rPr><w:b/><w:color w:val="0E3B47"/><w:sz w:val="25"/><w:szCs w:val="25"/></w:rPr></w:style>`
	heading3 = `<w:style w:type="paragraph" w:styleId="Heading3"><w:name w:val="heading 3"/><w:basedOn w:val="Normal"/><w:next w:val="Normal"/><w:qFormat/>` +
		`<w:pPr><w:keepNext/><w:keepLines/><w:spacing w:before="227" w:after="85"/><w:outlineLvl w:val="2"/></w:pPr>` +
		`<w:rPr><w:b/><w:color w:val="0E3B47"/><w:sz w:val="22"/><w:szCs w:val="22"/></w:rPr></w:style>`
)
