package diagnostic

import (
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"ctg/internal/app"
	"ctg/internal/territory"
)

// MaxFileSize is the size from which an import file is refused: files must
// weigh less than 200 Mo (a France-wide file of 60 columns weighs about 15 Mo).
const MaxFileSize = 200_000_000

// TooLarge is the error of a file of MaxFileSize bytes or more.
var TooLarge = app.Errorf(app.ETooLarge, "Le fichier est trop volumineux : un fichier d'import doit peser moins de 200 Mo. Retirez les colonnes inutiles ou découpez-le.")

// maxFieldErrors is how many unreadable values an import lists before it
// stops reading: enough to see a pattern, not a wall of text.
const maxFieldErrors = 20

// progressEvery is how many rows an import reads between two reports.
const progressEvery = 5000

// ImportRequest is an import as a person asks for it.
type ImportRequest struct {
	// ID, when set, names the import before it runs, so that a page can
	// follow its progress (see store.DB.ImportIndicators).
	ID       string
	Filename string
	// Year of the values; 0 to deduce it from the headers (P21_ → 2021).
	Year   int
	Source string
	// Mapping gives the indicator code of a column, by its header; an empty
	// code leaves the column out. Columns whose header is an indicator code
	// need no mapping.
	Mapping map[string]string
	// Suggest completes Mapping with SuggestMapping for the columns it does
	// not name (the command line does so when no --map is given).
	Suggest bool
}

// Import is the record of an import: who, when, what, and how it went.
type Import struct {
	ID         string     `json:"id" db:"id"`
	At         time.Time  `json:"at" db:"at"`
	FinishedAt *time.Time `json:"finished_at" db:"finished_at"`
	UserID     string     `json:"user_id" db:"user_id"`
	UserName   string     `json:"user_name" db:"user_name"`
	Filename   string     `json:"filename" db:"filename"`
	Source     string     `json:"source" db:"source"`
	Year       int        `json:"year" db:"year"`
	// Status is running, done or failed.
	Status    string `json:"status" db:"status"`
	Phase     string `json:"phase" db:"phase"` // reading, writing, done
	RowsTotal int    `json:"rows_total" db:"rows_total"`
	RowsDone  int    `json:"rows_done" db:"rows_done"`
	Rows      int    `json:"rows" db:"rows_count"`
	Values    int    `json:"values" db:"values_count"`
	Communes  int    `json:"communes" db:"communes"`
	Secret    int    `json:"secret" db:"secret"`
	// Message is the French reason of a failure; Fields its details.
	Message string            `json:"message,omitempty" db:"message"`
	Fields  map[string]string `json:"fields,omitempty" db:"-"`
	// Summary is the full summary of a finished import.
	Summary *ImportSummary `json:"summary,omitempty" db:"-"`
}

// Statuses of an Import.
const (
	ImportRunning = "running"
	ImportDone    = "done"
	ImportFailed  = "failed"
)

// ImportSummary is what an import did, as the API answers it.
type ImportSummary struct {
	ID        string `json:"id"`
	Filename  string `json:"filename"`
	Year      int    `json:"year"`
	Source    string `json:"source"`
	Format    string `json:"format"`
	Encoding  string `json:"encoding,omitempty"`
	Separator string `json:"separator,omitempty"`
	// Rows is the number of data rows of the file.
	Rows int `json:"rows"`
	// Values is the number of (commune, indicator) values stored with a
	// number; Secret those stored as secret (s, nd, empty…).
	Values   int `json:"values"`
	Secret   int `json:"secret"`
	Communes int `json:"communes"`
	// Indicators are the codes imported, Columns the header → code mapping
	// applied, IgnoredColumns the other headers (the geography column aside).
	Indicators     []string          `json:"indicators"`
	Columns        map[string]string `json:"columns"`
	IgnoredColumns []string          `json:"ignored_columns"`
	// Replaced are the indicators whose values of that year were replaced.
	Replaced []string `json:"replaced"`
	// UnknownCodes are the geography codes that are neither a current
	// commune nor a former code of one; UnknownRows gives each one's line.
	UnknownCodes []string     `json:"unknown_codes"`
	UnknownRows  []UnknownRow `json:"unknown_rows"`
	// Merged lists the current communes that several rows added up to.
	Merged []Merged `json:"merged"`
}

// UnknownRow is a row left out of an import.
type UnknownRow struct {
	Line   int    `json:"line"`
	Code   string `json:"code"`
	Reason string `json:"reason"`
}

// Merged is a current commune that rows of former communes added up to.
type Merged struct {
	Commune string   `json:"commune"`
	Name    string   `json:"name"`
	Codes   []string `json:"codes"`
	Lines   []int    `json:"lines"`
}

// Values is what an import stores: one value per commune and indicator,
// communes in byte order of their codes, row-major.
type Values struct {
	Year     int
	Codes    []string
	Communes []string
	Value    []float64 // len(Communes)*len(Codes); Value[i*len(Codes)+j] is commune i, code j
	Secret   []bool
}

// At returns the value of commune i for code j.
func (v *Values) At(i, j int) (float64, bool) {
	k := i*len(v.Codes) + j
	return v.Value[k], v.Secret[k]
}

// Plan is a checked import: which column goes to which indicator, for what
// year. Build it with NewPlan, then Read the rows.
type Plan struct {
	table   *Table
	geo     int
	year    int
	codes   []string
	columns []planColumn
	summary ImportSummary
}

type planColumn struct {
	index int
	code  int // index in codes
}

// Year returns the year of the values.
func (p *Plan) Year() int { return p.year }

// Codes returns the indicator codes the import writes.
func (p *Plan) Codes() []string { return slices.Clone(p.codes) }

// Rows returns the number of data rows.
func (p *Plan) Rows() int { return len(p.table.Rows) }

// NewPlan checks the mapping and the year of an import of t against the
// catalogue. Errors are EInvalid, with fields "mapping.<header>" or "year".
func NewPlan(t *Table, req ImportRequest, c *Catalogue) (*Plan, error) {
	geo, ok := FindGeoColumn(t.Headers)
	if !ok {
		return nil, app.Errorf(app.EInvalid, "Aucune colonne de codes commune n'a été trouvée parmi les titres de la ligne %d (%s) : la colonne doit s'intituler CODGEO, code_commune, « Code commune », code_insee, COM ou « Code géographique ».",
			t.HeaderLine, quoteList(t.Headers, 8))
	}
	p := &Plan{table: t, geo: geo}
	p.summary = ImportSummary{ID: req.ID, Filename: req.Filename, Source: strings.TrimSpace(req.Source),
		Format: t.Format, Encoding: t.Encoding, Separator: t.Separator, Rows: len(t.Rows),
		Columns: map[string]string{}, IgnoredColumns: []string{}, Replaced: []string{},
		UnknownCodes: []string{}, UnknownRows: []UnknownRow{}, Merged: []Merged{}, Indicators: []string{}}
	if utf8.RuneCountInString(p.summary.Source) > 300 {
		return nil, app.Invalid("Certaines informations sont à corriger.", map[string]string{"source": "La source ne peut pas dépasser 300 caractères."})
	}

	bad := app.Fields{}
	// Explicit choices, matched to headers exactly or else ignoring case.
	chosen := map[int]string{}
	explicit := map[int]bool{}
	for h, code := range req.Mapping {
		i := headerIndex(t.Headers, h)
		switch {
		case i < 0:
			bad.Add("mapping."+h, fmt.Sprintf("Aucune colonne du fichier ne s'intitule « %s ».", h))
			continue
		case i == geo && strings.TrimSpace(code) != "":
			bad.Add("mapping."+h, "C'est la colonne des codes commune : elle ne peut pas recevoir un indicateur.")
			continue
		}
		chosen[i] = strings.TrimSpace(code)
		explicit[i] = true
	}
	if req.Suggest {
		for i, h := range t.Headers {
			if _, ok := chosen[i]; !ok && i != geo {
				if code, ok := suggest(h); ok {
					chosen[i] = code
				}
			}
		}
	}
	// Headers that are indicator codes.
	for i, h := range t.Headers {
		if _, ok := chosen[i]; ok || i == geo {
			continue
		}
		if ind, ok := c.Get(strings.ToLower(strings.TrimSpace(h))); ok {
			chosen[i] = ind.Code
		}
	}

	// The year: given, or else the one the mapped headers name.
	year := req.Year
	if year == 0 {
		years := map[int]bool{}
		for i, code := range chosen {
			if code == "" {
				continue
			}
			if y, ok := YearOfHeader(t.Headers[i]); ok {
				years[y] = true
			}
		}
		switch len(years) {
		case 0:
		case 1:
			for y := range years {
				year = y
			}
		default:
			ys := make([]int, 0, len(years))
			for y := range years {
				ys = append(ys, y)
			}
			slices.Sort(ys)
			bad.Add("year", fmt.Sprintf("Les colonnes retenues portent des années différentes (%s) : indiquez l'année des valeurs.", joinInts(ys)))
		}
	}
	if year == 0 {
		bad.Add("year", "Indiquez l'année des valeurs : les titres de colonnes ne la donnent pas (comme P21_ pour 2021).")
	} else if year < 1900 || year > 2100 {
		bad.Add("year", "L'année doit être comprise entre 1900 et 2100.")
	}
	p.year = year

	codeIndex := map[string]int{}
	for i, h := range t.Headers {
		if i == geo {
			continue
		}
		code, ok := chosen[i]
		if !ok || code == "" {
			if h != "" {
				p.summary.IgnoredColumns = append(p.summary.IgnoredColumns, h)
			}
			continue
		}
		field := "mapping." + h
		ind, ok := c.Get(code)
		switch {
		case !ok:
			bad.Add(field, fmt.Sprintf("Aucun indicateur du catalogue ne porte le code « %s ».", code))
			continue
		case ind.IsRatio():
			bad.Add(field, fmt.Sprintf("« %s » est un ratio, calculé à partir de %s et %s : importez ces deux comptages.", code, ind.Numerator, ind.Denominator))
			continue
		case code == Population && year == PopulationYear:
			if explicit[i] {
				bad.Add(field, fmt.Sprintf("La population %d est celle du référentiel des territoires : elle ne s'importe pas.", PopulationYear))
			} else {
				p.summary.IgnoredColumns = append(p.summary.IgnoredColumns, h)
			}
			continue
		}
		j, ok := codeIndex[code]
		if !ok {
			j = len(p.codes)
			codeIndex[code] = j
			p.codes = append(p.codes, code)
		}
		p.columns = append(p.columns, planColumn{index: i, code: j})
		p.summary.Columns[h] = code
	}
	if err := bad.Err(); err != nil {
		return nil, err
	}
	if len(p.columns) == 0 {
		msg := "Aucune colonne ne correspond à un indicateur du catalogue : indiquez pour chaque colonne à importer le code de son indicateur."
		if s := SuggestMapping(t.Headers); len(s) > 0 && !req.Suggest {
			var parts []string
			for _, h := range t.Headers {
				if code, ok := s[h]; ok {
					parts = append(parts, h+" → "+code)
				}
				if len(parts) == 6 {
					parts = append(parts, "…")
					break
				}
			}
			msg += " Colonnes reconnues : " + strings.Join(parts, ", ") + "."
		}
		return nil, app.Errorf(app.EInvalid, "%s", msg)
	}
	p.summary.Year = year
	p.summary.Indicators = slices.Clone(p.codes)
	return p, nil
}

func headerIndex(headers []string, h string) int {
	if i := slices.Index(headers, h); i >= 0 {
		return i
	}
	for i, x := range headers {
		if strings.EqualFold(strings.TrimSpace(x), strings.TrimSpace(h)) {
			return i
		}
	}
	return -1
}

func quoteList(items []string, max int) string {
	var parts []string
	for i, s := range items {
		if i == max {
			parts = append(parts, "…")
			break
		}
		parts = append(parts, "« "+s+" »")
	}
	return strings.Join(parts, ", ")
}

func joinInts(xs []int) string {
	parts := make([]string, len(xs))
	for i, x := range xs {
		parts[i] = fmt.Sprint(x)
	}
	return strings.Join(parts, ", ")
}

// Cell states while reading.
const (
	cellNone   = 0
	cellValue  = 1
	cellSecret = 2
)

// Read reads every row: resolves the commune codes (former codes count for
// the current commune, several rows of one commune add up), parses the
// numbers, and returns the values to store with the summary. Any unreadable
// value or a code given twice refuses the whole file: EInvalid with fields
// "ligne N, colonne H". progress, when not nil, is told how many rows were
// read every few thousand rows.
func (p *Plan) Read(ref *territory.Ref, progress func(done int)) (*Values, *ImportSummary, error) {
	g := GeoOf(ref)
	nc := len(p.codes)
	state := make([]uint8, len(g.Codes)*nc)
	value := make([]float64, len(g.Codes)*nc)
	firstLine := make([]int32, len(g.Codes))
	type source struct {
		code string
		line int
	}
	var merged map[int32][]source
	firstRaw := make(map[int32]string)
	seen := make(map[string]int, len(p.table.Rows))
	bad := app.Fields{}
	s := &p.summary
	geoHeader := p.table.Headers[p.geo]
	for n, row := range p.table.Rows {
		if progress != nil && n > 0 && n%progressEvery == 0 {
			progress(n)
		}
		raw := row.Cells[p.geo]
		code := normaliseCode(raw)
		if code == "" {
			s.UnknownRows = append(s.UnknownRows, UnknownRow{Line: row.Line, Code: raw, Reason: "ligne sans code commune"})
			continue
		}
		if prev, ok := seen[code]; ok {
			msg := fmt.Sprintf("Le code %s figure deux fois dans le fichier, lignes %d et %d : chaque commune ne doit apparaître qu'une fois.", code, prev, row.Line)
			return nil, nil, app.Invalid(msg, map[string]string{fmt.Sprintf("ligne %d, colonne %s", row.Line, geoHeader): msg})
		}
		seen[code] = row.Line
		if reason := unknownReason(ref, code); reason != "" {
			s.UnknownCodes = append(s.UnknownCodes, raw)
			s.UnknownRows = append(s.UnknownRows, UnknownRow{Line: row.Line, Code: raw, Reason: reason})
			continue
		}
		c, _ := ref.Commune(code)
		ci := g.Index[c.Code]
		if firstLine[ci] == 0 {
			firstLine[ci] = int32(row.Line)
			firstRaw[ci] = code
		} else {
			if merged == nil {
				merged = map[int32][]source{}
			}
			if len(merged[ci]) == 0 {
				merged[ci] = append(merged[ci], source{firstRaw[ci], int(firstLine[ci])})
			}
			merged[ci] = append(merged[ci], source{code, row.Line})
		}
		base := int(ci) * nc
		for _, col := range p.columns {
			v, secret, err := ParseNumber(row.Cells[col.index])
			if err != nil {
				bad.Add(fmt.Sprintf("ligne %d, colonne %s", row.Line, p.table.Headers[col.index]), app.ErrorMessage(err))
				if len(bad) >= maxFieldErrors {
					return nil, nil, p.numberError(bad)
				}
				continue
			}
			k := base + col.code
			switch {
			case state[k] == cellSecret:
			case secret:
				// A sum with a secret part is not known.
				state[k] = cellSecret
			case state[k] == cellValue:
				value[k] += v
			default:
				state[k], value[k] = cellValue, v
			}
		}
	}
	if len(bad) > 0 {
		return nil, nil, p.numberError(bad)
	}
	if progress != nil {
		progress(len(p.table.Rows))
	}

	out := &Values{Year: p.year, Codes: slices.Clone(p.codes)}
	var idx []int32
	for ci := range firstLine {
		if firstLine[ci] != 0 {
			idx = append(idx, int32(ci))
		}
	}
	if len(idx) == 0 {
		return nil, nil, app.Errorf(app.EInvalid, "Aucune ligne du fichier ne désigne une commune actuelle ou l'un de ses anciens codes (%d lignes lues) : vérifiez la colonne « %s ».", len(p.table.Rows), geoHeader)
	}
	sort.Slice(idx, func(a, b int) bool { return g.Codes[idx[a]] < g.Codes[idx[b]] })
	out.Communes = make([]string, len(idx))
	out.Value = make([]float64, len(idx)*nc)
	out.Secret = make([]bool, len(idx)*nc)
	for i, ci := range idx {
		out.Communes[i] = g.Codes[ci]
		for j := 0; j < nc; j++ {
			k := int(ci)*nc + j
			out.Value[i*nc+j] = value[k]
			if state[k] == cellSecret {
				out.Secret[i*nc+j] = true
				s.Secret++
			} else {
				s.Values++
			}
		}
	}
	s.Communes = len(idx)
	for ci, srcs := range merged {
		m := Merged{Commune: g.Codes[ci], Name: g.Names[ci]}
		for _, src := range srcs {
			m.Codes = append(m.Codes, src.code)
			m.Lines = append(m.Lines, src.line)
		}
		s.Merged = append(s.Merged, m)
	}
	slices.SortFunc(s.Merged, func(a, b Merged) int { return strings.Compare(a.Commune, b.Commune) })
	summary := p.summary
	return out, &summary, nil
}

func (p *Plan) numberError(bad app.Fields) error {
	msg := "Certaines valeurs ne sont pas des nombres : le fichier n'a pas été importé. Un nombre s'écrit 1234, 1 234 ou 12,5 ; une valeur secrète s'écrit s, secret ou nd, ou reste vide."
	if len(bad) >= maxFieldErrors {
		msg += fmt.Sprintf(" (Les %d premières erreurs sont listées.)", maxFieldErrors)
	}
	return app.Invalid(msg, bad)
}

// normaliseCode reads a commune code as files write it: spaces around, a
// lower-case "2a", a leading zero lost by a spreadsheet ("1001").
func normaliseCode(raw string) string {
	c := strings.ToUpper(strings.TrimSpace(raw))
	if len(c) == 4 && isDigits(c) {
		c = "0" + c
	}
	return c
}

func isDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// unknownReason tells why a code is not imported, or "" when it is a current
// commune or a former code of one. The municipal arrondissements of Paris,
// Lyon and Marseille are left out even though the reference resolves them:
// INSEE's files list them besides their commune, and adding them up would
// count those cities twice.
func unknownReason(ref *territory.Ref, code string) string {
	switch {
	case isArrondissement(code):
		return "arrondissement municipal (la commune entière a sa propre ligne)"
	case len(code) >= 3 && (code[:3] == "975" || code[:3] == "977" || code[:3] == "978" || code[:2] == "98"):
		return "collectivité d'outre-mer, hors du référentiel"
	}
	if _, ok := ref.Commune(code); ok {
		return ""
	}
	if !looksLikeCommune(code) {
		return "ce n'est pas un code commune"
	}
	return "code commune inconnu du Code officiel géographique 2026"
}

// looksLikeCommune reports whether code has the form of an INSEE commune
// code: five digits, or 2A/2B and three digits.
func looksLikeCommune(code string) bool {
	if len(code) != 5 {
		return false
	}
	if code[0] == '2' && (code[1] == 'A' || code[1] == 'B') {
		return isDigits(code[2:])
	}
	return isDigits(code)
}

func isArrondissement(code string) bool {
	if len(code) != 5 || !isDigits(code) {
		return false
	}
	switch {
	case code >= "75101" && code <= "75120":
	case code >= "69381" && code <= "69389":
	case code >= "13201" && code <= "13216":
	default:
		return false
	}
	return true
}
