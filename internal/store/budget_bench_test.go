package store_test

import (
	"context"
	"fmt"
	"testing"

	"ctg/internal/account"
	"ctg/internal/budget"
	"ctg/internal/convention"
	"ctg/internal/store"
	"ctg/internal/testdb"
)

// benchFields are the fields of intervention of the benchmarks' actions,
// in turn: one, two, none.
var benchFields = [][]string{{"petite_enfance"}, {"jeunesse", "parentalite"}, {}, {"animation_vie_sociale"}}

// budgetDB returns a database with the CC Latitude Nord Gironde and three
// other funders, an admin, and the ids of the five funders (the CAF first).
func budgetDB(b *testing.B, dialect string) (*store.DB, *account.User, []string) {
	b.Helper()
	ctx := context.Background()
	db := testdb.Store(b, dialect)
	funders := []string{"caf-33"}
	for _, o := range []account.Organisation{
		{Name: "CC Latitude Nord Gironde", Kind: "epci", Territory: "243301181"},
		{Name: "Département de la Gironde", Kind: "departement", Territory: "33"},
		{Name: "MSA Gironde", Kind: "msa"},
		{Name: "Préfecture de la Gironde", Kind: "etat"},
	} {
		if err := db.CreateOrganisation(ctx, &o, nil); err != nil {
			b.Fatal(err)
		}
		funders = append(funders, o.ID)
	}
	return db, mustUser(b, db, "admin@caf.fr", "caf-33", account.RoleAdmin), funders
}

// benchBudget gives a convention axes × actions actions, each with
// lines budget lines over the funders, the years 2022-2026 and both
// natures.
func benchBudget(b *testing.B, db *store.DB, u *account.User, c *convention.Convention, funders []string, axes, actions, lines int) {
	b.Helper()
	ctx := context.Background()
	for i := range axes {
		ax := mustBudgetAxis(b, db, c.ID, i+1, fmt.Sprintf("Axe stratégique %d", i+1))
		for j := range actions {
			a := mustBudgetAction(b, db, c.ID, ax, j+1, fmt.Sprintf("Action %d.%d", i+1, j+1), benchFields[(i+j)%len(benchFields)]...)
			ls := make([]budget.Line, lines)
			for k := range ls {
				ls[k] = budget.Line{Funder: funders[k%len(funders)], Year: 2022 + k/len(funders)%5, Nature: budget.Natures[k%2].Code,
					PlannedCents: int64(100000 + 137*k + 1000*j)}
				if k%3 == 0 {
					ls[k].ActualCents = centsOf(int64(90000 + 11*k))
				}
			}
			if _, err := db.SetBudget(ctx, u, a, 0, ls); err != nil {
				b.Fatal(err)
			}
		}
	}
}

// settle does what autovacuum does on PostgreSQL after a bulk load, so that
// the lines are read from the covering index alone, as they would be in
// production; SQLite needs nothing.
func settle(b *testing.B, db *store.DB) {
	b.Helper()
	if db.Dialect == store.Postgres {
		if _, err := db.SQL().Exec(`VACUUM ANALYZE budget_lines`); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkBudgetTotals is the budget of a convention whose plan has 10
// axes of 20 actions, 5,000 budget lines in all, summed by funder, year,
// axis, field and nature (budget 30 ms).
func BenchmarkBudgetTotals(b *testing.B) {
	for _, dialect := range []string{testdb.SQLite, testdb.Postgres} {
		b.Run(dialect, func(b *testing.B) {
			ctx := context.Background()
			db, u, funders := budgetDB(b, dialect)
			c := ctgLatitude(funders[1:]...)
			if err := db.CreateConvention(ctx, mustRef(b), u, &c); err != nil {
				b.Fatal(err)
			}
			benchBudget(b, db, u, &c, funders, 10, 20, 25)
			settle(b, db)
			benchLatencies(b, nil, func() error {
				t, err := db.ConventionBudget(ctx, u, c.ID)
				if err == nil && (len(t.ByAxis) != 10 || len(t.ByFunder) != 5 || len(t.ByYear) != 5) {
					err = fmt.Errorf("totals %d axes, %d funders, %d years", len(t.ByAxis), len(t.ByFunder), len(t.ByYear))
				}
				return err
			})
		})
	}
}

// BenchmarkCAFCommitments is what the Caf de la Gironde committed per year
// over 300 conventions of its département, each with 25 budget lines (7,500
// lines, a fifth of them the CAF's), next to 50 conventions of another
// département (budget 100 ms). "caf" is a user of the CAF, who sees them
// all; "partner" a user of the CC, a party of one convention in three.
func BenchmarkCAFCommitments(b *testing.B) {
	for _, dialect := range []string{testdb.SQLite, testdb.Postgres} {
		b.Run(dialect, func(b *testing.B) {
			ctx := context.Background()
			db, admin, funders := budgetDB(b, dialect)
			for i := range 350 {
				c := ctgLatitude()
				if i%3 == 0 {
					c.Parties = []string{funders[1]}
				}
				c.Title = fmt.Sprintf("CTG %d", i)
				fs := funders
				if i >= 300 {
					c.CAF, c.Perimeter = "caf-974", convention.Perimeter{Communes: []string{"97412"}}
					fs = append([]string{"caf-974"}, funders[1:]...)
				}
				if err := db.CreateConvention(ctx, mustRef(b), admin, &c); err != nil {
					b.Fatal(err)
				}
				benchBudget(b, db, admin, &c, fs, 1, 1, 25)
			}
			settle(b, db)
			caf := mustUser(b, db, "conseillere@caf33.fr", "caf-33", account.RoleReader)
			partner := mustUser(b, db, "coordination@cc.fr", funders[1], account.RoleReader)
			for _, who := range []struct {
				name        string
				u           *account.User
				conventions int
			}{{"caf", caf, 300}, {"partner", partner, 100}} {
				b.Run(who.name, func(b *testing.B) {
					benchLatencies(b, nil, func() error {
						years, err := db.CAFCommitments(ctx, who.u, "caf-33")
						if err == nil && (len(years) != 5 || years[0].Conventions != who.conventions) {
							err = fmt.Errorf("commitments %+v", years)
						}
						return err
					})
				})
			}
		})
	}
}
