package web

import (
	"cmp"
	"net/http"
	"slices"
	"strings"

	"ctg/internal/app"
	"ctg/internal/convention"
	"ctg/internal/refdata"
	"ctg/internal/store"
	"ctg/internal/territory"
)

// The pages of the reference of territories: the search with its
// suggestions, and one page per commune, EPCI and département.

// searchLimit bounds the full results table; suggestLimit the list shown
// while typing, which must stay short enough to read with a screen reader.
const (
	searchLimit  = 50
	suggestLimit = 8
)

// territoryHit is a search answer ready to be shown: its page and the
// French name of its kind.
type territoryHit struct {
	territory.Match
	URL       string
	KindLabel string
	// Note tells the kind and where the territory lies, in a few words:
	// "commune, Gironde (33)", "Communauté de communes".
	Note string
}

func hitOf(m territory.Match) territoryHit {
	h := territoryHit{Match: m}
	switch m.Kind {
	case territory.KindCommune:
		h.URL, h.KindLabel = "/communes/"+m.Code, "Commune"
		h.Note = "commune, " + m.Context
	case territory.KindEPCI:
		h.URL, h.KindLabel = "/epcis/"+m.Code, "Intercommunalité"
		h.Note = m.Context
	case territory.KindDepartement:
		h.URL, h.KindLabel = "/departements/"+m.Code, "Département"
		h.Note = "département, " + m.Context
	}
	return h
}

func (s *Server) searchTerritories(q string, limit int) []territoryHit {
	if q == "" {
		return nil
	}
	matches := s.ref.Search(q, limit)
	hits := make([]territoryHit, len(matches))
	for i, m := range matches {
		hits[i] = hitOf(m)
	}
	return hits
}

type territoriesData struct {
	Query   string
	Hits    []territoryHit
	Limit   int
	Vintage int
}

// Full reports whether the results may have been cut at the limit.
func (d territoriesData) Full() bool { return len(d.Hits) >= d.Limit }

func (s *Server) territoriesPage(w http.ResponseWriter, r *http.Request) error {
	q := strings.TrimSpace(r.URL.Query().Get("q"))
	d := territoriesData{Query: q, Hits: s.searchTerritories(q, searchLimit), Limit: searchLimit, Vintage: refdata.Vintage}
	title := "Territoires"
	if q != "" {
		title = "Recherche « " + q + " » · Territoires"
	}
	return s.render(w, r, "territories", title, "territories", d)
}

// territorySuggestions answers the search field as the user types: a list
// of links for htmx to put under the field. Opened directly (no htmx), it
// is a small page of its own.
func (s *Server) territorySuggestions(w http.ResponseWriter, r *http.Request) error {
	q := strings.TrimSpace(r.URL.Query().Get("q"))
	d := territoriesData{Query: q, Hits: s.searchTerritories(q, suggestLimit), Limit: suggestLimit, Vintage: refdata.Vintage}
	if r.Header.Get("HX-Request") != "true" {
		return s.render(w, r, "territory_suggestions", "Suggestions · Territoires", "territories", d)
	}
	return s.renderFragment(w, r, "territory_suggestions", "suggestions", d)
}

// crumb is one step of a breadcrumb above the page's own title.
type crumb struct{ Label, URL string }

// activeOn reports whether c is signed and its period holds day: it is
// what covers its communes that day.
func activeOn(c *convention.Convention, day string) bool {
	return c.Status == convention.StatusSigned && c.Start <= day && day <= c.End
}

// inForce is what a commune is covered by on day: the kinds of the
// conventions of cs, active that day, whose perimeter holds it.
func inForce(cs []*convention.Convention, commune, day string) []string {
	var kinds []string
	for _, c := range cs {
		if activeOn(c, day) && slices.Contains(c.Communes, commune) && !slices.Contains(kinds, c.Kind) {
			kinds = append(kinds, c.Kind)
		}
	}
	slices.SortFunc(kinds, func(a, b string) int { return cmp.Compare(kindRank(a), kindRank(b)) })
	return kinds
}

func kindRank(kind string) int {
	for i, k := range convention.Kinds {
		if k.Code == kind {
			return i
		}
	}
	return len(convention.Kinds)
}

func canEdit(r *http.Request) bool {
	u := currentUser(r)
	return u != nil && u.CanEdit()
}

// ---------- Commune ----------

type communeData struct {
	Commune     territory.Commune
	Departement territory.Departement
	Region      string
	EPCI        *territory.EPCI
	EPT         *territory.EPT
	PostalCodes []string
	Conventions []*convention.Convention
	InForce     []string // kinds of the signed conventions in force today
	Active      int      // how many of Conventions are signed and in force
	Today       string
	CanEdit     bool
	Vintage     int
	Crumbs      []crumb
}

func (s *Server) communePage(w http.ResponseWriter, r *http.Request) error {
	code := r.PathValue("code")
	c, ok := s.ref.Commune(code)
	if !ok {
		return app.Errorf(app.ENotFound, "Aucune commune n'a le code %s dans le référentiel %d.", code, refdata.Vintage)
	}
	if c.Code != code {
		// A former code, a commune déléguée or a code written loosely: the
		// page lives at the current code.
		http.Redirect(w, r, "/communes/"+c.Code, http.StatusMovedPermanently)
		return nil
	}
	d := communeData{Commune: c, PostalCodes: s.ref.PostalCodes(c.Code), Today: s.today(), CanEdit: canEdit(r), Vintage: refdata.Vintage}
	d.Departement, _ = s.ref.Departement(c.Departement)
	if reg, ok := s.ref.Region(c.Region); ok {
		d.Region = reg.Name
	}
	d.Crumbs = []crumb{{"Territoires", "/territoires"}, {d.Departement.Name, "/departements/" + d.Departement.Code}}
	if e, ok := s.ref.EPCI(c.EPCI); ok {
		d.EPCI = &e
		d.Crumbs = append(d.Crumbs, crumb{e.Name, "/epcis/" + e.SIREN})
	}
	if e, ok := s.ref.EPTOf(c.Code); ok {
		d.EPT = &e
	}
	cs, err := s.db.Conventions(r.Context(), currentUser(r), store.Filter{Commune: c.Code, WithCommunes: true, Sort: "-end"})
	if err != nil {
		return err
	}
	d.Conventions = cs
	d.InForce = inForce(cs, c.Code, d.Today)
	for _, cv := range cs {
		if activeOn(cv, d.Today) {
			d.Active++
		}
	}
	return s.render(w, r, "commune", c.Name+" ("+c.Code+")", "territories", d)
}

// ---------- EPCI ----------

type memberRow struct {
	territory.Commune
	Share   float64
	InForce []string
}

type epciData struct {
	EPCI         territory.EPCI
	KindLabel    string
	Departements []territory.Departement
	Members      []memberRow
	Conventions  []*convention.Convention
	Covered      int // member communes covered today by a listed convention
	Today        string
	CanEdit      bool
	Vintage      int
	Chart        map[string]any
	Crumbs       []crumb
}

// HasCharts tells the layout to load ECharts.
func (d epciData) HasCharts() bool { return d.Chart != nil }

// chartTop is how many communes the population chart of an EPCI shows.
const chartTop = 15

func (s *Server) epciPage(w http.ResponseWriter, r *http.Request) error {
	siren := strings.TrimSpace(r.PathValue("siren"))
	e, ok := s.ref.EPCI(siren)
	if !ok {
		return app.Errorf(app.ENotFound, "Aucune intercommunalité n'a le SIREN %s dans le référentiel %d.", siren, refdata.Vintage)
	}
	d := epciData{EPCI: e, KindLabel: territory.KindLabel(e.Kind), Today: s.today(), CanEdit: canEdit(r), Vintage: refdata.Vintage}
	cs, err := s.db.Conventions(r.Context(), currentUser(r), store.Filter{Communes: e.Communes, WithCommunes: true, Sort: "-end"})
	if err != nil {
		return err
	}
	d.Conventions = cs
	var deps []string
	for _, code := range e.Communes {
		c, ok := s.ref.Commune(code)
		if !ok {
			continue
		}
		m := memberRow{Commune: c, InForce: inForce(cs, c.Code, d.Today)}
		if e.Population > 0 {
			m.Share = float64(c.Population) / float64(e.Population)
		}
		if len(m.InForce) > 0 {
			d.Covered++
		}
		d.Members = append(d.Members, m)
		if !slices.Contains(deps, c.Departement) {
			deps = append(deps, c.Departement)
		}
	}
	slices.SortStableFunc(d.Members, func(a, b memberRow) int {
		return cmp.Or(cmp.Compare(b.Population, a.Population), strings.Compare(a.Name, b.Name))
	})
	for _, code := range deps {
		if dep, ok := s.ref.Departement(code); ok {
			d.Departements = append(d.Departements, dep)
		}
	}
	d.Crumbs = []crumb{{"Territoires", "/territoires"}}
	if len(d.Departements) == 1 {
		d.Crumbs = append(d.Crumbs, crumb{d.Departements[0].Name, "/departements/" + d.Departements[0].Code})
	}
	if len(d.Members) > 1 {
		d.Chart = membersChart(d.Members)
	}
	return s.render(w, r, "epci", e.Name, "territories", d)
}

// membersChart is a horizontal bar chart of the most populous members,
// largest at the top.
func membersChart(members []memberRow) map[string]any {
	top := members[:min(chartTop, len(members))]
	names := make([]string, len(top))
	values := make([]int, len(top))
	for i, m := range top {
		// ECharts draws the first category at the bottom.
		names[len(top)-1-i] = m.Name
		values[len(top)-1-i] = m.Population
	}
	return map[string]any{
		"valueFormat": "integer",
		"tooltip":     map[string]any{"trigger": "axis", "axisPointer": map[string]any{"type": "shadow"}},
		"grid":        map[string]any{"left": 28, "right": 24, "top": 8, "bottom": 8, "containLabel": true},
		"xAxis":       map[string]any{"type": "value"},
		"yAxis":       map[string]any{"type": "category", "data": names},
		"series": []map[string]any{{
			"name": "Population municipale", "type": "bar", "data": values, "barMaxWidth": 22,
		}},
	}
}

// ---------- Département ----------

// kindCount is one line of a coverage table.
type kindCount struct {
	Code  string // a convention kind, "" for a total line
	Label string
	convention.Count
	Share float64 // of the population
}

// coverageRows turns a coverage into table lines: one per kind, then any
// signed convention, then none.
func coverageRows(cv convention.Coverage) []kindCount {
	share := func(n int) float64 {
		if cv.Population == 0 {
			return 0
		}
		return float64(n) / float64(cv.Population)
	}
	var rows []kindCount
	for _, k := range convention.Kinds {
		n := cv.ByKind[k.Code]
		label := k.Label
		if k.Short != k.Label {
			label += " (" + k.Short + ")"
		}
		rows = append(rows, kindCount{k.Code, label, n, share(n.Population)})
	}
	rows = append(rows,
		kindCount{"", "Au moins une convention signée", cv.Covered, share(cv.Covered.Population)},
		kindCount{"", "Aucune convention signée", cv.Uncovered, share(cv.Uncovered.Population)})
	return rows
}

// coverageChart shows, per kind, the share of the population covered,
// then the share covered by any kind and the share covered by none.
func coverageChart(rows []kindCount) map[string]any {
	var names []string
	var values []map[string]any
	for i := len(rows) - 1; i >= 0; i-- {
		r := rows[i]
		name, colour := convention.KindShort(r.Code), "#0b5d6e"
		if r.Code == "" {
			name, colour = "Au moins une", "#074652"
			if i == len(rows)-1 {
				name, colour = "Aucune", "#6b7785"
			}
		}
		names = append(names, name)
		values = append(values, map[string]any{"value": round1(r.Share * 100), "itemStyle": map[string]any{"color": colour}})
	}
	return map[string]any{
		"valueFormat": "percent",
		"tooltip":     map[string]any{"trigger": "axis", "axisPointer": map[string]any{"type": "shadow"}},
		"grid":        map[string]any{"left": 28, "right": 48, "top": 8, "bottom": 8, "containLabel": true},
		"xAxis":       map[string]any{"type": "value", "max": 100},
		"yAxis":       map[string]any{"type": "category", "data": names},
		"series": []map[string]any{{
			"name": "Part de la population", "type": "bar", "data": values, "barMaxWidth": 26,
			"label": map[string]any{"show": true, "position": "right"},
		}},
	}
}

func round1(f float64) float64 { return float64(int64(f*10+0.5)) / 10 }

type departementData struct {
	Departement territory.Departement
	Region      string
	CAF         territory.CAF
	Coverage    convention.Coverage
	Rows        []kindCount
	Chart       map[string]any
	Expiring    []convention.Expiring
	EPCIs       []territory.EPCI
	NoEPCI      int // communes in no EPCI
	Conventions []*convention.Convention
	Today       string
	CanEdit     bool
	Vintage     int
}

// HasCharts tells the layout to load ECharts.
func (d departementData) HasCharts() bool { return d.Chart != nil }

// EPCILabel names an EPCI kind in French.
func (departementData) EPCILabel(kind string) string { return territory.KindLabel(kind) }

func (s *Server) departementPage(w http.ResponseWriter, r *http.Request) error {
	code := r.PathValue("code")
	dep, ok := s.ref.Departement(strings.ToUpper(strings.TrimSpace(code)))
	if !ok {
		return app.Errorf(app.ENotFound, "Aucun département n'a le code %s.", code)
	}
	if dep.Code != code {
		http.Redirect(w, r, "/departements/"+dep.Code, http.StatusMovedPermanently)
		return nil
	}
	d := departementData{Departement: dep, Today: s.today(), CanEdit: canEdit(r), Vintage: refdata.Vintage, EPCIs: s.ref.EPCIsOf(dep.Code)}
	if reg, ok := s.ref.Region(dep.Region); ok {
		d.Region = reg.Name
	}
	d.CAF, _ = s.ref.CAF(dep.Code)
	cv, err := s.coverage(r, dep.Code, d.Today)
	if err != nil {
		return err
	}
	d.Coverage = cv
	d.Rows = coverageRows(cv)
	if cv.Covered.Communes > 0 {
		d.Chart = coverageChart(d.Rows)
	}
	cs, err := s.db.Conventions(r.Context(), currentUser(r), store.Filter{Departement: dep.Code, Sort: "-end"})
	if err != nil {
		return err
	}
	d.Conventions = cs
	// Coverage counts every signed convention; its list of those ending
	// soon keeps only what the user may open.
	visible := map[string]bool{}
	for _, c := range cs {
		visible[c.ID] = true
	}
	for _, e := range cv.Expiring {
		if visible[e.ID] || currentUser(r).IsAdmin() {
			d.Expiring = append(d.Expiring, e)
		}
	}
	for _, c := range s.ref.CommunesOf(dep.Code) {
		if c.EPCI == "" {
			d.NoEPCI++
		}
	}
	return s.render(w, r, "departement", dep.Name+" ("+dep.Code+")", "territories", d)
}
