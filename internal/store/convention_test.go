package store_test

import (
	"context"
	"slices"
	"testing"

	"ctg/internal/account"
	"ctg/internal/app"
	"ctg/internal/convention"
	"ctg/internal/store"
	"ctg/internal/testdb"
)

var latitude = []string{"33114", "33123", "33126", "33142", "33151", "33233",
	"33266", "33272", "33439", "33473", "33489", "33492"}

// fixture is a database with a partner, its users and a convention.
type fixture struct {
	db                    *store.DB
	cc                    string
	editor, reader, other *account.User
	admin                 *account.User
}

func newFixture(t *testing.T, dsn string) *fixture {
	t.Helper()
	db := mustOpen(t, dsn)
	newClock(db)
	ctx := context.Background()
	cc := &account.Organisation{Name: "CC Latitude Nord Gironde", Kind: "epci", Territory: "243301181"}
	if err := db.CreateOrganisation(ctx, cc, nil); err != nil {
		t.Fatal(err)
	}
	return &fixture{
		db: db, cc: cc.ID,
		editor: mustUser(t, db, "editor@caf.fr", "caf-33", account.RoleEditor),
		reader: mustUser(t, db, "reader@cc.fr", cc.ID, account.RoleReader),
		other:  mustUser(t, db, "editor@caf974.fr", "caf-974", account.RoleEditor),
		admin:  mustUser(t, db, "admin@caf.fr", "caf-75", account.RoleAdmin),
	}
}

func (f *fixture) create(t *testing.T, u *account.User, c convention.Convention) *convention.Convention {
	t.Helper()
	if err := f.db.CreateConvention(context.Background(), mustRef(t), u, &c); err != nil {
		t.Fatalf("CreateConvention %q: %v", c.Title, err)
	}
	return &c
}

func ctgLatitude(parties ...string) convention.Convention {
	return convention.Convention{Kind: "ctg", Title: "CTG Latitude Nord Gironde 2022-2026", CAF: "caf-33",
		Perimeter: convention.Perimeter{EPCIs: []string{"243301181"}}, Start: "2022-11-01", End: "2026-12-31", Parties: parties}
}

func TestConventionStore(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		f := newFixture(t, dsn)
		ctx := context.Background()
		ref := mustRef(t)
		c := f.create(t, f.editor, ctgLatitude(f.cc))
		if c.Status != convention.StatusDiagnostic || c.Version != 1 || c.Population != 21821 || !slices.Equal(c.Communes, latitude) {
			t.Errorf("created %+v", c)
		}
		got, err := f.db.Convention(ctx, f.reader, c.ID)
		if err != nil || !slices.Equal(got.Communes, latitude) || !slices.Equal(got.Parties, []string{f.cc}) || len(got.Timeline) != 1 {
			t.Fatalf("Convention = %+v, %v", got, err)
		}
		if _, err := f.db.Convention(ctx, f.other, c.ID); app.ErrorCode(err) != app.ENotFound {
			t.Errorf("another CAF sees it: %v", err)
		}
		if err := f.db.CreateConvention(ctx, ref, f.reader, &convention.Convention{}); app.ErrorCode(err) != app.EForbidden {
			t.Errorf("reader creates: %v", err)
		}
		// An editor may not create a convention their organisation is not in.
		other := ctgLatitude(f.cc)
		if err := f.db.CreateConvention(ctx, ref, f.other, &other); app.ErrorCode(err) != app.EInvalid {
			t.Errorf("editor of another CAF creates for caf-33: %v", err)
		}

		// Update: stale versions change nothing, nor do invalid changes.
		title := "CTG LNG"
		if _, err := f.db.UpdateConvention(ctx, ref, f.editor, c.ID, 2, convention.Patch{Title: &title}); app.ErrorCode(err) != app.EPreconditionFailed {
			t.Errorf("stale update: %v", err)
		}
		end := "2000-01-01"
		if _, err := f.db.UpdateConvention(ctx, ref, f.editor, c.ID, 1, convention.Patch{Title: &title, End: &end}); app.ErrorCode(err) != app.EInvalid {
			t.Errorf("invalid update: %v", err)
		}
		if _, err := f.db.UpdateConvention(ctx, ref, f.reader, c.ID, 1, convention.Patch{Title: &title}); app.ErrorCode(err) != app.EForbidden {
			t.Errorf("reader update: %v", err)
		}
		if h, _ := f.db.History(ctx, f.admin, c.ID, 0); len(h) != 1 {
			t.Errorf("%d history lines after refused changes, want 1", len(h))
		}
		up, err := f.db.UpdateConvention(ctx, ref, f.editor, c.ID, 1, convention.Patch{Title: &title,
			Perimeter: &convention.Perimeter{EPCIs: []string{"243301181"}, Excluded: []string{"33114"}, Communes: []string{"75101"}}})
		if err != nil {
			t.Fatal(err)
		}
		want := append(slices.Clone(latitude[1:]), "75056")
		if up.Version != 2 || up.Title != title || !slices.Equal(up.Communes, want) || up.Population != ref.Population(want) {
			t.Errorf("updated %+v", up)
		}
		got, _ = f.db.Convention(ctx, f.admin, c.ID)
		if !slices.Equal(got.Communes, want) || got.Version != 2 {
			t.Errorf("stored communes %v version %d", got.Communes, got.Version)
		}
		// A patch that changes nothing keeps the version.
		same, err := f.db.UpdateConvention(ctx, ref, f.editor, c.ID, 2, convention.Patch{Title: &title})
		if err != nil || same.Version != 2 {
			t.Errorf("no-op update: version %d, %v", same.Version, err)
		}

		// Status: one step at a time, the timeline keeps each.
		if _, err := f.db.SetStatus(ctx, f.editor, c.ID, 0, convention.StatusSigned, "2022-11-21"); app.ErrorCode(err) != app.EConflict {
			t.Errorf("skip a step: %v", err)
		}
		if _, err := f.db.SetStatus(ctx, f.editor, c.ID, 0, convention.StatusElaboration, ""); err != nil {
			t.Fatal(err)
		}
		if _, err := f.db.SetStatus(ctx, f.editor, c.ID, 1, convention.StatusSigned, "2022-11-21"); app.ErrorCode(err) != app.EPreconditionFailed {
			t.Errorf("stale status: %v", err)
		}
		s, err := f.db.SetStatus(ctx, f.editor, c.ID, 3, convention.StatusSigned, "2022-11-21")
		if err != nil {
			t.Fatal(err)
		}
		if s.SignedOn != "2022-11-21" || s.Version != 4 || len(s.Timeline) != 3 {
			t.Errorf("signed %+v", s)
		}
		got, _ = f.db.Convention(ctx, f.reader, c.ID)
		var steps []string
		for _, st := range got.Timeline {
			steps = append(steps, st.Status+" "+st.Date)
		}
		if len(steps) != 3 || steps[0][:10] != "diagnostic" || steps[1][:11] != "elaboration" || steps[2] != "signed 2022-11-21" {
			t.Errorf("timeline %v", steps)
		}

		h, err := f.db.History(ctx, f.reader, c.ID, 0)
		if err != nil {
			t.Fatal(err)
		}
		var actions []string
		for _, e := range h {
			actions = append(actions, e.Action)
		}
		if !slices.Equal(actions, []string{"convention.status", "convention.status", "convention.update", "convention.create"}) {
			t.Errorf("actions %v", actions)
		}
		if ch := h[2].Changes["title"]; ch.Before != "CTG Latitude Nord Gironde 2022-2026" || ch.After != title {
			t.Errorf("title change %+v", ch)
		}
		if h[2].User != f.editor.Name || h[2].UserID != f.editor.ID {
			t.Errorf("by %q %q", h[2].User, h[2].UserID)
		}
		if _, err := f.db.History(ctx, f.other, c.ID, 0); app.ErrorCode(err) != app.ENotFound {
			t.Errorf("history for another CAF: %v", err)
		}
		if h, _ := f.db.History(ctx, f.admin, c.ID, 2); len(h) != 2 {
			t.Errorf("limit 2: %d lines", len(h))
		}
	})
}

func TestConventionsFilter(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		f := newFixture(t, dsn)
		ctx := context.Background()
		a := f.create(t, f.editor, ctgLatitude(f.cc))
		b := f.create(t, f.editor, convention.Convention{Kind: "cej", Title: "CEJ Bordeaux", CAF: "caf-33",
			Perimeter: convention.Perimeter{Communes: []string{"33063"}}, Start: "2019-01-01", End: "2022-12-31"})
		c := f.create(t, f.other, convention.Convention{Kind: "pedt", Title: "PEDT Saint-Joseph", CAF: "caf-974",
			Perimeter: convention.Perimeter{Communes: []string{"97412"}}, Start: "2021-09-01", End: "2024-08-31"})
		list := func(u *account.User, flt store.Filter) []string {
			t.Helper()
			cs, err := f.db.Conventions(ctx, u, flt)
			if err != nil {
				t.Fatal(err)
			}
			var out []string
			for _, x := range cs {
				out = append(out, x.ID)
			}
			return out
		}
		for _, tc := range []struct {
			name string
			u    *account.User
			f    store.Filter
			want []string
		}{
			{"admin, all, by end", f.admin, store.Filter{}, []string{b.ID, c.ID, a.ID}},
			{"by title", f.admin, store.Filter{Sort: "title"}, []string{b.ID, a.ID, c.ID}},
			{"by population, descending", f.admin, store.Filter{Sort: "-population"}, []string{b.ID, c.ID, a.ID}},
			{"CAF editor", f.editor, store.Filter{}, []string{b.ID, a.ID}},
			{"party reader", f.reader, store.Filter{}, []string{a.ID}},
			{"other CAF", f.other, store.Filter{}, []string{c.ID}},
			{"département", f.admin, store.Filter{Departement: "974"}, []string{c.ID}},
			{"kind", f.admin, store.Filter{Kind: "cej"}, []string{b.ID}},
			{"status", f.admin, store.Filter{Status: "signed"}, nil},
			{"commune", f.admin, store.Filter{Commune: "33473"}, []string{a.ID}},
			{"communes", f.admin, store.Filter{Communes: []string{"33063", "97412"}}, []string{b.ID, c.ID}},
			{"party", f.admin, store.Filter{Party: f.cc}, []string{a.ID}},
			{"words of the title", f.admin, store.Filter{Query: "nord CTG"}, []string{a.ID}},
		} {
			if got := list(tc.u, tc.f); !slices.Equal(got, tc.want) {
				t.Errorf("%s: %v, want %v", tc.name, got, tc.want)
			}
		}
		cs, _ := f.db.Conventions(ctx, f.admin, store.Filter{Kind: "ctg", WithCommunes: true})
		if len(cs) != 1 || !slices.Equal(cs[0].Communes, latitude) {
			t.Errorf("WithCommunes: %+v", cs)
		}
	})
}

func TestActiveSigned(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		f := newFixture(t, dsn)
		ctx := context.Background()
		a := f.create(t, f.editor, ctgLatitude(f.cc))
		f.create(t, f.editor, convention.Convention{Kind: "cej", Title: "CEJ Bordeaux", CAF: "caf-33", Parties: []string{f.cc},
			Perimeter: convention.Perimeter{Communes: []string{"33063"}}, Start: "2019-01-01", End: "2026-12-31"})
		for _, st := range []struct{ status, date string }{{"elaboration", ""}, {"signed", "2022-11-21"}} {
			if _, err := f.db.SetStatus(ctx, f.editor, a.ID, 0, st.status, st.date); err != nil {
				t.Fatal(err)
			}
		}
		for _, tc := range []struct {
			date string
			want int
		}{{"2022-10-31", 0}, {"2022-11-01", 1}, {"2024-01-01", 1}, {"2026-12-31", 1}, {"2027-01-01", 0}} {
			active, err := f.db.ActiveSigned(ctx, tc.date)
			if err != nil {
				t.Fatal(err)
			}
			if len(active) != tc.want {
				t.Errorf("%s: %d active, want %d", tc.date, len(active), tc.want)
				continue
			}
			if tc.want == 1 {
				x := active[0]
				slices.Sort(x.Communes)
				if x.ID != a.ID || x.Kind != "ctg" || x.CAF != "caf-33" || x.End != "2026-12-31" || !slices.Equal(x.Communes, latitude) {
					t.Errorf("%s: %+v", tc.date, x)
				}
			}
		}
		cv := convention.ComputeCoverage(mustRef(t), "33", "2026-06-01", mustActive(t, f.db, "2026-06-01"))
		if cv.ByKind["ctg"] != (convention.Count{Communes: 12, Population: 21821}) || cv.ByKind["cej"] != (convention.Count{}) {
			t.Errorf("coverage %+v", cv.ByKind)
		}
		if len(cv.Expiring) != 1 || cv.Expiring[0].ID != a.ID {
			t.Errorf("expiring %+v", cv.Expiring)
		}
	})
}

func mustActive(t *testing.T, db *store.DB, date string) []convention.Active {
	t.Helper()
	a, err := db.ActiveSigned(context.Background(), date)
	if err != nil {
		t.Fatal(err)
	}
	return a
}
