package web

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"ctg/internal/account"
	"ctg/internal/demo"
	"ctg/internal/store"
	"ctg/internal/survey"
	"ctg/internal/testdb"
)

func fptr(v float64) *float64 { return &v }

// residentSurvey asks one question of each kind.
func residentSurvey(closes string) *survey.Survey {
	return &survey.Survey{Title: "Vos besoins de familles", Closes: closes, Questions: []survey.Question{
		{Key: "age", Kind: survey.KindAge, Label: "Votre âge", Options: []string{"Moins de 25 ans", "25 à 44 ans", "45 ans et plus"}, Required: true},
		{Key: "commune", Kind: survey.KindCommune, Label: "Votre commune", Required: true},
		{Key: "modes", Kind: survey.KindMultiple, Label: "Modes de garde utilisés", Options: []string{"Crèche", "Assistante maternelle", "Famille"}},
		{Key: "enfants", Kind: survey.KindNumber, Label: "Nombre d'enfants à charge", Min: fptr(0), Max: fptr(15)},
		{Key: "satisfaction", Kind: survey.KindScale, Label: "Êtes-vous satisfait de l'offre d'accueil ?", Min: fptr(1), Max: fptr(5)},
		{Key: "situation", Kind: survey.KindSingle, Label: "Votre situation", Options: []string{"En couple", "Seul(e)"}},
		{Key: "remarques", Kind: survey.KindText, Label: "Vos remarques"},
	}}
}

// publicFixture is a server over the demonstration data with an open
// survey of the CTG Latitude Nord Gironde.
type publicFixture struct {
	db     *store.DB
	h      http.Handler
	editor *account.User
	conv   string
	survey *survey.Survey
}

func newPublicFixture(t *testing.T, rate int) *publicFixture {
	t.Helper()
	ctx := context.Background()
	db := testdb.Store(t, testdb.SQLite)
	ref := testdb.Ref(t)
	if _, err := demo.Load(ctx, db, ref); err != nil {
		t.Fatal(err)
	}
	s, err := New(Config{DB: db, Ref: ref, Log: discardLog(), PublicRate: rate})
	if err != nil {
		t.Fatal(err)
	}
	f := &publicFixture{db: db, h: s.Handler(), conv: demoConventionID(t, db, "CTG Latitude Nord Gironde 2022-2026")}
	if f.editor, err = db.UserByEmail(ctx, "conseillere@demo.ctg.fr"); err != nil {
		t.Fatal(err)
	}
	f.survey = f.open(t, residentSurvey("2099-12-31"))
	return f
}

// open creates and opens a survey.
func (f *publicFixture) open(t *testing.T, sv *survey.Survey) *survey.Survey {
	t.Helper()
	ctx := context.Background()
	if err := f.db.CreateSurvey(ctx, f.editor, f.conv, sv); err != nil {
		t.Fatal(err)
	}
	open, err := f.db.OpenSurvey(ctx, f.editor, sv.ID)
	if err != nil {
		t.Fatal(err)
	}
	return open
}

func (f *publicFixture) do(t *testing.T, method, path string, form url.Values, headers ...string) *httptest.ResponseRecorder {
	t.Helper()
	var req *http.Request
	if form != nil {
		req = httptest.NewRequest(method, path, strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	} else {
		req = httptest.NewRequest(method, path, nil)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	res := httptest.NewRecorder()
	f.h.ServeHTTP(res, req)
	return res
}

// responses counts the stored responses of a survey and their values.
func (f *publicFixture) responses(t *testing.T, surveyID string) (int, int) {
	t.Helper()
	var n, v int
	ctx := context.Background()
	if err := f.db.SQL().GetContext(ctx, &n, f.db.SQL().Rebind(`SELECT COUNT(*) FROM survey_responses WHERE survey_id = ?`), surveyID); err != nil {
		t.Fatal(err)
	}
	if err := f.db.SQL().GetContext(ctx, &v, f.db.SQL().Rebind(`SELECT COUNT(*) FROM response_values WHERE survey_id = ?`), surveyID); err != nil {
		t.Fatal(err)
	}
	return n, v
}

var nonceField = regexp.MustCompile(`name="nonce" value="([a-z2-7]{26})"`)

// formNonce opens the form and returns the nonce it carries.
func (f *publicFixture) formNonce(t *testing.T, path string) string {
	t.Helper()
	res := f.do(t, "GET", path, nil)
	if res.Code != http.StatusOK {
		t.Fatalf("GET %s: %d\n%s", path, res.Code, excerpt(res.Body.String()))
	}
	m := nonceField.FindStringSubmatch(res.Body.String())
	if m == nil {
		t.Fatalf("GET %s: no nonce in the form", path)
	}
	return m[1]
}

// goodAnswers are valid answers, with the nonce.
func goodAnswers(nonce string) url.Values {
	return url.Values{"nonce": {nonce}, "age": {"25 à 44 ans"}, "commune": {"33473"}, "modes": {"Crèche", "Famille"},
		"enfants": {"2"}, "satisfaction": {"4"}, "situation": {"En couple"}, "remarques": {"Plus de places le mercredi."}}
}

func withField(v url.Values, kv ...string) url.Values {
	out := url.Values{}
	for k, vs := range v {
		out[k] = append([]string(nil), vs...)
	}
	for i := 0; i+1 < len(kv); i += 2 {
		if kv[i+1] == "" {
			out.Del(kv[i])
		} else {
			out.Set(kv[i], kv[i+1])
		}
	}
	return out
}

func TestPublicForm(t *testing.T) {
	f := newPublicFixture(t, 0)
	path := survey.PublicPath(f.survey.Token)

	t.Run("the form", func(t *testing.T) {
		res := f.do(t, "GET", path, nil)
		body := res.Body.String()
		if res.Code != http.StatusOK {
			t.Fatalf("status %d\n%s", res.Code, excerpt(body))
		}
		checkFullPage(t, body)
		for _, want := range []string{
			"<legend>Votre âge <span class=\"required\">(obligatoire)</span></legend>",
			`type="radio" id="q-age-0" name="age" value="Moins de 25 ans"`,
			`type="checkbox" id="q-modes-1" name="modes" value="Assistante maternelle"`,
			`inputmode="decimal" id="q-enfants"`, `maxlength="2000"`,
			`<option value="33473">Saint-Savin</option>`,
			`id="q-satisfaction-4" name="satisfaction" value="5"`,
			"Responsable du traitement", "jusqu'au 31/12/2099 inclus",
		} {
			if !strings.Contains(body, want) {
				t.Errorf("the form lacks %q", want)
			}
		}
		for _, bad := range []string{"<script", "htmx", "echarts", "Se connecter"} {
			if strings.Contains(body, bad) {
				t.Errorf("the form holds %q", bad)
			}
		}
		if c := res.Header().Values("Set-Cookie"); len(c) > 0 {
			t.Errorf("the form sets cookies: %q", c)
		}
		if len(body) > 20_000 {
			t.Errorf("the form weighs %d bytes", len(body))
		}
	})

	t.Run("an answer, then the same again", func(t *testing.T) {
		nonce := f.formNonce(t, path)
		res := f.do(t, "POST", path, goodAnswers(nonce))
		if res.Code != http.StatusSeeOther || res.Header().Get("Location") != path+"/merci" {
			t.Fatalf("status %d, Location %q\n%s", res.Code, res.Header().Get("Location"), excerpt(res.Body.String()))
		}
		n, v := f.responses(t, f.survey.ID)
		if n != 1 || v != 8 {
			t.Errorf("%d responses, %d values; want 1, 8", n, v)
		}
		thanks := f.do(t, "GET", path+"/merci", nil)
		if thanks.Code != http.StatusOK || !strings.Contains(thanks.Body.String(), "bien été enregistrée") {
			t.Errorf("thank-you page: %d\n%s", thanks.Code, excerpt(thanks.Body.String()))
		}
		again := f.do(t, "POST", path, goodAnswers(nonce))
		if again.Code != http.StatusConflict || !strings.Contains(again.Body.String(), "déjà été enregistrée") {
			t.Errorf("replay: %d\n%s", again.Code, excerpt(again.Body.String()))
		}
		if n, _ := f.responses(t, f.survey.ID); n != 1 {
			t.Errorf("%d responses after the replay, want 1", n)
		}
	})

	nonce := f.formNonce(t, path)
	for _, c := range []struct {
		name   string
		form   url.Values
		status int
		want   []string
	}{
		{"a required answer missing", withField(goodAnswers(nonce), "age", ""), 422,
			[]string{"Cette question demande une réponse.", `<a href="#q-age-0">Votre âge : Cette question demande une réponse.</a>`,
				`aria-describedby="q-age-error"`, `aria-invalid="true"`, "1 réponse est à corriger",
				// The other answers are kept.
				`value="Famille" checked`, `<option value="33473" selected>`, ">Plus de places le mercredi.</textarea>", `value="` + nonce + `"`}},
		{"an option that does not exist", withField(goodAnswers(nonce), "situation", "Marié"), 422,
			[]string{"« Marié » ne fait pas partie des réponses proposées."}},
		{"a commune outside the perimeter", withField(goodAnswers(nonce), "commune", "75056"), 422,
			[]string{"ne fait pas partie du territoire de la convention", `href="#q-commune"`}},
		{"a number out of range", withField(goodAnswers(nonce), "enfants", "40"), 422,
			[]string{"La réponse doit être comprise entre 0 et 15.", `aria-describedby="q-enfants-hint q-enfants-error"`, `value="40"`}},
		{"a number in words", withField(goodAnswers(nonce), "enfants", "deux"), 422, []string{"« deux » n&#39;est pas un nombre."}},
		{"a step off the scale", withField(goodAnswers(nonce), "satisfaction", "9"), 422, []string{"comprise entre 1 et 5"}},
		{"a text of most of a megabyte", withField(goodAnswers(nonce), "remarques", strings.Repeat("a", 900_000)), 422,
			[]string{"ne doit pas dépasser 2\u00a0000 caractères (elle en compte 900000)"}},
		{"no nonce", withField(goodAnswers(nonce), "nonce", ""), 422, []string{"Le formulaire est incomplet ou a été modifié."}},
		{"a forged nonce", withField(goodAnswers(nonce), "nonce", "x' OR 1=1"), 422, []string{"Le formulaire est incomplet ou a été modifié."}},
	} {
		t.Run(c.name, func(t *testing.T) {
			before, _ := f.responses(t, f.survey.ID)
			res := f.do(t, "POST", path, c.form)
			body := res.Body.String()
			if res.Code != c.status {
				t.Fatalf("status %d, want %d\n%s", res.Code, c.status, excerpt(body))
			}
			for _, w := range c.want {
				if !strings.Contains(body, w) {
					t.Errorf("the answer lacks %q\n%s", w, excerpt(body))
				}
			}
			if len(body) > 40_000 {
				t.Errorf("the page weighs %d bytes", len(body))
			}
			if after, _ := f.responses(t, f.survey.ID); after != before {
				t.Errorf("%d responses stored, want %d", after, before)
			}
		})
	}

	t.Run("two answers to a single choice", func(t *testing.T) {
		form := goodAnswers(nonce)
		form["situation"] = []string{"En couple", "Seul(e)"}
		res := f.do(t, "POST", path, form)
		if res.Code != 422 || !strings.Contains(res.Body.String(), "Une seule réponse est attendue") {
			t.Errorf("status %d\n%s", res.Code, excerpt(res.Body.String()))
		}
	})

	t.Run("a body over the megabyte", func(t *testing.T) {
		res := f.do(t, "POST", path, withField(goodAnswers(nonce), "remarques", strings.Repeat("a", 1<<20)))
		if res.Code != http.StatusRequestEntityTooLarge || !strings.Contains(res.Body.String(), "trop volumineuse") {
			t.Errorf("status %d\n%s", res.Code, excerpt(res.Body.String()))
		}
	})

	t.Run("a body over the megabyte, length unknown", func(t *testing.T) {
		form := withField(goodAnswers(nonce), "remarques", strings.Repeat("a", 1<<20))
		req := httptest.NewRequest("POST", path, strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.ContentLength = -1
		res := httptest.NewRecorder()
		f.h.ServeHTTP(res, req)
		if res.Code != http.StatusRequestEntityTooLarge || !strings.Contains(res.Body.String(), "trop volumineux") {
			t.Errorf("status %d\n%s", res.Code, excerpt(res.Body.String()))
		}
	})

	t.Run("posted from another site", func(t *testing.T) {
		for _, h := range [][]string{{"Sec-Fetch-Site", "cross-site"}, {"Origin", "https://ailleurs.example"}} {
			res := f.do(t, "POST", path, goodAnswers(nonce), h...)
			if res.Code != http.StatusForbidden || !strings.Contains(res.Body.String(), "provient d'un autre site") {
				t.Errorf("%s: status %d\n%s", h[0], res.Code, excerpt(res.Body.String()))
			}
		}
	})

	if n, _ := f.responses(t, f.survey.ID); n != 1 {
		t.Errorf("%d responses stored in all, want 1", n)
	}

	t.Run("a closed survey", func(t *testing.T) {
		sv := f.open(t, residentSurvey(""))
		p := survey.PublicPath(sv.Token)
		nonce := f.formNonce(t, p)
		if _, err := f.db.CloseSurvey(context.Background(), f.editor, sv.ID); err != nil {
			t.Fatal(err)
		}
		for _, method := range []string{"GET", "POST"} {
			var form url.Values
			if method == "POST" {
				form = goodAnswers(nonce)
			}
			res := f.do(t, method, p, form)
			if res.Code != http.StatusGone || !strings.Contains(res.Body.String(), "Ce questionnaire est clos") {
				t.Errorf("%s: status %d\n%s", method, res.Code, excerpt(res.Body.String()))
			}
			checkFullPage(t, res.Body.String())
		}
		if n, _ := f.responses(t, sv.ID); n != 0 {
			t.Errorf("%d responses to a closed survey", n)
		}
	})

	t.Run("past its closing date", func(t *testing.T) {
		sv := f.open(t, residentSurvey("2020-06-30"))
		res := f.do(t, "GET", survey.PublicPath(sv.Token), nil)
		if res.Code != http.StatusGone || !strings.Contains(res.Body.String(), "clos le 30/06/2020") {
			t.Errorf("status %d\n%s", res.Code, excerpt(res.Body.String()))
		}
	})

	t.Run("unknown token", func(t *testing.T) {
		for _, p := range []string{"/q/inconnu", "/q/inconnu/merci"} {
			res := f.do(t, "GET", p, nil)
			if res.Code != http.StatusNotFound || !strings.Contains(res.Body.String(), "Ce questionnaire n&#39;existe pas") {
				t.Errorf("%s: status %d\n%s", p, res.Code, excerpt(res.Body.String()))
			}
		}
		res := f.do(t, "POST", "/q/inconnu", goodAnswers(nonce))
		if res.Code != http.StatusNotFound {
			t.Errorf("POST: status %d", res.Code)
		}
	})
}

func TestPublicFormFlood(t *testing.T) {
	f := newPublicFixture(t, 3)
	path := survey.PublicPath(f.survey.Token)
	for i := 1; i <= 4; i++ {
		res := f.do(t, "POST", path, goodAnswers(survey.NewToken()))
		want := http.StatusSeeOther
		if i == 4 {
			want = http.StatusTooManyRequests
		}
		if res.Code != want {
			t.Fatalf("submission %d: status %d, want %d\n%s", i, res.Code, want, excerpt(res.Body.String()))
		}
		if i == 4 && !strings.Contains(res.Body.String(), "Patientez une minute") {
			t.Errorf("429 without its message\n%s", excerpt(res.Body.String()))
		}
	}
	if n, _ := f.responses(t, f.survey.ID); n != 3 {
		t.Errorf("%d responses, want 3", n)
	}
	// Reading the form is not limited.
	if res := f.do(t, "GET", path, nil); res.Code != http.StatusOK {
		t.Errorf("GET after the flood: %d", res.Code)
	}
}

// publicFormRenderCases are the requests of TestEveryTemplateRenders for
// the public form, over the demonstration data.
func publicFormRenderCases(t *testing.T, db *store.DB) []renderCase {
	t.Helper()
	ctx := context.Background()
	editor, err := db.UserByEmail(ctx, "conseillere@demo.ctg.fr")
	if err != nil {
		t.Fatal(err)
	}
	conv := demoConventionID(t, db, "CTG Latitude Nord Gironde 2022-2026")
	open := func(closes string) *survey.Survey {
		sv := residentSurvey(closes)
		if err := db.CreateSurvey(ctx, editor, conv, sv); err != nil {
			t.Fatal(err)
		}
		o, err := db.OpenSurvey(ctx, editor, sv.ID)
		if err != nil {
			t.Fatal(err)
		}
		return o
	}
	sv, closed := open("2099-12-31"), open("2020-01-31")
	p := survey.PublicPath(sv.Token)
	nonce := survey.NewToken()
	// Public pages have their layout, not the signed-in one: they are
	// checked as fragments here, and as whole pages in TestPublicForm.
	return []renderCase{
		{name: "public form", path: p, status: 200, fragment: true, renders: []string{"q_layout.html", "q_form.html"},
			contains: []string{`<html lang="fr"`, "Votre commune"}},
		{name: "public form with errors", method: "POST", path: p, form: url.Values{"nonce": {nonce}, "enfants": {"-1"}}, status: 422, fragment: true,
			renders: []string{"q_layout.html", "q_form.html"}, contains: []string{"error-summary", "comprise entre 0 et 15"}},
		{name: "public form, thanks", path: p + "/merci", status: 200, fragment: true, renders: []string{"q_layout.html", "q_thanks.html"}},
		{name: "public form, closed", path: survey.PublicPath(closed.Token), status: 410, fragment: true,
			renders: []string{"q_layout.html", "q_message.html"}, contains: []string{"clos le 31/01/2020"}},
	}
}
