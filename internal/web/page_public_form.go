package web

import (
	"errors"
	"fmt"
	"hash/fnv"
	"html/template"
	"io/fs"
	"net/http"
	"path"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/collate"
	"golang.org/x/text/language"

	"ctg/internal/app"
	"ctg/internal/store"
	"ctg/internal/survey"
)

// The public form of a survey, /q/{token}: no sign-in and no cookie. Its
// pages have a layout of their own (q_layout.html) with the CSS only, no
// script and no navigation, so that they stay small on a cheap phone over
// a slow line. A hidden nonce, drawn for each form shown, makes a replayed
// submission refused (the store keeps one response per nonce); a counter
// in the database limits the submissions of each source address per
// minute (--public-rate).

var (
	errPublicNotFound = app.Errorf(app.ENotFound, "Ce questionnaire n'existe pas, ou il n'est pas encore ouvert. Vérifiez l'adresse qui vous a été donnée.")
	errPublicFlood    = app.Errorf(app.ETooManyRequests, "Trop de réponses ont été envoyées depuis votre connexion en peu de temps. Patientez une minute, puis envoyez à nouveau le formulaire.")
	errPublicTooLarge = app.Errorf(app.ETooLarge, "Le formulaire envoyé est trop volumineux. Raccourcissez vos réponses libres (2\u00a0000 caractères au plus chacune), puis envoyez-le à nouveau.")
	errPublicNonce    = "Le formulaire est incomplet ou a été modifié. Vérifiez vos réponses, puis envoyez-le à nouveau."
)

// nonceForm is the shape of the hidden nonce: survey.NewToken's.
var nonceForm = regexp.MustCompile(`^[a-z2-7]{26}$`)

// parsePublicTemplates parses the pages of the public form: q_layout.html
// and each other q_*.html, which defines "main".
func parsePublicTemplates() (map[string]*template.Template, error) {
	base, err := template.New("").Funcs(funcs).ParseFS(templateFS, "templates/q_layout.html")
	if err != nil {
		return nil, fmt.Errorf("web: public templates: %w", err)
	}
	files, _ := fs.Glob(templateFS, "templates/q_*.html")
	out := map[string]*template.Template{}
	for _, f := range files {
		name := strings.TrimSuffix(path.Base(f), ".html")
		if name == "q_layout" {
			continue
		}
		c, err := base.Clone()
		if err != nil {
			return nil, err
		}
		if _, err := c.ParseFS(templateFS, f); err != nil {
			return nil, fmt.Errorf("web: template %s: %w", name, err)
		}
		out[name] = c
	}
	return out, nil
}

// renderPublic renders a page of the public form in its layout.
func (s *Server) renderPublic(w http.ResponseWriter, r *http.Request, status int, name, title string, data any) error {
	t, ok := s.qtmpl[name]
	if !ok {
		return fmt.Errorf("web: no public template %q", name)
	}
	s.execute(w, status, t, name, "q_layout", page{Title: title, Demo: s.demo, Data: data})
	return nil
}

// publicMessage is the data of q_message.html.
type publicMessage struct {
	Survey  string // the survey's title, when known
	Message string
	Closed  bool
}

// publicError answers err with a page of the public form: 404, 409, 410,
// 413, 429, 500 or 503, with a French message.
func (s *Server) publicError(w http.ResponseWriter, r *http.Request, sv *survey.Survey, err error) error {
	err = classify(err)
	s.logIfInternal(r, err)
	status := statusFor(app.ErrorCode(err))
	setRetryAfter(w, status)
	msg := publicMessage{Message: app.ErrorMessage(err)}
	if sv != nil {
		msg.Survey = sv.Title
	}
	title := "Erreur"
	switch {
	case survey.IsClosed(err):
		status, title, msg.Closed = http.StatusGone, "Questionnaire clos", true
		msg.Message = "Ce questionnaire est clos : il ne reçoit plus de réponses. Merci de l'intérêt que vous lui portez."
		if sv != nil && sv.Status == survey.StatusOpen && sv.Closes != "" {
			msg.Message = "Ce questionnaire a été clos le " + funcs["date"].(func(string) string)(sv.Closes) + " : il ne reçoit plus de réponses. Merci de l'intérêt que vous lui portez."
		}
	case errors.Is(err, survey.ErrNotOpen), app.ErrorCode(err) == app.ENotFound:
		status, title, msg.Message = http.StatusNotFound, "Questionnaire introuvable", errPublicNotFound.Message
	case errors.Is(err, survey.ErrDuplicate):
		title = "Réponse déjà enregistrée"
		msg.Message = "Votre réponse a déjà été enregistrée : ce formulaire a été envoyé une seconde fois, et cet envoi n'a pas été compté à nouveau. Merci de votre participation."
	case status == http.StatusTooManyRequests:
		title = "Trop de réponses"
	case status == http.StatusRequestEntityTooLarge:
		title = "Formulaire trop volumineux"
	case status == http.StatusServiceUnavailable:
		title = "Service momentanément indisponible"
		msg.Message = "Le service est momentanément indisponible : votre réponse n'a pas été enregistrée. Réessayez dans quelques instants."
	case status == http.StatusInternalServerError:
		msg.Message = "Une erreur est survenue de notre côté : votre réponse n'a pas été enregistrée. Réessayez dans quelques instants."
	}
	return s.renderPublic(w, r, status, "q_message", title, msg)
}

// publicSurvey loads the survey of the token of the path; a draft or an
// unknown token is not found.
func (s *Server) publicSurvey(r *http.Request) (*survey.Survey, error) {
	sv, err := s.db.SurveyByToken(r.Context(), r.PathValue("token"))
	if err != nil {
		return nil, err
	}
	if sv.Status == survey.StatusDraft {
		return nil, errPublicNotFound
	}
	return sv, nil
}

// publicQuestion is one question as the form shows it.
type publicQuestion struct {
	survey.Question
	ID       string // of the first field, which the error summary links to
	Error    string
	Values   []string // what was typed or chosen, kept when the form comes back
	Steps    []string
	Communes []publicCommune
}

type publicCommune struct{ Code, Name string }

// Base is what the ids of the question's hint and error start with.
func (q publicQuestion) Base() string { return "q-" + q.Key }

// DescribedBy lists the ids of the hint and the error of the question.
func (q publicQuestion) DescribedBy() string {
	var ids []string
	if q.Hint() != "" {
		ids = append(ids, q.Base()+"-hint")
	}
	if q.Error != "" {
		ids = append(ids, q.Base()+"-error")
	}
	return strings.Join(ids, " ")
}

// FieldID is the id of the field of option i (radio buttons and boxes).
func (q publicQuestion) FieldID(i int) string { return q.Base() + "-" + strconv.Itoa(i) }

// Has reports whether v was chosen.
func (q publicQuestion) Has(v string) bool { return slices.Contains(q.Values, v) }

// Value is the single value typed.
func (q publicQuestion) Value() string {
	if len(q.Values) == 0 {
		return ""
	}
	return q.Values[0]
}

// Hint describes what a question expects, for aria-describedby.
func (q publicQuestion) Hint() string {
	switch q.Kind {
	case survey.KindMultiple:
		return "Plusieurs réponses possibles."
	case survey.KindNumber:
		switch {
		case q.Min != nil && q.Max != nil:
			return "Un nombre de " + survey.FormatNumber(*q.Min) + " à " + survey.FormatNumber(*q.Max) + "."
		case q.Min != nil:
			return "Un nombre, au moins " + survey.FormatNumber(*q.Min) + "."
		case q.Max != nil:
			return "Un nombre, au plus " + survey.FormatNumber(*q.Max) + "."
		}
		return "Un nombre."
	case survey.KindText:
		return "2\u00a0000 caractères au plus. N'indiquez ni nom, ni adresse, ni téléphone."
	case survey.KindScale:
		return "De " + survey.FormatNumber(*q.Min) + " (le moins) à " + survey.FormatNumber(*q.Max) + " (le plus)."
	}
	return ""
}

// publicFormData is the data of q_form.html.
type publicFormData struct {
	Survey    *survey.Survey
	Action    string
	Nonce     string
	Message   string // a message for the whole form
	Questions []publicQuestion
	Errors    []publicQuestion // the questions in error, for the summary
	Paras     []string         // the intro, paragraph by paragraph
}

// publicForm prepares the form of sv with the values typed and the
// messages of an invalid submission, if any; communes are the choices of
// its commune questions.
func publicForm(sv *survey.Survey, communes []publicCommune, values map[string][]string, bad map[string]string, nonce string) *publicFormData {
	d := &publicFormData{Survey: sv, Action: survey.PublicPath(sv.Token), Nonce: nonce}
	for p := range strings.SplitSeq(sv.Intro, "\n\n") {
		if p = strings.TrimSpace(p); p != "" {
			d.Paras = append(d.Paras, p)
		}
	}
	for i, q := range sv.Questions {
		pq := publicQuestion{Question: q, ID: "q-" + q.Key, Error: bad[q.Key]}
		for _, v := range values[q.Key] {
			if v = strings.TrimSpace(v); v != "" {
				if q.Kind == survey.KindText && utf8.RuneCountInString(v) > survey.MaxTextAnswer {
					// Give back what the field may hold, not a megabyte.
					v = string([]rune(v)[:survey.MaxTextAnswer])
				}
				pq.Values = append(pq.Values, v)
			}
		}
		if q.HasOptions() || q.Kind == survey.KindScale {
			pq.ID = pq.FieldID(0)
		}
		for _, st := range q.ScaleSteps() {
			pq.Steps = append(pq.Steps, strconv.Itoa(st))
		}
		if q.Kind == survey.KindCommune {
			pq.Communes = communes
		}
		d.Questions = append(d.Questions, pq)
		if pq.Error != "" {
			d.Errors = append(d.Errors, d.Questions[i])
		}
	}
	return d
}

func hasCommuneQuestion(sv *survey.Survey) bool {
	return slices.ContainsFunc(sv.Questions, func(q survey.Question) bool { return q.Kind == survey.KindCommune })
}

// perimeterChoices lists the communes of the perimeter of a survey's
// convention by name, in French alphabetical order, when a question asks
// for one.
func (s *Server) perimeterChoices(r *http.Request, sv *survey.Survey) ([]publicCommune, error) {
	if !hasCommuneQuestion(sv) {
		return nil, nil
	}
	codes, err := s.db.PerimeterCodes(r.Context(), sv.Convention)
	if err != nil {
		return nil, err
	}
	out := make([]publicCommune, 0, len(codes))
	for _, code := range codes {
		name := code
		if s.ref != nil {
			if c, ok := s.ref.Commune(code); ok {
				name = c.Name
			}
		}
		out = append(out, publicCommune{Code: code, Name: name})
	}
	col := collate.New(language.French, collate.Loose)
	slices.SortFunc(out, func(a, b publicCommune) int { return col.CompareString(a.Name, b.Name) })
	return out, nil
}

func (s *Server) publicFormPage(w http.ResponseWriter, r *http.Request) error {
	sv, err := s.publicSurvey(r)
	if err != nil {
		return s.publicError(w, r, nil, err)
	}
	if err := sv.TakesAnswers(s.today()); err != nil {
		return s.publicError(w, r, sv, err)
	}
	communes, err := s.perimeterChoices(r, sv)
	if err != nil {
		return s.publicError(w, r, sv, err)
	}
	key := blankFormKey(sv, communes)
	c, ok := s.qcache.Load(key)
	if !ok {
		if c, err = s.renderBlankForm(r, sv, communes); err != nil {
			return s.publicError(w, r, sv, err)
		}
		if s.qcached.Add(1) > maxBlankForms {
			s.qcache.Clear()
			s.qcached.Store(1)
		}
		s.qcache.Store(key, c)
	}
	f := c.(*blankForm)
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Content-Length", strconv.Itoa(len(f.head)+len(f.tail)+26))
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(f.head)
	_, _ = w.Write([]byte(survey.NewToken()))
	_, _ = w.Write(f.tail)
	return nil
}

// A blank form is the same page for every respondent but for its nonce:
// it is rendered once, then served with a new nonce between its two
// halves. Rendering it was a third of the processor a respondent cost. The
// key holds all that the page shows: the survey's id and version (an open
// survey's questions no longer change), its closing date, and the
// perimeter's communes.
type blankForm struct{ head, tail []byte }

// maxBlankForms bounds the blank forms kept: past it, all are forgotten.
const maxBlankForms = 256

// noncePlaceholder stands for the nonce in the blank form: "0" and "1" are
// not base32, so that it cannot be a real nonce.
const noncePlaceholder = "01010101010101010101010101"

func blankFormKey(sv *survey.Survey, communes []publicCommune) string {
	h := fnv.New64a()
	for _, c := range communes {
		h.Write([]byte(c.Code))
		h.Write([]byte{0})
	}
	return sv.ID + "/" + strconv.Itoa(sv.Version) + "/" + sv.Closes + "/" + strconv.FormatUint(h.Sum64(), 36)
}

func (s *Server) renderBlankForm(r *http.Request, sv *survey.Survey, communes []publicCommune) (*blankForm, error) {
	t, ok := s.qtmpl["q_form"]
	if !ok {
		return nil, fmt.Errorf("web: no public template q_form")
	}
	var b strings.Builder
	if err := t.ExecuteTemplate(&b, "q_layout", page{Title: sv.Title, Demo: s.demo, Data: publicForm(sv, communes, nil, nil, noncePlaceholder)}); err != nil {
		return nil, fmt.Errorf("web: blank form: %w", err)
	}
	head, tail, ok := strings.Cut(b.String(), noncePlaceholder)
	if !ok || strings.Contains(tail, noncePlaceholder) {
		return nil, fmt.Errorf("web: blank form: the nonce must show once")
	}
	return &blankForm{head: []byte(head), tail: []byte(tail)}, nil
}

func (s *Server) publicFormSubmit(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	if s.publicRate > 0 {
		var ok bool
		err := s.queueWrite(func() (err error) {
			ok, err = s.db.Hit(ctx, "q:"+s.clientAddress(r), s.publicRate)
			return err
		})
		if err != nil {
			return s.publicError(w, r, nil, err)
		}
		if !ok {
			return s.publicError(w, r, nil, errPublicFlood)
		}
	}
	sv, err := s.publicSurvey(r)
	if err != nil {
		return s.publicError(w, r, nil, err)
	}
	if err := sv.TakesAnswers(s.today()); err != nil {
		return s.publicError(w, r, sv, err)
	}
	if err := r.ParseForm(); err != nil {
		if _, ok := errors.AsType[*http.MaxBytesError](err); ok {
			return s.publicError(w, r, sv, errPublicTooLarge)
		}
		return s.publicError(w, r, sv, app.Invalid(errPublicNonce, nil))
	}
	nonce := r.PostForm.Get("nonce")
	if !nonceForm.MatchString(nonce) {
		communes, err := s.perimeterChoices(r, sv)
		if err != nil {
			return s.publicError(w, r, sv, err)
		}
		d := publicForm(sv, communes, r.PostForm, nil, survey.NewToken())
		d.Message = errPublicNonce
		return s.renderPublic(w, r, http.StatusUnprocessableEntity, "q_form", "Réponses à vérifier · "+sv.Title, d)
	}
	var communes survey.Commune
	if hasCommuneQuestion(sv) {
		if communes, err = s.db.PerimeterCommunes(ctx, s.ref, sv.Convention); err != nil {
			return s.publicError(w, r, sv, err)
		}
	}
	answers, err := sv.Check(r.PostForm, communes)
	if err != nil {
		bad := app.ErrorFields(err)
		if bad == nil {
			return s.publicError(w, r, sv, err)
		}
		communes, err := s.perimeterChoices(r, sv)
		if err != nil {
			return s.publicError(w, r, sv, err)
		}
		d := publicForm(sv, communes, r.PostForm, bad, nonce)
		return s.renderPublic(w, r, http.StatusUnprocessableEntity, "q_form", "Réponses à corriger · "+sv.Title, d)
	}
	if err := s.addPublicResponse(r, sv, answers, nonce); err != nil {
		return s.publicError(w, r, sv, err)
	}
	http.Redirect(w, r, survey.PublicPath(sv.Token)+"/merci", http.StatusSeeOther)
	return nil
}

// addPublicResponse stores a response.
func (s *Server) addPublicResponse(r *http.Request, sv *survey.Survey, a survey.Answers, nonce string) error {
	return s.queueWrite(func() error {
		_, err := s.db.AddResponse(r.Context(), sv, a, survey.ChannelWeb, nonce)
		return err
	})
}

// queueWrite runs a write of the public form. SQLite has one writer at a
// time, and a connection that finds the write lock taken sleeps in its
// busy handler (milliseconds, growing) before it tries again: under a
// crowd of respondents, most of the time went in those sleeps. Queued
// here instead, the writes of this process follow one another without a
// pause. PostgreSQL writes in parallel and needs no queue.
func (s *Server) queueWrite(fn func() error) error {
	if s.db.Dialect == store.SQLite {
		s.qwrite.Lock()
		defer s.qwrite.Unlock()
	}
	return fn()
}

func (s *Server) publicFormThanks(w http.ResponseWriter, r *http.Request) error {
	sv, err := s.publicSurvey(r)
	if err != nil {
		return s.publicError(w, r, nil, err)
	}
	return s.renderPublic(w, r, http.StatusOK, "q_thanks", "Merci · "+sv.Title, sv)
}
