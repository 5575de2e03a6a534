package web

import (
	"cmp"
	"net/http"
	"slices"

	"ctg/internal/account"
	"ctg/internal/budget"
	"ctg/internal/convention"
	"ctg/internal/plan"
	"ctg/internal/publication"
	"ctg/internal/survey"
)

// The public page of a convention, /p/{slug}: what the partners decided
// and how it progresses, for residents, without sign-in. One small page
// in a document of its own (p_plan.html): the CSS and no script, no
// cookie, printable. It shows only what store.PublicPage returns, which
// leaves out what the partners did not publish.

// perimeterCommune is a commune of the perimeter.
type perimeterCommune struct {
	Name       string
	Population int
}

// publicAction is an action of the plan as residents read it.
type publicAction struct {
	plan.Action
	StatusLabel string
	Paragraphs  []string
	Indicators  []indicatorView
}

// publicAxis is an axis with its actions.
type publicAxis struct {
	Number       int
	Title        string
	Paragraphs   []string
	Actions      []publicAction
	PlannedCents int64
}

// actionCount is how many actions have a status.
type actionCount struct {
	Code, Label string
	N           int
}

// publicResult is a question of a closed questionnaire with its answers
// in the order of its options.
type publicResult struct {
	Label    string
	Answered int
	Mean     string
	Rows     []publicAnswer
}

type publicAnswer struct {
	Label   string
	N       int
	Percent float64
}

// publicSurvey is a closed questionnaire and its results.
type publicSurvey struct {
	Title, Closes string
	Responses     int
	Questions     []publicResult
}

type publicPlanData struct {
	P          *publication.Page
	C          *convention.Convention
	KindLabel  string
	Summary    []string
	Partners   []string
	Communes   []perimeterCommune
	EPCIs      []string
	Axes       []publicAxis
	Actions    int
	ByStatus   []actionCount
	Budget     *budget.Totals
	FunderYear *funderYearTable
	Surveys    []publicSurvey
}

// Updated reports whether the page changed since it was first published.
func (d *publicPlanData) Updated() bool { return !d.P.UpdatedAt.Equal(d.P.PublishedAt) }

// funderYearTable is the planned money of each funder in each year.
type funderYearTable struct {
	Years []int
	Rows  []funderYearRow
}

type funderYearRow struct {
	Name  string
	Cells []int64
	Total int64
}

// newFunderYearTable lays the totals by funder and year out as a table:
// a row per funder in the order of the totals, a column per year.
func newFunderYearTable(t *budget.Totals) *funderYearTable {
	out := &funderYearTable{}
	col := map[int]int{}
	for i, y := range t.ByYear {
		out.Years = append(out.Years, y.Year)
		col[y.Year] = i
	}
	row := map[string]int{}
	for i, f := range t.ByFunder {
		out.Rows = append(out.Rows, funderYearRow{Name: f.Name, Cells: make([]int64, len(out.Years)), Total: f.PlannedCents})
		row[f.Funder] = i
	}
	for _, c := range t.ByFunderYear {
		i, ok1 := row[c.Funder]
		j, ok2 := col[c.Year]
		if ok1 && ok2 {
			out.Rows[i].Cells[j] += c.PlannedCents
		}
	}
	return out
}

// publicSurveys writes the results of the closed questionnaires: counts
// in the order of the options, communes by name.
func (s *Server) publicSurveys(list []publication.SurveyResult) []publicSurvey {
	var out []publicSurvey
	for _, sr := range list {
		ps := publicSurvey{Title: sr.Title, Closes: sr.Closes, Responses: sr.Results.Responses}
		for _, q := range sr.Results.Questions {
			pq := publicResult{Label: q.Label, Answered: q.Answered}
			if q.Mean != nil {
				pq.Mean = frNumber(*q.Mean)
			}
			for _, o := range q.Options {
				label := o
				if q.Kind == survey.KindCommune {
					label = cmp.Or(q.Names[o], s.communeName(o))
				}
				pq.Rows = append(pq.Rows, publicAnswer{Label: label, N: q.Counts[o], Percent: q.Percent[o]})
			}
			if len(pq.Rows) == 0 && pq.Mean == "" {
				continue
			}
			ps.Questions = append(ps.Questions, pq)
		}
		out = append(out, ps)
	}
	return out
}

// communeName names a commune by its code, or gives the code back.
func (s *Server) communeName(code string) string {
	if c, ok := s.ref.Commune(code); ok {
		return c.Name
	}
	return code
}

// publicPlanData lays a public page out for residents.
func (s *Server) publicPlanData(r *http.Request, p *publication.Page) (*publicPlanData, error) {
	c := p.Convention
	d := &publicPlanData{P: p, C: c, KindLabel: convention.KindLabel(c.Kind), Summary: paragraphs(p.Summary), Budget: p.Budget}
	for _, code := range c.Communes {
		if x, ok := s.ref.Commune(code); ok {
			d.Communes = append(d.Communes, perimeterCommune{Name: x.Name, Population: x.Population})
		}
	}
	slices.SortFunc(d.Communes, func(a, b perimeterCommune) int { return cmp.Compare(a.Name, b.Name) })
	for _, siren := range c.Perimeter.EPCIs {
		if e, ok := s.ref.EPCI(siren); ok {
			d.EPCIs = append(d.EPCIs, e.Name)
		}
	}
	orgs, err := s.db.OrganisationsByID(r.Context(), append([]string{c.CAF}, c.Parties...))
	if err != nil {
		return nil, err
	}
	byID := map[string]account.Organisation{}
	for _, o := range orgs {
		byID[o.ID] = o
	}
	for _, id := range append([]string{c.CAF}, c.Parties...) {
		if o, ok := byID[id]; ok {
			d.Partners = append(d.Partners, o.Name)
		}
	}

	counts := map[string]int{}
	axisMoney := map[string]int64{}
	if p.Budget != nil {
		for _, a := range p.Budget.ByAxis {
			axisMoney[a.Axis] = a.PlannedCents
		}
	}
	first, last := plan.Years(c)
	var years []int
	for y := first; y > 0 && y <= last; y++ {
		years = append(years, y)
	}
	for _, ax := range p.Plan.Axes {
		pa := publicAxis{Number: ax.Number, Title: ax.Title, Paragraphs: paragraphs(ax.Description), PlannedCents: axisMoney[ax.ID]}
		for _, a := range ax.Actions {
			pv := publicAction{Action: a, StatusLabel: plan.StatusLabel(a.Status), Paragraphs: paragraphs(a.Description)}
			for _, ind := range p.Indicators[a.ID] {
				v := viewIndicator(ind, years)
				v.Chart = nil // the page has no script
				pv.Indicators = append(pv.Indicators, v)
			}
			pa.Actions = append(pa.Actions, pv)
			counts[a.Status]++
			d.Actions++
		}
		d.Axes = append(d.Axes, pa)
	}
	for _, st := range plan.Statuses {
		if counts[st.Code] > 0 {
			d.ByStatus = append(d.ByStatus, actionCount{st.Code, st.Label, counts[st.Code]})
		}
	}
	if p.Budget != nil {
		d.FunderYear = newFunderYearTable(p.Budget)
	}
	d.Surveys = s.publicSurveys(p.Surveys)
	return d, nil
}

// publicPlanPage serves /p/{slug}: 404, as for any unknown address, when
// no convention publishes that slug (never published, or withdrawn).
func (s *Server) publicPlanPage(w http.ResponseWriter, r *http.Request) error {
	p, err := s.db.PublicPage(r.Context(), r.PathValue("slug"))
	if err != nil {
		return err
	}
	d, err := s.publicPlanData(r, p)
	if err != nil {
		return err
	}
	t, ok := s.tmpl.pages["p_plan"]
	if !ok {
		return errNoPage
	}
	w.Header().Set("Referrer-Policy", "no-referrer")
	s.execute(w, http.StatusOK, t, "p_plan", "p_page", page{Title: p.Convention.Title, Demo: s.demo, Data: d})
	return nil
}

// PercentText is the answer's share of those who answered the question,
// already in percent: 65,8 %.
func (a publicAnswer) PercentText() string { return frDecimal(a.Percent, 1) + "\u00a0%" }
