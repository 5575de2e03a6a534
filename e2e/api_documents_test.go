package e2e

import (
	"bytes"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"ctg/internal/docgen/docgentest"
)

// TestDocuments downloads the documents of the contrat enfance jeunesse
// of Saint-Joseph, 22 246 000 € over 2003-2005, and reads them as a
// partner would: the DOCX in LibreOffice, the PDF with pdftotext, the
// workbook with a spreadsheet library. Each says the title, the action's
// reference and the money of the API.
func TestDocuments(t *testing.T) {
	each(t, func(t *testing.T, s *server) {
		conv, action, version, others := s.stJosephConvention(t)
		r := s.send(t, "PUT", "/api/v1/actions/"+action+"/budget", editor974, map[string]any{"lines": stJosephLines(s.orgStJoseph, others)},
			"If-Match", strconv.Quote(strconv.Itoa(version)))
		if r.Status != http.StatusOK {
			t.Fatalf("PUT budget: %d %s", r.Status, r.Raw)
		}
		s.mustPost(t, editor974, "/api/v1/actions/"+action+"/indicators", map[string]any{"label": "Places d'accueil", "unit": "places",
			"baseline": 120, "targets": map[string]any{"2004": 150, "2005": 180}})
		totals := s.mustGet(t, reader974, "/api/v1/conventions/"+conv+"/budget")
		title := "Contrat enfance jeunesse de Saint-Joseph 2003-2005"
		base := "/api/v1/conventions/" + conv + "/"
		name := "ctg-contrat-enfance-jeunesse-de-saint-joseph-2003-2005-"

		download := func(path, mime, file string) []byte {
			t.Helper()
			r := s.send(t, "GET", base+path, reader974, nil)
			if r.Status != http.StatusOK || r.Header.Get("Content-Type") != mime ||
				r.Header.Get("Content-Disposition") != `attachment; filename="`+name+file+`"` {
				t.Fatalf("GET %s: %d %v\n%.300s", path, r.Status, r.Header, r.Raw)
			}
			return r.Raw
		}
		docx := download("document.docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "convention.docx")
		pdf := download("document.pdf", "application/pdf", "convention.pdf")
		xlsx := download("plan.xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "plan.xlsx")
		evaluation := download("evaluation.pdf", "application/pdf", "evaluation.pdf")
		yearly := download("reviews/2004.pdf", "application/pdf", "bilan-2004.pdf")

		s.runScenarios(t, []scenario{
			{name: "outsider", path: base + "document.docx", who: reader33, status: 404},
			{name: "outsider PDF", path: base + "document.pdf", who: editor33, status: 404},
			{name: "outsider workbook", path: base + "plan.xlsx", who: readerCC, status: 404},
			{name: "outsider evaluation", path: base + "evaluation.pdf", who: reader33, status: 404},
			{name: "outsider review", path: base + "reviews/2004.pdf", who: reader33, status: 404},
			{name: "review of a year outside", path: base + "reviews/2010.pdf", who: reader974, status: 404},
			{name: "anonymous", path: base + "document.pdf", status: 401},
			{name: "unknown convention", path: "/api/v1/conventions/inconnue/document.docx", who: admin, status: 404},
		})

		// The DOCX: a zip whose parts parse, whose body says the title,
		// the action's reference and the totals.
		text := docgentest.Spaces(docgentest.DOCXText(t, docx))
		caf := docgentest.Spaces("10\u00a0761\u00a0000\u00a0€")
		for _, want := range []string{title, "Axe 1 / Action 1", "22 246 000 €", caf, "6 935 000 €", "Places d'accueil (places)"} {
			if !strings.Contains(text, want) {
				t.Errorf("the DOCX does not say %q", want)
			}
		}

		// The PDF, read by pdftotext.
		text = docgentest.Spaces(docgentest.PDFText(t, pdf))
		for _, want := range []string{title, "Axe 1 / Action 1", "22 246 000 €", caf, "Pour Caf de La Réunion"} {
			if !strings.Contains(text, want) {
				t.Errorf("the PDF does not say %q", want)
			}
		}
		if text := docgentest.Spaces(docgentest.PDFText(t, evaluation)); !strings.Contains(text, "Évaluation finale") || !strings.Contains(text, "Axe 1 / Action 1") {
			t.Errorf("the evaluation says:\n%.600s", text)
		}

		if text := docgentest.Spaces(docgentest.PDFText(t, yearly)); !strings.Contains(text, "Bilan annuel 2004") || !strings.Contains(text, "Axe 1 / Action 1") {
			t.Errorf("the review of 2004 says:\n%.600s", text)
		}

		// The DOCX converted by LibreOffice, as a partner opening it.
		text = docgentest.Spaces(docgentest.PDFText(t, docgentest.LibreOfficePDF(t, docx)))
		for _, want := range []string{title, "Axe 1 / Action 1", "22 246 000 €", caf} {
			if !strings.Contains(text, want) {
				t.Errorf("the DOCX converted by LibreOffice does not say %q", want)
			}
		}

		// The workbook's totals are the API's.
		f, err := excelize.OpenReader(bytes.NewReader(xlsx))
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		rows, _ := f.GetRows("Plan")
		if len(rows) != 2 || rows[1][0] != "Axe 1 / Action 1" {
			t.Errorf("sheet Plan: %q", rows)
		}
		cents := func(sheet, cell string) int64 {
			t.Helper()
			v, err := f.GetCellValue(sheet, cell, excelize.Options{RawCellValue: true})
			if err != nil {
				t.Fatal(err)
			}
			return euroCents(t, v)
		}
		rows, _ = f.GetRows("Par financeur")
		funders := arr(t, totals, "by_funder")
		if len(rows) != len(funders)+2 || cents("Par financeur", "C"+strconv.Itoa(len(rows))) != plannedOf(t, totals) {
			t.Errorf("sheet Par financeur: %q, want the total %d", rows, plannedOf(t, totals))
		}
		for i, fu := range funders {
			m := fu.(map[string]any)
			if rows[i+1][1] != str(t, m, "funder") || cents("Par financeur", "C"+strconv.Itoa(i+2)) != plannedOf(t, m) {
				t.Errorf("Par financeur row %d: %q, want %v", i+2, rows[i+1], m)
			}
		}
		rows, _ = f.GetRows("Par année")
		years := arr(t, totals, "by_year")
		if len(rows) != len(years)+2 || cents("Par année", "B"+strconv.Itoa(len(rows))) != plannedOf(t, totals) {
			t.Errorf("sheet Par année: %q", rows)
		}
		for i, y := range years {
			if cents("Par année", "B"+strconv.Itoa(i+2)) != plannedOf(t, y.(map[string]any)) {
				t.Errorf("Par année row %d: %q, want %v", i+2, rows[i+1], y)
			}
		}
	})
}
