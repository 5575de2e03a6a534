package diagnostic_test

import (
	"bytes"
	"encoding/csv"
	"errors"
	"math"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"

	"ctg/internal/app"
	"ctg/internal/diagnostic"
	"ctg/internal/territory"
)

// The parsers of what people upload, fuzzed: go test -run '^$' -fuzz
// '^FuzzReadTable$' ./internal/diagnostic/ (see .ci/run). Each holds
// whatever it is given: it answers a table or an *app.Error with a French
// message, never a panic nor a Go error's text.

var quoted = regexp.MustCompile(`(?s)«.*»`)

// checkAppError fails unless err is an *app.Error of code with a message
// for a person: French, not a Go error's text.
func checkAppError(t *testing.T, err error, code string) {
	t.Helper()
	var ae *app.Error
	if !errors.As(err, &ae) {
		t.Fatalf("error %T %q is no *app.Error", err, err)
	}
	if ae.Code != code {
		t.Fatalf("error code %q (%s), want %q", ae.Code, err, code)
	}
	msgs := []string{app.ErrorMessage(err)}
	for _, m := range app.ErrorFields(err) {
		msgs = append(msgs, m)
	}
	for _, m := range msgs {
		if strings.TrimSpace(m) == "" {
			t.Fatalf("an empty message in %v", err)
		}
		// What the person wrote is quoted « like this »: only the rest
		// is the program's.
		m = quoted.ReplaceAllString(m, "« »")
		for _, goText := range []string{"strconv.", "invalid syntax", "runtime error", "unexpected EOF", "zip:", "xml:", "excelize", "<nil>", "%!"} {
			if strings.Contains(m, goText) {
				t.Fatalf("the message %q shows Go's text %q", m, goText)
			}
		}
	}
}

// tinyXLSX is a workbook of the given rows, for the seeds.
func tinyXLSX(tb testing.TB, rows ...[]any) []byte {
	tb.Helper()
	f := excelize.NewFile()
	defer f.Close()
	for i, row := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := f.SetSheetRow("Sheet1", cell, &row); err != nil {
			tb.Fatal(err)
		}
	}
	var b bytes.Buffer
	if _, err := f.WriteTo(&b); err != nil {
		tb.Fatal(err)
	}
	return b.Bytes()
}

func tableSeeds(f *testing.F) {
	for _, name := range []string{"caf_2022_bom.csv", "insee_2021_w1252.csv"} {
		b, err := os.ReadFile("testdata/" + name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b, false)
	}
	for _, s := range []string{
		"CODGEO;P21_POP\n33473;3 582\n33114;s\n",
		"Titre\n\nCODGEO,valeur\n\"33473\",\"1,5\"\n",
		"code_commune\tplaces\n33063\t12\n",
		"a;b\n1;\"2\n", "a;b\n1;2;3\n", "a;a\n1;2\n", "\xef\xbb\xbfCODGEO;x\n33473;1\n", "", "\x00\x01", "PK\x03\x04",
		"kind;name;commune;places;manager\neaje;Crèche;33473;12;CC\nrpe;Relais;33114;;\n",
		"Action;Année;Nature;Prévu (€);Réalisé (€);Code financeur;Financeur\nAxe 1 / Action 1;2027;fonctionnement;1 200,50;;caf-33;Caf\n",
	} {
		f.Add([]byte(s), false)
	}
	f.Add(tinyXLSX(f, []any{"CODGEO", "P21_POP"}, []any{"33473", 3582}, []any{"33114", "s"}), true)
	f.Add(tinyXLSX(f, []any{"kind", "name", "commune", "places"}, []any{"eaje", "Crèche", "33473", 12}), true)
}

// FuzzReadTable reads any bytes as CSV or XLSX. A table read has one cell
// per header in every row, its lines after the header's, in order; written
// back as CSV it reads the same.
func FuzzReadTable(f *testing.F) {
	tableSeeds(f)
	f.Fuzz(func(t *testing.T, data []byte, xlsx bool) {
		name := "fichier.csv"
		if xlsx {
			name = "fichier.xlsx"
		}
		tb, err := diagnostic.ReadTable(bytes.NewReader(data), name)
		if err != nil {
			checkAppError(t, err, app.EInvalid)
			return
		}
		if len(tb.Headers) == 0 || len(tb.Rows) == 0 {
			t.Fatalf("a table without headers or rows: %+v", tb)
		}
		last := tb.HeaderLine
		for _, r := range tb.Rows {
			if len(r.Cells) != len(tb.Headers) {
				t.Fatalf("line %d: %d cells for %d headers", r.Line, len(r.Cells), len(tb.Headers))
			}
			if r.Line <= last {
				t.Fatalf("line %d after line %d", r.Line, last)
			}
			last = r.Line
			for _, c := range r.Cells {
				if c != strings.TrimSpace(c) || !utf8.ValidString(c) {
					t.Fatalf("line %d: cell %q", r.Line, c)
				}
			}
		}
		if tb.Format != "csv" {
			return
		}
		// Written back with its separator, it reads the same, when the
		// separator can be told from the header line: two headers or more,
		// none holding a quote or a separator.
		if len(tb.Headers) < 2 {
			return
		}
		for _, h := range tb.Headers {
			if strings.ContainsAny(h, "\";,\t\r\n") {
				return
			}
		}
		var b bytes.Buffer
		w := csv.NewWriter(&b)
		w.Comma = []rune(tb.Separator)[0]
		_ = w.Write(tb.Headers)
		for _, r := range tb.Rows {
			_ = w.Write(r.Cells)
		}
		w.Flush()
		again, err := diagnostic.ReadTable(&b, "fichier.csv")
		if err != nil {
			t.Fatalf("written back:\n%s\nit reads as %v", b.String(), err)
		}
		if !slices.Equal(again.Headers, tb.Headers) || len(again.Rows) != len(tb.Rows) {
			t.Fatalf("written back, headers %q and %d rows, were %q and %d", again.Headers, len(again.Rows), tb.Headers, len(tb.Rows))
		}
		for i := range tb.Rows {
			if !slices.Equal(again.Rows[i].Cells, tb.Rows[i].Cells) {
				t.Fatalf("written back, row %d is %q, was %q", i, again.Rows[i].Cells, tb.Rows[i].Cells)
			}
		}
	})
}

// FuzzParseNumber reads any text as a number of a spreadsheet. A number
// read is finite and reads the same once written in French or in English.
func FuzzParseNumber(f *testing.F) {
	for _, s := range []string{"1 234,5", "1234.5", "1\u00a0234", "1.234,5", "1,234.5", "-3", "1.5E+03", "s", "n.d.", "", "abc",
		"1,2,3", "1.2.3", "1e400", "NaN", "−12", "'12", "0,000001", "+", "-", "e", ".", ","} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		v, secret, err := diagnostic.ParseNumber(s)
		if err != nil {
			checkAppError(t, err, app.EInvalid)
			if !strings.Contains(app.ErrorMessage(err), "n'est pas un nombre") {
				t.Fatalf("message %q", app.ErrorMessage(err))
			}
			return
		}
		if secret {
			if v != 0 {
				t.Fatalf("secret with value %v", v)
			}
			return
		}
		if math.IsNaN(v) || math.IsInf(v, 0) {
			t.Fatalf("%q reads as %v", s, v)
		}
		en := strconv.FormatFloat(v, 'f', -1, 64)
		for _, text := range []string{en, strings.Replace(en, ".", ",", 1)} {
			again, secret, err := diagnostic.ParseNumber(text)
			if err != nil || secret || again != v {
				t.Fatalf("%q reads as %v, written %q it reads as %v (secret %v, %v)", s, v, text, again, secret, err)
			}
		}
	})
}

var (
	refOnce sync.Once
	ref     *territory.Ref
)

// FuzzReadFacilities reads any file as an inventory of facilities. Either
// every line is a facility of a known kind, named, in a commune of the
// reference, or the error names the wrong cells (at most 50 and the file).
func FuzzReadFacilities(f *testing.F) {
	tableSeeds(f)
	refOnce.Do(func() {
		var err error
		if ref, err = territory.Load(); err != nil {
			f.Fatal(err)
		}
	})
	f.Fuzz(func(t *testing.T, data []byte, xlsx bool) {
		name := "equipements.csv"
		if xlsx {
			name = "equipements.xlsx"
		}
		tb, err := diagnostic.ReadTable(bytes.NewReader(data), name)
		if err != nil {
			return // FuzzReadTable's concern
		}
		lines, err := diagnostic.ReadFacilities(tb, ref)
		if err != nil {
			checkAppError(t, err, app.EInvalid)
			if n := len(app.ErrorFields(err)); n > 52 {
				t.Fatalf("%d messages", n)
			}
			return
		}
		if len(lines) != len(tb.Rows) {
			t.Fatalf("%d facilities of %d lines", len(lines), len(tb.Rows))
		}
		for _, l := range lines {
			if _, ok := diagnostic.FacilityKindOf(l.Kind); !ok {
				t.Fatalf("line %d: kind %q", l.Line, l.Kind)
			}
			if _, ok := ref.Commune(l.Commune); !ok || strings.TrimSpace(l.Name) == "" {
				t.Fatalf("line %d: commune %q, name %q", l.Line, l.Commune, l.Name)
			}
			if l.Places != nil && *l.Places < 0 {
				t.Fatalf("line %d: %d places", l.Line, *l.Places)
			}
		}
	})
}
