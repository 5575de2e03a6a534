package web

import (
	"cmp"
	"net/http"
	"slices"
	"strconv"

	"ctg/internal/app"
	"ctg/internal/budget"
	"ctg/internal/convention"
	"ctg/internal/plan"
	"ctg/internal/review"
)

// The yearly reviews of a convention: the campaign, /conventions/{id}/bilans
// (where each year stands, what is left to review), and the review of a
// year, /conventions/{id}/bilans/{year} (per axis and action, the review,
// the indicators against their targets, the money spent against the money
// planned; the partners' comments and their form). The review form of one
// action is in page_reviews_form.go. Every figure comes from
// store.YearReview or store.YearReviews, as the JSON API's do.

func init() {
	funcs["reviewStatus"] = plan.StatusLabel
	funcs["paragraphsOf"] = paragraphs
	funcs["anyKnown"] = review.AnyKnown
}

// campaignYear is a year of the campaign page.
type campaignYear struct {
	review.CampaignYear
	// Share is the part of the actions reviewed, from 0 to 1.
	Share    float64
	ToReview []review.ActionYear
	// When is "past", "current" or "future", from today's year.
	When string
	// Open tells whether the list of what is left shows unfolded: the
	// year under review.
	Open bool
}

type reviewsData struct {
	C       *convention.Convention
	CanEdit bool
	Years   []campaignYear
	// Current is the year under review: today's year within the
	// convention, its first before it starts, its last after it ends.
	Current int
	// Actions counts the actions of the plan.
	Actions int
}

// currentYear is the year of the convention a review campaign is about:
// today's, within first..last.
func currentYear(today string, first, last int) int {
	y, _ := strconv.Atoi(today[:4])
	return min(max(y, first), last)
}

func (s *Server) reviewsPage(w http.ResponseWriter, r *http.Request) error {
	id, u := r.PathValue("id"), currentUser(r)
	c, err := s.db.ConventionHead(r.Context(), u, id)
	if err != nil {
		return err
	}
	years, err := s.db.YearReviews(r.Context(), u, id)
	if err != nil {
		return err
	}
	first, last := plan.Years(c)
	todayYear, _ := strconv.Atoi(s.today()[:4])
	d := &reviewsData{C: c, CanEdit: convention.CheckEdit(u, c) == nil, Current: currentYear(s.today(), first, last)}
	for _, y := range years {
		cy := campaignYear{CampaignYear: review.CampaignYear{Year: y.Year, Actions: y.Actions, Reviewed: y.Reviewed, Comments: len(y.Comments)},
			Share: budget.Share(int64(y.Reviewed), int64(y.Actions)), ToReview: y.ToReview(), Open: y.Year == d.Current}
		switch {
		case y.Year < todayYear:
			cy.When = "past"
		case y.Year == todayYear:
			cy.When = "current"
		default:
			cy.When = "future"
		}
		d.Years = append(d.Years, cy)
	}
	p, err := s.db.Plan(r.Context(), u, id)
	if err != nil {
		return err
	}
	d.Actions = len(p.Actions())
	return s.render(w, r, "reviews", "Bilans annuels — "+c.Title, "conventions", d)
}

// indicatorYearView is an indicator of an action in a year, in French.
type indicatorYearView struct {
	review.IndicatorYear
	BaselineText, TargetText, ValueText string
}

// actionYearView is an action in the review of a year, its texts in
// paragraphs.
type actionYearView struct {
	review.ActionYear
	Done, Difficulties, NextSteps []string
	Indicators                    []indicatorYearView
}

// axisYearView is an axis in the review of a year.
type axisYearView struct {
	review.AxisYear
	Actions []actionYearView
}

// commentForm is the state of the form of a comment, as typed.
type commentForm struct {
	Author, Organisation, Text string
	Errors                     map[string]string
}

type yearReviewData struct {
	C       *convention.Convention
	CanEdit bool
	Y       *review.YearReview
	Axes    []axisYearView
	// Years are the years of the convention, for going from one to another.
	Years     []int
	Funders   budgetChart
	AxesMoney budgetChart
	Statuses  budgetChart
	// NotReviewed counts the actions of the year without a review.
	NotReviewed int
	Comment     commentForm
	// Parties are the CAF and the parties of the convention, whom a
	// comment may speak for.
	Parties []orgOption
}

// HasCharts tells the layout to load the chart library.
func (d *yearReviewData) HasCharts() bool { return d.Y.Actions > 0 }

func viewIndicatorYear(i review.IndicatorYear) indicatorYearView {
	return indicatorYearView{IndicatorYear: i, BaselineText: numberText(i.Baseline), TargetText: numberText(i.Target), ValueText: numberText(i.Value)}
}

// numberText writes a number the French way, "" when there is none.
func numberText(p *float64) string {
	if p == nil {
		return ""
	}
	return frNumber(*p)
}

// yearReviewData gathers the review of year y of a convention u may see.
func (s *Server) yearReviewData(r *http.Request, id string, year int) (*yearReviewData, error) {
	u := currentUser(r)
	c, err := s.db.ConventionHead(r.Context(), u, id)
	if err != nil {
		return nil, err
	}
	y, err := s.db.YearReview(r.Context(), u, id, year)
	if err != nil {
		return nil, err
	}
	d := &yearReviewData{C: c, CanEdit: convention.CheckEdit(u, c) == nil, Y: y, NotReviewed: y.Actions - y.Reviewed}
	for v := y.FirstYear; v <= y.LastYear; v++ {
		d.Years = append(d.Years, v)
	}
	for _, x := range y.Axes {
		xv := axisYearView{AxisYear: x}
		for _, a := range x.Actions {
			av := actionYearView{ActionYear: a}
			if a.Review != nil {
				av.Done, av.Difficulties, av.NextSteps = paragraphs(a.Review.Done), paragraphs(a.Review.Difficulties), paragraphs(a.Review.NextSteps)
			}
			for _, i := range a.Indicators {
				av.Indicators = append(av.Indicators, viewIndicatorYear(i))
			}
			xv.Actions = append(xv.Actions, av)
		}
		d.Axes = append(d.Axes, xv)
	}
	d.Funders, d.AxesMoney, d.Statuses = yearCharts(y)
	if d.CanEdit {
		if d.Parties, err = s.conventionParties(r, c); err != nil {
			return nil, err
		}
		d.Comment.Organisation = u.OrgID
		if !c.HasParty(u.OrgID) {
			d.Comment.Organisation = ""
		}
	}
	return d, nil
}

// conventionParties names the CAF and the parties of a convention, the
// CAF first, then the parties by name.
func (s *Server) conventionParties(r *http.Request, c *convention.Convention) ([]orgOption, error) {
	orgs, err := s.db.OrganisationsByID(r.Context(), append([]string{c.CAF}, c.Parties...))
	if err != nil {
		return nil, err
	}
	rank := func(id string) int {
		if id == c.CAF {
			return 0
		}
		return 1
	}
	out := make([]orgOption, 0, len(orgs))
	for _, o := range orgs {
		out = append(out, orgOption{ID: o.ID, Name: o.Name})
	}
	slices.SortFunc(out, func(a, b orgOption) int {
		return cmp.Or(cmp.Compare(rank(a.ID), rank(b.ID)), cmp.Compare(a.Name, b.Name))
	})
	return out, nil
}

// statusColors are the colours of the statuses of actions in charts, those
// of their badges: the reader matches a slice with a badge of the table.
var statusColors = map[string]string{
	plan.StatusPlanned: "#2f6fb3", plan.StatusInProgress: "#0b5d6e", plan.StatusDone: "#3f8f4f",
	plan.StatusAbandoned: "#6b7785", plan.StatusLate: "#b5475d",
}

// tidyBars keeps the labels of a bar chart of plannedActual readable on a
// phone: the amounts of the value axis that would overlap are hidden, and
// the long names of a horizontal one (funders) wrap within a width rather
// than squeeze the bars.
func tidyBars(opt map[string]any) map[string]any {
	for _, k := range []string{"xAxis", "yAxis"} {
		a, ok := opt[k].(map[string]any)
		if !ok {
			continue
		}
		if a["type"] == "value" {
			a["axisLabel"] = map[string]any{"hideOverlap": true}
		} else if k == "yAxis" {
			a["axisLabel"] = map[string]any{"width": 140, "overflow": "break"}
		}
	}
	opt["grid"] = map[string]any{"left": 8, "right": 40, "top": 36, "bottom": 8, "containLabel": true}
	return opt
}

// yearCharts builds the charts of the review of a year: money by funder
// and by axis, planned against actual (in euros), and the actions by the
// status their review gives them, those without a review apart.
func yearCharts(y *review.YearReview) (funders, axes, statuses budgetChart) {
	var names []string
	var planned, actual []float64
	for _, f := range y.ByFunder {
		names, planned, actual = append(names, f.Name), append(planned, budget.Euros(f.PlannedCents)), append(actual, budget.Euros(f.ActualCents))
	}
	funders = budgetChart{ID: "chart-year-funders", Title: "Prévu et réalisé " + strconv.Itoa(y.Year) + " par financeur",
		Option: tidyBars(plannedActual(names, planned, actual, true))}
	names, planned, actual = nil, nil, nil
	for _, x := range y.Axes {
		names, planned, actual = append(names, "Axe "+strconv.Itoa(x.Number)), append(planned, budget.Euros(x.PlannedCents)), append(actual, budget.Euros(x.ActualCents))
	}
	axes = budgetChart{ID: "chart-year-axes", Title: "Prévu et réalisé " + strconv.Itoa(y.Year) + " par axe",
		Option: tidyBars(plannedActual(names, planned, actual, true))}
	var data []any
	for _, st := range y.ByStatus {
		data = append(data, map[string]any{"name": st.Label, "value": st.Count, "itemStyle": map[string]any{"color": statusColors[st.Status]}})
	}
	if n := y.Actions - y.Reviewed; n > 0 {
		data = append(data, map[string]any{"name": "Bilan non saisi", "value": n, "itemStyle": map[string]any{"color": "#c3cad0"}})
	}
	statuses = budgetChart{ID: "chart-year-statuses", Title: "Les actions de " + strconv.Itoa(y.Year) + " selon leur bilan", Option: map[string]any{
		"valueFormat": "integer",
		"tooltip":     map[string]any{"trigger": "item"},
		"legend":      map[string]any{"bottom": 0},
		"series": []any{map[string]any{"name": "Actions", "type": "pie", "radius": []string{"38%", "62%"}, "center": []string{"50%", "40%"},
			"data": data, "label": map[string]any{"show": false}}},
	}}
	return funders, axes, statuses
}

// yearOfPage reads the {year} of a page's path: a year of the convention
// or a page not found.
func yearOfPage(r *http.Request) (int, error) {
	y, ok := review.YearOf(r.PathValue("year"))
	if !ok {
		return 0, errNoPage
	}
	return y, nil
}

func yearReviewTitle(d *yearReviewData) string {
	return "Bilan " + strconv.Itoa(d.Y.Year) + " — " + d.C.Title
}

func (s *Server) yearReviewPage(w http.ResponseWriter, r *http.Request) error {
	year, err := yearOfPage(r)
	if err != nil {
		return err
	}
	d, err := s.yearReviewData(r, r.PathValue("id"), year)
	if err != nil {
		return err
	}
	return s.render(w, r, "review_year", yearReviewTitle(d), "conventions", d)
}

// reviewCommentAdd adds a partner's comment to the review of a year; a
// refused comment comes back as it was typed.
func (s *Server) reviewCommentAdd(w http.ResponseWriter, r *http.Request) error {
	id, u := r.PathValue("id"), currentUser(r)
	year, err := yearOfPage(r)
	if err != nil {
		return err
	}
	c, err := s.db.ConventionHead(r.Context(), u, id)
	if err != nil {
		return err
	}
	if err := convention.CheckEdit(u, c); err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return errForm
	}
	form := commentForm{Author: r.PostForm.Get("author"), Organisation: r.PostForm.Get("organisation"), Text: r.PostForm.Get("text")}
	k := &review.Comment{Year: year, Author: form.Author, Organisation: form.Organisation, Text: form.Text}
	err = s.db.AddReviewComment(r.Context(), u, id, k)
	if err == nil {
		return s.redirectFlash(w, r, "/conventions/"+id+"/bilans/"+strconv.Itoa(year)+"#commentaire-"+k.ID, "review_comment.created")
	}
	errs, status, ok := formRefusal(err, app.EInvalid)
	if !ok {
		return err
	}
	d, derr := s.yearReviewData(r, id, year)
	if derr != nil {
		return derr
	}
	form.Errors = errs
	d.Comment = form
	return s.renderStatus(w, r, status, "review_year", yearReviewTitle(d), "conventions", d)
}
