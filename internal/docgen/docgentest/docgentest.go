// Package docgentest reads generated documents back the way a person's
// tools would, for tests: the text of a DOCX, a PDF through pdftotext, a
// DOCX converted by LibreOffice. Tests that need a tool which is not
// installed skip, or fail when CTG_REQUIRE_SERVICES=1 (see testdb).
package docgentest

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

// Spaces turns the no-break spaces of French typography into spaces, as a
// person reading the text sees them.
func Spaces(s string) string { return strings.NewReplacer("\u00a0", " ", "\u202f", " ").Replace(s) }

// DOCXText returns the text of a DOCX's body, a line per paragraph, after
// checking that the file is a zip with the parts Word needs and that each
// part is well-formed XML.
func DOCXText(tb testing.TB, docx []byte) string {
	tb.Helper()
	zr, err := zip.NewReader(bytes.NewReader(docx), int64(len(docx)))
	if err != nil {
		tb.Fatalf("the DOCX is not a zip: %v", err)
	}
	var text strings.Builder
	seen := map[string]bool{}
	for _, f := range zr.File {
		seen[f.Name] = true
		rc, err := f.Open()
		if err != nil {
			tb.Fatal(err)
		}
		dec := xml.NewDecoder(rc)
		inText := false
		for {
			tok, err := dec.Token()
			if err == io.EOF {
				break
			}
			if err != nil {
				tb.Fatalf("%s does not parse: %v", f.Name, err)
			}
			if f.Name != "word/document.xml" {
				continue
			}
			switch tok := tok.(type) {
			case xml.StartElement:
				inText = tok.Name.Local == "t"
			case xml.EndElement:
				inText = false
				if tok.Name.Local == "p" {
					text.WriteString("\n")
				}
			case xml.CharData:
				if inText {
					text.Write(tok)
				}
			}
		}
		rc.Close()
	}
	for _, name := range []string{"[Content_Types].xml", "_rels/.rels", "word/document.xml", "word/styles.xml"} {
		if !seen[name] {
			tb.Errorf("the DOCX has no %s", name)
		}
	}
	return text.String()
}

// PDFText reads a PDF with pdftotext.
func PDFText(tb testing.TB, pdf []byte) string {
	tb.Helper()
	bin, err := exec.LookPath("pdftotext")
	if err != nil {
		testdb.RequireOrSkip(tb, "pdftotext is not installed (apt-get install poppler-utils)")
	}
	in := filepath.Join(tb.TempDir(), "in.pdf")
	if err := os.WriteFile(in, pdf, 0o644); err != nil {
		tb.Fatal(err)
	}
	out, err := exec.Command(bin, "-enc", "UTF-8", in, "-").CombinedOutput()
	if err != nil {
		tb.Fatalf("pdftotext: %v\n%s", err, out)
	}
	return string(out)
}

// LibreOfficePDF converts a DOCX to PDF with LibreOffice headless, as a
// partner opening the file would.
func LibreOfficePDF(tb testing.TB, docx []byte) []byte {
	tb.Helper()
	bin, err := exec.LookPath("soffice")
	if err != nil {
		testdb.RequireOrSkip(tb, "LibreOffice is not installed (apt-get install libreoffice-writer-nogui)")
	}
	dir := tb.TempDir()
	in := filepath.Join(dir, "document.docx")
	if err := os.WriteFile(in, docx, 0o644); err != nil {
		tb.Fatal(err)
	}
	// A profile of its own: a LibreOffice running elsewhere would take the
	// conversion over.
	cmd := exec.Command(bin, "-env:UserInstallation=file://"+filepath.Join(dir, "profile"), "--headless", "--convert-to", "pdf", "--outdir", dir, in)
	if out, err := cmd.CombinedOutput(); err != nil {
		tb.Fatalf("soffice: %v\n%s", err, out)
	}
	pdf, err := os.ReadFile(filepath.Join(dir, "document.pdf"))
	if err != nil {
		tb.Fatalf("LibreOffice wrote no PDF: %v", err)
	}
	return pdf
}
