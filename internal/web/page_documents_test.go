package web

import (
	"bytes"
	"context"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"ctg/bench/dataset"
	"ctg/internal/budget"
	"ctg/internal/docgen"
	"ctg/internal/docgen/docgentest"
	"ctg/internal/store"
	"ctg/internal/testdb"
)

// documentsRenderCases are the requests of TestEveryTemplateRenders for
// the documents page, over the demonstration data. The documents
// themselves are binary: TestDocuments reads them.
func documentsRenderCases(t *testing.T, db *store.DB, advisor, reader string) []renderCase {
	t.Helper()
	id := demoConventionID(t, db, "CTG Latitude Nord Gironde 2027-2031")
	bordeaux := demoConventionID(t, db, "CTG Bordeaux 2023-2027")
	docs := "/conventions/" + id + "/documents"
	return []renderCase{
		{name: "documents", who: advisor, path: docs, status: 200, renders: []string{"documents.html"},
			contains: []string{docs + "/convention.docx", docs + "/convention.pdf", docs + "/plan.xlsx", docs + "/evaluation.pdf",
				"/api/v1/conventions/" + id + "/budget.xlsx", "Word (DOCX), modifiable"}},
		{name: "documents of a reader", who: reader, path: docs, status: 200, renders: []string{"documents.html"}, contains: []string{"La convention à signer"}},
		{name: "documents of another", who: reader, path: "/conventions/" + bordeaux + "/documents", status: 404, renders: []string{"error.html"}},
		{name: "a document of another", who: reader, path: "/conventions/" + bordeaux + "/documents/convention.pdf", status: 404, renders: []string{"error.html"}},
		{name: "a document that is none", who: advisor, path: docs + "/convention.odt", status: 404, renders: []string{"error.html"}},
		{name: "a review of a year that is none", who: advisor, path: docs + "/bilan-20x4.pdf", status: 404, renders: []string{"error.html"}},
	}
}

// TestDocuments downloads the documents of a convention with a budget
// from its page and from the API: who may see the convention downloads
// them, named after it; an outsider gets the page or the JSON of a
// resource not found; the workbook's totals are the budget's.
func TestDocuments(t *testing.T) {
	ctx := context.Background()
	w := newBudgetWorld(t)
	lines := []budget.Line{
		{Funder: "caf-33", Year: 2027, Nature: budget.NatureFonctionnement, PlannedCents: 1076100000},
		{Funder: w.cc, Year: 2028, Nature: budget.NatureInvestissement, PlannedCents: 693500000},
		{Funder: w.msa, Year: 2029, Nature: budget.NatureFonctionnement, PlannedCents: 455000050},
	}
	if _, err := w.db.SetBudget(ctx, w.editor, w.action.ID, w.lines(t).Version, lines); err != nil {
		t.Fatal(err)
	}
	totals, err := w.db.ConventionBudget(ctx, w.editor, w.c.ID)
	if err != nil {
		t.Fatal(err)
	}
	page := "/conventions/" + w.c.ID + "/documents/"
	api := "/api/v1/conventions/" + w.c.ID + "/"
	get := func(who, path string) (int, http.Header, []byte) {
		t.Helper()
		res := serve(w.h, renderCase{path: path, who: who})
		return res.Code, res.Header(), res.Body.Bytes()
	}
	for _, c := range []struct{ page, api, mime, name string }{
		{"convention.docx", "document.docx", mimeDOCX, "ctg-latitude-nord-gironde-2027-2031-convention.docx"},
		{"convention.pdf", "document.pdf", mimePDF, "ctg-latitude-nord-gironde-2027-2031-convention.pdf"},
		{"plan.xlsx", "plan.xlsx", mimeXLSX, "ctg-latitude-nord-gironde-2027-2031-plan.xlsx"},
		{"evaluation.pdf", "evaluation.pdf", mimePDF, "ctg-latitude-nord-gironde-2027-2031-evaluation.pdf"},
		{"bilan-2027.pdf", "reviews/2027.pdf", mimePDF, "ctg-latitude-nord-gironde-2027-2031-bilan-2027.pdf"},
	} {
		paths := []string{page + c.page}
		if c.api != "" {
			paths = append(paths, api+c.api)
		}
		for _, path := range paths {
			for _, who := range []string{w.editorS, w.readerS, w.cafS} {
				code, h, body := get(who, path)
				if code != http.StatusOK || h.Get("Content-Type") != c.mime || h.Get("Content-Disposition") != `attachment; filename="`+c.name+`"` || len(body) < 1000 {
					t.Fatalf("GET %s: %d %v (%d bytes)\n%s", path, code, h, len(body), excerpt(string(body)))
				}
			}
			code, h, body := get(w.outsiderS, path)
			wantType := "text/html"
			if strings.HasPrefix(path, "/api/") {
				wantType = "application/json"
			}
			if code != http.StatusNotFound || !strings.HasPrefix(h.Get("Content-Type"), wantType) || h.Get("Content-Disposition") != "" {
				t.Errorf("GET %s by an outsider: %d %v\n%s", path, code, h, excerpt(string(body)))
			}
		}
	}

	// The DOCX says the title, the action's reference and the total.
	_, _, docx := get(w.readerS, api+"document.docx")
	text := docgentest.DOCXText(t, docx)
	for _, want := range []string{w.c.Title, "Axe 1 / Action 1 — Une micro-crèche de 12 places", "22\u00a0246\u00a0000,50\u00a0€", "MSA Gironde"} {
		if !strings.Contains(text, want) {
			t.Errorf("the DOCX does not say %q", want)
		}
	}

	// The workbook: the plan first, its totals those of the budget.
	_, _, xlsx := get(w.readerS, api+"plan.xlsx")
	f, err := excelize.OpenReader(bytes.NewReader(xlsx))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	want := []string{docgen.SheetPlan, "Budget", docgen.SheetByFunder, docgen.SheetByYear, "Totaux"}
	if got := f.GetSheetList(); strings.Join(got, ",") != strings.Join(want, ",") || f.GetActiveSheetIndex() != 0 {
		t.Errorf("sheets %v (active %d), want %v", got, f.GetActiveSheetIndex(), want)
	}
	rows, _ := f.GetRows(docgen.SheetPlan)
	if len(rows) != 2 || rows[1][0] != "Axe 1 / Action 1" || rows[1][3] != w.action.Title {
		t.Errorf("sheet Plan: %q", rows)
	}
	cents := func(sheet, cell string) int64 {
		t.Helper()
		v, err := f.GetCellValue(sheet, cell, excelize.Options{RawCellValue: true})
		if err != nil {
			t.Fatal(err)
		}
		c, err := budget.ParseCents(v)
		if err != nil {
			t.Fatalf("%s!%s = %q: %v", sheet, cell, v, err)
		}
		return c
	}
	rows, _ = f.GetRows(docgen.SheetByFunder)
	if len(rows) != len(totals.ByFunder)+2 || rows[len(rows)-1][0] != "Total" {
		t.Fatalf("sheet %s: %q", docgen.SheetByFunder, rows)
	}
	for i, fu := range totals.ByFunder {
		if rows[i+1][1] != fu.Funder || cents(docgen.SheetByFunder, "C"+strconv.Itoa(i+2)) != fu.PlannedCents {
			t.Errorf("%s row %d: %q, want %s %d", docgen.SheetByFunder, i+2, rows[i+1], fu.Funder, fu.PlannedCents)
		}
	}
	if got := cents(docgen.SheetByFunder, "C"+strconv.Itoa(len(rows))); got != totals.PlannedCents {
		t.Errorf("total by funder %d, want %d", got, totals.PlannedCents)
	}
	rows, _ = f.GetRows(docgen.SheetByYear)
	if got := cents(docgen.SheetByYear, "B"+strconv.Itoa(len(rows))); got != totals.PlannedCents || len(rows) != len(totals.ByYear)+2 {
		t.Errorf("total by year %d, want %d: %q", got, totals.PlannedCents, rows)
	}
}

// BenchmarkDocuments answers the documents of a convention of 50 actions
// (5 axes of 10) and 2,000 budget lines, each action with a follow-up
// indicator, from the request to the last byte: the readings of the store
// and the writing of the file. Budget: 1 s and 200 MB for each.
//
//	go test -run '^$' -bench Documents -benchmem ./internal/web/
func BenchmarkDocuments(b *testing.B) {
	for _, dialect := range []string{testdb.SQLite, testdb.Postgres} {
		b.Run(dialect, func(b *testing.B) {
			f := newBenchFixture(b, dialect, 1)
			id := f.ids[0]
			if err := dataset.InsertPlan(context.Background(), f.db, id, 5, 10, 40); err != nil {
				b.Fatal(err)
			}
			f.settle(b)
			api := "/api/v1/conventions/" + id + "/"
			b.Run("docx", func(b *testing.B) { f.run(b, api+"document.docx") })
			b.Run("pdf", func(b *testing.B) { f.run(b, api+"document.pdf") })
			b.Run("xlsx", func(b *testing.B) { f.run(b, api+"plan.xlsx") })
		})
	}
}
