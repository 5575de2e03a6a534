package diagnostic

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"path/filepath"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/unicode/norm"

	"ctg/internal/app"
)

// Table is a spreadsheet read from a CSV or XLSX file.
type Table struct {
	Headers   []string
	Rows      []Row
	Format    string // "csv" or "xlsx"
	Separator string // ";" "," or "\t" for CSV
	Encoding  string // "UTF-8", "UTF-8 (BOM)", "Windows-1252"

	// HeaderLine is the line of the headers: 1, unless the file opens with
	// title lines before them, as INSEE's spreadsheets do (see ReadTable).
	HeaderLine int
}

// Row is one line of data of a Table. Line is the 1-based line (CSV) or row
// number (XLSX) in the file as a person sees it, the header being line 1;
// Cells has exactly one cell per header, trimmed of surrounding spaces.
type Row struct {
	Line  int
	Cells []string
}

// headerSearchDepth is how many non-empty lines ReadTable looks through for
// the header line: INSEE's files open with a few lines of title and notes.
const headerSearchDepth = 20

// ReadTable reads a CSV or XLSX file. XLSX is recognised by content (a zip
// archive) or by the ".xlsx" extension; anything else is read as CSV: a UTF-8
// byte order mark is skipped, text that is not valid UTF-8 is decoded as
// Windows-1252 (what Excel writes in France, a superset of Latin-1), and the
// separator is the most frequent of ";", "," and tab in the header line.
//
// The header line is the first line that has a geography column (see
// FindGeoColumn) among the first non-empty lines, or else the first non-empty
// line, so that title lines above the headers are skipped. Empty lines and
// empty columns at the right are ignored. Errors are *app.Error EInvalid with
// a French message naming the line where it applies.
func ReadTable(r io.Reader, filename string) (*Table, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("diagnostic.ReadTable: %w", err)
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, app.Errorf(app.EInvalid, "Le fichier est vide.")
	}
	ext := strings.ToLower(filepath.Ext(filename))
	switch {
	case ext == ".ods":
		return nil, app.Errorf(app.EInvalid, "Le format ODS n'est pas lu : enregistrez le fichier au format XLSX ou CSV.")
	case bytes.HasPrefix(data, []byte("PK\x03\x04")) || ext == ".xlsx":
		return readXLSX(data)
	case bytes.HasPrefix(data, []byte("\xD0\xCF\x11\xE0")) || ext == ".xls":
		return nil, app.Errorf(app.EInvalid, "Le format XLS (Excel 97-2003) n'est pas lu : enregistrez le fichier au format XLSX ou CSV.")
	}
	return readCSV(data)
}

func readCSV(data []byte) (*Table, error) {
	t := &Table{Format: "csv", Encoding: "UTF-8"}
	if bytes.HasPrefix(data, []byte("\xEF\xBB\xBF")) {
		data = data[3:]
		t.Encoding = "UTF-8 (BOM)"
	}
	if !utf8.Valid(data) {
		decoded, err := charmap.Windows1252.NewDecoder().Bytes(data)
		if err != nil {
			return nil, app.Errorf(app.EInvalid, "Le codage des caractères du fichier n'est pas reconnu : enregistrez-le en CSV UTF-8.")
		}
		data = decoded
		t.Encoding = "Windows-1252"
	}
	if bytes.IndexByte(data, 0) >= 0 {
		return nil, app.Errorf(app.EInvalid, "Ce fichier n'est ni un CSV ni un XLSX lisible (il contient des caractères binaires).")
	}
	sep := detectSeparator(data)
	t.Separator = string(sep)

	cr := csv.NewReader(bytes.NewReader(data))
	cr.Comma = sep
	cr.FieldsPerRecord = -1
	var records [][]string
	var lines []int
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				return nil, app.Errorf(app.EInvalid, "ligne %d : %s", pe.StartLine, csvProblem(pe.Err))
			}
			return nil, fmt.Errorf("diagnostic.ReadTable: %w", err)
		}
		line, _ := cr.FieldPos(0)
		records = append(records, rec)
		lines = append(lines, line)
	}
	if err := t.fill(records, lines); err != nil {
		return nil, err
	}
	return t, nil
}

func csvProblem(err error) string {
	switch {
	case errors.Is(err, csv.ErrQuote):
		return "un guillemet ouvert n'est pas fermé (le texte entre guillemets court jusqu'à la fin du fichier)."
	case errors.Is(err, csv.ErrBareQuote):
		return "un guillemet est placé au milieu d'une valeur : entourez la valeur de guillemets et doublez celui-ci (\"\")."
	default:
		return "la ligne ne peut pas être lue comme du CSV."
	}
}

// detectSeparator counts the candidate separators outside quotes in the first
// non-empty line; ";" wins ties, being what French software writes.
func detectSeparator(data []byte) rune {
	var line []byte
	for len(data) > 0 {
		i := bytes.IndexByte(data, '\n')
		if i < 0 {
			line, data = data, nil
		} else {
			line, data = data[:i], data[i+1:]
		}
		if len(bytes.TrimSpace(line)) > 0 {
			break
		}
	}
	counts := map[rune]int{}
	quoted := false
	for _, c := range string(line) {
		switch c {
		case '"':
			quoted = !quoted
		case ';', ',', '\t':
			if !quoted {
				counts[c]++
			}
		}
	}
	best := ';'
	for _, c := range []rune{',', '\t'} {
		if counts[c] > counts[best] {
			best = c
		}
	}
	return best
}

// MaxUnzippedXLSX bounds what an uploaded workbook may expand to. A
// France-wide table (35,000 communes × 200 columns) is about 300 MB of
// sheet XML; a zip bomb of a few hundred kilobytes claims gigabytes, which
// would fill the server's temporary folder. The sizes are those the
// archive declares; archive/zip refuses an entry longer than declared.
const MaxUnzippedXLSX = 512 << 20

func readXLSX(data []byte) (*Table, error) {
	f, err := excelize.OpenReader(bytes.NewReader(data), excelize.Options{UnzipSizeLimit: MaxUnzippedXLSX})
	if err != nil && strings.Contains(err.Error(), "unzip size exceeds") {
		return nil, app.Errorf(app.EInvalid, "Le fichier XLSX se décompresse en plus de %d Mo : enregistrez-le en CSV, ou découpez-le.", MaxUnzippedXLSX>>20)
	}
	if err != nil {
		return nil, app.Errorf(app.EInvalid, "Le fichier XLSX ne peut pas être ouvert : il est peut-être abîmé ou protégé par un mot de passe.")
	}
	defer f.Close()
	sheets := f.GetSheetList()
	if len(sheets) == 0 {
		return nil, app.Errorf(app.EInvalid, "Le fichier est vide.")
	}
	rows, err := f.Rows(sheets[0])
	if err != nil {
		return nil, app.Errorf(app.EInvalid, "La première feuille du fichier XLSX ne peut pas être lue.")
	}
	defer rows.Close()
	var records [][]string
	var lines []int
	for n := 1; rows.Next(); n++ {
		cells, err := rows.Columns(excelize.Options{RawCellValue: true})
		if err != nil {
			return nil, app.Errorf(app.EInvalid, "ligne %d : la ligne ne peut pas être lue.", n)
		}
		records = append(records, cells)
		lines = append(lines, n)
	}
	t := &Table{Format: "xlsx"}
	if err := t.fill(records, lines); err != nil {
		return nil, err
	}
	return t, nil
}

// fill finds the header line among records, then keeps the non-empty lines
// below it, each cut or padded to the width of the headers.
func (t *Table) fill(records [][]string, lines []int) error {
	for _, rec := range records {
		for i := range rec {
			rec[i] = strings.TrimSpace(rec[i])
		}
	}
	head := -1
	seen := 0
	for i, rec := range records {
		if blank(rec) {
			continue
		}
		if head < 0 {
			head = i
		}
		if _, ok := FindGeoColumn(rec); ok {
			head = i
			break
		}
		if seen++; seen >= headerSearchDepth {
			break
		}
	}
	if head < 0 {
		return app.Errorf(app.EInvalid, "Le fichier est vide.")
	}
	headers := records[head]
	for len(headers) > 0 && headers[len(headers)-1] == "" {
		headers = headers[:len(headers)-1]
	}
	t.Headers = headers
	t.HeaderLine = lines[head]
	first := map[string]int{}
	for i, h := range headers {
		if h == "" {
			continue
		}
		if j, ok := first[h]; ok {
			return app.Errorf(app.EInvalid, "ligne %d : les colonnes %d et %d portent le même titre « %s ».", t.HeaderLine, j+1, i+1, h)
		}
		first[h] = i
	}
	t.Rows = make([]Row, 0, len(records)-head-1)
	for i := head + 1; i < len(records); i++ {
		rec := records[i]
		if blank(rec) {
			continue
		}
		if len(rec) > len(headers) {
			if !blank(rec[len(headers):]) {
				return app.Errorf(app.EInvalid, "ligne %d : %d colonnes alors que la ligne des titres en a %d.", lines[i], len(rec), len(headers))
			}
			rec = rec[:len(headers)]
		}
		if len(rec) < len(headers) {
			if t.Format == "csv" {
				return app.Errorf(app.EInvalid, "ligne %d : %d colonnes alors que la ligne des titres en a %d.", lines[i], len(rec), len(headers))
			}
			// A spreadsheet leaves out empty cells at the right of a row.
			rec = append(rec, make([]string, len(headers)-len(rec))...)
		}
		t.Rows = append(t.Rows, Row{Line: lines[i], Cells: rec})
	}
	if len(t.Rows) == 0 {
		return app.Errorf(app.EInvalid, "Le fichier ne contient aucune ligne de données sous la ligne des titres (ligne %d).", t.HeaderLine)
	}
	return nil
}

func blank(cells []string) bool {
	for _, c := range cells {
		if strings.TrimSpace(c) != "" {
			return false
		}
	}
	return true
}

// secretMarks are the cell texts that stand for a value withheld (statistical
// secret) or not available, lower-cased.
var secretMarks = map[string]bool{
	"": true, "s": true, "secret": true, "nd": true, "n.d.": true, "n.d": true,
	"nc": true, "n.c.": true, "n.c": true,
}

// ParseNumber reads a number as French and English spreadsheets write it:
// "1 234,5", "1234.5", "1 234" (spaces, no-break spaces U+00A0 and U+202F as
// thousands separators), "1.234,5" or "1,234.5" (the last of "." and "," is
// the decimal mark when both are there), "-3", "1.5E+03". The marks of
// secret or missing values ("s", "secret", "nd", "n.d.", "nc", and an empty
// cell) give secret true. Anything else is an error with a French message.
func ParseNumber(s string) (v float64, secret bool, err error) {
	s = strings.TrimSpace(s)
	if secretMarks[strings.ToLower(s)] {
		return 0, true, nil
	}
	var b strings.Builder
	b.Grow(len(s))
	for _, c := range s {
		switch c {
		case ' ', '\u00A0', '\u202F', '\u2009', '\'':
			continue
		case '−': // minus sign
			c = '-'
		}
		if !(c >= '0' && c <= '9' || c == '.' || c == ',' || c == '-' || c == '+' || c == 'e' || c == 'E') {
			return 0, false, notANumber(s)
		}
		b.WriteRune(c)
	}
	t := b.String()
	dot, comma := strings.LastIndexByte(t, '.'), strings.LastIndexByte(t, ',')
	switch {
	case dot >= 0 && comma >= 0 && comma > dot: // 1.234,5
		t = strings.ReplaceAll(t, ".", "")
		t = strings.Replace(t, ",", ".", 1)
	case dot >= 0 && comma >= 0: // 1,234.5
		t = strings.ReplaceAll(t, ",", "")
	case comma >= 0:
		if strings.Count(t, ",") > 1 {
			return 0, false, notANumber(s)
		}
		t = strings.Replace(t, ",", ".", 1)
	case strings.Count(t, ".") > 1: // 1.234.567
		t = strings.ReplaceAll(t, ".", "")
	}
	if strings.Count(t, ".") > 1 || t == "" {
		return 0, false, notANumber(s)
	}
	v, err = strconv.ParseFloat(t, 64)
	if err != nil || math.IsInf(v, 0) || math.IsNaN(v) {
		return 0, false, notANumber(s)
	}
	return v, false, nil
}

func notANumber(s string) error {
	return app.Errorf(app.EInvalid, "« %s » n'est pas un nombre.", s)
}

// geoHeaders are the headers of a commune code column, normalised by
// foldHeader, in order of preference.
var geoHeaders = []string{
	"codgeo", "codecommune", "codeinsee", "codesinsee", "codeinseecommune", "codecommuneinsee",
	"codegeographique", "codegeo", "com", "depcom", "codecom", "insee", "numcom",
	"codgeocommune", "cog", "codecog", "inseecom", "communecode", "codeinseedelacommune",
	"codedelacommune",
}

// FindGeoColumn returns the index of the column of commune codes: CODGEO,
// code_commune, "Code commune", code_insee, Codes_Insee (the CAF's open
// data), COM, "Code géographique", DEPCOM, ... compared without case,
// accents, spaces or punctuation.
func FindGeoColumn(headers []string) (int, bool) {
	folded := make([]string, len(headers))
	for i, h := range headers {
		folded[i] = foldHeader(h)
	}
	for _, g := range geoHeaders {
		for i, f := range folded {
			if f == g {
				return i, true
			}
		}
	}
	return -1, false
}

// foldHeader lower-cases h and keeps only its letters (without accents) and
// digits.
func foldHeader(h string) string {
	var b strings.Builder
	for _, c := range norm.NFD.String(h) {
		switch {
		case c >= 'a' && c <= 'z', c >= '0' && c <= '9':
			b.WriteRune(c)
		case c >= 'A' && c <= 'Z':
			b.WriteRune(c + 'a' - 'A')
		}
	}
	return b.String()
}
