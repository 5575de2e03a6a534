package docgen

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"ctg/internal/testdb"
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

// documentText reads the text of word/document.xml, after checking that
// every part of the zip is well-formed XML.
func documentText(t *testing.T, docx []byte) string {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(docx), int64(len(docx)))
	if err != nil {
		t.Fatalf("the DOCX is not a zip: %v", err)
	}
	var text strings.Builder
	seen := map[string]bool{}
	for _, f := range zr.File {
		seen[f.Name] = true
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		dec := xml.NewDecoder(rc)
		inText := false
		for {
			tok, err := dec.Token()
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Fatalf("%s does not parse: %v", f.Name, err)
			}
			if f.Name != "word/document.xml" {
				continue
			}
			switch tok := tok.(type) {
			case xml.StartElement:
				inText = tok.Name.Local == "t"
			case xml.EndElement:
				if tok.Name.Local == "p" {
					text.WriteString("\n")
				}
				inText = false
			case xml.CharData:
				if inText {
					text.Write(tok)
				}
			}
		}
		rc.Close()
	}
	for _, name := range []string{"[Content_Types].xml", "_rels/.rels", "word/document.xml", "word/styles.xml", "word/footer1.xml"} {
		if !seen[name] {
			t.Errorf("the DOCX has no %s", name)
		}
	}
	return text.String()
}

// spaces turns the no-break spaces of French typography into spaces, as
// a person reading the text would see them.
func spaces(s string) string {
	return strings.NewReplacer("\u00a0", " ", "\u202f", " ").Replace(s)
}

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

// pdfText runs pdftotext on a PDF; a test without it skips (or fails when
// CTG_REQUIRE_SERVICES=1).
func pdfText(t *testing.T, pdf []byte) string {
	t.Helper()
	bin, err := exec.LookPath("pdftotext")
	if err != nil {
		testdb.RequireOrSkip(t, "pdftotext is not installed (apt-get install poppler-utils)")
	}
	dir := t.TempDir()
	in := filepath.Join(dir, "in.pdf")
	if err := os.WriteFile(in, pdf, 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(bin, "-enc", "UTF-8", in, "-").CombinedOutput()
	if err != nil {
		t.Fatalf("pdftotext: %v\n%s", err, out)
	}
	return string(out)
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
	bin, err := exec.LookPath("soffice")
	if err != nil {
		testdb.RequireOrSkip(t, "LibreOffice is not installed (apt-get install libreoffice-writer-nogui)")
	}
	c := sampleConvention(12, 120)
	dir := t.TempDir()
	in := filepath.Join(dir, "convention.docx")
	if err := os.WriteFile(in, mustDOCX(t, c), 0o644); err != nil {
		t.Fatal(err)
	}
	// A profile of its own, so that a LibreOffice already running elsewhere
	// does not take the conversion.
	profile := "file://" + filepath.Join(dir, "profile")
	cmd := exec.Command(bin, "-env:UserInstallation="+profile, "--headless", "--convert-to", "pdf", "--outdir", dir, in)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("soffice: %v\n%s", err, out)
	}
	pdf, err := os.ReadFile(filepath.Join(dir, "convention.pdf"))
	if err != nil {
		t.Fatalf("LibreOffice wrote no PDF: %v", err)
	}
	keep(t, "convention-lo.pdf", pdf)
	text := spaces(pdfText(t, pdf))
	for _, w := range []string{c.Convention.Title, "Axe 1 / Action 1", "Article 7 — Les engagements financiers", spaces(money(c.Totals.PlannedCents))} {
		if !strings.Contains(text, w) {
			t.Errorf("the DOCX converted by LibreOffice does not say %q", w)
		}
	}
}
