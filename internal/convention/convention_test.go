package convention_test

import (
	"encoding/json"
	"maps"
	"slices"
	"strings"
	"sync"
	"testing"

	"ctg/internal/account"
	"ctg/internal/app"
	"ctg/internal/convention"
	"ctg/internal/territory"
)

var loadRef = sync.OnceValues(territory.Load)

func mustRef(tb testing.TB) *territory.Ref {
	tb.Helper()
	ref, err := loadRef()
	if err != nil {
		tb.Fatal(err)
	}
	return ref
}

var latitude = []string{"33114", "33123", "33126", "33142", "33151", "33233",
	"33266", "33272", "33439", "33473", "33489", "33492"}

// lookup knows the CAFs of the reference, a few partners and the
// conventions named in exists.
func lookup(tb testing.TB, exists ...string) convention.Lookup {
	ref := mustRef(tb)
	orgs := map[string]string{"org-cc": "epci", "org-asso": "association"}
	for _, c := range ref.CAFs() {
		orgs[c.ID] = "caf"
	}
	return convention.Lookup{
		Ref: ref,
		OrgKind: func(id string) (string, bool) {
			k, ok := orgs[id]
			return k, ok
		},
		Exists: func(id string) bool { return slices.Contains(exists, id) },
	}
}

func valid() convention.Convention {
	return convention.Convention{ID: "c1", Kind: "ctg", Title: " CTG Latitude Nord Gironde 2022-2026 ", CAF: "caf-33",
		Perimeter: convention.Perimeter{EPCIs: []string{"243301181"}, Communes: []string{}},
		Start:     "2022-11-01", End: "2026-12-31", Parties: []string{"org-cc"}}
}

func TestValidate(t *testing.T) {
	c := valid()
	if err := c.Validate(lookup(t)); err != nil {
		t.Fatalf("Validate: %v", err)
	}
	if c.Title != "CTG Latitude Nord Gironde 2022-2026" {
		t.Errorf("title %q not trimmed", c.Title)
	}
	if !slices.Equal(c.Communes, latitude) || c.Population != 21821 {
		t.Errorf("communes %v population %d", c.Communes, c.Population)
	}

	renews := func(s string) *string { return &s }
	for _, tc := range []struct {
		name   string
		change func(c *convention.Convention)
		fields []string
		says   string // a piece of the message of the first field
	}{
		{"kind", func(c *convention.Convention) { c.Kind = "contrat" }, []string{"kind"}, "ctg, cej, pedt"},
		{"no title", func(c *convention.Convention) { c.Title = "   " }, []string{"title"}, "intitulé"},
		{"long title", func(c *convention.Convention) { c.Title = strings.Repeat("é", 201) }, []string{"title"}, "200"},
		{"no CAF", func(c *convention.Convention) { c.CAF = "" }, []string{"caf"}, "Caf"},
		{"unknown CAF", func(c *convention.Convention) { c.CAF = "caf-99" }, []string{"caf"}, "Caf"},
		{"CAF not a CAF", func(c *convention.Convention) { c.CAF = "org-cc" }, []string{"caf"}, "n'est pas une Caf"},
		{"unknown EPCI", func(c *convention.Convention) { c.Perimeter.EPCIs = []string{"000000000"} }, []string{"perimeter.epcis"}, "000000000"},
		{"unknown commune", func(c *convention.Convention) { c.Perimeter.Communes = []string{"00000"} }, []string{"perimeter.communes"}, "00000"},
		{"unknown excluded", func(c *convention.Convention) { c.Perimeter.Excluded = []string{"99999"} }, []string{"perimeter.excluded"}, "99999"},
		{"empty perimeter", func(c *convention.Convention) { c.Perimeter = convention.Perimeter{} }, []string{"perimeter"}, "au moins une commune"},
		{"all excluded", func(c *convention.Convention) {
			c.Perimeter = convention.Perimeter{Communes: []string{"33063"}, Excluded: []string{"33063"}}
		}, []string{"perimeter"}, "au moins une commune"},
		{"start", func(c *convention.Convention) { c.Start = "01/11/2022" }, []string{"start"}, "AAAA-MM-JJ"},
		{"end", func(c *convention.Convention) { c.End = "" }, []string{"end"}, "AAAA-MM-JJ"},
		{"impossible date", func(c *convention.Convention) { c.End = "2026-02-30" }, []string{"end"}, "AAAA-MM-JJ"},
		{"end before start", func(c *convention.Convention) { c.End = "2022-10-31" }, []string{"end"}, "postérieure"},
		{"end on start", func(c *convention.Convention) { c.End = c.Start }, []string{"end"}, "postérieure"},
		{"unknown party", func(c *convention.Convention) { c.Parties = []string{"org-cc", "org-x"} }, []string{"parties"}, "org-x"},
		{"renews itself", func(c *convention.Convention) { c.Renews = renews("c1") }, []string{"renews"}, "elle-même"},
		{"renews nothing", func(c *convention.Convention) { c.Renews = renews("c0") }, []string{"renews"}, "introuvable"},
		{"several", func(c *convention.Convention) { c.Kind = ""; c.End = "2000-01-01"; c.CAF = "org-asso" }, []string{"kind", "end", "caf"}, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := valid()
			tc.change(&c)
			err := c.Validate(lookup(t))
			if app.ErrorCode(err) != app.EInvalid {
				t.Fatalf("Validate: %v, want invalid", err)
			}
			fields := app.ErrorFields(err)
			if got := slices.Sorted(maps.Keys(fields)); !slices.Equal(got, slices.Sorted(slices.Values(tc.fields))) {
				t.Errorf("fields %v, want %v", fields, tc.fields)
			}
			if tc.says != "" && !strings.Contains(fields[tc.fields[0]], tc.says) {
				t.Errorf("%s: %q does not say %q", tc.fields[0], fields[tc.fields[0]], tc.says)
			}
			if app.ErrorMessage(err) == "" {
				t.Error("no message")
			}
		})
	}

	// Renewing a known convention; an empty renews is none.
	c = valid()
	c.Renews = renews("c0")
	if err := c.Validate(lookup(t, "c0")); err != nil {
		t.Errorf("renews c0: %v", err)
	}
	c = valid()
	c.Renews = renews("")
	if err := c.Validate(lookup(t)); err != nil || c.Renews != nil {
		t.Errorf("renews \"\": %v, %v", err, c.Renews)
	}
}

func TestNormalize(t *testing.T) {
	c := valid()
	c.Perimeter.Communes = []string{" 33063", "75101", "75056", "33063", ""}
	c.Perimeter.EPCIs = []string{"243301181", "243301181 "}
	c.Parties = []string{"org-cc", "caf-33", "org-cc", "org-asso"}
	c.Normalize(mustRef(t))
	if !slices.Equal(c.Perimeter.Communes, []string{"33063", "75056"}) {
		t.Errorf("communes %v", c.Perimeter.Communes)
	}
	if !slices.Equal(c.Perimeter.EPCIs, []string{"243301181"}) {
		t.Errorf("EPCIs %v", c.Perimeter.EPCIs)
	}
	if !slices.Equal(c.Parties, []string{"org-asso", "org-cc"}) {
		t.Errorf("parties %v: the CAF is no party, each once", c.Parties)
	}
}

func TestResolve(t *testing.T) {
	ref := mustRef(t)
	for _, tc := range []struct {
		name string
		p    convention.Perimeter
		want []string
	}{
		{"EPCI", convention.Perimeter{EPCIs: []string{"243301181"}}, latitude},
		{"communes, sorted", convention.Perimeter{Communes: []string{"97412", "33063", "2A004"}}, []string{"2A004", "33063", "97412"}},
		{"EPCI plus a commune", convention.Perimeter{EPCIs: []string{"243301181"}, Communes: []string{"33063"}},
			append(slices.Clone(latitude[:9]), "33063", "33473", "33489", "33492")},
		{"a member listed again counts once", convention.Perimeter{EPCIs: []string{"243301181"}, Communes: []string{"33114"}}, latitude},
		{"EPCI minus excluded", convention.Perimeter{EPCIs: []string{"243301181"}, Excluded: []string{"33114", "33492"}}, latitude[1:11]},
		{"former code", convention.Perimeter{Communes: []string{"75101", "75120"}}, []string{"75056"}},
		{"excluded by a former code", convention.Perimeter{Communes: []string{"75056", "33063"}, Excluded: []string{"75101"}}, []string{"33063"}},
		{"unknown codes count for nothing", convention.Perimeter{EPCIs: []string{"000000000"}, Communes: []string{"00000"}}, []string{}},
		{"nothing", convention.Perimeter{}, []string{}},
	} {
		got := convention.Resolve(ref, tc.p)
		want := slices.Sorted(slices.Values(tc.want))
		if !slices.Equal(got, want) {
			t.Errorf("%s: %v, want %v", tc.name, got, want)
		}
	}
}

func TestPatchApply(t *testing.T) {
	c := valid()
	title, end := "Nouveau titre", "2027-12-31"
	parties := []string{"org-asso"}
	renews := "c0"
	convention.Patch{Title: &title, End: &end, Parties: &parties, Renews: convention.Optional{Set: true, Value: &renews}}.Apply(&c)
	if c.Title != title || c.End != end || !slices.Equal(c.Parties, parties) || c.Renews == nil || *c.Renews != "c0" {
		t.Errorf("applied %+v", c)
	}
	if c.Kind != "ctg" || c.Start != "2022-11-01" || c.CAF != "caf-33" || len(c.Perimeter.EPCIs) != 1 {
		t.Errorf("a partial patch changed other fields: %+v", c)
	}
	convention.Patch{}.Apply(&c)
	if c.Renews == nil {
		t.Errorf("a patch without renews cleared it")
	}
	if err := json.Unmarshal([]byte(`{"renews": null}`), new(convention.Patch)); err != nil {
		t.Fatal(err)
	}
	var clear convention.Patch
	_ = json.Unmarshal([]byte(`{"renews": null}`), &clear)
	clear.Apply(&c)
	if c.Renews != nil {
		t.Errorf("renews %v after a patch to none", *c.Renews)
	}
}

func TestTransition(t *testing.T) {
	const (
		d = convention.StatusDiagnostic
		e = convention.StatusElaboration
		s = convention.StatusSigned
		x = convention.StatusEnded
	)
	withParty := valid()
	alone := valid()
	alone.Parties = nil
	noCAF := valid()
	noCAF.CAF = ""
	for _, tc := range []struct {
		c          convention.Convention
		from, to   string
		date, code string // code "" means allowed
	}{
		{withParty, d, e, "", ""},
		{withParty, d, e, "2022-06-01", ""},
		{withParty, e, s, "2022-11-21", ""},
		{withParty, s, x, "2026-12-31", ""},
		{withParty, s, x, "", ""},
		// One step forward at a time.
		{withParty, d, s, "2022-11-21", app.EConflict},
		{withParty, d, x, "2026-12-31", app.EConflict},
		{withParty, e, x, "2026-12-31", app.EConflict},
		// Never back, never in place.
		{withParty, d, d, "", app.EConflict},
		{withParty, e, d, "", app.EConflict},
		{withParty, s, e, "", app.EConflict},
		{withParty, x, s, "2022-11-21", app.EConflict},
		{withParty, x, x, "", app.EConflict},
		// Signing needs a date, a CAF and another party.
		{withParty, e, s, "", app.EConflict},
		{alone, e, s, "2022-11-21", app.EConflict},
		{noCAF, e, s, "2022-11-21", app.EConflict},
		// Values that are no status or no date.
		{withParty, d, "archived", "", app.EInvalid},
		{withParty, d, "", "", app.EInvalid},
		{withParty, e, s, "21/11/2022", app.EInvalid},
	} {
		c := tc.c
		c.Status = tc.from
		err := convention.Transition(&c, tc.to, tc.date)
		if got := app.ErrorCode(err); got != tc.code {
			t.Errorf("%s → %s (date %q, parties %v, caf %q): %v, want code %q", tc.from, tc.to, tc.date, c.Parties, c.CAF, err, tc.code)
		}
		if err != nil && app.ErrorMessage(err) == "" {
			t.Errorf("%s → %s: message %q", tc.from, tc.to, app.ErrorMessage(err))
		}
		if c.Status != tc.from {
			t.Errorf("Transition changed the status to %s", c.Status)
		}
	}
	// The message names the next step.
	c := valid()
	c.Status = d
	if err := convention.Transition(&c, s, "2022-11-21"); !strings.Contains(app.ErrorMessage(err), "Élaboration") {
		t.Errorf("skip message %q does not name the next step", app.ErrorMessage(err))
	}
}

func TestAccess(t *testing.T) {
	c := valid()
	c.Normalize(mustRef(t))
	for _, tc := range []struct {
		u             *account.User
		visible, edit bool
	}{
		{nil, false, false},
		{&account.User{OrgID: "caf-33", Role: account.RoleEditor}, true, true},
		{&account.User{OrgID: "caf-33", Role: account.RoleReader}, true, false},
		{&account.User{OrgID: "org-cc", Role: account.RoleEditor}, true, true},
		{&account.User{OrgID: "org-cc", Role: account.RoleReader}, true, false},
		{&account.User{OrgID: "caf-974", Role: account.RoleEditor}, false, false},
		{&account.User{OrgID: "caf-974", Role: account.RoleAdmin}, true, true},
		{&account.User{OrgID: "", Role: account.RoleEditor}, false, false},
	} {
		if got := convention.Visible(tc.u, &c); got != tc.visible {
			t.Errorf("Visible(%+v) = %v", tc.u, got)
		}
		err := convention.CheckEdit(tc.u, &c)
		switch {
		case tc.edit && err != nil:
			t.Errorf("CheckEdit(%+v): %v", tc.u, err)
		case !tc.edit && tc.visible && app.ErrorCode(err) != app.EForbidden:
			t.Errorf("CheckEdit(%+v): %v, want forbidden", tc.u, err)
		case !tc.visible && app.ErrorCode(err) != app.ENotFound:
			t.Errorf("CheckEdit(%+v): %v, want not found", tc.u, err)
		}
	}
}

func TestLabels(t *testing.T) {
	if convention.KindLabel("ctg") != "Convention territoriale globale" || convention.KindShort("contrat_de_ville") != "Contrat de ville" ||
		convention.KindLabel("x") != "x" {
		t.Error("kind labels")
	}
	if convention.StatusLabel("signed") != "Signée" || convention.StatusLabel("ended") != "Échue" || convention.StatusIndex("x") != -1 {
		t.Error("status labels")
	}
	for i, s := range convention.Statuses {
		if convention.StatusIndex(s.Code) != i {
			t.Errorf("StatusIndex(%s) = %d", s.Code, convention.StatusIndex(s.Code))
		}
	}
}
