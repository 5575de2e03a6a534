package store_test

import (
	"context"
	"testing"

	"ctg/internal/app"
	"ctg/internal/budget"
	"ctg/internal/testdb"
)

// TestActionsMoney checks the per-action sums the budget page lists:
// every action in the plan's order, those without lines at zero, and the
// sums of the lines of the others.
func TestActionsMoney(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		f := newFixture(t, dsn)
		ctx := context.Background()
		c := f.create(t, f.editor, ctgLatitude(f.cc))
		ax2 := mustBudgetAxis(t, f.db, c.ID, 2, "Accompagner les jeunes")
		ax1 := mustBudgetAxis(t, f.db, c.ID, 1, "Accueillir les jeunes enfants")
		a12 := mustBudgetAction(t, f.db, c.ID, ax1, 2, "Relais petite enfance itinérant", "petite_enfance")
		a11 := mustBudgetAction(t, f.db, c.ID, ax1, 1, "Micro-crèche de Saint-Savin", "petite_enfance")
		a21 := mustBudgetAction(t, f.db, c.ID, ax2, 1, "Réservation en ligne des accueils de loisirs")
		if _, err := f.db.SetBudget(ctx, f.editor, a11, 0, []budget.Line{
			{Funder: "caf-33", Year: 2023, Nature: "fonctionnement", PlannedCents: 12_000_000, ActualCents: centsOf(11_500_001)},
			budgetLine(f.cc, 2024, "investissement", 30_000_000),
		}); err != nil {
			t.Fatal(err)
		}
		if _, err := f.db.SetBudget(ctx, f.editor, a21, 0, []budget.Line{budgetLine(f.cc, 2025, "fonctionnement", 5_000_001)}); err != nil {
			t.Fatal(err)
		}
		got, err := f.db.ActionsMoney(ctx, f.reader, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		want := []struct {
			id, ref         string
			lines           int
			planned, actual int64
		}{{a11, "Axe 1 / Action 1", 2, 42_000_000, 11_500_001}, {a12, "Axe 1 / Action 2", 0, 0, 0}, {a21, "Axe 2 / Action 1", 1, 5_000_001, 0}}
		if len(got) != len(want) {
			t.Fatalf("ActionsMoney = %+v", got)
		}
		for i, w := range want {
			g := got[i]
			if g.ID != w.id || g.Ref() != w.ref || g.Lines != w.lines || g.PlannedCents != w.planned || g.ActualCents != w.actual {
				t.Errorf("action %d = %+v (%s), want %+v", i, g, g.Ref(), w)
			}
		}
		if _, err := f.db.ActionsMoney(ctx, f.other, c.ID); app.ErrorCode(err) != app.ENotFound {
			t.Errorf("another CAF's user: %v", err)
		}
	})
}
