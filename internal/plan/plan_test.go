package plan

import (
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"testing"

	"ctg/internal/app"
	"ctg/internal/convention"
	"ctg/internal/diagnostic"
)

func TestRefAndStatus(t *testing.T) {
	if got := Ref(2, 4); got != "Axe 2 / Action 4" {
		t.Errorf("Ref(2, 4) = %q", got)
	}
	for code, label := range map[string]string{"planned": "Prévue", "in_progress": "En cours", "done": "Réalisée",
		"abandoned": "Abandonnée", "late": "En retard"} {
		if StatusLabel(code) != label || !ValidStatus(code) {
			t.Errorf("StatusLabel(%q) = %q, want %q", code, StatusLabel(code), label)
		}
	}
	if ValidStatus("fini") || ValidStatus("") {
		t.Error("an unknown status is valid")
	}
}

func TestMove(t *testing.T) {
	ids := []string{"a", "b", "c", "d"}
	for _, tc := range []struct {
		id   string
		n    int
		want string
	}{
		{"a", 3, "bcad"},
		{"d", 1, "dabc"},
		{"b", 2, "abcd"},
		{"c", 99, "abdc"},
		{"c", 0, "cabd"},
		{"e", 2, "aebcd"}, // coming from elsewhere
	} {
		if got := strings.Join(Move(ids, tc.id, tc.n), ""); got != tc.want {
			t.Errorf("Move(%s to %d) = %s, want %s", tc.id, tc.n, got, tc.want)
		}
	}
	if strings.Join(ids, "") != "abcd" {
		t.Error("Move changed its argument")
	}
	if err := CheckPlace("number", 4, 3); app.ErrorFields(err)["number"] != "Choisissez un numéro entre 1 et 3." {
		t.Errorf("CheckPlace(4 of 3) = %v", err)
	}
	if err := CheckPlace("number", 3, 3); err != nil {
		t.Errorf("CheckPlace(3 of 3) = %v", err)
	}
}

func TestActionValidate(t *testing.T) {
	a := &Action{Title: "  Réservation   en ligne\n des accueils de loisirs ", Status: "planned",
		Fields: []string{"parentalite", "jeunesse", "jeunesse", " "}, Lead: "cc", Partners: []string{"caf-33", "cc", "caf-33"},
		Stakes: []string{"s2", "s1", "s2"}, Start: "2023-01-01", End: "2024-06-30"}
	if err := a.Validate(); err != nil {
		t.Fatal(err)
	}
	if a.Title != "Réservation en ligne des accueils de loisirs" || !slices.Equal(a.Fields, []string{"jeunesse", "parentalite"}) ||
		!slices.Equal(a.Partners, []string{"caf-33"}) || !slices.Equal(a.Stakes, []string{"s1", "s2"}) {
		t.Errorf("tidied %+v", a)
	}

	bad := &Action{Title: " ", Status: "fini", Fields: []string{"nulle_part"}, Start: "2024-13-01", End: "demain",
		Description: strings.Repeat("d", MaxDescription+1), Public: strings.Repeat("p", MaxPublic+1)}
	fields := app.ErrorFields(bad.Validate())
	for _, k := range []string{"title", "status", "fields", "start", "end", "description", "public"} {
		if fields[k] == "" {
			t.Errorf("no message on %s: %v", k, fields)
		}
	}
	if !strings.Contains(fields["description"], "10\u00a0000 caractères") {
		t.Errorf("description: %q", fields["description"])
	}
	backwards := &Action{Title: "x", Status: "planned", Start: "2024-06-01", End: "2024-01-01"}
	if got := app.ErrorFields(backwards.Validate())["end"]; !strings.Contains(got, "postérieure") {
		t.Errorf("end before start: %q", got)
	}
}

func TestActionPatch(t *testing.T) {
	a := Action{Axis: "x1", Objective: "o1", Title: "Avant", Fields: []string{"jeunesse"}}
	other, title := "x2", "Après"
	p := ActionPatch{Axis: &other, Title: &title}
	p.Apply(&a)
	if a.Objective != "" || a.Title != "Après" || a.Axis != "x1" {
		t.Errorf("moved to another axis: %+v (the store sets Axis, the old objective goes)", a)
	}
	obj := "o2"
	b := Action{Axis: "x1", Objective: "o1"}
	ActionPatch{Axis: &other, Objective: &obj}.Apply(&b)
	if b.Objective != "o2" {
		t.Errorf("objective named with the move: %q", b.Objective)
	}
	d := DiffActions(&Action{Ref: "Axe 1 / Action 2", Title: "Avant", Fields: []string{}}, &Action{Ref: "Axe 2 / Action 1", Title: "Avant", Fields: []string{"jeunesse"}})
	if len(d) != 2 || d["ref"].Before != "Axe 1 / Action 2" || d["ref"].After != "Axe 2 / Action 1" || d["fields"].Before == nil {
		t.Errorf("diff %v", d)
	}
	created := ActionCreated(&Action{Title: "Nouvelle", Status: "planned", Ref: "Axe 1 / Action 1", Fields: []string{}, Partners: []string{}})
	if created["title"].After != "Nouvelle" || created["title"].Before != nil || created["partners"].After != nil {
		t.Errorf("created %v", created)
	}
}

func TestFormerRefs(t *testing.T) {
	refs := AddFormerRef(nil, "Axe 1 / Action 2", "Axe 2 / Action 1")
	refs = AddFormerRef(refs, "Axe 2 / Action 1", "Axe 2 / Action 3")
	if !slices.Equal(refs, []string{"Axe 1 / Action 2", "Axe 2 / Action 1"}) {
		t.Errorf("refs %v", refs)
	}
	// Back to where it was: the current reference is no former one.
	refs = AddFormerRef(refs, "Axe 2 / Action 3", "Axe 1 / Action 2")
	if !slices.Equal(refs, []string{"Axe 2 / Action 1", "Axe 2 / Action 3"}) {
		t.Errorf("back: %v", refs)
	}
}

func TestRunsIn(t *testing.T) {
	from, to := "2022-11-01", "2026-12-31"
	for _, tc := range []struct {
		start, end string
		year       int
		want       bool
	}{
		{"2023-09-01", "2024-06-30", 2023, true},
		{"2023-09-01", "2024-06-30", 2024, true},
		{"2023-09-01", "2024-06-30", 2025, false},
		{"2023-09-01", "2024-06-30", 2022, false},
		{"", "", 2022, true}, // as long as the convention
		{"", "", 2027, false},
		{"2025-01-01", "", 2026, true},
		{"", "2023-03-31", 2024, false},
	} {
		a := Action{Start: tc.start, End: tc.end}
		if got := a.RunsIn(tc.year, from, to); got != tc.want {
			t.Errorf("%s..%s runs in %d: %v, want %v", tc.start, tc.end, tc.year, got, tc.want)
		}
	}
}

func TestJournalValidate(t *testing.T) {
	e := &JournalEntry{Date: "15/03/2024", Text: "  "}
	fields := app.ErrorFields(e.Validate())
	if fields["date"] == "" || fields["text"] == "" {
		t.Errorf("fields %v", fields)
	}
	ok := &JournalEntry{Date: "2024-03-15", Text: " Comité de suivi tenu.\r\n "}
	if err := ok.Validate(); err != nil || ok.Text != "Comité de suivi tenu." {
		t.Errorf("%q, %v", ok.Text, err)
	}
}

func ptr(f float64) *float64 { return &f }

func TestIndicatorValidate(t *testing.T) {
	ind := &Indicator{Label: " Familles  accueillies ", Targets: map[string]float64{"2023": 40, "2031": 80, "vingt": 1}}
	fields := app.ErrorFields(ind.Validate(2022, 2026))
	if !strings.Contains(fields["targets.2031"], "2022 à 2026") || fields["targets.vingt"] == "" || len(fields) != 2 {
		t.Errorf("fields %v", fields)
	}
	ind.Targets = map[string]float64{"2023": 40}
	if err := ind.Validate(2022, 2026); err != nil || ind.Label != "Familles accueillies" || ind.Values == nil {
		t.Errorf("%+v, %v", ind, err)
	}
	if err := CheckValues(map[string]float64{"2021": 3, "2022": 4}, 2022, 2026); app.ErrorFields(err)["2021"] == "" {
		t.Errorf("values before the convention: %v", err)
	}
	if (&Indicator{Label: ""}).Validate(2022, 2026) == nil {
		t.Error("an indicator without a label")
	}
}

func TestIndicatorProgress(t *testing.T) {
	up := &Indicator{Baseline: ptr(20), Targets: map[string]float64{"2023": 30, "2024": 40, "2025": 50}, Values: map[string]float64{"2023": 32, "2024": 35, "2026": 60}}
	got := up.Progress()
	if len(got) != 4 || got[0].Year != 2023 || *got[0].Met != true || *got[1].Met != false || got[2].Met != nil || got[3].Target != nil || *got[3].Value != 60 {
		t.Errorf("progress up %+v", got)
	}
	// A waiting list to bring down: the target is below the baseline.
	down := &Indicator{Baseline: ptr(80), Targets: map[string]float64{"2024": 50}, Values: map[string]float64{"2024": 45}}
	if got := down.Progress(); len(got) != 1 || !*got[0].Met {
		t.Errorf("progress down %+v", got)
	}
	if got := (&Indicator{}).Progress(); got == nil || len(got) != 0 {
		t.Errorf("no years: %#v", got)
	}
}

func TestIndicatorPatchJSON(t *testing.T) {
	for _, tc := range []struct {
		body string
		set  bool
		want *float64
	}{
		{`{}`, false, nil},
		{`{"baseline": null}`, true, nil},
		{`{"baseline": 12.5}`, true, ptr(12.5)},
	} {
		var p IndicatorPatch
		if err := json.Unmarshal([]byte(tc.body), &p); err != nil {
			t.Fatalf("%s: %v", tc.body, err)
		}
		if p.Baseline.Set != tc.set || !equalPtr(p.Baseline.Value, tc.want) {
			t.Errorf("%s: %+v", tc.body, p.Baseline)
		}
		ind := Indicator{Baseline: ptr(3)}
		p.Apply(&ind)
		if tc.set && !equalPtr(ind.Baseline, tc.want) || !tc.set && *ind.Baseline != 3 {
			t.Errorf("%s: applied %v", tc.body, ind.Baseline)
		}
	}
	var p IndicatorPatch
	var te *json.UnmarshalTypeError
	if err := json.Unmarshal([]byte(`{"baseline": "douze"}`), &p); !errors.As(err, &te) || te.Field != "baseline" {
		t.Errorf("a text baseline: %v", err)
	}
}

// samplePlan is two axes of a CTG: childcare with a lead, youth without.
func samplePlan() *Plan {
	return &Plan{Convention: "c1", Axes: []Axis{
		{ID: "x1", Number: 1, Actions: []Action{
			{ID: "a1", Ref: "Axe 1 / Action 1", Title: "Relais petite enfance", Lead: "cc", Status: "in_progress",
				Fields: []string{"petite_enfance"}, Stakes: []string{"s1"}, Findings: []string{"f3"}},
			{ID: "a2", Ref: "Axe 1 / Action 2", Title: "Ateliers parents", Status: "abandoned",
				Fields: []string{"parentalite"}, Stakes: []string{"s2"}},
		}},
		{ID: "x2", Number: 2, Actions: []Action{
			{ID: "a3", Ref: "Axe 2 / Action 1", Title: "Point information jeunesse", Status: "planned",
				Fields: []string{"jeunesse"}, Stakes: []string{"s1"}},
		}},
	}}
}

func sampleStakes() []diagnostic.Stake {
	return []diagnostic.Stake{
		{ID: "s1", Title: "Développer l'accueil du jeune enfant", Priority: 1, Fields: []string{"petite_enfance"}, Findings: []string{"f1", "f2"}},
		{ID: "s2", Title: "Soutenir les parents", Priority: 2, Fields: []string{"parentalite"}, Findings: []string{"f2"}},
	}
}

func TestCheck(t *testing.T) {
	c := &convention.Convention{ID: "c1", Kind: convention.KindCTG}
	got := Check(c, samplePlan(), sampleStakes())
	var codes []string
	for _, w := range got {
		codes = append(codes, w.Code)
		if w.Message == "" || !strings.HasPrefix(w.Link, "/conventions/c1/") {
			t.Errorf("warning %+v", w)
		}
	}
	// The abandoned action covers neither parentalité nor its stake, and
	// needs no lead; the youth action has none.
	want := []string{WarnFieldUncovered, WarnStakeUnanswered, WarnNoLead}
	if !slices.Equal(codes, want) {
		t.Fatalf("codes %v, want %v", codes, want)
	}
	if got[0].Message != "Aucune action ne porte sur le champ « Parentalité », que toute CTG doit couvrir." ||
		got[1].Message != "L'enjeu « Soutenir les parents » n'a encore aucune action qui y réponde." || got[1].Link != "/conventions/c1/constats#enjeu-s2" ||
		got[2].Message != "L'action « Axe 2 / Action 1 — Point information jeunesse » n'a pas de porteur." || got[2].Link != "/conventions/c1/plan#action-a3" {
		t.Errorf("messages %+v", got)
	}
	// A PEDT need not cover the fields of a CTG.
	if got := Check(&convention.Convention{ID: "c1", Kind: convention.KindPEDT}, samplePlan(), nil); len(got) != 1 || got[0].Code != WarnNoLead {
		t.Errorf("PEDT: %+v", got)
	}
	if got := Check(c, &Plan{}, nil); len(got) != 3 {
		t.Errorf("an empty CTG plan: %+v", got)
	}
}

func TestTrace(t *testing.T) {
	findings := []diagnostic.Finding{
		{ID: "f1", Kind: "weakness", Text: "Peu de places au nord."},
		{ID: "f2", Kind: "need", Text: "Horaires atypiques."},
		{ID: "f3", Kind: "need", Text: "Les assistantes maternelles sont isolées."},
	}
	proposals := []Proposal{{ID: "p1", Text: "Un relais itinérant.", Finding: "f3", Workshop: "w1", WorkshopTitle: "Atelier petite enfance"}}
	tr := NewTrace(samplePlan(), sampleStakes(), findings, proposals)
	if len(tr.Stakes) != 2 || len(tr.Stakes[0].Actions) != 2 || len(tr.Stakes[1].Actions) != 1 {
		t.Fatalf("stakes %+v", tr.Stakes)
	}
	if len(tr.Unanswered) != 1 || tr.Unanswered[0].ID != "s2" {
		t.Errorf("unanswered %+v (the only action on s2 is abandoned)", tr.Unanswered)
	}
	a1 := tr.Actions[0]
	if len(a1.Stakes) != 1 || len(a1.Findings) != 3 || len(a1.Proposals) != 1 || a1.Proposals[0].WorkshopTitle != "Atelier petite enfance" {
		t.Fatalf("a1 %+v", a1)
	}
	if f := a1.Findings[0]; f.ID != "f1" || f.Direct || !slices.Equal(f.Via, []string{"s1"}) {
		t.Errorf("f1 through s1: %+v", f)
	}
	if f := a1.Findings[2]; f.ID != "f3" || !f.Direct || len(f.Via) != 0 {
		t.Errorf("f3 direct: %+v", f)
	}
	js, _ := json.Marshal(tr.Stakes[0])
	if !strings.Contains(string(js), `"title":"Développer l'accueil du jeune enfant"`) || !strings.Contains(string(js), `"actions":[{`) {
		t.Errorf("stake JSON %s", js)
	}
}
