package web

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"ctg/internal/account"
	"ctg/internal/convention"
	"ctg/internal/store"
	"ctg/internal/survey"
	"ctg/internal/testdb"
)

// surveyRenderCases are the requests of TestEveryTemplateRenders for the
// pages of the consultation, over the demonstration data and three surveys
// made for them: a draft, an open one with answers, and one of a
// convention the reader does not see.
func surveyRenderCases(t *testing.T, db *store.DB, advisor, reader string) []renderCase {
	t.Helper()
	ctx := context.Background()
	admin, err := db.UserByEmail(ctx, "admin@demo.ctg.fr")
	if err != nil {
		t.Fatal(err)
	}
	id := demoConventionID(t, db, "CTG Latitude Nord Gironde 2027-2031")
	bordeaux := demoConventionID(t, db, "CTG Bordeaux 2023-2027")
	draft := mustSurvey(t, db, admin, id, "Brouillon des besoins des familles", false, "age", "household")
	open := mustSurvey(t, db, admin, id, "Vos besoins de familles", true, "age", "commune", "satisfaction", "needs")
	other := mustSurvey(t, db, admin, bordeaux, "Questionnaire bordelais", true, "age")
	for _, a := range []map[string]any{
		{"age": "26-45 ans", "commune": "33473", "satisfaction_loisirs": 4, "besoins": []any{"Petite enfance", "Jeunesse"}, "besoins_precisions": "Une crèche de plus"},
		{"age": "46-60 ans", "commune": "33473", "satisfaction_loisirs": 2},
	} {
		if _, err := db.AddPaperResponse(ctx, nil, admin, open.ID, a, ""); err != nil {
			t.Fatal(err)
		}
	}
	form := func(kv ...string) url.Values {
		v := url.Values{}
		for i := 0; i+1 < len(kv); i += 2 {
			v.Add(kv[i], kv[i+1])
		}
		return v
	}
	q := "/questionnaires/"
	return []renderCase{
		{name: "surveys", who: advisor, path: "/conventions/" + id + "/consultation", status: 200, renders: []string{"surveys.html"},
			contains: []string{"Vos besoins de familles", "Brouillon des besoins des familles", open.PublicURL + `"`, "Créer le questionnaire"}},
		{name: "surveys, creation refused", who: advisor, method: "POST", path: "/conventions/" + id + "/consultation", form: form("title", " ", "templates", "age"),
			status: 422, renders: []string{"surveys.html", "partials/form.html"}, contains: []string{`id="fn-title-error"`, `value="age" aria-describedby="fn-templates-hint" checked`}},
		{name: "surveys of the reader", who: reader, path: "/conventions/" + id + "/consultation", status: 200, renders: []string{"surveys.html"},
			contains: []string{"Vos besoins de familles"}, lacks: []string{"Créer le questionnaire", "/ouvrir", "/clore"}},
		{name: "surveys of another", who: reader, path: "/conventions/" + bordeaux + "/consultation", status: 404, renders: []string{"error.html"}},
		{name: "survey builder", who: advisor, path: q + draft.ID, status: 200, renders: []string{"survey.html"},
			contains: []string{"Ajouter une question", "Enregistrer la présentation", "Responsable du traitement", "Monter"}},
		{name: "survey builder, editing a question", who: advisor, path: q + draft.ID + "?modifier=foyer", status: 200, renders: []string{"survey.html"},
			contains: []string{`name="orig" value="foyer"`, "Couple sans enfant\nCouple avec enfant(s)", "Enregistrer la question"}},
		{name: "survey builder, question refused", who: advisor, method: "POST", path: q + draft.ID,
			form:   form("op", "question", "version", "1", "kind", "scale", "label", "Votre satisfaction", "min", "un", "max", "5"),
			status: 422, renders: []string{"survey.html", "partials/form.html"}, contains: []string{`id="fq-min-error"`, `value="Votre satisfaction"`, `value="un"`}},
		{name: "survey open, read only", who: advisor, path: q + open.ID, status: 200, renders: []string{"survey.html"},
			contains: []string{open.PublicURL, "ne peuvent plus changer"}, lacks: []string{"Ajouter une question"}},
		{name: "survey of the reader", who: reader, path: q + draft.ID, status: 200, renders: []string{"survey.html"},
			lacks: []string{"Ajouter une question", "Ouvrir aux réponses"}},
		{name: "survey of another", who: reader, path: q + other.ID, status: 404, renders: []string{"error.html"}},
		{name: "survey change refused to a reader", who: reader, method: "POST", path: q + draft.ID, form: form("op", "delete", "key", "age", "version", "1"),
			status: 403, renders: []string{"error.html"}},
		{name: "paper entry", who: advisor, path: q + open.ID + "/saisie", status: 200, renders: []string{"survey_paper.html"},
			contains: []string{"Enregistrer et saisir le suivant", `id="fp-age" autofocus`, `<option value="33473">Saint-Savin</option>`}},
		{name: "paper entry saved", who: advisor, path: q + open.ID + "/saisie?enregistree=12", status: 200, renders: []string{"survey_paper.html"},
			contains: []string{"Réponse papier n° 12 enregistrée"}},
		{name: "paper entry refused", who: advisor, method: "POST", path: q + open.ID + "/saisie",
			form: form("age", "26-45 ans", "satisfaction_loisirs", "9", "besoins_precisions", "Des horaires élargis"), status: 422,
			renders:  []string{"survey_paper.html", "partials/form.html"},
			contains: []string{`id="fp-commune-error"`, `id="fp-satisfaction_loisirs-error"`, `value="26-45 ans" checked`, "Des horaires élargis"}},
		{name: "paper entry of a draft", who: advisor, path: q + draft.ID + "/saisie", status: 200, renders: []string{"survey_paper.html"},
			contains: []string{"Saisie impossible"}},
		{name: "paper entry refused to a reader", who: reader, path: q + open.ID + "/saisie", status: 403, renders: []string{"error.html"}},
		{name: "survey results", who: advisor, path: q + open.ID + "/resultats?lignes=age&colonnes=commune", status: 200, renders: []string{"survey_results.html"},
			contains: []string{`id="chart-q1"`, `id="crosstab"`, "Une crèche de plus", `id="mean-satisfaction_loisirs" class="mean">3<`, "Saint-Savin (33473)"}},
		{name: "survey results, filtered", who: advisor, path: q + open.ID + "/resultats?filter=age:46-60+ans&recherche=creche", status: 200,
			renders: []string{"survey_results.html"}, contains: []string{`<dd id="total-responses">1</dd>`, "Aucune réponse libre ne contient"}},
		{name: "survey results, bad filter", who: advisor, path: q + open.ID + "/resultats?filter=age&lignes=age&colonnes=age", status: 422,
			renders: []string{"survey_results.html", "partials/form.html"}, contains: []string{`id="f-filter-error"`, `id="x-cols-error"`}},
		{name: "survey results, counts (htmx)", who: advisor, path: q + open.ID + "/resultats?commune=33473", headers: []string{"HX-Request", "true"},
			status: 200, fragment: true, renders: []string{"survey_results.html"}, contains: []string{`<dd id="paper-responses">2</dd>`}, lacks: []string{"<html", "crosstab"}},
		{name: "survey results of a draft", who: reader, path: q + draft.ID + "/resultats", status: 200, renders: []string{"survey_results.html"},
			contains: []string{"pas encore ouvert"}},
		{name: "survey results CSV", who: reader, path: q + open.ID + "/resultats.csv", status: 200, kind: "text/csv",
			contains: []string{"age;Quel âge avez-vous ?;26-45 ans;1;50;2;"}},
		{name: "survey results of another", who: reader, path: q + other.ID + "/resultats", status: 404, renders: []string{"error.html"}},
	}
}

// mustSurvey creates a survey of the ready-made sets named, opened when
// open is set.
func mustSurvey(t *testing.T, db *store.DB, u *account.User, conventionID, title string, open bool, sets ...string) *survey.Survey {
	t.Helper()
	ctx := context.Background()
	sv := &survey.Survey{Title: title}
	for _, tpl := range survey.Templates() {
		for _, code := range sets {
			if tpl.Code == code {
				sv.Questions = append(sv.Questions, tpl.Questions...)
			}
		}
	}
	if err := db.CreateSurvey(ctx, u, conventionID, sv); err != nil {
		t.Fatal(err)
	}
	if open {
		var err error
		if sv, err = db.OpenSurvey(ctx, u, sv.ID); err != nil {
			t.Fatal(err)
		}
	}
	return sv
}

// TestSurveyPages follows a survey through its pages without a browser:
// built question by question with a refused change kept, reordered,
// opened, answered on paper, read in results and crosstabs, closed; a
// reader sees it but changes nothing, an outsider does not see it.
func TestSurveyPages(t *testing.T) {
	ctx := context.Background()
	ref := testdb.Ref(t)
	db := testdb.Open(t, testdb.DSN(t, testdb.SQLite))
	cc := &account.Organisation{Name: "CC Latitude Nord Gironde", Kind: "epci", Territory: "243301181"}
	elsewhere := &account.Organisation{Name: "Commune de Bordeaux", Kind: "commune", Territory: "33063"}
	for _, o := range []*account.Organisation{cc, elsewhere} {
		if err := db.CreateOrganisation(ctx, o, nil); err != nil {
			t.Fatal(err)
		}
	}
	const password = "motdepasse-de-test"
	editor, err := db.CreateUser(ctx, account.NewUser{Email: "coordination@cc.fr", Name: "Coordination", OrgID: cc.ID, Role: account.RoleEditor, Password: password}, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range []account.NewUser{
		{Email: "elu@cc.fr", Name: "Élu", OrgID: cc.ID, Role: account.RoleReader, Password: password},
		{Email: "agent@bordeaux.fr", Name: "Agent", OrgID: elsewhere.ID, Role: account.RoleEditor, Password: password},
	} {
		if _, err := db.CreateUser(ctx, n, nil); err != nil {
			t.Fatal(err)
		}
	}
	c := &convention.Convention{Kind: "ctg", Title: "CTG Latitude Nord Gironde 2027-2031", CAF: "caf-33", Start: "2027-01-01", End: "2031-12-31",
		Perimeter: convention.Perimeter{EPCIs: []string{"243301181"}}, Parties: []string{cc.ID}}
	if err := db.CreateConvention(ctx, ref, editor, c); err != nil {
		t.Fatal(err)
	}
	s, err := New(Config{DB: db, Ref: ref, Log: discardLog()})
	if err != nil {
		t.Fatal(err)
	}
	h := s.Handler()
	who := signInThroughForm(t, h, "coordination@cc.fr", password)
	reader := signInThroughForm(t, h, "elu@cc.fr", password)
	outsider := signInThroughForm(t, h, "agent@bordeaux.fr", password)

	send := func(as, method, path string, v url.Values) (int, string, string) {
		t.Helper()
		res := serve(h, renderCase{who: as, method: method, path: path, form: v})
		return res.Code, res.Body.String(), res.Header().Get("Location")
	}
	post := func(path string, v url.Values) (int, string, string) { t.Helper(); return send(who, "POST", path, v) }
	get := func(path string) string {
		t.Helper()
		code, body, _ := send(who, "GET", path, nil)
		if code != http.StatusOK {
			t.Fatalf("GET %s: %d\n%s", path, code, excerpt(body))
		}
		return body
	}
	stored := func(id string) *survey.Survey {
		t.Helper()
		sv, err := db.Survey(ctx, editor, id)
		if err != nil {
			t.Fatal(err)
		}
		return sv
	}
	keys := func(sv *survey.Survey) string {
		var k []string
		for _, q := range sv.Questions {
			k = append(k, q.Key)
		}
		return strings.Join(k, ",")
	}

	// A survey from the age set, titled.
	list := "/conventions/" + c.ID + "/consultation"
	code, _, loc := post(list, url.Values{"title": {"Vos besoins de familles"}, "templates": {"age"}})
	if code != http.StatusSeeOther || !strings.HasPrefix(loc, "/questionnaires/") {
		t.Fatalf("create: %d to %q", code, loc)
	}
	page, _, _ := strings.Cut(loc, "?")
	id := strings.TrimPrefix(page, "/questionnaires/")
	sv := stored(id)
	if keys(sv) != "age" || sv.Intro != survey.DefaultIntro || sv.Status != survey.StatusDraft {
		t.Fatalf("created: %+v", sv)
	}
	if body := get(page); !strings.Contains(body, "Responsable du traitement") || !strings.Contains(body, "Ajouter une question") {
		t.Errorf("the builder lacks the intro or the question form\n%s", excerpt(body))
	}

	// A scale whose bounds are words comes back filled in, nothing stored.
	scale := url.Values{"op": {"question"}, "version": {"1"}, "kind": {"scale"}, "label": {"Êtes-vous satisfait des accueils de loisirs ?"},
		"required": {"1"}, "min": {"un"}, "max": {"5"}}
	code, body, _ := post(page, scale)
	if code != http.StatusUnprocessableEntity {
		t.Fatalf("scale with words: %d", code)
	}
	for _, want := range []string{`id="fq-min-error"`, `value="un"`, `value="Êtes-vous satisfait des accueils de loisirs ?"`, `<option value="scale" selected>`, `name="required" value="1" checked`} {
		if !strings.Contains(body, want) {
			t.Errorf("the refused question form lacks %s", want)
		}
	}
	if stored(id).Version != 1 {
		t.Fatalf("a refused question changed the survey")
	}
	// Corrected: its key comes from its label.
	scale.Set("min", "1")
	if code, _, loc := post(page, scale); code != http.StatusSeeOther || loc != page+"#question-2" {
		t.Fatalf("scale: %d to %q", code, loc)
	}
	if sv := stored(id); keys(sv) != "age,etes_vous_satisfait_des_accueils_de_loisirs" || sv.Version != 2 {
		t.Fatalf("after adding the scale: %s v%d", keys(sv), sv.Version)
	}
	// A commune question, then a stale form: 412, kept.
	if code, _, _ := post(page, url.Values{"op": {"question"}, "version": {"2"}, "kind": {"commune"}, "label": {"Votre commune"}, "key": {"commune"}}); code != http.StatusSeeOther {
		t.Fatalf("commune question: %d", code)
	}
	code, body, _ = post(page, url.Values{"op": {"question"}, "version": {"2"}, "kind": {"text"}, "label": {"Vos remarques"}, "key": {"remarques"}})
	if code != http.StatusPreconditionFailed || !strings.Contains(body, `value="Vos remarques"`) || !strings.Contains(body, "modifié entre-temps") {
		t.Fatalf("stale form: %d\n%s", code, excerpt(body))
	}
	if code, _, _ := post(page, url.Values{"op": {"question"}, "version": {"3"}, "kind": {"text"}, "label": {"Vos remarques"}, "key": {"remarques"}}); code != http.StatusSeeOther {
		t.Fatalf("text question: %d", code)
	}
	// An option list of one: the message names the options.
	code, body, _ = post(page, url.Values{"op": {"question"}, "version": {"4"}, "kind": {"single"}, "label": {"Mode de garde"}, "options": {"Crèche"}})
	if code != http.StatusUnprocessableEntity || !strings.Contains(body, `id="fq-options-error"`) || !strings.Contains(body, ">Crèche</textarea>") {
		t.Fatalf("single with one option: %d\n%s", code, excerpt(body))
	}
	// Reordered: the commune first.
	if code, _, loc := post(page, url.Values{"op": {"up"}, "key": {"commune"}, "version": {"4"}}); code != http.StatusSeeOther || loc != page+"#question-2" {
		t.Fatalf("up: %d to %q", code, loc)
	}
	if code, _, _ := post(page, url.Values{"op": {"up"}, "key": {"commune"}, "version": {"5"}}); code != http.StatusSeeOther {
		t.Fatalf("up again: %d", code)
	}
	if code, _, _ := post(page, url.Values{"op": {"down"}, "key": {"remarques"}, "version": {"6"}}); code != http.StatusSeeOther {
		t.Fatalf("down the last: %d", code)
	}
	sv = stored(id)
	if keys(sv) != "commune,age,etes_vous_satisfait_des_accueils_de_loisirs,remarques" {
		t.Fatalf("order: %s", keys(sv))
	}
	// The edit form of a question, and a change of its label.
	if body := get(page + "?modifier=remarques"); !strings.Contains(body, `name="orig" value="remarques"`) {
		t.Errorf("no edit form for remarques")
	}
	if code, _, _ := post(page, url.Values{"op": {"question"}, "orig": {"remarques"}, "version": {"6"}, "kind": {"text"}, "label": {"Vos remarques et idées"}, "key": {"remarques"}}); code != http.StatusSeeOther {
		t.Fatalf("edit: %d", code)
	}
	if q, _ := stored(id).Question("remarques"); q == nil || q.Label != "Vos remarques et idées" {
		t.Fatalf("edited: %+v", q)
	}
	// Settings with a bad date come back.
	code, body, _ = post(page, url.Values{"op": {"settings"}, "version": {"7"}, "title": {"Vos besoins"}, "intro": {"Texte"}, "closes": {"fin juin"}})
	if code != http.StatusUnprocessableEntity || !strings.Contains(body, `id="fs-closes-error"`) || !strings.Contains(body, `value="fin juin"`) {
		t.Fatalf("bad closing date: %d\n%s", code, excerpt(body))
	}

	// A number, with bounds, at the end.
	if code, _, _ := post(page, url.Values{"op": {"question"}, "version": {"7"}, "kind": {"number"}, "label": {"Combien d'enfants vivent chez vous ?"},
		"key": {"nb_enfants"}, "min": {"0"}, "max": {"12"}}); code != http.StatusSeeOther {
		t.Fatalf("number question: %d", code)
	}

	// The reader sees, but every POST is refused; the outsider sees nothing.
	if code, body, _ := send(reader, "GET", page, nil); code != http.StatusOK || strings.Contains(body, "Ajouter une question") {
		t.Errorf("reader's builder: %d", code)
	}
	for _, p := range []struct {
		path string
		v    url.Values
	}{
		{list, url.Values{"title": {"Autre"}}},
		{page, url.Values{"op": {"delete"}, "key": {"age"}, "version": {"8"}}},
		{page + "/ouvrir", nil},
		{page + "/clore", nil},
		{page + "/saisie", url.Values{"age": {"26-45 ans"}}},
	} {
		if code, _, _ := send(reader, "POST", p.path, p.v); code != http.StatusForbidden {
			t.Errorf("reader POST %s: %d, want 403", p.path, code)
		}
		if code, _, _ := send(outsider, "POST", p.path, p.v); code != http.StatusNotFound {
			t.Errorf("outsider POST %s: %d, want 404", p.path, code)
		}
	}
	for _, p := range []string{list, page, page + "/saisie", page + "/resultats"} {
		if code, _, _ := send(outsider, "GET", p, nil); code != http.StatusNotFound {
			t.Errorf("outsider GET %s: %d, want 404", p, code)
		}
	}

	// Opened from the list.
	if code, _, loc := post(page+"/ouvrir", nil); code != http.StatusSeeOther || !strings.HasPrefix(loc, list+"?fait=ouvert") {
		t.Fatalf("open: %d to %q", code, loc)
	}
	sv = stored(id)
	if sv.Status != survey.StatusOpen || sv.PublicURL == "" {
		t.Fatalf("opened: %+v", sv)
	}
	if body := get(list + "?fait=ouvert"); !strings.Contains(body, `value="http://example.com`+sv.PublicURL+`"`) || !strings.Contains(body, "Le questionnaire est ouvert") {
		t.Errorf("the list lacks the public link\n%s", excerpt(body))
	}
	if code, _, _ := post(page, url.Values{"op": {"delete"}, "key": {"age"}, "version": {"9"}}); code != http.StatusConflict {
		t.Errorf("change to an open survey: %d, want 409", code)
	}

	// Paper entry: a refused one keeps what was typed and stores nothing.
	entry := page + "/saisie"
	body = get(entry)
	if !strings.Contains(body, `id="fp-commune" name="commune" autofocus`) {
		t.Errorf("the first field has no focus\n%s", excerpt(body))
	}
	if !strings.Contains(body, `<span class="hint" id="fp-nb_enfants-hint">Un nombre de 0 à 12.</span>`) {
		t.Errorf("the number question does not say its bounds")
	}
	code, body, _ = post(entry, url.Values{"commune": {"33063"}, "age": {"26-45 ans"}, "etes_vous_satisfait_des_accueils_de_loisirs": {"4"}, "remarques": {"Plus de places"}})
	if code != http.StatusUnprocessableEntity {
		t.Fatalf("paper outside the perimeter: %d", code)
	}
	for _, want := range []string{`id="fp-commune-error"`, "ne fait pas partie du territoire", `value="26-45 ans" checked`, `value="4" checked`, ">Plus de places</textarea>"} {
		if !strings.Contains(body, want) {
			t.Errorf("the refused paper form lacks %s", want)
		}
	}
	if res, _ := db.Results(ctx, editor, id, survey.Filter{}); res.Responses != 0 {
		t.Fatalf("a refused paper response was stored")
	}
	answers := []url.Values{
		{"commune": {"33473"}, "age": {"26-45 ans"}, "etes_vous_satisfait_des_accueils_de_loisirs": {"4"}, "remarques": {"Plus de places en crèche"}, "nb_enfants": {"2"}},
		{"commune": {"33473"}, "age": {"26-45 ans"}, "etes_vous_satisfait_des_accueils_de_loisirs": {"2"}, "nb_enfants": {"1"}},
		{"commune": {"33233"}, "age": {"46-60 ans"}, "etes_vous_satisfait_des_accueils_de_loisirs": {"5"}, "remarques": {"Un accueil le mercredi"}},
	}
	for i, a := range answers {
		code, _, loc := post(entry, a)
		if code != http.StatusSeeOther || !strings.HasPrefix(loc, entry+"?enregistree=") {
			t.Fatalf("paper %d: %d to %q", i, code, loc)
		}
		if i == 0 {
			if body := get(loc); !strings.Contains(body, "Réponse papier n° "+strings.TrimPrefix(loc, entry+"?enregistree=")+" enregistrée") || strings.Contains(body, "checked") {
				t.Errorf("after saving, the form is not empty or says nothing\n%s", excerpt(body))
			}
		}
	}
	res, err := db.Results(ctx, editor, id, survey.Filter{})
	if err != nil || res.Responses != 3 || res.ByChannel[survey.ChannelPaper] != 3 {
		t.Fatalf("stored: %+v %v", res, err)
	}

	// Results: exact counts, percents and mean.
	body = get(page + "/resultats")
	for _, want := range []string{
		`<dd id="paper-responses">3</dd>`,
		"<tr><th scope=\"row\">26-45 ans</th><td class=\"num\">2</td><td class=\"num\">66,7\u00a0%</td></tr>",
		"<tr><th scope=\"row\">46-60 ans</th><td class=\"num\">1</td><td class=\"num\">33,3\u00a0%</td></tr>",
		"<tr><th scope=\"row\">Saint-Savin (33473)</th><td class=\"num\">2</td>",
		`id="mean-etes_vous_satisfait_des_accueils_de_loisirs" class="mean">3,67<`,
		`id="mean-nb_enfants" class="mean">1,5<`,
		"Plus de places en crèche", "Un accueil le mercredi",
		"/api/v1/surveys/" + id + "/responses.csv", "/api/v1/surveys/" + id + "/responses.xlsx",
	} {
		if !strings.Contains(body, want) {
			t.Errorf("the results lack %q", want)
		}
	}
	// Filtered by commune, searched, crossed.
	body = get(page + "/resultats?commune=33473&recherche=CRECHE&lignes=age&colonnes=etes_vous_satisfait_des_accueils_de_loisirs")
	for _, want := range []string{`<dd id="total-responses">2</dd>`, "Plus de places en crèche", `id="crosstab"`,
		"<tr><th scope=\"row\">26-45 ans</th><td class=\"num\">0</td><td class=\"num\">1</td><td class=\"num\">0</td><td class=\"num\">1</td><td class=\"num\">0</td><td class=\"num\">2</td></tr>"} {
		if !strings.Contains(body, want) {
			t.Errorf("the filtered results lack %q", want)
		}
	}
	if strings.Contains(body, "Un accueil le mercredi") {
		t.Errorf("the search keeps an answer of another commune")
	}
	if code, body, _ := send(reader, "GET", page+"/resultats.csv?filter=age:26-45+ans", nil); code != http.StatusOK ||
		!strings.Contains(body, "age;Quel âge avez-vous ?;26-45 ans;2;100;2;") {
		t.Errorf("results CSV: %d\n%s", code, body)
	}

	// A result carried into the diagnosis: refused without a kind, with
	// what was typed kept; then stored as a finding stating the share.
	if !strings.Contains(body, `action="/questionnaires/`+id+`/constat"`) {
		t.Errorf("the results offer no way to carry a result into a finding")
	}
	if code, body, _ := send(reader, "GET", page+"/resultats", nil); code != http.StatusOK || strings.Contains(body, "/constat\"") {
		t.Errorf("a reader is offered to carry a result: %d", code)
	}
	carry := url.Values{"question": {"age"}, "option": {"26-45 ans"}, "field": {"petite_enfance"}, "text": {""}}
	code, body, _ = post(page+"/constat", carry)
	if code != http.StatusUnprocessableEntity || !strings.Contains(body, `id="carry-kind-age-error"`) ||
		!strings.Contains(body, `<option value="petite_enfance" selected>`) || !strings.Contains(body, `<details class="carry" open>`) {
		t.Errorf("carry without a kind: %d\n%s", code, excerpt(body))
	}
	carry.Set("kind", "need")
	if code, _, loc := post(page+"/constat", carry); code != http.StatusSeeOther || loc != page+"/resultats#resultat-age" {
		t.Errorf("carry: %d → %q", code, loc)
	}
	if code, _, _ := send(reader, "POST", page+"/constat", carry); code != http.StatusForbidden {
		t.Errorf("carry by a reader: %d", code)
	}
	if code, _, _ := send(outsider, "POST", page+"/constat", carry); code != http.StatusNotFound {
		t.Errorf("carry by an outsider: %d", code)
	}
	findings, err := db.Findings(ctx, editor, c.ID, store.FindingFilter{})
	if err != nil || len(findings) != 1 || findings[0].Kind != "need" || findings[0].Source != "questionnaire" || !strings.Contains(findings[0].Text, "66,7") {
		t.Errorf("findings after carrying: %+v, %v", findings, err)
	}

	// Closed: the paper form says so.
	if code, _, _ := post(page+"/clore", nil); code != http.StatusSeeOther {
		t.Fatalf("close: %d", code)
	}
	if code, body, _ := post(entry, answers[0]); code != http.StatusConflict || !strings.Contains(body, "clos") {
		t.Errorf("paper to a closed survey: %d", code)
	}
}

func TestKeyOf(t *testing.T) {
	taken := func(k string) bool { return k == "age" || k == "age_2" }
	for label, want := range map[string]string{
		"Quel âge avez-vous ?": "quel_age_avez_vous",
		"Âge":                  "age_3",
		"???":                  "question",
		"Êtes-vous satisfait de l'offre d'accueil des jeunes enfants (1 : pas du tout, 5 : tout à fait) ?": "etes_vous_satisfait_de_l_offre_d_accueil_des",
	} {
		if got := keyOf(label, taken); got != want {
			t.Errorf("keyOf(%q) = %q, want %q", label, got, want)
		}
	}
}
