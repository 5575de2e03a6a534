package web

import (
	"cmp"
	"encoding/csv"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"ctg/internal/convention"
	"ctg/internal/refdata"
	"ctg/internal/territory"
)

// The national page: coverage of every département by signed conventions
// at a date, as a summary, a sortable table, a chart and a CSV file.

// franceRow is the line of one département.
type franceRow struct {
	convention.Coverage
	Share float64 // of the population covered by any signed convention
	Kinds []int   // population covered by each kind, in the order of convention.Kinds
}

// sortColumn is a column header of the table that sorts it.
type sortColumn struct {
	Key, Label string
	Num        bool
	Kind       bool // a kind of convention, under the group header
	// URL sorts by this column: ascending first for text, descending first
	// for figures, and the other way round when already sorted by it.
	URL string
	// Sorted is the value of aria-sort: "ascending" or "descending" when
	// the table is sorted by this column, "none" otherwise.
	Sorted string
}

type franceData struct {
	Date      string // the date of the figures, YYYY-MM-DD
	Input     string // the date as typed, shown back with its error
	DateError string
	Today     string
	Sort      string
	Total     convention.Coverage
	Kinds     []kindCount
	Rows      []franceRow
	Columns   []sortColumn
	Chart     map[string]any
	CSVURL    string
	Vintage   int
}

// HasCharts tells the layout to load ECharts.
func (d franceData) HasCharts() bool { return d.Chart != nil }

// KindCount is the number of kinds of convention, the span of the group
// header above their columns.
func (franceData) KindCount() int { return len(convention.Kinds) }

// parseDay reads a date as the form sends it (2026-11-21) or as a person
// writes it (21/11/2026).
func parseDay(s string) (string, bool) {
	if t, ok := convention.ParseDate(s); ok {
		return t.Format(convention.DateLayout), true
	}
	if t, err := time.Parse("02/01/2006", s); err == nil {
		return t.Format(convention.DateLayout), true
	}
	return "", false
}

// franceSorts are the keys of ?sort=, with how to compare two lines.
var franceSorts = map[string]func(a, b franceRow) int{
	"code": func(a, b franceRow) int { return 0 }, // the reference's order, kept by a stable sort
	"name": func(a, b franceRow) int {
		return strings.Compare(territory.Normalize(a.Name), territory.Normalize(b.Name))
	},
	"population": func(a, b franceRow) int { return cmp.Compare(a.Population, b.Population) },
	"communes":   func(a, b franceRow) int { return cmp.Compare(a.Communes, b.Communes) },
	"covered":    func(a, b franceRow) int { return cmp.Compare(a.Share, b.Share) },
}

func init() {
	for i, k := range convention.Kinds {
		franceSorts[k.Code] = func(a, b franceRow) int { return cmp.Compare(a.Kinds[i], b.Kinds[i]) }
	}
}

func (s *Server) francePage(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	d := franceData{Today: s.today(), Sort: q.Get("sort"), Vintage: refdata.Vintage}
	d.Input = strings.TrimSpace(q.Get("date"))
	if d.Input == "" {
		d.Date = d.Today
	} else if day, ok := parseDay(d.Input); ok {
		d.Date = day
	} else {
		d.DateError = "Date invalide : indiquez une date comme 21/11/2026."
		d.Columns = franceColumns("", "")
		return s.renderStatus(w, r, http.StatusUnprocessableEntity, "france", "Couverture de la France", "national", d)
	}
	key, desc := strings.TrimPrefix(d.Sort, "-"), strings.HasPrefix(d.Sort, "-")
	if _, ok := franceSorts[key]; !ok {
		key, desc, d.Sort = "code", false, ""
	}
	cv, err := s.coverage(r, "", d.Date)
	if err != nil {
		return err
	}
	d.Total = cv
	d.Kinds = coverageRows(cv)
	for _, dep := range cv.Departements {
		row := franceRow{Coverage: dep, Share: dep.CoveredShare()}
		for _, k := range convention.Kinds {
			row.Kinds = append(row.Kinds, dep.ByKind[k.Code].Population)
		}
		d.Rows = append(d.Rows, row)
	}
	if q.Get("format") == "csv" {
		return writeFranceCSV(w, d)
	}
	by := franceSorts[key]
	slices.SortStableFunc(d.Rows, func(a, b franceRow) int {
		if desc {
			return by(b, a)
		}
		return by(a, b)
	})
	dateParam := ""
	if d.Input != "" {
		dateParam = d.Date
	}
	d.Columns = franceColumns(dateParam, d.Sort)
	v := url.Values{"format": {"csv"}}
	if dateParam != "" {
		v.Set("date", dateParam)
	}
	d.CSVURL = "/france?" + v.Encode()
	if cv.Covered.Communes > 0 {
		d.Chart = franceChart(d.Rows, cv)
	}
	return s.render(w, r, "france", "Couverture de la France", "national", d)
}

// franceColumns lists the sortable headers of the table, each linking to
// the table sorted by it.
func franceColumns(date, current string) []sortColumn {
	cols := []sortColumn{
		{Key: "name", Label: "Département"},
		{Key: "code", Label: "Code"},
		{Key: "population", Label: "Population", Num: true},
		{Key: "communes", Label: "Communes", Num: true},
		{Key: "covered", Label: "Part couverte", Num: true},
	}
	for _, k := range convention.Kinds {
		cols = append(cols, sortColumn{Key: k.Code, Label: k.Short, Num: true, Kind: true})
	}
	if current == "" {
		current = "code"
	}
	for i, c := range cols {
		cols[i].Sorted = "none"
		next := c.Key
		if c.Num {
			next = "-" + c.Key
		}
		switch current {
		case c.Key:
			cols[i].Sorted = "ascending"
			next = "-" + c.Key
		case "-" + c.Key:
			cols[i].Sorted = "descending"
			next = c.Key
		}
		v := url.Values{}
		if date != "" {
			v.Set("date", date)
		}
		if next != "code" {
			v.Set("sort", next)
		}
		cols[i].URL = "/france"
		if len(v) > 0 {
			cols[i].URL += "?" + v.Encode()
		}
		cols[i].URL += "#departements"
	}
	return cols
}

// franceChart is a bar per département of the covered share of its
// population, highest first, with the national share as a line.
func franceChart(rows []franceRow, total convention.Coverage) map[string]any {
	sorted := slices.Clone(rows)
	slices.SortStableFunc(sorted, func(a, b franceRow) int { return cmp.Compare(b.Share, a.Share) })
	codes := make([]string, len(sorted))
	data := make([]map[string]any, len(sorted))
	for i, r := range sorted {
		codes[i] = r.Departement
		data[i] = map[string]any{"value": round1(r.Share * 100), "name": r.Name + " (" + r.Departement + ")"}
	}
	national := round1(total.CoveredShare() * 100)
	return map[string]any{
		"valueFormat": "percent",
		"tooltip":     map[string]any{"trigger": "item"},
		"grid":        map[string]any{"left": 8, "right": 16, "top": 24, "bottom": 8, "containLabel": true},
		"xAxis": map[string]any{"type": "category", "data": codes,
			"axisLabel": map[string]any{"interval": 0, "rotate": 90, "fontSize": 9}},
		"yAxis": map[string]any{"type": "value", "max": 100},
		"series": []map[string]any{{
			"name": "Population couverte", "type": "bar", "data": data, "barCategoryGap": "20%",
			"markLine": map[string]any{
				"silent": true, "symbol": "none",
				"lineStyle": map[string]any{"color": "#b07800", "type": "dashed", "width": 2},
				"label":     map[string]any{"formatter": "France : " + frDecimal(national, 1) + "\u00a0%", "position": "insideEndTop", "color": "#5c4300"},
				"data":      []map[string]any{{"yAxis": national}},
			},
		}},
	}
}

// writeFranceCSV writes the table of départements the way French
// spreadsheets open it: semicolons, decimal commas, UTF-8 with a BOM.
func writeFranceCSV(w http.ResponseWriter, d franceData) error {
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="couverture-france-%s.csv"`, d.Date))
	w.Header().Set("Cache-Control", "no-store")
	_, _ = w.Write([]byte("\uFEFF"))
	cw := csv.NewWriter(w)
	cw.Comma = ';'
	head := []string{"code", "département", "date", "population", "communes", "communes couvertes", "population couverte", "part de la population couverte (%)"}
	for _, k := range convention.Kinds {
		head = append(head, "population couverte "+k.Short)
	}
	_ = cw.Write(head)
	for _, r := range d.Rows {
		line := []string{r.Departement, r.Name, d.Date, strconv.Itoa(r.Population), strconv.Itoa(r.Communes),
			strconv.Itoa(r.Covered.Communes), strconv.Itoa(r.Covered.Population),
			strings.Replace(strconv.FormatFloat(r.Share*100, 'f', 2, 64), ".", ",", 1)}
		for _, p := range r.Kinds {
			line = append(line, strconv.Itoa(p))
		}
		_ = cw.Write(line)
	}
	cw.Flush()
	return cw.Error()
}
