package web

import (
	"encoding/csv"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"ctg/internal/app"
	"ctg/internal/convention"
	"ctg/internal/diagnostic"
	"ctg/internal/field"
	"ctg/internal/store"
	"ctg/internal/survey"
)

// The results of a survey: counts and percentages per question, each with
// a bar chart and its table, means, free-text answers with a search, the
// responses per day and channel, a crosstab of two questions, filters by
// commune and by answer, and the exports.

// maxTextAnswers bounds the free-text answers a question lists on the
// page; the export holds them all.
const maxTextAnswers = 200

// resultRow is a line of a question's table.
type resultRow struct {
	Label   string
	Count   int
	Percent string
}

// textAnswer is a free-text answer with the number of its response.
type textAnswer struct {
	Response int64
	Date     string
	Text     string
}

// questionResultView is the result of a question as the page shows it.
type questionResultView struct {
	survey.QuestionResult
	Number    int
	KindLabel string
	Rows      []resultRow
	ChartID   string
	Chart     map[string]any
	MeanText  string
	Bounds    string
	Texts     []textAnswer
	TextCount int // the answers matching the search, beyond those listed
}

// filterChoice is an option of the "question = answer" filter.
type filterChoice struct{ Value, Label string }

type filterGroup struct {
	Label   string
	Choices []filterChoice
}

// dayRow is the number of responses of a day, by channel.
type dayRow struct {
	Date       string
	Web, Paper int
}

// crossView is a crosstab with its labels.
type crossView struct {
	RowLabel, ColLabel string
	Rows, Cols         []string
	Counts             [][]int
	RowTotals          []int
	ColTotals          []int
	Total              int
	// Multiple is a crosstab of a multiple-choice question, whose
	// totals may exceed the responses.
	Multiple bool
}

type resultsData struct {
	C       *convention.Convention
	S       *survey.Survey
	CanEdit bool
	Res     *survey.Results
	// The filters, as typed.
	Commune, FilterValue string
	Filtered             bool
	FilterErrors         map[string]string
	// Communes are those of the perimeter, when a question asks for one.
	Communes     []communeOption
	FilterGroups []filterGroup
	Search       string
	Questions    []questionResultView
	Days         []dayRow
	DayChart     map[string]any
	// Categorical are the questions a crosstab may cross.
	Categorical            []filterChoice
	CrossRows, CrossCols   string
	Cross                  *crossView
	CrossErrors            map[string]string
	FilterQuery            string // "commune=…&filter=…", for the export links
	PublicPath, PublicNote string
	// What carries a question's result into a finding of the diagnosis:
	// the kinds and fields offered and, after a refusal, the question,
	// what was typed and the messages by field.
	Kinds       []struct{ Code, Label, Plural string }
	Fields      []field.Field
	Carry       store.SurveyFinding
	CarryErrors map[string]string
}

// HasCharts tells the layout to load ECharts.
func (d *resultsData) HasCharts() bool { return d.Res != nil && d.Res.Responses > 0 }

// optionLabel is what a category of a question is called on the page: a
// commune's name rather than its code, a scale's step as it is.
func optionLabel(q *survey.QuestionResult, option string) string {
	if name, ok := q.Names[option]; ok {
		return name + " (" + option + ")"
	}
	return option
}

// barChart is the ECharts option of a question's counts: horizontal bars,
// the first option at the top.
func barChart(labels []string, counts []int) map[string]any {
	l, c := slices.Clone(labels), slices.Clone(counts)
	// ECharts draws the first category at the bottom.
	slices.Reverse(l)
	slices.Reverse(c)
	return map[string]any{
		"valueFormat": "integer",
		"tooltip":     map[string]any{"trigger": "axis", "axisPointer": map[string]any{"type": "shadow"}},
		"grid":        map[string]any{"left": 8, "right": 32, "top": 8, "bottom": 8},
		"xAxis":       map[string]any{"type": "value", "minInterval": 1},
		"yAxis":       map[string]any{"type": "category", "data": l, "axisLabel": map[string]any{"width": 220, "overflow": "truncate"}},
		"series": []map[string]any{{"name": "Réponses", "type": "bar", "data": c, "barMaxWidth": 24,
			"label": map[string]any{"show": true, "position": "right"}}},
	}
}

func (s *Server) resultsData(r *http.Request) (*resultsData, error) {
	sv, c, canEdit, err := s.surveyHead(r)
	if err != nil {
		return nil, err
	}
	u := currentUser(r)
	q := r.URL.Query()
	d := &resultsData{C: c, S: sv, CanEdit: canEdit, Commune: strings.TrimSpace(q.Get("commune")), FilterValue: strings.TrimSpace(q.Get("filter")),
		Search: strings.TrimSpace(q.Get("recherche")), CrossRows: strings.TrimSpace(q.Get("lignes")), CrossCols: strings.TrimSpace(q.Get("colonnes")),
		Kinds: diagnostic.FindingKinds, Fields: field.All}
	if sv.Token != "" {
		d.PublicPath = survey.PublicPath(sv.Token)
	}
	f, ferr := s.surveyFilter(r, sv)
	if ferr != nil {
		if app.ErrorCode(ferr) != app.EInvalid {
			return nil, ferr
		}
		d.FilterErrors, f = app.ErrorFields(ferr), survey.Filter{}
	}
	d.Filtered = f != survey.Filter{}
	fq := url.Values{}
	if f.Commune != "" {
		fq.Set("commune", f.Commune)
	}
	if f.Key != "" {
		fq.Set("filter", f.Key+":"+f.Option)
	}
	d.FilterQuery = fq.Encode()
	if slices.ContainsFunc(sv.Questions, func(q survey.Question) bool { return q.Kind == survey.KindCommune }) || d.Commune != "" {
		if d.Communes, err = s.communeOptions(r, c.ID); err != nil {
			return nil, err
		}
	}
	if d.Res, err = s.db.Results(r.Context(), u, sv.ID, f); err != nil {
		return nil, err
	}
	s.nameCommunes(d.Res)
	if r.Header.Get("HX-Request") == "true" {
		// The counts that the open page asks for every 10 seconds.
		return d, nil
	}

	// The responses per day and the free-text answers, with the same
	// filter as the counts.
	days, err := s.db.ResponseDays(r.Context(), u, sv.ID, f)
	if err != nil {
		return nil, err
	}
	for _, day := range days {
		d.Days = append(d.Days, dayRow{Date: day.Date, Web: day.Web, Paper: day.Paper})
	}
	answers, err := s.db.TextAnswers(r.Context(), u, sv.ID, f, d.Search, maxTextAnswers, d.Res)
	if err != nil {
		return nil, err
	}
	texts := map[string][]textAnswer{}
	for k, a := range answers {
		for _, t := range a.First {
			texts[k] = append(texts[k], textAnswer{Response: t.Response, Date: datetimeOf(t.CreatedAt), Text: t.Text})
		}
	}
	if len(d.Days) > 0 {
		labels := make([]string, len(d.Days))
		web, paper := make([]int, len(d.Days)), make([]int, len(d.Days))
		for i, day := range d.Days {
			labels[i], web[i], paper[i] = frenchDate(day.Date), day.Web, day.Paper
		}
		d.DayChart = map[string]any{
			"valueFormat": "integer",
			"tooltip":     map[string]any{"trigger": "axis", "axisPointer": map[string]any{"type": "shadow"}},
			"legend":      map[string]any{"top": 0},
			"grid":        map[string]any{"left": 8, "right": 8, "top": 40, "bottom": 8},
			"xAxis":       map[string]any{"type": "category", "data": labels},
			"yAxis":       map[string]any{"type": "value", "minInterval": 1},
			"series": []map[string]any{
				{"name": "En ligne", "type": "bar", "stack": "canal", "data": web, "barMaxWidth": 28},
				{"name": "Papier", "type": "bar", "stack": "canal", "data": paper, "barMaxWidth": 28},
			},
		}
	}

	for i, qr := range d.Res.Questions {
		q, _ := sv.Question(qr.Key)
		v := questionResultView{QuestionResult: qr, Number: i + 1, KindLabel: survey.KindLabel(qr.Kind), ChartID: "chart-q" + strconv.Itoa(i+1),
			Texts: texts[qr.Key], TextCount: answers[qr.Key].Count}
		v.Bounds = questionView{Question: *q}.Bounds()
		if qr.Mean != nil {
			v.MeanText = frDecimal(*qr.Mean, 2)
			v.MeanText = strings.TrimSuffix(strings.TrimSuffix(v.MeanText, "0"), ",0")
		}
		if survey.Categorical(qr.Kind) {
			labels := make([]string, 0, len(qr.Options))
			counts := make([]int, 0, len(qr.Options))
			for _, o := range qr.Options {
				label := optionLabel(&v.QuestionResult, o)
				v.Rows = append(v.Rows, resultRow{Label: label, Count: qr.Counts[o], Percent: frDecimal(qr.Percent[o], 1) + "\u00a0%"})
				labels, counts = append(labels, label), append(counts, qr.Counts[o])
			}
			if qr.Answered > 0 && len(labels) > 0 {
				v.Chart = barChart(labels, counts)
			}
			d.Categorical = append(d.Categorical, filterChoice{Value: qr.Key, Label: strconv.Itoa(i+1) + ". " + qr.Label})
			if qr.Kind != survey.KindCommune {
				g := filterGroup{Label: strconv.Itoa(i+1) + ". " + qr.Label}
				for _, o := range qr.Options {
					g.Choices = append(g.Choices, filterChoice{Value: qr.Key + ":" + o, Label: o})
				}
				d.FilterGroups = append(d.FilterGroups, g)
			}
		}
		d.Questions = append(d.Questions, v)
	}

	if d.CrossRows != "" || d.CrossCols != "" {
		ct, err := s.db.Crosstab(r.Context(), u, sv.ID, d.CrossRows, d.CrossCols, f)
		switch {
		case app.ErrorCode(err) == app.EInvalid:
			d.CrossErrors = app.ErrorFields(err)
		case err != nil:
			return nil, err
		default:
			d.Cross = d.crossView(ct)
		}
	}
	return d, nil
}

// datetimeOf writes when a response came, in French time.
func datetimeOf(t time.Time) string {
	return t.In(paris).Format("02/01/2006 15:04")
}

// frenchDate writes YYYY-MM-DD as 21/11/2026.
func frenchDate(s string) string {
	if t, ok := convention.ParseDate(s); ok {
		return t.Format("02/01/2006")
	}
	return s
}

func (d *resultsData) question(key string) *questionResultView {
	for i := range d.Questions {
		if d.Questions[i].Key == key {
			return &d.Questions[i]
		}
	}
	return nil
}

func (d *resultsData) crossView(ct *survey.Crosstab) *crossView {
	rq, cq := d.question(ct.RowKey), d.question(ct.ColKey)
	v := &crossView{RowLabel: rq.Label, ColLabel: cq.Label, Counts: ct.Counts, ColTotals: make([]int, len(ct.Cols)),
		Multiple: rq.Kind == survey.KindMultiple || cq.Kind == survey.KindMultiple}
	for _, o := range ct.Rows {
		v.Rows = append(v.Rows, optionLabel(&rq.QuestionResult, o))
	}
	for _, o := range ct.Cols {
		v.Cols = append(v.Cols, optionLabel(&cq.QuestionResult, o))
	}
	for i := range ct.Counts {
		sum := 0
		for j, n := range ct.Counts[i] {
			sum += n
			v.ColTotals[j] += n
		}
		v.RowTotals = append(v.RowTotals, sum)
		v.Total += sum
	}
	return v
}

func (s *Server) surveyResultsPage(w http.ResponseWriter, r *http.Request) error {
	d, err := s.resultsData(r)
	if err != nil {
		return err
	}
	status := http.StatusOK
	if len(d.FilterErrors) > 0 || len(d.CrossErrors) > 0 {
		status = http.StatusUnprocessableEntity
	}
	return s.renderStatus(w, r, status, "survey_results", "Résultats — "+d.S.Title, "conventions", d)
}

// surveyCarry makes the result of a question a finding of the diagnosis:
// the text typed, or else a sentence stating the share of the option
// chosen (the most chosen one by default) or the mean.
func (s *Server) surveyCarry(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return errForm
	}
	in := store.SurveyFinding{Kind: r.PostFormValue("kind"), Field: r.PostFormValue("field"), Text: strings.TrimSpace(r.PostFormValue("text")),
		Question: r.PostFormValue("question"), Option: r.PostFormValue("option")}
	id := r.PathValue("id")
	if _, err := s.db.CarrySurveyResult(r.Context(), s.ref, currentUser(r), id, in); err != nil {
		if app.ErrorCode(err) != app.EInvalid {
			return err
		}
		r.URL.RawQuery = ""
		d, derr := s.resultsData(r)
		if derr != nil {
			return derr
		}
		d.Carry, d.CarryErrors = in, app.ErrorFields(err)
		if len(d.CarryErrors) == 0 {
			d.CarryErrors = map[string]string{"text": app.ErrorMessage(err)}
		}
		return s.renderStatus(w, r, http.StatusUnprocessableEntity, "survey_results", "Résultats — "+d.S.Title, "conventions", d)
	}
	return s.redirectFlash(w, r, "/questionnaires/"+id+"/resultats#resultat-"+url.PathEscape(in.Question), "survey.carried")
}

// surveyResultsCSV writes the results tables, with the page's filters:
// one line per answer of each question, then the means.
func (s *Server) surveyResultsCSV(w http.ResponseWriter, r *http.Request) error {
	d, err := s.resultsData(r)
	if err != nil {
		return err
	}
	if len(d.FilterErrors) > 0 {
		return app.Invalid("Certaines informations sont à corriger.", d.FilterErrors)
	}
	name := strings.Replace(surveyExportName(d.S, "csv"), "reponses-", "resultats-", 1)
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="`+name+`"`)
	w.Header().Set("Cache-Control", "no-store")
	_, _ = w.Write([]byte("\ufeff"))
	cw := csv.NewWriter(w)
	cw.Comma = ';'
	_ = cw.Write([]string{"question", "intitulé", "réponse", "nombre", "part des répondants à la question (%)", "répondants à la question", "moyenne"})
	for _, q := range d.Questions {
		answered := strconv.Itoa(q.Answered)
		mean := ""
		if q.Mean != nil {
			mean = survey.FormatNumber(*q.Mean)
		}
		if len(q.Rows) == 0 {
			_ = cw.Write([]string{q.Key, spreadsheetText(q.Label), "", "", "", answered, mean})
			continue
		}
		for i, row := range q.Rows {
			o := q.Options[i]
			_ = cw.Write([]string{q.Key, spreadsheetText(q.Label), spreadsheetText(row.Label), strconv.Itoa(q.Counts[o]), survey.FormatNumber(q.Percent[o]), answered, mean})
		}
	}
	cw.Flush()
	return cw.Error()
}
