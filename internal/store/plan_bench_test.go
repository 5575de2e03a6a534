package store_test

import (
	"context"
	"fmt"
	"testing"

	"ctg/internal/account"
	"ctg/internal/diagnostic"
	"ctg/internal/plan"
	"ctg/internal/store"
	"ctg/internal/testdb"
)

// planDB returns a database holding a CTG whose plan has 10 axes of 20
// actions each, every action with a lead, two partners, two stakes, a
// finding and, one in two, a moved past; and the editor who wrote it.
func planDB(b *testing.B, dialect string) (*store.DB, *account.User, string) {
	b.Helper()
	ctx := context.Background()
	db := testdb.Store(b, dialect)
	cc := &account.Organisation{Name: "CC Latitude Nord Gironde", Kind: "epci", Territory: "243301181"}
	if err := db.CreateOrganisation(ctx, cc, nil); err != nil {
		b.Fatal(err)
	}
	u := mustUser(b, db, "editor@caf.fr", "caf-33", account.RoleEditor)
	c := ctgLatitude(cc.ID)
	if err := db.CreateConvention(ctx, mustRef(b), u, &c); err != nil {
		b.Fatal(err)
	}
	var stakes, findings []string
	for i := range 20 {
		f := &diagnostic.Finding{Kind: "need", Field: "jeunesse", Text: fmt.Sprintf("Constat %d", i), Source: "data"}
		if err := db.CreateFinding(ctx, u, c.ID, f); err != nil {
			b.Fatal(err)
		}
		s := &diagnostic.Stake{Title: fmt.Sprintf("Enjeu %d", i), Fields: []string{"jeunesse"}, Priority: 1 + i%3, Findings: []string{f.ID}}
		if err := db.CreateStake(ctx, u, c.ID, s); err != nil {
			b.Fatal(err)
		}
		stakes, findings = append(stakes, s.ID), append(findings, f.ID)
	}
	for i := range 10 {
		x := &plan.Axis{Title: fmt.Sprintf("Axe stratégique %d", i+1), Description: "Faciliter la vie des familles du territoire."}
		if err := db.CreateAxis(ctx, u, c.ID, x); err != nil {
			b.Fatal(err)
		}
		for k := range 3 {
			if err := db.CreateObjective(ctx, u, x.ID, &plan.Objective{Title: fmt.Sprintf("Objectif %d.%d", i+1, k+1)}); err != nil {
				b.Fatal(err)
			}
		}
		for j := range 20 {
			n := i*20 + j
			a := &plan.Action{Title: fmt.Sprintf("Action %d", n), Description: "Une description de quelques lignes, comme une fiche action en a.",
				Fields: []string{"jeunesse", "parentalite"}, Lead: cc.ID, Partners: []string{"caf-33", "caf-24"}, Public: "Familles",
				Start: "2023-01-01", End: "2025-12-31", Stakes: []string{stakes[n%20], stakes[(n+7)%20]}, Findings: []string{findings[n%20]}}
			if err := db.CreateAction(ctx, u, x.ID, a); err != nil {
				b.Fatal(err)
			}
			if j%2 == 1 { // a past: one former reference
				if _, err := db.UpdateAction(ctx, u, a.ID, 0, plan.ActionPatch{Number: new(j)}); err != nil {
					b.Fatal(err)
				}
			}
		}
	}
	return db, u, c.ID
}

// BenchmarkPlan reads the plan of 10 axes and 200 actions (budget: well
// under 30 ms), and the same plan with its warnings.
func BenchmarkPlan(b *testing.B) {
	for _, dialect := range []string{testdb.SQLite, testdb.Postgres} {
		b.Run(dialect, func(b *testing.B) {
			db, u, cid := planDB(b, dialect)
			ctx := context.Background()
			b.Run("plan", func(b *testing.B) {
				benchLatencies(b, nil, func() error {
					p, err := db.Plan(ctx, u, cid)
					if err == nil && (len(p.Axes) != 10 || len(p.Actions()) != 200 || len(p.Axes[9].Actions[19].Stakes) != 2) {
						b.Fatalf("%d axes, %d actions", len(p.Axes), len(p.Actions()))
					}
					return err
				})
			})
			b.Run("warnings", func(b *testing.B) {
				benchLatencies(b, nil, func() error { _, err := db.PlanWarnings(ctx, u, cid); return err })
			})
		})
	}
}
