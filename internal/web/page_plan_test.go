package web

import (
	"context"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"ctg/internal/account"
	"ctg/internal/convention"
	"ctg/internal/diagnostic"
	"ctg/internal/plan"
	"ctg/internal/store"
	"ctg/internal/testdb"
)

// planRenderCases are the requests of TestEveryTemplateRenders for the
// pages of the plan of actions, over the demonstration data: none of them
// changes the plan.
func planRenderCases(t *testing.T, db *store.DB, advisor, reader string) []renderCase {
	t.Helper()
	ctx := context.Background()
	admin, err := db.UserByEmail(ctx, "admin@demo.ctg.fr")
	if err != nil {
		t.Fatal(err)
	}
	id := demoConventionID(t, db, "CTG Latitude Nord Gironde 2027-2031")
	bordeaux := demoConventionID(t, db, "CTG Bordeaux 2023-2027")
	p, err := db.Plan(ctx, admin, id)
	if err != nil || len(p.Axes) == 0 || len(p.Axes[0].Actions) == 0 {
		t.Fatalf("no plan in the demonstration data set: %v", err)
	}
	x, a := p.Axes[0], p.Axes[0].Actions[0]
	inds, err := db.ActionIndicators(ctx, admin, a.ID)
	if err != nil || len(inds) == 0 {
		t.Fatalf("no follow-up indicator on %s in the demonstration data set: %v", a.Ref, err)
	}
	page := "/conventions/" + id + "/plan"
	fiche := "/actions/" + a.ID
	action := func(kv ...string) url.Values {
		v := url.Values{"version": {"1"}, "number_was": {"1"}, "title": {a.Title}, "axis": {x.ID}, "number": {"1"}, "status": {"planned"}}
		for i := 0; i+1 < len(kv); i += 2 {
			v.Set(kv[i], kv[i+1])
		}
		return v
	}
	return []renderCase{
		{name: "plan", who: advisor, path: page, status: 200, renders: []string{"plan.html"},
			contains: []string{"Axe 1 / Action 1", `href="/actions/` + a.ID + `"`, "Des enjeux du diagnostic aux actions", `id="formulaire-axe"`,
				"Renommer, déplacer ou supprimer l'axe 1", `href="/conventions/` + id + `/actions/nouvelle?axe=` + x.ID + `"`}},
		{name: "plan as a table, filtered and sorted", who: advisor, path: page + "?vue=tableau&champ=petite_enfance&tri=-title", status: 200,
			renders: []string{"plan.html"}, contains: []string{`<option value="petite_enfance" selected>`, `aria-sort="descending"`, `name="tri" value="-title"`,
				`href="/conventions/` + id + `/plan.csv?champ=petite_enfance&amp;tri=-title"`}},
		{name: "plan as a timeline", who: advisor, path: page + "?vue=calendrier", status: 200, renders: []string{"plan.html"},
			contains: []string{`class="gantt-track"`, "Frise des années", "<rect "}},
		{name: "plan, unknown filter", who: advisor, path: page + "?vue=tableau&statut=fini", status: 422, renders: []string{"plan.html"},
			contains: []string{`id="f-statut-error"`, `aria-invalid="true"`}},
		{name: "plan CSV", who: advisor, path: "/conventions/" + id + "/plan.csv", status: 200, kind: "text/csv",
			contains: []string{"\ufeffréférence;axe;objectif;intitulé", a.Ref + ";"}},
		{name: "plan, axis without a title", who: advisor, method: "POST", path: "/conventions/" + id + "/axes", form: url.Values{"title": {" "}, "description": {"Gardée."}},
			status: 422, renders: []string{"plan.html", "partials/form.html"}, contains: []string{`id="fx-title-error"`, ">Gardée.</textarea>"}},
		{name: "plan, axis renamed to nothing", who: advisor, method: "POST", path: "/conventions/" + id + "/axes/" + x.ID,
			form: url.Values{"title": {""}, "number": {"1"}, "version": {"1"}}, status: 422, renders: []string{"plan.html"},
			contains: []string{`id="ax-` + x.ID + `-title-error"`}},
		{name: "plan, axis with actions not deleted", who: advisor, method: "POST", path: "/conventions/" + id + "/axes/" + x.ID + "/supprimer",
			form: url.Values{"version": {"0"}}, status: 409, renders: []string{"plan.html"}, contains: []string{"compte encore"}},
		{name: "plan, objective without a title", who: advisor, method: "POST", path: "/conventions/" + id + "/axes/" + x.ID + "/objectifs",
			form: url.Values{"title": {""}}, status: 422, renders: []string{"plan.html"}, contains: []string{`id="no-` + x.ID + `-title-error"`}},
		{name: "fiche action", who: advisor, path: fiche, status: 200, renders: []string{"action.html"},
			contains: []string{a.Ref + "</span> — " + html.EscapeString(a.Title), html.EscapeString(inds[0].Label), `data-chart="chart-ind-` + inds[0].ID + `"`, "Journal de suivi",
				"Budget de l'action par année et par financeur", "Saisir les valeurs", `href="/actions/` + a.ID + `/budget"`}},
		{name: "fiche action, note without text", who: advisor, method: "POST", path: fiche + "/journal", form: url.Values{"date": {"2027-03-01"}, "text": {""}},
			status: 422, renders: []string{"action.html", "partials/form.html"}, contains: []string{`id="fj-text-error"`, `value="2027-03-01"`}},
		{name: "fiche action, indicator refused", who: advisor, method: "POST", path: fiche + "/indicateurs",
			form: url.Values{"label": {""}, "unit": {"familles"}, "target_2028": {"douze"}}, status: 422, renders: []string{"action.html"},
			contains: []string{`id="fi-label-error"`, `id="fi-targets.2028-error"`, `value="douze"`, `value="familles"`}},
		{name: "fiche action, value refused", who: advisor, method: "POST", path: fiche + "/indicateurs/" + inds[0].ID + "/valeurs",
			form: url.Values{"version": {"1"}, "value_2028": {"beaucoup"}}, status: 422, renders: []string{"action.html"},
			contains: []string{`id="fv-` + inds[0].ID + `-2028-error"`, `value="beaucoup"`}},
		{name: "new action", who: advisor, path: "/conventions/" + id + "/actions/nouvelle?axe=" + x.ID, status: 200, renders: []string{"action_form.html"},
			contains: []string{`<option value="` + x.ID + `" selected>`, "Créer l'action"}},
		{name: "new action refused", who: advisor, method: "POST", path: "/conventions/" + id + "/actions/nouvelle",
			form: action("title", "", "public", "Les familles du nord", "fields", "jeunesse"), status: 422,
			renders:  []string{"action_form.html", "partials/form.html"},
			contains: []string{`id="fa-title-error"`, `href="#fa-title"`, `value="Les familles du nord"`, `value="jeunesse" checked`}},
		{name: "action edit", who: advisor, path: fiche + "/modifier", status: 200, renders: []string{"action_form.html"},
			contains: []string{"Enregistrer l'action", `value="` + html.EscapeString(a.Title) + `"`}},
		{name: "action edit, stale", who: advisor, method: "POST", path: fiche + "/modifier", form: action("version", "99", "title", "Titre tapé"), status: 412,
			renders: []string{"action_form.html"}, contains: []string{"Quelqu&#39;un a modifié cette fiche action", `value="Titre tapé"`, "<dt>Intitulé</dt><dd>" + html.EscapeString(a.Title)}},
		{name: "action deletion", who: advisor, path: fiche + "/supprimer", status: 200, renders: []string{"action_delete.html"},
			contains: []string{"Supprimer l'action " + a.Ref, "ligne"}},

		{name: "plan of a reader", who: reader, path: page, status: 200, renders: []string{"plan.html"},
			contains: []string{"Axe 1 / Action 1"}, lacks: []string{`id="formulaire-axe"`, "Ajouter une action", "/supprimer"}},
		{name: "fiche action of a reader", who: reader, path: fiche, status: 200, renders: []string{"action.html"},
			contains: []string{html.EscapeString(inds[0].Label)}, lacks: []string{"Saisir les valeurs", "Ajouter une note", "/modifier"}},
		{name: "axis refused to a reader", who: reader, method: "POST", path: "/conventions/" + id + "/axes", form: url.Values{"title": {"Un axe"}},
			status: 403, renders: []string{"error.html"}},
		{name: "action form refused to a reader", who: reader, path: fiche + "/modifier", status: 403, renders: []string{"error.html"}},
		{name: "plan of another", who: reader, path: "/conventions/" + bordeaux + "/plan", status: 404, renders: []string{"error.html"}},
		{name: "unknown action", who: advisor, path: "/actions/inconnue", status: 404, renders: []string{"error.html"}},
	}
}

// planSite is a server with a CTG, its diagnosis's stakes, and the people
// of the tests: an editor of a party, a reader of a party, an editor of an
// organisation that is not a party.
type planSite struct {
	t                        *testing.T
	db                       *store.DB
	h                        http.Handler
	c                        *convention.Convention
	editor                   *account.User
	stakes                   []diagnostic.Stake
	coordinator, reader, out string // session secrets
}

func newPlanSite(t *testing.T) *planSite {
	t.Helper()
	ctx := context.Background()
	ref := testdb.Ref(t)
	db := testdb.Open(t, testdb.DSN(t, testdb.SQLite))
	org := func(name, kind, territory string) *account.Organisation {
		o := &account.Organisation{Name: name, Kind: kind, Territory: territory}
		if err := db.CreateOrganisation(ctx, o, nil); err != nil {
			t.Fatal(err)
		}
		return o
	}
	cc := org("CC Latitude Nord Gironde", "epci", "243301181")
	asso := org("Centre social des Cabanes", "association", "33473")
	other := org("Mairie de Cenon", "commune", "33119")
	user := func(email, orgID, role string) *account.User {
		u, err := db.CreateUser(ctx, account.NewUser{Email: email, Name: email, OrgID: orgID, Role: role, Password: "motdepasse-de-test"}, nil)
		if err != nil {
			t.Fatal(err)
		}
		return u
	}
	editor := user("coordination@cc.fr", cc.ID, account.RoleEditor)
	user("lecture@cabanes.fr", asso.ID, account.RoleReader)
	user("cenon@mairie.fr", other.ID, account.RoleEditor)
	c := &convention.Convention{Kind: "ctg", Title: "CTG Latitude Nord Gironde 2027-2031", CAF: "caf-33", Start: "2027-01-01", End: "2031-12-31",
		Perimeter: convention.Perimeter{EPCIs: []string{"243301181"}}, Parties: []string{cc.ID, asso.ID}}
	if err := db.CreateConvention(ctx, ref, editor, c); err != nil {
		t.Fatal(err)
	}
	site := &planSite{t: t, db: db, c: c, editor: editor}
	for _, s := range []struct{ field, finding, stake string }{
		{"petite_enfance", "Aucune place d'accueil collectif dans le nord du territoire.", "Développer l'accueil du jeune enfant"},
		{"jeunesse", "Les adolescents n'ont aucun lieu à eux le mercredi.", "Offrir aux adolescents des lieux à eux"},
	} {
		f := &diagnostic.Finding{Kind: "need", Field: s.field, Source: "workshop", Text: s.finding}
		if err := db.CreateFinding(ctx, editor, c.ID, f); err != nil {
			t.Fatal(err)
		}
		st := &diagnostic.Stake{Title: s.stake, Fields: []string{s.field}, Priority: 1, Findings: []string{f.ID}}
		if err := db.CreateStake(ctx, editor, c.ID, st); err != nil {
			t.Fatal(err)
		}
		site.stakes = append(site.stakes, *st)
	}
	s, err := New(Config{DB: db, Ref: ref, Log: discardLog()})
	if err != nil {
		t.Fatal(err)
	}
	site.h = s.Handler()
	site.coordinator = signInThroughForm(t, site.h, "coordination@cc.fr", "motdepasse-de-test")
	site.reader = signInThroughForm(t, site.h, "lecture@cabanes.fr", "motdepasse-de-test")
	site.out = signInThroughForm(t, site.h, "cenon@mairie.fr", "motdepasse-de-test")
	return site
}

// get answers path for who; it fails unless the status is want.
func (s *planSite) get(who, path string, want int) string {
	s.t.Helper()
	res := serve(s.h, renderCase{who: who, path: path})
	if res.Code != want {
		s.t.Fatalf("GET %s: status %d, want %d\n%s", path, res.Code, want, excerpt(res.Body.String()))
	}
	return res.Body.String()
}

// post sends a form for who; it fails unless the status is want, and
// returns the page shown or, for a redirect, where it leads.
func (s *planSite) post(who, path string, form url.Values, want int) string {
	s.t.Helper()
	res := serve(s.h, renderCase{who: who, method: "POST", path: path, form: form})
	if res.Code != want {
		s.t.Fatalf("POST %s: status %d, want %d\n%s", path, res.Code, want, excerpt(res.Body.String()))
	}
	if want == http.StatusSeeOther {
		return res.Header().Get("Location")
	}
	return res.Body.String()
}

func (s *planSite) plan() *plan.Plan {
	s.t.Helper()
	p, err := s.db.Plan(context.Background(), s.editor, s.c.ID)
	if err != nil {
		s.t.Fatal(err)
	}
	return p
}

// text is the text a person reads in a piece of HTML: tags out, spaces
// collapsed, the few entities templates write put back.
func readText(html string) string {
	html = regexp.MustCompile(`(?s)<script.*?</script>|<[^>]*>`).ReplaceAllString(html, " ")
	html = strings.NewReplacer("&#39;", "'", "&quot;", `"`, "&amp;", "&", "&lt;", "<", "&gt;", ">", "\u00a0", " ").Replace(html)
	return strings.Join(strings.Fields(html), " ")
}

// TestPlanPages builds a plan through the pages' forms, as a coordinator
// would, and checks what each page then shows, and to whom.
func TestPlanPages(t *testing.T) {
	s := newPlanSite(t)
	page := "/conventions/" + s.c.ID + "/plan"

	// An empty plan says so, and says what is missing.
	body := readText(s.get(s.coordinator, page, 200))
	for _, want := range []string{"Le plan ne compte encore aucun axe.", "Aucune action ne porte sur le champ « Petite enfance »",
		"L'enjeu « Développer l'accueil du jeune enfant » n'a encore aucune action", "Aucune action ne répond à cet enjeu."} {
		if !strings.Contains(body, want) {
			t.Errorf("the empty plan lacks %q", want)
		}
	}

	// Two axes and an objective, through the forms.
	loc := s.post(s.coordinator, "/conventions/"+s.c.ID+"/axes", url.Values{"title": {"Faciliter la vie des familles"}}, http.StatusSeeOther)
	if !strings.HasPrefix(loc, page+"#axe-") {
		t.Errorf("after adding an axis: %s", loc)
	}
	s.post(s.coordinator, "/conventions/"+s.c.ID+"/axes", url.Values{"title": {"Accompagner les jeunes"}}, http.StatusSeeOther)
	axes := s.plan().Axes
	if len(axes) != 2 {
		t.Fatalf("axes %+v", axes)
	}
	s.post(s.coordinator, "/conventions/"+s.c.ID+"/axes/"+axes[0].ID+"/objectifs", url.Values{"title": {"Créer des places d'accueil"}}, http.StatusSeeOther)

	// A refused action comes back as typed, with its messages.
	newAction := "/conventions/" + s.c.ID + "/actions/nouvelle"
	form := s.get(s.coordinator, newAction+"?axe="+axes[0].ID, 200)
	if !strings.Contains(form, `<option value="`+axes[0].ID+`" selected>`) || !strings.Contains(form, "Objectif 1.1 — Créer des places d&#39;accueil") {
		t.Errorf("the new action's form does not start in axis 1 with its objective\n%s", excerpt(form))
	}
	typed := url.Values{"axis": {axes[0].ID}, "title": {""}, "description": {"Une micro-crèche au nord."}, "fields": {"petite_enfance"},
		"public": {"Familles du nord"}, "start": {"2028-09-01"}, "end": {"2027-12-31"}, "status": {"planned"}, "stakes": {s.stakes[0].ID}}
	refused := s.post(s.coordinator, newAction, typed, http.StatusUnprocessableEntity)
	for _, want := range []string{`class="error-summary"`, `href="#fa-title"`, `href="#fa-end"`, `id="fa-title-error"`, `id="fa-end-error"`,
		`aria-describedby="fa-title-hint fa-title-error" aria-invalid="true"`, `value="Familles du nord"`, ">Une micro-crèche au nord.</textarea>",
		`value="2028-09-01"`, `value="petite_enfance" checked`, `value="` + s.stakes[0].ID + `" checked`} {
		if !strings.Contains(refused, want) {
			t.Errorf("the refused form lacks %s", want)
		}
	}
	if s.plan().Actions() != nil {
		t.Fatal("a refused form saved an action")
	}

	// Three actions: the tree numbers them in their axis.
	typed.Set("title", "Créer une micro-crèche")
	typed.Set("end", "2031-12-31")
	typed.Set("objective", s.plan().Axes[0].Objectives[0].ID)
	loc = s.post(s.coordinator, newAction, typed, http.StatusSeeOther)
	if !strings.HasPrefix(loc, "/actions/") {
		t.Fatalf("after creating an action: %s", loc)
	}
	crèche := strings.TrimPrefix(loc, "/actions/")
	for _, title := range []string{"Relais petite enfance", "Accueil de loisirs"} {
		s.post(s.coordinator, newAction, url.Values{"axis": {axes[0].ID}, "title": {title}, "status": {"in_progress"}, "fields": {"enfance"}}, http.StatusSeeOther)
	}
	tree := readText(s.get(s.coordinator, page, 200))
	for _, want := range []string{"Axe 1 — Faciliter la vie des familles", "Objectif 1.1 — Créer des places d'accueil",
		"Axe 1 / Action 1 — Créer une micro-crèche Prévue", "Axe 1 / Action 2 — Relais petite enfance En cours",
		"Axe 1 / Action 3 — Accueil de loisirs", "Porteur : à désigner", "du 01/09/2028 au 31/12/2031", "Axe 2 — Accompagner les jeunes"} {
		if !strings.Contains(tree, want) {
			t.Errorf("the tree lacks %q", want)
		}
	}
	if strings.Contains(tree, "L'enjeu « Développer l'accueil du jeune enfant » n'a encore aucune action") {
		t.Error("the stake the micro-crèche answers is still said unanswered")
	}

	// Moving through the edit form: the third action first, then to axis 2.
	p := s.plan()
	loisirs := p.Axes[0].Actions[2]
	edit := func(a plan.Action, kv ...string) url.Values {
		v := url.Values{"version": {strconv.Itoa(a.Version)}, "number_was": {strconv.Itoa(a.Number)}, "number": {strconv.Itoa(a.Number)}, "axis": {a.Axis},
			"objective": {a.Objective}, "title": {a.Title}, "status": {a.Status}, "fields": a.Fields}
		for i := 0; i+1 < len(kv); i += 2 {
			v.Set(kv[i], kv[i+1])
		}
		return v
	}
	s.post(s.coordinator, "/actions/"+loisirs.ID+"/modifier", edit(loisirs, "number", "1"), http.StatusSeeOther)
	tree = readText(s.get(s.coordinator, page, 200))
	for _, want := range []string{"Axe 1 / Action 1 — Accueil de loisirs", "Axe 1 / Action 2 — Créer une micro-crèche", "Axe 1 / Action 3 — Relais petite enfance"} {
		if !strings.Contains(tree, want) {
			t.Errorf("after the move, the tree lacks %q", want)
		}
	}
	loisirs = s.plan().Axes[0].Actions[0]
	s.post(s.coordinator, "/actions/"+loisirs.ID+"/modifier", edit(loisirs, "axis", axes[1].ID), http.StatusSeeOther)
	tree = readText(s.get(s.coordinator, page, 200))
	for _, want := range []string{"Axe 1 / Action 1 — Créer une micro-crèche", "Axe 1 / Action 2 — Relais petite enfance", "Axe 2 / Action 1 — Accueil de loisirs"} {
		if !strings.Contains(tree, want) {
			t.Errorf("after the move to axis 2, the tree lacks %q", want)
		}
	}
	if fiche := readText(s.get(s.coordinator, "/actions/"+loisirs.ID, 200)); !strings.Contains(fiche, "auparavant Axe 1 / Action 3, Axe 1 / Action 1") {
		t.Errorf("the fiche does not give the former references\n%s", fiche)
	}

	// A stale save: nothing is written, what was typed comes back with what
	// the saved version holds.
	relais := s.plan().Axes[0].Actions[1]
	s.post(s.coordinator, "/actions/"+relais.ID+"/modifier", edit(relais, "title", "Relais petite enfance itinérant"), http.StatusSeeOther)
	stale := s.post(s.coordinator, "/actions/"+relais.ID+"/modifier", edit(relais, "title", "Un relais dans chaque secteur", "public", "Assistantes maternelles"),
		http.StatusPreconditionFailed)
	for _, want := range []string{"Quelqu&#39;un a modifié cette fiche action pendant que vous la modifiiez : rien n&#39;a été enregistré.",
		`value="Un relais dans chaque secteur"`, `value="Assistantes maternelles"`, "<dt>Intitulé</dt><dd>Relais petite enfance itinérant</dd>"} {
		if !strings.Contains(stale, want) {
			t.Errorf("the stale form lacks %s\n%s", want, excerpt(stale))
		}
	}
	if a, _ := s.db.Action(context.Background(), s.editor, relais.ID); a.Title != "Relais petite enfance itinérant" || a.Public != "" {
		t.Errorf("the stale save wrote %+v", a)
	}

	// The table filters, keeps the chosen values, and exports what it shows.
	table := s.get(s.coordinator, page+"?vue=tableau&statut=in_progress&champ=enfance", 200)
	if !strings.Contains(table, `<option value="in_progress" selected>`) || !strings.Contains(table, `<option value="enfance" selected>`) {
		t.Error("the table's filters do not keep the chosen values")
	}
	rows := table[strings.Index(table, `<table class="data plan-table">`):]
	if rows := readText(rows[:strings.Index(rows, "</table>")]); !strings.Contains(rows, "Relais petite enfance itinérant") || !strings.Contains(rows, "Accueil de loisirs") ||
		strings.Contains(rows, "Créer une micro-crèche") || !strings.Contains(readText(table), "2 actions sur 3") {
		t.Errorf("the filtered table shows the wrong actions\n%s", rows)
	}
	res := serve(s.h, renderCase{who: s.coordinator, path: "/conventions/" + s.c.ID + "/plan.csv?statut=in_progress&tri=-title"})
	csvBody := res.Body.String()
	lines := strings.Split(strings.TrimSpace(csvBody), "\n")
	if res.Code != 200 || !strings.HasPrefix(csvBody, "\ufeffréférence;axe;objectif;intitulé;statut;porteur") || len(lines) != 3 ||
		!strings.HasPrefix(lines[1], "Axe 1 / Action 2;Axe 1 — Faciliter la vie des familles;;Relais petite enfance itinérant;En cours;") ||
		!strings.HasPrefix(lines[2], "Axe 2 / Action 1;") {
		t.Errorf("CSV: %d %s\n%s", res.Code, res.Header().Get("Content-Disposition"), csvBody)
	}
	if cal := readText(s.get(s.coordinator, page+"?vue=calendrier", 200)); !strings.Contains(cal, "Axe 1 / Action 1 — Créer une micro-crèche Prévue du 01/09/2028 au 31/12/2031") {
		t.Errorf("the timeline lacks the period of the micro-crèche\n%s", cal)
	}

	// The fiche: an indicator against its targets, values, and the journal.
	fiche := "/actions/" + crèche
	s.post(s.coordinator, fiche+"/indicateurs", url.Values{"label": {"Places d'accueil ouvertes"}, "unit": {"places"}, "baseline": {"0"},
		"target_2028": {"6"}, "target_2029": {"12"}}, http.StatusSeeOther)
	inds, err := s.db.ActionIndicators(context.Background(), s.editor, crèche)
	if err != nil || len(inds) != 1 {
		t.Fatalf("indicators %+v %v", inds, err)
	}
	s.post(s.coordinator, fiche+"/indicateurs/"+inds[0].ID+"/valeurs", url.Values{"version": {"1"}, "value_2028": {"7,5"}, "value_2029": {"10"}}, http.StatusSeeOther)
	staleValues := s.post(s.coordinator, fiche+"/indicateurs/"+inds[0].ID+"/valeurs", url.Values{"version": {"1"}, "value_2028": {"3"}},
		http.StatusPreconditionFailed)
	if !strings.Contains(staleValues, "Quelqu&#39;un a modifié cet indicateur pendant votre saisie") || !strings.Contains(staleValues, `value="3"`) {
		t.Errorf("values saved over a newer version: the page does not say so or loses what was typed\n%s", excerpt(staleValues))
	}
	s.post(s.coordinator, fiche+"/journal", url.Values{"date": {"2028-01-15"}, "text": {"Le terrain est acquis."}}, http.StatusSeeOther)
	s.post(s.coordinator, fiche+"/journal", url.Values{"date": {"2028-06-02"}, "text": {"Permis de construire déposé."}}, http.StatusSeeOther)
	sheet := readText(s.get(s.coordinator, fiche, 200))
	for _, want := range []string{"Axe 1 / Action 1 — Créer une micro-crèche", "Objectif 1.1 — Créer des places d'accueil",
		"Développer l'accueil du jeune enfant", "Aucune place d'accueil collectif dans le nord du territoire.",
		"Places d'accueil ouvertes (places)", "Valeur de départ : 0 places",
		"2028 6 7,5 oui", "2029 12 10 non", "2030 — — —",
		"Aucune ligne de budget n'est encore saisie pour cette action."} {
		if !strings.Contains(sheet, want) {
			t.Errorf("the fiche lacks %q", want)
		}
	}
	if i, j := strings.Index(sheet, "Permis de construire déposé."), strings.Index(sheet, "Le terrain est acquis."); i < 0 || j < 0 || i > j {
		t.Errorf("the journal is not newest first\n%s", sheet)
	}
	if !strings.Contains(sheet, "02/06/2028") {
		t.Error("the journal's dates are not written the French way")
	}

	// A reader sees everything and changes nothing.
	for _, path := range []string{page, page + "?vue=tableau", fiche} {
		body := s.get(s.reader, path, 200)
		for _, form := range []string{`method="post"`, "/modifier", "/supprimer", "Ajouter une action"} {
			if strings.Contains(strings.ReplaceAll(body, `method="post" action="/deconnexion"`, ""), form) {
				t.Errorf("%s shows a reader %q", path, form)
			}
		}
	}
	s.get(s.reader, fiche+"/modifier", http.StatusForbidden)
	s.get(s.reader, newAction, http.StatusForbidden)
	s.get(s.reader, fiche+"/supprimer", http.StatusForbidden)
	for _, path := range []string{"/conventions/" + s.c.ID + "/axes", "/conventions/" + s.c.ID + "/axes/" + axes[0].ID, fiche + "/journal",
		fiche + "/modifier", fiche + "/supprimer", fiche + "/indicateurs", newAction} {
		s.post(s.reader, path, url.Values{"title": {"Un titre"}, "version": {"1"}, "text": {"Une note."}, "axis": {axes[0].ID}, "label": {"x"}}, http.StatusForbidden)
	}

	// Someone of an organisation that is no party finds nothing.
	for _, path := range []string{page, page + "?vue=calendrier", "/conventions/" + s.c.ID + "/plan.csv", fiche, fiche + "/modifier", newAction} {
		s.get(s.out, path, http.StatusNotFound)
	}
	s.post(s.out, "/conventions/"+s.c.ID+"/axes", url.Values{"title": {"Un axe"}}, http.StatusNotFound)
	s.post(s.out, fiche+"/journal", url.Values{"text": {"Une note."}}, http.StatusNotFound)

	// An axis that holds actions stays; deleting an action asks first, then
	// renumbers the others.
	refusedDelete := readText(s.post(s.coordinator, "/conventions/"+s.c.ID+"/axes/"+axes[0].ID+"/supprimer", url.Values{"version": {"0"}}, http.StatusConflict))
	if !strings.Contains(refusedDelete, "L'axe 1 compte encore 2 actions") {
		t.Errorf("deleting an axis with actions: %s", refusedDelete)
	}
	confirm := readText(s.get(s.coordinator, fiche+"/supprimer", 200))
	if !strings.Contains(confirm, "Supprimer l'action Axe 1 / Action 1 ?") || !strings.Contains(confirm, "1 indicateur de suivi") ||
		!strings.Contains(confirm, "2 notes du journal de suivi") {
		t.Errorf("the confirmation does not say what goes\n%s", confirm)
	}
	crècheNow, _ := s.db.Action(context.Background(), s.editor, crèche)
	s.post(s.coordinator, fiche+"/supprimer", url.Values{"version": {strconv.Itoa(crècheNow.Version)}}, http.StatusSeeOther)
	tree = readText(s.get(s.coordinator, page, 200))
	if strings.Contains(tree, "micro-crèche") || !strings.Contains(tree, "Axe 1 / Action 1 — Relais petite enfance itinérant") {
		t.Errorf("after deleting the first action\n%s", tree)
	}
	s.get(s.coordinator, fiche, http.StatusNotFound)
}
