package web

import (
	"cmp"
	"encoding/csv"
	"fmt"
	"math"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"

	"ctg/internal/app"
	"ctg/internal/convention"
	"ctg/internal/diagnostic"
	"ctg/internal/territory"
)

// The diagnosis of a convention: the indicators of its perimeter next to
// the département of its CAF and France, grouped by theme, with two charts
// (the ages of the population, the coverage of childcare), the values of
// each commune, and the same table as CSV and XLSX for the report.

// diagnosticTheme is a part of the diagnosis table, as a report reads it.
type diagnosticTheme struct {
	ID    string // anchor of its section
	Title string
	Codes []string
}

// diagnosticThemes sort the built-in indicators; an indicator a user added
// goes with its numerator (a ratio) or else under otherTheme.
var diagnosticThemes = []diagnosticTheme{
	{"population", "Population et âges", []string{diagnostic.Population, "pop_0_2", "pop_3_5", "pop_6_10", "pop_11_17", "pop_18_24", "pop_25_64", "pop_65_plus",
		"part_0_2", "part_3_5", "part_6_10", "part_11_17", "part_18_24", "part_65_plus"}},
	{"familles", "Familles et ménages", []string{"menages", "familles", "familles_monoparentales", "familles_3_enfants_plus",
		"part_familles_monoparentales", "part_familles_nombreuses"}},
	{"allocataires", "Allocataires et précarité", []string{"allocataires", "allocataires_bas_revenus", "beneficiaires_rsa", "beneficiaires_aah",
		"part_allocataires_bas_revenus", "part_allocataires_rsa"}},
	{"jeune-enfant", "Accueil du jeune enfant", []string{"places_eaje", "places_assmat", "places_accueil_jeune_enfant",
		"taux_couverture_jeune_enfant", "taux_couverture_eaje", "taux_couverture_assmat"}},
}

var otherTheme = diagnosticTheme{ID: "autres", Title: "Autres indicateurs"}

// themeOf returns the theme of a line of the diagnosis.
func themeOf(l diagnostic.Line) diagnosticTheme {
	for _, code := range []string{l.Code, l.Numerator} {
		for _, t := range diagnosticThemes {
			if code != "" && slices.Contains(t.Codes, code) {
				return t
			}
		}
	}
	return otherTheme
}

// ageBands are the bars of the age chart, which needs all of them.
// Short is the label under its bar, where "65 ans ou plus" would
// overlap its neighbours.
var ageBands = []struct{ Code, Label, Short string }{
	{"pop_0_2", "0-2 ans", "0-2"}, {"pop_3_5", "3-5 ans", "3-5"}, {"pop_6_10", "6-10 ans", "6-10"},
	{"pop_11_17", "11-17 ans", "11-17"}, {"pop_18_24", "18-24 ans", "18-24"}, {"pop_25_64", "25-64 ans", "25-64"},
	{"pop_65_plus", "65 ans ou plus", "65 +"},
}

// coverageRates are the groups of the childcare chart, the first first.
var coverageRates = []struct{ Code, Label string }{
	{"taux_couverture_jeune_enfant", "Tous modes d'accueil"},
	{"taux_couverture_eaje", "Accueil collectif (EAJE)"},
	{"taux_couverture_assmat", "Assistants maternels"},
}

// indicatorRow is a line of the diagnosis as the pages and exports show it.
type indicatorRow struct {
	diagnostic.Line
	Theme diagnosticTheme
}

// formatIndicator writes a value the French way: a count in units (21 821),
// a ratio with one decimal (65,7), a percentage with its sign (23,0 %).
func formatIndicator(aggregate, unit string, v *float64) string {
	if v == nil {
		return "—"
	}
	if aggregate != diagnostic.Ratio {
		return groupDigits(int64(math.Round(*v)))
	}
	s := frDecimal(*v, 1)
	if unit == "%" {
		s += "\u00a0%"
	}
	return s
}

// Show formats one of the row's values.
func (r indicatorRow) Show(v *float64) string { return formatIndicator(r.Aggregate, r.Unit, v) }

// UnitNote is the unit shown under the label: a percentage carries its
// sign in its value instead.
func (r indicatorRow) UnitNote() string {
	if r.Unit == "%" {
		return ""
	}
	return r.Unit
}

// Missing counts the perimeter's communes with neither a value nor a
// secret one.
func (r indicatorRow) Missing() int { return r.CommunesTotal - r.CommunesWithValue - r.CommunesSecret }

// DepartementPartial and FrancePartial tell a value that covers only part
// of the communes of its scope.
func (r indicatorRow) DepartementPartial() bool {
	return r.Departement != nil && r.DepartementCommunesWithValue < r.DepartementCommunesTotal
}

func (r indicatorRow) FrancePartial() bool {
	return r.France != nil && r.FranceCommunesWithValue < r.FranceCommunesTotal
}

// FranceNote tells whether the France value needs its own count of
// communes, other than the one the notes above the tables give.
func (d *diagnosticData) FranceNote(r indicatorRow) bool {
	return r.FrancePartial() && r.FranceCommunesWithValue != d.FranceCommunes
}

// themeSection is a theme with its rows.
type themeSection struct {
	diagnosticTheme
	Rows []indicatorRow
}

// keyFigure is one of the figures at the top of the page.
type keyFigure struct {
	ID, Label, Value, Note string
}

// chartBar is a line of the table under a chart: a category and its value
// for each scope.
type chartBar struct {
	Label  string
	Count  string // the perimeter's count, when the chart shows shares
	Values []string
}

// chartView is a chart with the table that says the same thing.
type chartView struct {
	ID, Title, Note string
	Option          map[string]any
	Columns         []string
	Bars            []chartBar
}

type diagnosticData struct {
	C         *convention.Convention
	D         *diagnostic.Diagnosis
	Perimeter string // the name the charts give the perimeter
	// DepartementDe is the département after "de": "de la Gironde".
	DepartementDe string
	Themes        []themeSection
	Rows          []indicatorRow // in the order of the catalogue
	Key           []keyFigure
	Charts        []chartView
	// Empty is a diagnosis that has nothing but the built-in population.
	Empty      bool
	Population indicatorRow
	// Notes on the coverage of the values.
	Incomplete     bool
	FrancePartial  bool
	FranceCommunes int // the communes of France most partial values cover
	FranceTotal    int
	CanEdit        bool
}

// HasCharts tells the layout to load ECharts.
func (d *diagnosticData) HasCharts() bool { return len(d.Charts) > 0 }

// row returns the line of a code, if the diagnosis shows it.
func (d *diagnosticData) row(code string) (indicatorRow, bool) {
	for _, r := range d.Rows {
		if r.Code == code {
			return r, true
		}
	}
	return indicatorRow{}, false
}

// perimeterName is what the charts call a convention's perimeter: its
// intercommunalité or its commune when it is exactly one.
func perimeterName(ref *territory.Ref, c *convention.Convention) string {
	p := c.Perimeter
	switch {
	case len(p.EPCIs) == 1 && len(p.Communes) == 0 && len(p.Excluded) == 0:
		if e, ok := ref.EPCI(p.EPCIs[0]); ok {
			return e.Name
		}
	case len(p.EPCIs) == 0 && len(c.Communes) == 1:
		if cm, ok := ref.Commune(c.Communes[0]); ok {
			return cm.Name
		}
	}
	return "Périmètre de la convention"
}

// diagnosticData computes the diagnosis of a convention the user sees.
func (s *Server) diagnosticData(r *http.Request, id string) (*diagnosticData, error) {
	u := currentUser(r)
	c, err := s.db.Convention(r.Context(), u, id)
	if err != nil {
		return nil, err
	}
	dg, err := s.db.Diagnosis(r.Context(), s.ref, c.Communes, c.Departement())
	if err != nil {
		return nil, err
	}
	d := &diagnosticData{C: c, D: dg, Perimeter: perimeterName(s.ref, c), CanEdit: u.CanEdit(), FranceTotal: s.ref.NumCommunes(),
		DepartementDe: "du département"}
	if dep, ok := s.ref.Departement(dg.Departement); ok {
		d.DepartementDe = dep.WithDe()
	}
	byTheme := map[string]int{}
	partial := map[int]int{} // communes of France with a value → indicators
	for _, l := range dg.Indicators {
		// An indicator with values elsewhere only says nothing of this
		// perimeter.
		if l.CommunesWithValue+l.CommunesSecret == 0 {
			continue
		}
		row := indicatorRow{Line: l, Theme: themeOf(l)}
		d.Rows = append(d.Rows, row)
		if l.Code == diagnostic.Population && l.Year == diagnostic.PopulationYear {
			d.Population = row
		}
		if row.Missing()+row.CommunesSecret > 0 {
			d.Incomplete = true
		}
		if row.FrancePartial() {
			d.FrancePartial = true
			partial[row.FranceCommunesWithValue]++
		}
	}
	// The note names the usual count; a value covering another count
	// says so under it.
	for n, k := range partial {
		if k > partial[d.FranceCommunes] || (k == partial[d.FranceCommunes] && n > d.FranceCommunes) {
			d.FranceCommunes = n
		}
	}
	d.Empty = !slices.ContainsFunc(d.Rows, func(r indicatorRow) bool {
		return r.Code != diagnostic.Population || r.Year != diagnostic.PopulationYear
	})
	for _, t := range append(slices.Clone(diagnosticThemes), otherTheme) {
		byTheme[t.ID] = len(d.Themes)
		d.Themes = append(d.Themes, themeSection{diagnosticTheme: t})
	}
	for _, row := range d.Rows {
		i := byTheme[row.Theme.ID]
		d.Themes[i].Rows = append(d.Themes[i].Rows, row)
	}
	d.Themes = slices.DeleteFunc(d.Themes, func(t themeSection) bool { return len(t.Rows) == 0 })
	d.keyFigures()
	if ch, ok := d.ageChart(); ok {
		d.Charts = append(d.Charts, ch)
	}
	if ch, ok := d.coverageChart(); ok {
		d.Charts = append(d.Charts, ch)
	}
	return d, nil
}

// keyFigures picks the figures a presentation to elected officials opens
// with, each compared with the département and France.
func (d *diagnosticData) keyFigures() {
	dep := d.D.DepartementName
	compare := func(r indicatorRow) string {
		parts := []string{}
		if r.Departement != nil {
			parts = append(parts, dep+" : "+r.Show(r.Departement))
		}
		if r.France != nil {
			parts = append(parts, "France : "+r.Show(r.France))
		}
		return strings.Join(parts, " · ")
	}
	if r, ok := d.row(diagnostic.Population); ok {
		d.Key = append(d.Key, keyFigure{ID: "population", Label: "Habitants", Value: r.Show(r.Perimeter),
			Note: fmt.Sprintf("population municipale %d · %d %s", r.Year, len(d.C.Communes), pluralFR(len(d.C.Communes), "commune", "communes"))})
	}
	if r, ok := d.row("pop_0_2"); ok && r.Perimeter != nil {
		note := fmt.Sprintf("recensement %d", r.Year)
		if p, ok := d.row("part_0_2"); ok && p.Perimeter != nil {
			note = p.Show(p.Perimeter) + " de la population"
			if p.Departement != nil {
				note += " (" + dep + " : " + p.Show(p.Departement) + ")"
			}
		}
		d.Key = append(d.Key, keyFigure{ID: "pop_0_2", Label: "Enfants de moins de 3 ans", Value: r.Show(r.Perimeter), Note: note})
	}
	for _, k := range []struct{ code, label, unit string }{
		{"taux_couverture_jeune_enfant", "Places d'accueil pour 100 enfants de moins de 3 ans", ""},
		{"part_familles_monoparentales", "Familles monoparentales", "des familles · "},
		{"part_allocataires_bas_revenus", "Allocataires à bas revenus", "des foyers allocataires · "},
	} {
		if r, ok := d.row(k.code); ok && r.Perimeter != nil {
			d.Key = append(d.Key, keyFigure{ID: k.code, Label: k.label, Value: r.Show(r.Perimeter), Note: k.unit + compare(r)})
		}
	}
}

func pluralFR(n int, one, many string) string {
	if n > 1 {
		return many
	}
	return one
}

// ageChart compares the shares of the age bands in the perimeter and in
// the département: each band over the sum of the bands, which is the
// census population when every band is imported.
func (d *diagnosticData) ageChart() (chartView, bool) {
	var rows []indicatorRow
	for _, b := range ageBands {
		r, ok := d.row(b.Code)
		if !ok || r.Perimeter == nil || r.Departement == nil || (len(rows) > 0 && r.Year != rows[0].Year) {
			return chartView{}, false
		}
		rows = append(rows, r)
	}
	var per, dep float64
	for _, r := range rows {
		per += *r.Perimeter
		dep += *r.Departement
	}
	if per == 0 || dep == 0 {
		return chartView{}, false
	}
	ch := chartView{ID: "chart-ages", Title: fmt.Sprintf("Répartition de la population par âge en %d", rows[0].Year),
		Note:    "Part de chaque tranche d'âge (en années) dans la population recensée, en %.",
		Columns: []string{"Périmètre : habitants", "Périmètre : part", d.D.DepartementName + " : part"}}
	labels := make([]string, len(rows))
	perShares, depShares := make([]float64, len(rows)), make([]float64, len(rows))
	for i, r := range rows {
		labels[i] = ageBands[i].Short
		perShares[i], depShares[i] = round1(*r.Perimeter/per*100), round1(*r.Departement/dep*100)
		ch.Bars = append(ch.Bars, chartBar{Label: ageBands[i].Label, Count: r.Show(r.Perimeter),
			Values: []string{frDecimal(perShares[i], 1) + "\u00a0%", frDecimal(depShares[i], 1) + "\u00a0%"}})
	}
	ch.Option = map[string]any{
		"valueFormat": "percent",
		"tooltip":     map[string]any{"trigger": "axis", "axisPointer": map[string]any{"type": "shadow"}},
		"legend":      map[string]any{"top": 0},
		"grid":        map[string]any{"left": 8, "right": 8, "top": 40, "bottom": 8},
		"xAxis":       map[string]any{"type": "category", "data": labels, "axisLabel": map[string]any{"interval": 0}},
		"yAxis":       map[string]any{"type": "value"},
		"series": []map[string]any{
			{"name": d.Perimeter, "type": "bar", "data": perShares, "barMaxWidth": 28},
			{"name": d.D.DepartementName, "type": "bar", "data": depShares, "barMaxWidth": 28},
		},
	}
	return ch, true
}

// coverageChart compares the coverage rates of childcare in the perimeter,
// the département and France.
func (d *diagnosticData) coverageChart() (chartView, bool) {
	var rows []indicatorRow
	for _, c := range coverageRates {
		if r, ok := d.row(c.Code); ok && r.Perimeter != nil {
			rows = append(rows, r)
		}
	}
	if len(rows) == 0 || rows[0].Code != coverageRates[0].Code {
		return chartView{}, false
	}
	ch := chartView{ID: "chart-coverage", Title: fmt.Sprintf("Taux de couverture de l'accueil du jeune enfant en %d", rows[0].Year),
		Note:    "Places d'accueil pour 100 enfants de moins de 3 ans.",
		Columns: []string{d.Perimeter, d.D.DepartementName, "France"}}
	series := []map[string]any{}
	var labels []string
	values := make([][]any, 3)
	for _, r := range rows {
		label := ""
		for _, c := range coverageRates {
			if c.Code == r.Code {
				label = c.Label
			}
		}
		labels = append(labels, label)
		bar := chartBar{Label: label}
		for k, v := range []*float64{r.Perimeter, r.Departement, r.France} {
			if v == nil {
				values[k] = append(values[k], nil)
			} else {
				values[k] = append(values[k], round1(*v))
			}
			bar.Values = append(bar.Values, r.Show(v))
		}
		ch.Bars = append(ch.Bars, bar)
	}
	for k, name := range ch.Columns {
		series = append(series, map[string]any{"name": name, "type": "bar", "data": values[k], "barMaxWidth": 36,
			"label": map[string]any{"show": true, "position": "top"}})
	}
	ch.Option = map[string]any{
		"valueFormat": "number",
		"tooltip":     map[string]any{"trigger": "axis", "axisPointer": map[string]any{"type": "shadow"}},
		"legend":      map[string]any{"top": 0},
		"grid":        map[string]any{"left": 8, "right": 8, "top": 40, "bottom": 8},
		"xAxis":       map[string]any{"type": "category", "data": labels, "axisLabel": map[string]any{"interval": 0}},
		"yAxis":       map[string]any{"type": "value"},
		"series":      series,
	}
	return ch, true
}

func (s *Server) diagnosticPage(w http.ResponseWriter, r *http.Request) error {
	d, err := s.diagnosticData(r, r.PathValue("id"))
	if err != nil {
		return err
	}
	return s.render(w, r, "diagnostic", "Diagnostic — "+d.C.Title, "conventions", d)
}

// ---------- Values of each commune ----------

// communeCell is a commune's value as the table shows it.
type communeCell struct {
	Text   string
	Value  float64
	Secret bool
	None   bool
}

type communeValueRow struct {
	Code, Name string
	Cells      []communeCell // the terms of a ratio, then its value
}

// sortLink is the state and target of a sortable column.
type sortLink struct {
	State string // aria-sort: none, ascending, descending
	Href  string
}

type diagnosticCommunesData struct {
	C         *convention.Convention
	D         *diagnostic.Diagnosis
	Themes    []themeSection // the indicators to choose from
	Row       indicatorRow   // the chosen indicator's line of the diagnosis
	Columns   []string       // headers of the value columns, the indicator's last
	Terms     []indicatorRow // a ratio's numerator and denominator, when of the same years
	Communes  []communeValueRow
	ByName    sortLink
	ByValue   sortLink
	Secret    int
	None      int
	Perimeter string
	// Chart ranks the communes by value, when there are not too many.
	Chart     map[string]any
	ChartSize string // "tall" for many communes
}

// HasCharts tells the layout to load ECharts.
func (d *diagnosticCommunesData) HasCharts() bool { return d.Chart != nil }

// chartCommunes is how many communes the ranking chart shows at most.
const chartCommunes = 60

// rankingChart draws the communes' values as horizontal bars, the largest
// at the top, with the perimeter's and the département's values as lines.
func (d *diagnosticCommunesData) rankingChart() {
	type bar struct {
		name  string
		value float64
	}
	var bars []bar
	for _, c := range d.Communes {
		if last := c.Cells[len(c.Cells)-1]; !last.Secret && !last.None {
			bars = append(bars, bar{c.Name, last.Value})
		}
	}
	if len(bars) < 2 || len(bars) > chartCommunes {
		return
	}
	// ECharts draws the first category at the bottom.
	slices.SortStableFunc(bars, func(a, b bar) int { return cmp.Compare(a.value, b.value) })
	names := make([]string, len(bars))
	values := make([]float64, len(bars))
	r := d.Row
	round := func(v float64) float64 {
		if r.Aggregate == diagnostic.Ratio {
			return round1(v)
		}
		return math.Round(v)
	}
	for i, b := range bars {
		names[i], values[i] = b.name, round(b.value)
	}
	format := "integer"
	if r.Aggregate == diagnostic.Ratio {
		format = "number"
		if r.Unit == "%" {
			format = "percent"
		}
	}
	series := map[string]any{"name": r.Label, "type": "bar", "data": values, "barMaxWidth": 18}
	// A sum over the perimeter dwarfs its communes; a ratio compares.
	if r.Aggregate == diagnostic.Ratio {
		var lines []map[string]any
		// The labels sit above the bars one over the other, so that close
		// values stay readable.
		for _, l := range []struct {
			name, colour string
			distance     int
			v            *float64
		}{{d.Perimeter, "#0e3b47", 4, r.Perimeter}, {d.D.DepartementName, "#7a5400", 20, r.Departement}} {
			if l.v != nil {
				lines = append(lines, map[string]any{"xAxis": round1(*l.v), "name": l.name,
					"lineStyle": map[string]any{"color": l.colour, "type": "dashed", "width": 2},
					"label":     map[string]any{"formatter": l.name + " : " + r.Show(l.v), "color": l.colour, "position": "end", "distance": l.distance}})
			}
		}
		if len(lines) > 0 {
			series["markLine"] = map[string]any{"silent": true, "symbol": "none", "data": lines}
		}
	}
	d.Chart = map[string]any{
		"valueFormat": format,
		"tooltip":     map[string]any{"trigger": "axis", "axisPointer": map[string]any{"type": "shadow"}},
		"grid":        map[string]any{"left": 8, "right": 24, "top": 48, "bottom": 8},
		"xAxis":       map[string]any{"type": "value"},
		"yAxis":       map[string]any{"type": "category", "data": names, "axisLabel": map[string]any{"interval": 0}},
		"series":      []map[string]any{series},
	}
	if len(bars) > 20 {
		d.ChartSize = "tall"
	}
}

// sortOrders are the orders of the table of communes.
var sortOrders = []string{"nom", "-nom", "valeur", "-valeur"}

func (s *Server) diagnosticCommunesPage(w http.ResponseWriter, r *http.Request) error {
	d, err := s.diagnosticData(r, r.PathValue("id"))
	if err != nil {
		return err
	}
	q := r.URL.Query()
	code, order := q.Get("indicateur"), q.Get("sort")
	if code == "" && len(d.Rows) > 0 {
		code = d.Rows[0].Code
		for _, row := range d.Rows {
			if row.Code == "taux_couverture_jeune_enfant" {
				code = row.Code
			}
		}
	}
	if order == "" {
		order = "nom"
	}
	row, ok := d.row(code)
	switch {
	case !ok:
		return app.Invalid("Cet indicateur n'a pas de valeur pour les communes de ce périmètre : choisissez-en un dans la liste.",
			map[string]string{"indicateur": "Indicateur inconnu ou sans valeur : « " + code + " »."})
	case !slices.Contains(sortOrders, order):
		return app.Invalid("Ordre de tri inconnu : choisissez le nom ou la valeur.", map[string]string{"sort": "Ordre inconnu."})
	}
	cd := &diagnosticCommunesData{C: d.C, D: d.D, Themes: d.Themes, Row: row, Perimeter: d.Perimeter}
	codes := []string{row.Code}
	if row.Aggregate == diagnostic.Ratio {
		for _, t := range []struct {
			code string
			year int
		}{{row.Numerator, row.Year}, {row.Denominator, row.DenominatorYear}} {
			// A term shows only when its latest year is the ratio's.
			if tr, ok := d.row(t.code); ok && tr.Year == t.year {
				cd.Terms = append(cd.Terms, tr)
				codes = append(codes, t.code)
			}
		}
	}
	detail, err := s.db.CommuneDetail(r.Context(), s.ref, d.C.Communes, codes)
	if err != nil {
		return err
	}
	// Detail gives the columns in the order of the catalogue.
	index := map[string]int{}
	for i, ind := range detail.Indicators {
		index[ind.Code] = i
	}
	for _, t := range cd.Terms {
		cd.Columns = append(cd.Columns, fmt.Sprintf("%s (%d)", t.Label, t.Year))
	}
	cd.Columns = append(cd.Columns, fmt.Sprintf("%s (%d)", row.Label, row.Year))
	for _, c := range detail.Communes {
		cr := communeValueRow{Code: c.Code, Name: c.Name}
		for _, t := range append(slices.Clone(cd.Terms), row) {
			cr.Cells = append(cr.Cells, cellOf(t, c.Values[index[t.Code]]))
		}
		last := cr.Cells[len(cr.Cells)-1]
		if last.Secret {
			cd.Secret++
		} else if last.None {
			cd.None++
		}
		cd.Communes = append(cd.Communes, cr)
	}
	sortCommunes(cd.Communes, order)
	cd.rankingChart()
	link := func(o string) string {
		return "?" + url.Values{"indicateur": {row.Code}, "sort": {o}}.Encode() + "#communes"
	}
	cd.ByName = sortLink{State: "none", Href: link("nom")}
	cd.ByValue = sortLink{State: "none", Href: link("-valeur")}
	switch order {
	case "nom":
		cd.ByName = sortLink{State: "ascending", Href: link("-nom")}
	case "-nom":
		cd.ByName = sortLink{State: "descending", Href: link("nom")}
	case "valeur":
		cd.ByValue = sortLink{State: "ascending", Href: link("-valeur")}
	case "-valeur":
		cd.ByValue = sortLink{State: "descending", Href: link("valeur")}
	}
	return s.render(w, r, "diagnostic_communes", row.Label+" par commune — "+d.C.Title, "conventions", cd)
}

func cellOf(r indicatorRow, c *diagnostic.Cell) communeCell {
	switch {
	case c == nil:
		return communeCell{Text: "—", None: true}
	case c.Secret:
		return communeCell{Text: "secret", Secret: true}
	}
	v := c.Value
	return communeCell{Text: r.Show(&v), Value: v}
}

// sortCommunes orders the rows by name or by the indicator's value; the
// communes without a value come last either way.
func sortCommunes(rows []communeValueRow, order string) {
	byName := func(a, b communeValueRow) int {
		return cmp.Or(strings.Compare(territory.Normalize(a.Name), territory.Normalize(b.Name)), strings.Compare(a.Code, b.Code))
	}
	slices.SortStableFunc(rows, func(a, b communeValueRow) int {
		switch order {
		case "-nom":
			return byName(b, a)
		case "valeur", "-valeur":
			x, y := a.Cells[len(a.Cells)-1], b.Cells[len(b.Cells)-1]
			xn, yn := x.Secret || x.None, y.Secret || y.None
			switch {
			case xn && yn:
				return byName(a, b)
			case xn:
				return 1
			case yn:
				return -1
			}
			c := cmp.Compare(x.Value, y.Value)
			if order == "-valeur" {
				c = -c
			}
			return cmp.Or(c, byName(a, b))
		}
		return byName(a, b)
	})
}

// ---------- Exports ----------

// exportNumber writes a value for a spreadsheet: a decimal comma, no
// grouping, at most six decimals; empty when there is none.
func exportNumber(v *float64) string {
	if v == nil {
		return ""
	}
	return strings.Replace(strconv.FormatFloat(math.Round(*v*1e6)/1e6, 'f', -1, 64), ".", ",", 1)
}

// exportName is the file name of an export of the convention's diagnosis.
func exportName(c *convention.Convention, ext string) string {
	slug := strings.ReplaceAll(territory.Normalize(c.Title), " ", "-")
	if slug == "" {
		slug = c.ID
	}
	return "diagnostic-" + slug + "." + ext
}

// diagnosticCSVHeader is the header line of the CSV export.
var diagnosticCSVHeader = []string{"thème", "code", "indicateur", "unité", "année", "source", "périmètre", "département", "France",
	"communes du périmètre avec une valeur", "communes du périmètre au secret", "communes du périmètre",
	"communes du département avec une valeur", "communes du département", "communes de France avec une valeur", "communes de France"}

// diagnosticCSV writes the diagnosis table the way French spreadsheets
// open it: semicolons, decimal commas, UTF-8 with a byte order mark.
func (s *Server) diagnosticCSV(w http.ResponseWriter, r *http.Request) error {
	d, err := s.diagnosticData(r, r.PathValue("id"))
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="`+exportName(d.C, "csv")+`"`)
	w.Header().Set("Cache-Control", "no-store")
	_, _ = w.Write([]byte("\ufeff"))
	cw := csv.NewWriter(w)
	cw.Comma = ';'
	_ = cw.Write(diagnosticCSVHeader)
	for _, row := range d.Rows {
		_ = cw.Write([]string{row.Theme.Title, row.Code, spreadsheetText(row.Label), spreadsheetText(row.Unit), strconv.Itoa(row.Year), spreadsheetText(row.Source),
			exportNumber(row.Perimeter), exportNumber(row.Departement), exportNumber(row.France),
			strconv.Itoa(row.CommunesWithValue), strconv.Itoa(row.CommunesSecret), strconv.Itoa(row.CommunesTotal),
			strconv.Itoa(row.DepartementCommunesWithValue), strconv.Itoa(row.DepartementCommunesTotal),
			strconv.Itoa(row.FranceCommunesWithValue), strconv.Itoa(row.FranceCommunesTotal)})
	}
	cw.Flush()
	return cw.Error()
}

// XLSX number formats: the file stores them in Excel's invariant notation,
// which French spreadsheets display with a space between thousands and a
// decimal comma (1 690 493 ; 65,7 ; 23,0 %).
const (
	xlsxCount   = "#,##0"
	xlsxRatio   = "#,##0.0"
	xlsxPercent = `#,##0.0" %"`
)

// xlsxStyles are the styles of the XLSX export.
type xlsxStyles struct {
	header, text, count, ratio, percent int
}

func newXLSXStyles(f *excelize.File) (xlsxStyles, error) {
	var st xlsxStyles
	var err error
	border := []excelize.Border{{Type: "bottom", Color: "7D8A95", Style: 2}}
	if st.header, err = f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}, Border: border,
		Fill:      excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"E9EEF1"}},
		Alignment: &excelize.Alignment{WrapText: true, Vertical: "bottom"}}); err != nil {
		return st, err
	}
	if st.text, err = f.NewStyle(&excelize.Style{Alignment: &excelize.Alignment{Vertical: "top", WrapText: true}}); err != nil {
		return st, err
	}
	for _, x := range []struct {
		dst *int
		fmt string
	}{{&st.count, xlsxCount}, {&st.ratio, xlsxRatio}, {&st.percent, xlsxPercent}} {
		if *x.dst, err = f.NewStyle(&excelize.Style{CustomNumFmt: &x.fmt, Alignment: &excelize.Alignment{Vertical: "top"}}); err != nil {
			return st, err
		}
	}
	return st, nil
}

// numberStyleOf returns the style of an indicator's values.
func (st xlsxStyles) numberStyleOf(aggregate, unit string) int {
	switch {
	case aggregate != diagnostic.Ratio:
		return st.count
	case unit == "%":
		return st.percent
	}
	return st.ratio
}

// diagnosticXLSX writes the diagnosis as a workbook: the table of the page
// on a sheet "Diagnostic", every commune's values on a sheet "Communes".
func (s *Server) diagnosticXLSX(w http.ResponseWriter, r *http.Request) error {
	d, err := s.diagnosticData(r, r.PathValue("id"))
	if err != nil {
		return err
	}
	codes := make([]string, len(d.Rows))
	for i, row := range d.Rows {
		codes[i] = row.Code
	}
	detail, err := s.db.CommuneDetail(r.Context(), s.ref, d.C.Communes, codes)
	if err != nil {
		return err
	}
	slices.SortFunc(detail.Communes, func(a, b diagnostic.DetailCommune) int {
		return strings.Compare(territory.Normalize(a.Name), territory.Normalize(b.Name))
	})
	f, err := diagnosticWorkbook(d, detail)
	if err != nil {
		return err
	}
	defer f.Close()
	w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	w.Header().Set("Content-Disposition", `attachment; filename="`+exportName(d.C, "xlsx")+`"`)
	w.Header().Set("Cache-Control", "no-store")
	return f.Write(w)
}

// diagnosticWorkbook builds the XLSX export.
func diagnosticWorkbook(d *diagnosticData, detail *diagnostic.Detail) (*excelize.File, error) {
	f := excelize.NewFile()
	fail := func(err error) (*excelize.File, error) {
		f.Close()
		return nil, fmt.Errorf("web: diagnosis workbook: %w", err)
	}
	st, err := newXLSXStyles(f)
	if err != nil {
		return fail(err)
	}
	const main, communes = "Diagnostic", "Communes"
	if err := f.SetSheetName("Sheet1", main); err != nil {
		return fail(err)
	}
	if _, err := f.NewSheet(communes); err != nil {
		return fail(err)
	}
	_ = f.SetDocProps(&excelize.DocProperties{Title: "Diagnostic — " + d.C.Title, Language: "fr-FR", Creator: "ctg"})

	header := []any{"Thème", "Code", "Indicateur", "Unité", "Année", "Source", "Périmètre", d.D.DepartementName, "France",
		"Communes du périmètre avec une valeur", "Communes du périmètre au secret", "Communes du périmètre",
		"Communes " + d.DepartementDe + " avec une valeur", "Communes " + d.DepartementDe, "Communes de France avec une valeur", "Communes de France"}
	if err := f.SetSheetRow(main, "A1", &header); err != nil {
		return fail(err)
	}
	for i, row := range d.Rows {
		n := i + 2
		values := []any{row.Theme.Title, row.Code, row.Label, row.Unit, row.Year, row.Source,
			xlsxValue(row.Perimeter), xlsxValue(row.Departement), xlsxValue(row.France),
			row.CommunesWithValue, row.CommunesSecret, row.CommunesTotal,
			row.DepartementCommunesWithValue, row.DepartementCommunesTotal, row.FranceCommunesWithValue, row.FranceCommunesTotal}
		cell, _ := excelize.CoordinatesToCellName(1, n)
		if err := f.SetSheetRow(main, cell, &values); err != nil {
			return fail(err)
		}
		from, _ := excelize.CoordinatesToCellName(7, n)
		to, _ := excelize.CoordinatesToCellName(9, n)
		if err := f.SetCellStyle(main, from, to, st.numberStyleOf(row.Aggregate, row.Unit)); err != nil {
			return fail(err)
		}
		from, _ = excelize.CoordinatesToCellName(10, n)
		to, _ = excelize.CoordinatesToCellName(16, n)
		if err := f.SetCellStyle(main, from, to, st.count); err != nil {
			return fail(err)
		}
	}
	widths := []float64{24, 30, 44, 24, 8, 34, 14, 14, 14, 14, 14, 14, 14, 14, 14, 14}
	if err := layoutSheet(f, main, st, widths, len(header), len(d.Rows), "D2"); err != nil {
		return fail(err)
	}

	head := []any{"Code commune", "Commune"}
	for _, ind := range detail.Indicators {
		head = append(head, fmt.Sprintf("%s (%d)", ind.Label, ind.Year))
	}
	if err := f.SetSheetRow(communes, "A1", &head); err != nil {
		return fail(err)
	}
	styles := make([]int, len(detail.Indicators))
	for j, ind := range detail.Indicators {
		styles[j] = st.numberStyleOf(ind.Aggregate, ind.Unit)
	}
	for i, c := range detail.Communes {
		n := i + 2
		values := []any{c.Code, c.Name}
		for _, v := range c.Values {
			switch {
			case v == nil:
				values = append(values, nil)
			case v.Secret:
				values = append(values, "secret")
			default:
				values = append(values, v.Value)
			}
		}
		cell, _ := excelize.CoordinatesToCellName(1, n)
		if err := f.SetSheetRow(communes, cell, &values); err != nil {
			return fail(err)
		}
		for j := range detail.Indicators {
			cell, _ := excelize.CoordinatesToCellName(j+3, n)
			if err := f.SetCellStyle(communes, cell, cell, styles[j]); err != nil {
				return fail(err)
			}
		}
	}
	widths = []float64{13, 28}
	for range detail.Indicators {
		widths = append(widths, 16)
	}
	if err := layoutSheet(f, communes, st, widths, len(head), len(detail.Communes), "C2"); err != nil {
		return fail(err)
	}
	return f, nil
}

// layoutSheet styles the header row, freezes it (and the columns before
// pane), sets the widths and a filter over the table.
func layoutSheet(f *excelize.File, sheet string, st xlsxStyles, widths []float64, cols, rows int, pane string) error {
	last, _ := excelize.CoordinatesToCellName(cols, 1)
	if err := f.SetCellStyle(sheet, "A1", last, st.header); err != nil {
		return err
	}
	if err := f.SetRowHeight(sheet, 1, 48); err != nil {
		return err
	}
	for i, wd := range widths {
		name, _ := excelize.ColumnNumberToName(i + 1)
		if err := f.SetColWidth(sheet, name, name, wd); err != nil {
			return err
		}
	}
	col, row, _ := excelize.CellNameToCoordinates(pane)
	if err := f.SetPanes(sheet, &excelize.Panes{Freeze: true, XSplit: col - 1, YSplit: row - 1, TopLeftCell: pane, ActivePane: "bottomRight"}); err != nil {
		return err
	}
	end, _ := excelize.CoordinatesToCellName(cols, max(rows+1, 2))
	return f.AutoFilter(sheet, "A1:"+end, nil)
}

func xlsxValue(v *float64) any {
	if v == nil {
		return nil
	}
	return *v
}
