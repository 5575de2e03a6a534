package web

import (
	"errors"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"ctg/internal/app"
	"ctg/internal/convention"
	"ctg/internal/survey"
	"ctg/internal/territory"
)

// The consultation of a convention: its list of questionnaires, the
// builder of a draft, opening and closing, and the typing in of paper
// questionnaires. Every change to a draft goes through store.UpdateSurvey
// with the version the form was drawn from, as a PATCH of the API would.
// The results are in page_survey_results.go.

// surveyNotices are the messages a redirect names in ?fait=: fixed texts,
// so that a crafted address cannot make the page say anything else.
var surveyNotices = map[string]string{
	"cree":   "Le questionnaire a été créé : complétez-le, puis ouvrez-le aux réponses.",
	"ouvert": "Le questionnaire est ouvert : diffusez son lien public.",
	"clos":   "Le questionnaire est clos : il ne reçoit plus de réponses.",
}

// surveyRow is a survey of the list with what the list says of it.
type surveyRow struct {
	survey.Survey
	Responses int
	Paper     int
	// PublicLink is the whole address of the public form, to copy.
	PublicLink string
}

// absoluteURL makes a path of this site a whole address, as the person
// reading the page reached it, for links to copy into a message.
func (s *Server) absoluteURL(r *http.Request, path string) string {
	if path == "" {
		return ""
	}
	scheme := "http"
	if r.TLS != nil || s.secure {
		scheme = "https"
	}
	return scheme + "://" + r.Host + path
}

// newSurveyForm is the state of the form that creates a survey.
type newSurveyForm struct {
	Title     string
	Templates []string
	Errors    map[string]string
}

type surveysData struct {
	C         *convention.Convention
	CanEdit   bool
	Notice    string
	Surveys   []surveyRow
	Templates []survey.Template
	Form      newSurveyForm
}

// statusLabel writes a survey's status in French.
func surveyStatusLabel(status string) string {
	switch status {
	case survey.StatusDraft:
		return "Brouillon"
	case survey.StatusOpen:
		return "Ouvert"
	case survey.StatusClosed:
		return "Clos"
	}
	return status
}

// StatusLabel is the French name of the survey's status.
func (r surveyRow) StatusLabel() string { return surveyStatusLabel(r.Status) }

// remarksQuestion is the question an empty survey starts with: a survey
// needs one, and an open question fits any consultation.
func remarksQuestion() survey.Question {
	return survey.Question{Key: "remarques", Kind: survey.KindText, Label: "Avez-vous des remarques ou des suggestions ? (sans donnée personnelle)"}
}

func (s *Server) surveysData(r *http.Request, id string) (*surveysData, error) {
	u := currentUser(r)
	c, err := s.db.ConventionHead(r.Context(), u, id)
	if err != nil {
		return nil, err
	}
	list, err := s.db.Surveys(r.Context(), u, id)
	if err != nil {
		return nil, err
	}
	d := &surveysData{C: c, CanEdit: convention.CheckEdit(u, c) == nil, Notice: surveyNotices[r.URL.Query().Get("fait")],
		Templates: survey.Templates()}
	for _, sv := range list {
		row := surveyRow{Survey: sv, PublicLink: s.absoluteURL(r, sv.PublicURL)}
		if sv.Status != survey.StatusDraft {
			res, err := s.db.Results(r.Context(), u, sv.ID, survey.Filter{})
			if err != nil {
				return nil, err
			}
			row.Responses, row.Paper = res.Responses, res.ByChannel[survey.ChannelPaper]
		}
		d.Surveys = append(d.Surveys, row)
	}
	return d, nil
}

func (s *Server) surveysPage(w http.ResponseWriter, r *http.Request) error {
	d, err := s.surveysData(r, r.PathValue("id"))
	if err != nil {
		return err
	}
	return s.render(w, r, "surveys", "Consultation — "+d.C.Title, "conventions", d)
}

func (s *Server) surveyCreate(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("id")
	if err := r.ParseForm(); err != nil {
		return errForm
	}
	form := newSurveyForm{Title: r.PostForm.Get("title"), Templates: r.PostForm["templates"]}
	sv := &survey.Survey{Title: form.Title}
	for _, t := range survey.Templates() {
		if slices.Contains(form.Templates, t.Code) {
			sv.Questions = append(sv.Questions, t.Questions...)
		}
	}
	if len(sv.Questions) == 0 {
		sv.Questions = []survey.Question{remarksQuestion()}
	}
	err := s.db.CreateSurvey(r.Context(), currentUser(r), id, sv)
	if err == nil {
		http.Redirect(w, r, "/questionnaires/"+sv.ID+"?fait=cree", http.StatusSeeOther)
		return nil
	}
	errs, status, ok := formRefusal(err, app.EInvalid)
	if !ok {
		return err
	}
	d, derr := s.surveysData(r, id)
	if derr != nil {
		return derr
	}
	form.Errors = errs
	d.Form = form
	return s.renderStatus(w, r, status, "surveys", "Consultation — "+d.C.Title, "conventions", d)
}

// ---------- The builder ----------

// questionForm is the state of the form that adds or changes a question.
type questionForm struct {
	Orig     string // the key of the question changed; "" for a new one
	Key      string
	Kind     string
	Label    string
	Required bool
	Options  string // one per line
	Min, Max string
	Errors   map[string]string
}

// settingsForm is the state of the form of the title, intro and closing
// date.
type settingsForm struct {
	Title, Intro, Closes string
	Errors               map[string]string
}

// questionView is a question of the builder with what the page says of it.
type questionView struct {
	survey.Question
	Index     int
	KindLabel string
}

// Bounds writes the bounds of a scale or number question.
func (q questionView) Bounds() string {
	switch {
	case q.Min != nil && q.Max != nil:
		return "de " + survey.FormatNumber(*q.Min) + " à " + survey.FormatNumber(*q.Max)
	case q.Min != nil:
		return "au moins " + survey.FormatNumber(*q.Min)
	case q.Max != nil:
		return "au plus " + survey.FormatNumber(*q.Max)
	}
	return ""
}

type surveyData struct {
	C         *convention.Convention
	S         *survey.Survey
	CanEdit   bool
	Draft     bool
	Notice    string
	Questions []questionView
	Kinds     []struct{ Code, Label string }
	Settings  settingsForm
	Question  questionForm
	// ListError is an error about the list of questions as a whole.
	ListError string
	// PublicLink is the whole address of the public form, to copy.
	PublicLink string
}

// StatusLabel is the French name of the survey's status.
func (d *surveyData) StatusLabel() string { return surveyStatusLabel(d.S.Status) }

// surveyHead loads a survey the user sees and the head of its convention.
func (s *Server) surveyHead(r *http.Request) (*survey.Survey, *convention.Convention, bool, error) {
	u := currentUser(r)
	sv, err := s.db.Survey(r.Context(), u, r.PathValue("id"))
	if err != nil {
		return nil, nil, false, err
	}
	c, err := s.db.ConventionHead(r.Context(), u, sv.Convention)
	if err != nil {
		return nil, nil, false, err
	}
	return sv, c, convention.CheckEdit(u, c) == nil, nil
}

func newSurveyData(sv *survey.Survey, c *convention.Convention, canEdit bool) *surveyData {
	d := &surveyData{C: c, S: sv, CanEdit: canEdit, Draft: sv.Status == survey.StatusDraft, Kinds: survey.Kinds,
		Settings: settingsForm{Title: sv.Title, Intro: sv.Intro, Closes: sv.Closes}, Question: questionForm{Kind: survey.KindSingle}}
	for i, q := range sv.Questions {
		d.Questions = append(d.Questions, questionView{Question: q, Index: i, KindLabel: survey.KindLabel(q.Kind)})
	}
	return d
}

// formOfQuestion fills the question form with a stored question.
func formOfQuestion(q survey.Question) questionForm {
	f := questionForm{Orig: q.Key, Key: q.Key, Kind: q.Kind, Label: q.Label, Required: q.Required, Options: strings.Join(q.Options, "\n")}
	if q.Min != nil {
		f.Min = survey.FormatNumber(*q.Min)
	}
	if q.Max != nil {
		f.Max = survey.FormatNumber(*q.Max)
	}
	return f
}

func (s *Server) surveyPage(w http.ResponseWriter, r *http.Request) error {
	sv, c, canEdit, err := s.surveyHead(r)
	if err != nil {
		return err
	}
	d := newSurveyData(sv, c, canEdit)
	d.Notice = surveyNotices[r.URL.Query().Get("fait")]
	d.PublicLink = s.absoluteURL(r, sv.PublicURL)
	if key := r.URL.Query().Get("modifier"); key != "" && d.Draft && canEdit {
		q, ok := sv.Question(key)
		if !ok {
			return app.ErrNotFound
		}
		d.Question = formOfQuestion(*q)
	}
	return s.render(w, r, "survey", sv.Title+" — Questionnaire", "conventions", d)
}

// keyOf derives a question key from its label: lower case without
// accents, words joined by _, at most 45 characters, made unique among
// taken by a number.
func keyOf(label string, taken func(string) bool) string {
	words := strings.Fields(strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
			return r
		}
		return ' '
	}, territory.Normalize(label)))
	key := ""
	for _, w := range words {
		if len(key)+len(w)+1 > 45 {
			break
		}
		if key != "" {
			key += "_"
		}
		key += w
	}
	if key == "" {
		key = "question"
	}
	base := key
	for n := 2; taken(key); n++ {
		key = base + "_" + strconv.Itoa(n)
	}
	return key
}

// parseBound reads a bound of a scale or number question; ok is false
// when it is not a number.
func parseBound(s string) (*float64, bool) {
	if strings.TrimSpace(s) == "" {
		return nil, true
	}
	n, ok := survey.ParseNumber(s)
	if !ok {
		return nil, false
	}
	return &n, true
}

// surveyUpdate applies one change of the builder: the settings, a
// question added or changed, deleted, or moved up or down.
func (s *Server) surveyUpdate(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return errForm
	}
	sv, c, canEdit, err := s.surveyHead(r)
	if err != nil {
		return err
	}
	p := r.PostForm
	version, _ := strconv.Atoi(p.Get("version"))
	op := p.Get("op")
	var patch survey.Patch
	var qform questionForm
	var settings settingsForm
	anchor := "#questions"
	questions := slices.Clone(sv.Questions)
	indexOf := func(key string) int {
		return slices.IndexFunc(questions, func(q survey.Question) bool { return q.Key == key })
	}
	// Bounds that are not numbers are told next to their fields.
	bad := app.Fields{}
	switch op {
	case "settings":
		settings = settingsForm{Title: p.Get("title"), Intro: p.Get("intro"), Closes: p.Get("closes")}
		patch = survey.Patch{Title: &settings.Title, Intro: &settings.Intro, Closes: &settings.Closes}
		anchor = "#parametres"
	case "question":
		qform = questionForm{Orig: p.Get("orig"), Key: strings.TrimSpace(p.Get("key")), Kind: p.Get("kind"), Label: p.Get("label"),
			Required: p.Get("required") != "", Options: p.Get("options"), Min: p.Get("min"), Max: p.Get("max")}
		q := survey.Question{Key: qform.Key, Kind: qform.Kind, Label: qform.Label, Required: qform.Required}
		for _, line := range strings.Split(qform.Options, "\n") {
			if line = strings.TrimSpace(line); line != "" {
				q.Options = append(q.Options, line)
			}
		}
		var ok bool
		if q.Min, ok = parseBound(qform.Min); !ok {
			bad.Add("min", "« "+qform.Min+" » n'est pas un nombre.")
		}
		if q.Max, ok = parseBound(qform.Max); !ok {
			bad.Add("max", "« "+qform.Max+" » n'est pas un nombre.")
		}
		at := indexOf(qform.Orig)
		if qform.Orig != "" && at < 0 {
			return app.ErrNotFound
		}
		if q.Key == "" {
			q.Key = keyOf(q.Label, func(k string) bool {
				i := indexOf(k)
				return i >= 0 && i != at
			})
		}
		if at >= 0 {
			questions[at] = q
		} else {
			at = len(questions)
			questions = append(questions, q)
		}
		patch.Questions = &questions
		anchor = "#question-" + strconv.Itoa(at+1)
	case "delete", "up", "down":
		at := indexOf(p.Get("key"))
		if at < 0 {
			return app.ErrNotFound
		}
		switch {
		case op == "delete":
			questions = slices.Delete(questions, at, at+1)
			anchor = "#questions"
		case op == "up" && at > 0:
			questions[at-1], questions[at] = questions[at], questions[at-1]
			anchor = "#question-" + strconv.Itoa(at)
		case op == "down" && at < len(questions)-1:
			questions[at], questions[at+1] = questions[at+1], questions[at]
			anchor = "#question-" + strconv.Itoa(at+2)
		}
		patch.Questions = &questions
	default:
		return app.Errorf(app.EInvalid, "Action inconnue.")
	}
	if op == "question" && len(bad) > 0 {
		// Bounds that are no numbers: the rest is checked too, so that
		// every message shows at once.
		if err := (&survey.Survey{Title: sv.Title, Questions: questions}).Validate(); err != nil {
			for k, m := range questionErrors(err, indexOf(qform.Orig), len(questions)-1, qform.Orig == "") {
				bad.Add(k, m)
			}
		}
		d := newSurveyData(sv, c, canEdit)
		qform.Errors = bad
		d.Question = qform
		return s.renderStatus(w, r, http.StatusUnprocessableEntity, "survey", sv.Title+" — Questionnaire", "conventions", d)
	}
	after, err := s.db.UpdateSurvey(r.Context(), currentUser(r), sv.ID, version, patch)
	if err == nil {
		flash := "updated"
		if after.Version == sv.Version {
			flash = "nochange"
		}
		return s.redirectFlash(w, r, "/questionnaires/"+sv.ID+anchor, flash)
	}
	code := app.ErrorCode(err)
	if code != app.EInvalid && code != app.EPreconditionFailed {
		return err
	}
	d := newSurveyData(sv, c, canEdit)
	fields := app.ErrorFields(err)
	switch {
	case code == app.EPreconditionFailed:
		d.ListError = app.ErrorMessage(err)
		if op == "settings" {
			settings.Errors = map[string]string{"form": d.ListError}
			d.Settings = settings
			d.ListError = ""
		} else if op == "question" {
			qform.Errors = map[string]string{"form": d.ListError}
			d.Question = qform
			d.ListError = ""
		}
	case op == "settings":
		settings.Errors = fields
		d.Settings = settings
	case op == "question":
		qform.Errors = questionErrors(err, indexOf(qform.Orig), len(questions)-1, qform.Orig == "")
		if len(qform.Errors) == 0 {
			qform.Errors = map[string]string{"form": app.ErrorMessage(err)}
		}
		d.Question = qform
	default:
		d.ListError = fields["questions"]
		if d.ListError == "" {
			d.ListError = app.ErrorMessage(err)
		}
	}
	return s.renderStatus(w, r, statusFor(code), "survey", sv.Title+" — Questionnaire", "conventions", d)
}

// questionErrors picks the messages of one question out of the errors of
// a whole survey ("questions[3].label" → "label"): that of the edited
// question at index at, or of the one added last.
func questionErrors(err error, at, last int, added bool) map[string]string {
	if added {
		at = last
	}
	prefix := "questions[" + strconv.Itoa(at) + "]."
	out := map[string]string{}
	for k, m := range app.ErrorFields(err) {
		if f, ok := strings.CutPrefix(k, prefix); ok {
			out[f] = m
		}
	}
	return out
}

func (s *Server) surveyOpen(w http.ResponseWriter, r *http.Request) error {
	sv, err := s.db.OpenSurvey(r.Context(), currentUser(r), r.PathValue("id"))
	if err != nil {
		return err
	}
	http.Redirect(w, r, "/conventions/"+sv.Convention+"/consultation?fait=ouvert#questionnaire-"+sv.ID, http.StatusSeeOther)
	return nil
}

func (s *Server) surveyClose(w http.ResponseWriter, r *http.Request) error {
	sv, err := s.db.CloseSurvey(r.Context(), currentUser(r), r.PathValue("id"))
	if err != nil {
		return err
	}
	http.Redirect(w, r, "/conventions/"+sv.Convention+"/consultation?fait=clos#questionnaire-"+sv.ID, http.StatusSeeOther)
	return nil
}

// ---------- Paper entry ----------

// communeOption is a commune of the perimeter, for a commune question.
type communeOption struct{ Code, Name string }

type paperData struct {
	C        *convention.Convention
	S        *survey.Survey
	Communes []communeOption
	// Values are the answers typed, by key, kept when the form is refused.
	Values map[string][]string
	Errors map[string]string
	// Saved is the number of the response just stored, 0 for none.
	Saved int64
	// Closed is the reason the survey takes no answers, if any.
	Closed string
	// Bounds say the bounds of number questions, by key.
	Bounds map[string]string
}

// Value returns the single answer typed for a key.
func (d *paperData) Value(key string) string {
	if v := d.Values[key]; len(v) > 0 {
		return v[0]
	}
	return ""
}

// Chosen reports whether option was chosen for key.
func (d *paperData) Chosen(key, option string) bool { return slices.Contains(d.Values[key], option) }

// FirstKey is the key of the first question, whose field takes the focus.
func (d *paperData) FirstKey() string {
	if len(d.S.Questions) == 0 {
		return ""
	}
	return d.S.Questions[0].Key
}

// communeOptions lists the communes of a convention's perimeter by name.
func (s *Server) communeOptions(r *http.Request, conventionID string) ([]communeOption, error) {
	codes, err := s.db.PerimeterCodes(r.Context(), conventionID)
	if err != nil {
		return nil, err
	}
	out := make([]communeOption, 0, len(codes))
	for _, code := range codes {
		name := code
		if s.ref != nil {
			if c, ok := s.ref.Commune(code); ok {
				name = c.Name
			}
		}
		out = append(out, communeOption{Code: code, Name: name})
	}
	slices.SortFunc(out, func(a, b communeOption) int {
		return strings.Compare(territory.Normalize(a.Name), territory.Normalize(b.Name))
	})
	return out, nil
}

func (s *Server) paperData(r *http.Request) (*paperData, error) {
	sv, c, canEdit, err := s.surveyHead(r)
	if err != nil {
		return nil, err
	}
	if !canEdit {
		return nil, convention.CheckEdit(currentUser(r), c)
	}
	d := &paperData{C: c, S: sv, Values: map[string][]string{}, Bounds: map[string]string{}}
	for _, q := range sv.Questions {
		if q.Kind == survey.KindNumber {
			d.Bounds[q.Key] = questionView{Question: q}.Bounds()
		}
	}
	if err := sv.TakesAnswers(convention.Today(s.db.Now())); err != nil {
		d.Closed = app.ErrorMessage(err)
	}
	if d.Communes, err = s.communeOptions(r, c.ID); err != nil {
		return nil, err
	}
	return d, nil
}

func (s *Server) paperPage(w http.ResponseWriter, r *http.Request) error {
	d, err := s.paperData(r)
	if err != nil {
		return err
	}
	d.Saved, _ = strconv.ParseInt(r.URL.Query().Get("enregistree"), 10, 64)
	return s.render(w, r, "survey_paper", "Saisie papier — "+d.S.Title, "conventions", d)
}

func (s *Server) paperSave(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return errForm
	}
	d, err := s.paperData(r)
	if err != nil {
		return err
	}
	raw := map[string]any{}
	for _, q := range d.S.Questions {
		vals := r.PostForm[q.Key]
		d.Values[q.Key] = vals
		list := make([]any, 0, len(vals))
		for _, v := range vals {
			list = append(list, v)
		}
		if len(list) > 0 {
			raw[q.Key] = list
		}
	}
	resp, err := s.db.AddPaperResponse(r.Context(), s.ref, currentUser(r), d.S.ID, raw, survey.ChannelPaper)
	if err == nil {
		http.Redirect(w, r, "/questionnaires/"+d.S.ID+"/saisie?enregistree="+strconv.FormatInt(resp.ID, 10), http.StatusSeeOther)
		return nil
	}
	if survey.IsClosed(err) || errors.Is(err, survey.ErrNotOpen) {
		d.Closed = app.ErrorMessage(err)
		return s.renderStatus(w, r, http.StatusConflict, "survey_paper", "Saisie papier — "+d.S.Title, "conventions", d)
	}
	if app.ErrorCode(err) != app.EInvalid {
		return err
	}
	d.Errors = app.ErrorFields(err)
	return s.renderStatus(w, r, http.StatusUnprocessableEntity, "survey_paper", "Saisie papier — "+d.S.Title, "conventions", d)
}
