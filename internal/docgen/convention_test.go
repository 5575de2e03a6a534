package docgen

import (
	"archive/zip"
	"bytes"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"ctg/internal/docgen/docgentest"
)

// keep writes a generated file under $CTG_DOCGEN_OUT when it is set, to
// look at it by eye.
func keep(t *testing.T, name string, data []byte) {
	t.Helper()
	if dir := os.Getenv("CTG_DOCGEN_OUT"); dir != "" {
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func mustDOCX(t testing.TB, c *Convention) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := c.WriteDOCX(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func mustPDF(t testing.TB, c *Convention) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := c.WritePDF(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// documentText is the text of a DOCX's body (see docgentest.DOCXText).
func documentText(t *testing.T, docx []byte) string { return docgentest.DOCXText(t, docx) }

// spaces turns no-break spaces into spaces.
func spaces(s string) string { return docgentest.Spaces(s) }

// pdfText reads a PDF with pdftotext.
func pdfText(t *testing.T, pdf []byte) string { return docgentest.PDFText(t, pdf) }

func TestConventionDOCX(t *testing.T) {
	c := sampleConvention(12, 120)
	docx := mustDOCX(t, c)
	keep(t, "convention.docx", docx)
	text := spaces(documentText(t, docx))
	want := []string{c.Convention.Title, "Convention territoriale globale", "du 1er novembre 2022 au 31 décembre 2026",
		"Caf de la Gironde", "Article 1 — Les parties", "Saint-Christoly-de-Blaye", "Part des familles monoparentales", "14,3 %",
		"Faciliter la conciliation vie familiale et vie professionnelle", "Pour MSA Gironde", "Fait à", "Annexe — Fiches actions",
		"« Familles rurales »", spaces(money(c.Totals.PlannedCents))}
	for _, a := range c.Plan.Actions() {
		want = append(want, a.Ref+" — "+a.Title)
	}
	for _, f := range c.Totals.ByFunder {
		want = append(want, spaces(money(f.PlannedCents)))
	}
	for _, w := range want {
		if !strings.Contains(text, w) {
			t.Errorf("the DOCX does not say %q", w)
		}
	}
	for _, h := range []string{`w:styleId="Heading1"`, `TOC \o`, `PAGE`} {
		if !bytes.Contains(unzipAll(t, docx), []byte(h)) {
			t.Errorf("the DOCX has no %s", h)
		}
	}
}

func unzipAll(t *testing.T, data []byte) []byte {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		_, _ = io.Copy(&out, rc)
		rc.Close()
	}
	return out.Bytes()
}

func TestConventionPDF(t *testing.T) {
	c := sampleConvention(12, 120)
	pdf := mustPDF(t, c)
	keep(t, "convention.pdf", pdf)
	if !bytes.HasPrefix(pdf, []byte("%PDF-")) {
		t.Fatalf("not a PDF: %q", pdf[:min(20, len(pdf))])
	}
	text := spaces(pdfText(t, pdf))
	want := []string{c.Convention.Title, "Axe 1 / Action 1", "du 1er novembre 2022 au 31 décembre 2026", "« Familles rurales »",
		"Sommaire", "Pour Caf de la Gironde", "l'œuvre commune", "Cézac", spaces(money(c.Totals.PlannedCents))}
	for _, f := range c.Totals.ByFunder {
		want = append(want, spaces(money(f.PlannedCents)))
	}
	for _, w := range want {
		if !strings.Contains(text, w) {
			t.Errorf("the PDF does not say %q", w)
		}
	}
}

// TestConventionDOCXOpensInLibreOffice converts the DOCX with LibreOffice,
// as a partner opening it would, and reads the result.
func TestConventionDOCXOpensInLibreOffice(t *testing.T) {
	c := sampleConvention(12, 120)
	pdf := docgentest.LibreOfficePDF(t, mustDOCX(t, c))
	keep(t, "convention-lo.pdf", pdf)
	text := spaces(pdfText(t, pdf))
	for _, w := range []string{c.Convention.Title, "Axe 1 / Action 1", "Article 7 — Les engagements financiers", spaces(money(c.Totals.PlannedCents))} {
		if !strings.Contains(text, w) {
			t.Errorf("the DOCX converted by LibreOffice does not say %q", w)
		}
	}
}
