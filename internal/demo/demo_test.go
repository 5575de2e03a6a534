package demo_test

import (
	"context"
	"maps"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"ctg/internal/account"
	"ctg/internal/convention"
	"ctg/internal/demo"
	"ctg/internal/store"
	"ctg/internal/territory"
	"ctg/internal/testdb"
)

var (
	refOnce sync.Once
	ref     *territory.Ref
	refErr  error
)

func mustRef(tb testing.TB) *territory.Ref {
	tb.Helper()
	refOnce.Do(func() { ref, refErr = territory.Load() })
	if refErr != nil {
		tb.Fatal(refErr)
	}
	return ref
}

// mustDB opens a migrated database with the CAFs seeded, as ctg serve does.
func mustDB(tb testing.TB, dsn string) *store.DB {
	tb.Helper()
	db := testdb.Open(tb, dsn)
	return db
}

// counts returns the number of rows of every table the demo writes to.
func counts(tb testing.TB, db *store.DB) map[string]int {
	tb.Helper()
	out := map[string]int{}
	for _, table := range []string{"organisations", "users", "conventions", "convention_parties", "convention_communes", "convention_status", "history",
		"facilities", "findings", "stakes", "stake_findings", "surveys", "survey_responses", "response_values", "workshops", "proposals", "axes", "objectives", "actions", "action_partners", "action_stakes", "budget_lines", "action_indicators", "action_indicator_years", "publications",
		"meetings", "decisions", "amendments", "convention_versions", "action_reviews", "review_comments", "imports", "indicator_series", "indicator_values", "indicator_aggregates"} {
		var n int
		if err := db.SQL().Get(&n, `SELECT COUNT(*) FROM `+table); err != nil {
			tb.Fatal(err)
		}
		out[table] = n
	}
	return out
}

func mustUser(tb testing.TB, db *store.DB, email string) *account.User {
	tb.Helper()
	u, err := db.UserByEmail(context.Background(), email)
	if err != nil {
		tb.Fatalf("account %s: %v", email, err)
	}
	return u
}

func TestLoad(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		ctx := context.Background()
		ref := mustRef(t)
		db := mustDB(t, dsn)

		began := time.Now()
		login, err := demo.Load(ctx, db, ref)
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("demo loaded in %v", time.Since(began))
		if login.Email != "conseillere@demo.ctg.fr" || login.Password == "" {
			t.Fatalf("login = %+v, want the CAF advisor's", login)
		}
		if db.Now().Year() < 2026 || time.Since(db.Now()) > time.Minute {
			t.Fatalf("the clock is not restored: db.Now() = %v", db.Now())
		}

		before := counts(t, db)
		again, err := demo.Load(ctx, db, ref)
		if err != nil {
			t.Fatal(err)
		}
		if again != login {
			t.Errorf("second load: login %+v, want %+v", again, login)
		}
		if after := counts(t, db); !maps.Equal(before, after) {
			t.Errorf("second load changed the database: %v, then %v", before, after)
		}

		// A load that stopped before its last step (the admin account)
		// resumes without doubling anything.
		admin := mustUser(t, db, "admin@demo.ctg.fr")
		x := db.SQL()
		if _, err := x.Exec(x.Rebind(`DELETE FROM history WHERE subject = ?`), admin.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := x.Exec(x.Rebind(`DELETE FROM users WHERE id = ?`), admin.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := demo.Load(ctx, db, ref); err != nil {
			t.Fatal(err)
		}
		if after := counts(t, db); !maps.Equal(before, after) {
			t.Errorf("resumed load changed the database: %v, then %v", before, after)
		}
		// The consultation: a questionnaire with its responses, two workshops.
		if before["surveys"] != 1 || before["survey_responses"] < 300 || before["survey_responses"] > 450 || before["workshops"] != 2 || before["proposals"] < 8 {
			t.Errorf("consultation counts = %v", before)
		}
		// Two plans: the renewal of the Latitude Nord Gironde's CTG, five
		// axes and twenty actions, each answering a stake, every field a
		// CTG must cover, budgets and indicators, published for
		// residents; and the Grand Cubzaguais's, three axes and six
		// actions, in its third year.
		if before["axes"] != 8 || before["actions"] != 26 || before["budget_lines"] < 150 || before["action_indicators"] < 10 || before["publications"] != 1 {
			t.Errorf("plan counts = %v", before)
		}
		// The Grand Cubzaguais's life: six meetings, one amendment, the
		// reviews of 2024 and half of 2025, the partners' comments.
		if before["meetings"] != 6 || before["decisions"] < 5 || before["amendments"] != 1 || before["action_reviews"] != 7 || before["review_comments"] != 2 {
			t.Errorf("life counts = %v", before)
		}
		if before["conventions"] < 10 || before["users"] != 7 {
			t.Errorf("counts = %v, want at least 10 conventions and 7 accounts", before)
		}

		admin = mustUser(t, db, "admin@demo.ctg.fr")
		if admin.Role != account.RoleAdmin || admin.OrgID != "caf-33" {
			t.Errorf("admin = %+v", admin)
		}
		all, err := db.Conventions(ctx, admin, store.Filter{})
		if err != nil {
			t.Fatal(err)
		}
		julien := mustUser(t, db, "coordinateur@demo.ctg.fr")
		for _, c := range all {
			if c.Title != "CTG Latitude Nord Gironde 2027-2031" {
				continue
			}
			warnings, err := db.PlanWarnings(ctx, julien, c.ID)
			if err != nil || len(warnings) != 0 {
				t.Errorf("warnings on the demo plan: %+v, %v", warnings, err)
			}
			totals, err := db.ConventionBudget(ctx, julien, c.ID)
			if err != nil || totals.PlannedCents < 100_000_000 || len(totals.ByFunder) != 4 {
				t.Errorf("demo budget: %+v, %v", totals, err)
			}
		}
		byID := map[string]*convention.Convention{}
		kinds, statuses := map[string]bool{}, map[string]bool{}
		years := regexp.MustCompile(` \d{4}-\d{4}$`)
		for _, c := range all {
			byID[c.ID] = c
			kinds[c.Kind] = true
			statuses[c.Status] = true
			if !years.MatchString(c.Title) {
				t.Errorf("title %q does not end with its years", c.Title)
			}
			if len(c.Timeline) != convention.StatusIndex(c.Status)+1 {
				t.Errorf("%s: timeline %v for status %s", c.Title, c.Timeline, c.Status)
			}
			for i := 1; i < len(c.Timeline); i++ {
				if c.Timeline[i].Date < c.Timeline[i-1].Date {
					t.Errorf("%s: timeline goes back in time: %v", c.Title, c.Timeline)
				}
			}
			if c.Status == convention.StatusSigned || c.Status == convention.StatusEnded {
				if c.SignedOn == "" || len(c.Parties) == 0 {
					t.Errorf("%s: signed on %q with parties %v", c.Title, c.SignedOn, c.Parties)
				}
			}
			h, err := db.History(ctx, admin, c.ID, 0)
			if err != nil {
				t.Fatal(err)
			}
			if len(h) != len(c.Timeline)+updates(h) || h[len(h)-1].Action != "convention.create" {
				t.Errorf("%s: history %v", c.Title, h)
			}
			if h[len(h)-1].At.Year() > 2026 || h[0].At.After(time.Now()) {
				t.Errorf("%s: history dated %v … %v", c.Title, h[len(h)-1].At, h[0].At)
			}
		}
		for _, k := range convention.Kinds {
			if !kinds[k.Code] {
				t.Errorf("no convention of kind %s", k.Code)
			}
		}
		for _, s := range convention.Statuses {
			if !statuses[s.Code] {
				t.Errorf("no convention in status %s", s.Code)
			}
		}

		// A CTG renews a CEJ, and the CEJ knows it.
		renewal := false
		for _, c := range all {
			if c.Kind != convention.KindCTG || c.Renews == nil {
				continue
			}
			prev, ok := byID[*c.Renews]
			if !ok || prev.Kind != convention.KindCEJ {
				continue
			}
			renewal = true
			if prev.RenewedBy == nil || *prev.RenewedBy != c.ID {
				t.Errorf("%s renews %s, whose renewed_by is %v", c.Title, prev.Title, prev.RenewedBy)
			}
		}
		if !renewal {
			t.Error("no CTG renews a CEJ")
		}

		// The association's reader sees exactly the conventions their
		// association is a party to.
		reader := mustUser(t, db, "association@demo.ctg.fr")
		org, err := db.Organisation(ctx, reader.OrgID)
		if err != nil {
			t.Fatal(err)
		}
		if org.Kind != "association" || reader.Role != account.RoleReader {
			t.Fatalf("association reader: %+v in %+v", reader, org)
		}
		var want []string
		for _, c := range all {
			if slices.Contains(c.Parties, reader.OrgID) {
				want = append(want, c.ID)
			}
		}
		seen, err := db.Conventions(ctx, reader, store.Filter{})
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, c := range seen {
			got = append(got, c.ID)
		}
		slices.Sort(want)
		slices.Sort(got)
		if len(want) == 0 || len(want) == len(all) || !slices.Equal(got, want) {
			t.Errorf("association reader sees %v, want %v (of %d)", got, want, len(all))
		}

		// Partner organisations stand for real territories.
		orgs, err := db.Organisations(ctx, "")
		if err != nil {
			t.Fatal(err)
		}
		for _, o := range orgs {
			switch o.Kind {
			case "epci":
				if e, ok := ref.EPCI(o.Territory); !ok || o.Name == "" {
					t.Errorf("organisation %+v: EPCI %v", o, e)
				}
			case "commune":
				if c, ok := ref.Commune(o.Territory); !ok || !strings.HasSuffix(o.Name, c.Name) {
					t.Errorf("organisation %+v: commune %v", o, c)
				}
			}
		}

		// The CAF of Gironde's home page has something to show today.
		const today = "2026-11-21"
		active, err := db.ActiveSigned(ctx, today)
		if err != nil {
			t.Fatal(err)
		}
		cov := convention.ComputeCoverage(ref, "33", today, active)
		if cov.ByKind[convention.KindCTG].Communes < 20 || len(cov.Expiring) == 0 {
			t.Errorf("coverage of Gironde on %s: %+v", today, cov)
		}

		// The printed login signs in, as the CAF advisor.
		u, secret, err := db.SignIn(ctx, login.Email, login.Password, time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		if secret == "" || u.OrgID != "caf-33" || u.Role != account.RoleEditor {
			t.Errorf("signed in as %+v", u)
		}
	})
}

func updates(h []convention.Entry) int {
	n := 0
	for _, e := range h {
		// Changes to the convention itself, and to what it contains
		// (findings, stakes…), besides its creation and status steps.
		if e.Action == "convention.update" || !strings.HasPrefix(e.Action, "convention.") {
			n++
		}
	}
	return n
}
