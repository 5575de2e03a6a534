package diagnostic_test

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"errors"
	"math"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"ctg/internal/app"
	"ctg/internal/diagnostic"
)

func mustReadFile(tb testing.TB, name string) *diagnostic.Table {
	tb.Helper()
	f, err := os.Open("testdata/" + name)
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	t, err := diagnostic.ReadTable(f, name)
	if err != nil {
		tb.Fatalf("ReadTable(%s): %v", name, err)
	}
	return t
}

func TestReadTableWindows1252(t *testing.T) {
	tb := mustReadFile(t, "insee_2021_w1252.csv")
	if tb.Format != "csv" || tb.Separator != ";" || tb.Encoding != "Windows-1252" || tb.HeaderLine != 1 {
		t.Errorf("format %q, separator %q, encoding %q, header line %d", tb.Format, tb.Separator, tb.Encoding, tb.HeaderLine)
	}
	want := []string{"CODGEO", "LIBGEO", "P21_POP", "P21_POP0002", "P21_POP0305", "P21_POP2539", "P21_POP4054", "P21_POP5564", "C21_FAMMONO", "Remarque"}
	if !slices.Equal(tb.Headers, want) {
		t.Errorf("headers %q", tb.Headers)
	}
	if len(tb.Rows) != 17 {
		t.Fatalf("%d rows, want 17", len(tb.Rows))
	}
	r := tb.Rows[1]
	if r.Line != 3 || r.Cells[0] != "33123" || r.Cells[1] != "Cézac" || r.Cells[2] != "2 655" || r.Cells[9] != "Données d'œuvre sociale" {
		t.Errorf("row 2: %+v", r)
	}
}

func TestReadTableBOMCommaQuoted(t *testing.T) {
	tb := mustReadFile(t, "caf_2022_bom.csv")
	if tb.Separator != "," || tb.Encoding != "UTF-8 (BOM)" {
		t.Errorf("separator %q, encoding %q", tb.Separator, tb.Encoding)
	}
	if tb.Headers[0] != "Communes" || tb.Headers[1] != "Codes_Insee" {
		t.Errorf("headers %q (the BOM must not stick to the first one)", tb.Headers)
	}
	if i, ok := diagnostic.FindGeoColumn(tb.Headers); !ok || i != 1 {
		t.Errorf("FindGeoColumn = %d, %v", i, ok)
	}
	var savin diagnostic.Row
	for _, r := range tb.Rows {
		if r.Cells[1] == "33473" {
			savin = r
		}
	}
	if savin.Cells == nil || savin.Cells[0] != "SAINT-SAVIN, BOURG" || savin.Cells[2] != "611" || savin.Line != 13 {
		t.Errorf("quoted field with a comma: %+v", savin)
	}
	if r := tb.Rows[0]; r.Line != 2 || r.Cells[1] != "99999" || r.Cells[3] != "" {
		t.Errorf("first row %+v", r)
	}
}

func TestReadTableEncodingsAndSeparators(t *testing.T) {
	for _, tc := range []struct {
		name, content, sep, enc string
	}{
		{"utf-8 semicolon", "CODGEO;Libellé;x\n33063;Bordeaux;1\n", ";", "UTF-8"},
		{"tab", "CODGEO\tLibellé\tx\n33063\tBordeaux\t1\n", "\t", "UTF-8"},
		{"latin-1 é", "CODGEO;Libell\xe9;x\r\n33063;B\xe8gles;1\r\n", ";", "Windows-1252"},
		{"comma, semicolons inside quotes", "CODGEO,\"a;b;c\",x\n33063,Bordeaux,1\n", ",", "UTF-8"},
		{"blank lines and trailing separators", "\nCODGEO;x;;\n33063;1;;\n\n;;;\n", ";", "UTF-8"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tb, err := diagnostic.ReadTable(strings.NewReader(tc.content), "f.csv")
			if err != nil {
				t.Fatal(err)
			}
			if tb.Separator != tc.sep || tb.Encoding != tc.enc || len(tb.Rows) != 1 || tb.Rows[0].Cells[0] != "33063" {
				t.Errorf("%+v", tb)
			}
			if len(tb.Rows[0].Cells) != len(tb.Headers) {
				t.Errorf("%d cells for %d headers", len(tb.Rows[0].Cells), len(tb.Headers))
			}
		})
	}
	tb, _ := diagnostic.ReadTable(strings.NewReader("CODGEO;Libell\xe9\n33063;B\xe8gles\n"), "f.csv")
	if tb.Headers[1] != "Libellé" || tb.Rows[0].Cells[1] != "Bègles" {
		t.Errorf("Windows-1252 decoded as %q %q", tb.Headers[1], tb.Rows[0].Cells[1])
	}
}

// INSEE's files open with title lines above the headers.
func TestReadTableTitleLines(t *testing.T) {
	content := "Populations par sexe et âge en 2021\nSource : Insee, RP2021\n\nCODGEO;LIBGEO;P21_POP0002\n33063;Bordeaux;9000\n"
	tb, err := diagnostic.ReadTable(strings.NewReader(content), "f.csv")
	if err != nil {
		t.Fatal(err)
	}
	if tb.HeaderLine != 4 || tb.Headers[0] != "CODGEO" || tb.Rows[0].Line != 5 {
		t.Errorf("header line %d, headers %q, row %+v", tb.HeaderLine, tb.Headers, tb.Rows[0])
	}
}

func TestReadTableXLSX(t *testing.T) {
	f := excelize.NewFile()
	must := func(err error) {
		if err != nil {
			t.Fatal(err)
		}
	}
	must(f.SetSheetRow("Sheet1", "A1", &[]any{"Couples - Familles - Ménages en 2021"}))
	must(f.SetSheetRow("Sheet1", "A5", &[]any{"CODGEO", "LIBGEO", "C21_FAM", "C21_FAMMONO"}))
	must(f.SetSheetRow("Sheet1", "A6", &[]any{"33114", "Cavignac", 612.43, 88}))
	// A spreadsheet that stored the code as a number lost its leading zero.
	must(f.SetSheetRow("Sheet1", "A7", &[]any{1001, "L'Abergement-Clémenciat", 231.5}))
	must(f.SetSheetRow("Sheet1", "A9", &[]any{"2A004", "Ajaccio", "21 456", "s"}))
	var buf bytes.Buffer
	must(f.Write(&buf))
	// Detected by content, whatever the name says.
	tb, err := diagnostic.ReadTable(&buf, "export.bin")
	if err != nil {
		t.Fatal(err)
	}
	if tb.Format != "xlsx" || tb.HeaderLine != 5 || len(tb.Rows) != 3 {
		t.Fatalf("%+v", tb)
	}
	for i, want := range []diagnostic.Row{
		{Line: 6, Cells: []string{"33114", "Cavignac", "612.43", "88"}},
		{Line: 7, Cells: []string{"1001", "L'Abergement-Clémenciat", "231.5", ""}},
		{Line: 9, Cells: []string{"2A004", "Ajaccio", "21 456", "s"}},
	} {
		if got := tb.Rows[i]; got.Line != want.Line || !slices.Equal(got.Cells, want.Cells) {
			t.Errorf("row %d = %+v, want %+v", i, got, want)
		}
	}
}

func TestReadTableErrors(t *testing.T) {
	for _, tc := range []struct {
		name, content, file, says string
	}{
		{"empty", "", "f.csv", "Le fichier est vide."},
		{"blank", " \r\n\n", "f.csv", "Le fichier est vide."},
		{"headers only", "CODGEO;x\n", "f.csv", "aucune ligne de données"},
		{"short row", "CODGEO;x;y\n33063;1;2\n33064;1\n", "f.csv", "ligne 3 : 2 colonnes alors que la ligne des titres en a 3."},
		{"long row", "CODGEO;x\n33063;1;2\n", "f.csv", "ligne 2 : 3 colonnes"},
		{"duplicate headers", "CODGEO;x;x\n33063;1;2\n", "f.csv", "les colonnes 2 et 3 portent le même titre « x »"},
		{"open quote", "CODGEO;x\n33063;\"1\n33064;2\n", "f.csv", "guillemet"},
		{"xls", "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1rest", "f.xls", "XLS (Excel 97-2003)"},
		{"ods", "PK\x03\x04rest", "f.ods", "ODS"},
		{"broken xlsx", "PK\x03\x04not really a zip", "f.xlsx", "XLSX ne peut pas être ouvert"},
		{"binary", "CODGEO;x\n\x00\x01\x02\n", "f.csv", "binaires"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := diagnostic.ReadTable(strings.NewReader(tc.content), tc.file)
			if app.ErrorCode(err) != app.EInvalid || !strings.Contains(app.ErrorMessage(err), tc.says) {
				t.Errorf("err = %v, want invalid saying %q", err, tc.says)
			}
		})
	}
}

func TestParseNumber(t *testing.T) {
	for _, tc := range []struct {
		in     string
		want   float64
		secret bool
	}{
		{"1234", 1234, false},
		{"1 234,5", 1234.5, false},
		{"1234.5", 1234.5, false},
		{"1 234", 1234, false},
		{"1\u00a0234", 1234, false},
		{"1\u202f234,25", 1234.25, false},
		{"12 345 678", 12345678, false},
		{" 42 ", 42, false},
		{"0", 0, false},
		{"-3,5", -3.5, false},
		{"1.234,5", 1234.5, false},
		{"1,234.5", 1234.5, false},
		{"1.234.567", 1234567, false},
		{"0,123", 0.123, false},
		{"1.5E+03", 1500, false},
		{"123.456789012", 123.456789012, false},
		{"s", 0, true},
		{"S", 0, true},
		{"secret", 0, true},
		{"nd", 0, true},
		{"n.d.", 0, true},
		{"ND", 0, true},
		{"nc", 0, true},
		{"", 0, true},
		{"  ", 0, true},
	} {
		v, secret, err := diagnostic.ParseNumber(tc.in)
		if err != nil || secret != tc.secret || math.Abs(v-tc.want) > 1e-9 {
			t.Errorf("ParseNumber(%q) = %v, %v, %v; want %v, %v", tc.in, v, secret, err, tc.want, tc.secret)
		}
	}
	for _, in := range []string{"douze", "12 %", "1,2,3", "1.2.3,4,5", "--1", "NaN", "Inf", "12abc", "1e999", "x", "-", "."} {
		if _, _, err := diagnostic.ParseNumber(in); app.ErrorCode(err) != app.EInvalid || !strings.Contains(app.ErrorMessage(err), "n'est pas un nombre") {
			t.Errorf("ParseNumber(%q): err = %v, want invalid", in, err)
		}
	}
}

func TestFindGeoColumn(t *testing.T) {
	for _, tc := range []struct {
		headers []string
		want    int
	}{
		{[]string{"LIBGEO", "CODGEO"}, 1},
		{[]string{"codgeo"}, 0},
		{[]string{"nom", "code_commune"}, 1},
		{[]string{"Nom", "Code commune"}, 1},
		{[]string{"code_insee", "x"}, 0},
		{[]string{"x", "COM"}, 1},
		{[]string{"Code géographique", "Libellé géographique"}, 0},
		{[]string{"CODE GEOGRAPHIQUE"}, 0},
		{[]string{"Communes", "Codes_Insee"}, 1},
		{[]string{"DEPCOM"}, 0},
		{[]string{"Commune", "Code INSEE"}, 1},
		// The most specific name wins over COM.
		{[]string{"COM", "CODGEO"}, 1},
	} {
		if got, ok := diagnostic.FindGeoColumn(tc.headers); !ok || got != tc.want {
			t.Errorf("FindGeoColumn(%q) = %d, %v; want %d", tc.headers, got, ok, tc.want)
		}
	}
	for _, h := range [][]string{{"Communes", "Population"}, {"code", "libellé"}, {}} {
		if i, ok := diagnostic.FindGeoColumn(h); ok {
			t.Errorf("FindGeoColumn(%q) = %d, want none", h, i)
		}
	}
}

func TestPreview(t *testing.T) {
	p := mustReadFile(t, "insee_2021_w1252.csv").Preview(5)
	if p.GeoColumn != 0 || len(p.Rows) != 5 || p.TotalRows != 17 || p.Year != 2021 || p.Suggested["P21_POP0002"] != "pop_0_2" ||
		p.Encoding != "Windows-1252" || p.Rows[0].Line != 2 {
		t.Errorf("%+v", p)
	}
	p = mustReadFile(t, "caf_2022_bom.csv").Preview(50)
	if p.GeoColumn != 1 || len(p.Rows) != 14 || p.Year != 0 || p.Suggested["NB_Allocataires"] != "allocataires" {
		t.Errorf("%+v", p)
	}
}

// TestReadTableXLSXBomb sends a workbook of a few kilobytes whose sheet
// declares 600 MB once unzipped: it is refused, in French, before anything
// is expanded.
func TestReadTableXLSXBomb(t *testing.T) {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, name := range []string{"[Content_Types].xml", "xl/workbook.xml"} {
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		_, _ = w.Write([]byte(`<?xml version="1.0"?><x/>`))
	}
	// A raw entry: a short deflate stream with the size a bomb declares.
	var small bytes.Buffer
	fw, _ := flate.NewWriter(&small, flate.BestCompression)
	_, _ = fw.Write(bytes.Repeat([]byte(" "), 1<<16))
	_ = fw.Close()
	w, err := zw.CreateRaw(&zip.FileHeader{Name: "xl/worksheets/sheet1.xml", Method: zip.Deflate,
		CompressedSize64: uint64(small.Len()), UncompressedSize64: 600 << 20, CRC32: 0})
	if err != nil {
		t.Fatal(err)
	}
	_, _ = w.Write(small.Bytes())
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	_, err = diagnostic.ReadTable(bytes.NewReader(buf.Bytes()), "bombe.xlsx")
	var ae *app.Error
	if !errors.As(err, &ae) || ae.Code != app.EInvalid || !strings.Contains(ae.Message, "512 Mo") {
		t.Fatalf("a workbook declaring 600 MB: %v, want a French refusal naming the 512 Mo limit", err)
	}
}
