package dataset

import (
	"context"
	"fmt"
	"strconv"

	"ctg/internal/budget"
	"ctg/internal/field"
	"ctg/internal/plan"
	"ctg/internal/store"
)

// InsertPlan gives the convention conventionID a plan of axes × actions
// actions, each led by the convention's first party, covering two fields
// of intervention, with lines budget lines spread over the CAF and the
// parties, the years of the convention and both natures (a third with an
// actual amount), and one follow-up indicator with a target per year. It
// acts as the dataset's admin (Insert creates it) through the store's
// exported methods, as the application would.
func InsertPlan(ctx context.Context, db *store.DB, conventionID string, axes, actions, lines int) error {
	admin, err := db.UserByEmail(ctx, Admin)
	if err != nil {
		return fmt.Errorf("dataset.InsertPlan: %w", err)
	}
	c, err := db.Convention(ctx, admin, conventionID)
	if err != nil {
		return fmt.Errorf("dataset.InsertPlan: %w", err)
	}
	funders := append([]string{c.CAF}, c.Parties...)
	first, last := plan.Years(c)
	years := last - first + 1
	for i := range axes {
		ax := &plan.Axis{Title: fmt.Sprintf("Axe stratégique n° %d du jeu d'essai", i+1)}
		if err := db.CreateAxis(ctx, admin, conventionID, ax); err != nil {
			return fmt.Errorf("dataset.InsertPlan: %w", err)
		}
		for j := range actions {
			k := i*actions + j
			a := &plan.Action{Title: fmt.Sprintf("Action n° %d du jeu d'essai", k+1), Status: plan.StatusInProgress,
				Description: "Une action de l'axe, décrite en quelques phrases comme sur une fiche action.",
				Fields:      []string{field.All[k%len(field.All)].Code, field.All[(k+3)%len(field.All)].Code},
				Lead:        c.Parties[0], Partners: []string{c.CAF}, Public: "Familles du territoire", Start: c.Start, End: c.End}
			if err := db.CreateAction(ctx, admin, ax.ID, a); err != nil {
				return fmt.Errorf("dataset.InsertPlan: %w", err)
			}
			ls := make([]budget.Line, lines)
			for n := range ls {
				ls[n] = budget.Line{Funder: funders[n%len(funders)], Year: first + n/len(funders)%years,
					Nature: budget.Natures[n%2].Code, PlannedCents: int64(1_000_000 + 1_370*n + 10_000*j)}
				if n%3 == 0 {
					actual := int64(900_000 + 110*n)
					ls[n].ActualCents = &actual
				}
			}
			if _, err := db.SetBudget(ctx, admin, a.ID, 0, ls); err != nil {
				return fmt.Errorf("dataset.InsertPlan: %w", err)
			}
			baseline := 10.0
			ind := &plan.Indicator{Label: "Familles accompagnées", Unit: "familles", Baseline: &baseline, Targets: map[string]float64{}}
			for y := first; y <= last; y++ {
				ind.Targets[strconv.Itoa(y)] = float64(10 + 5*(y-first+1))
			}
			if err := db.CreateActionIndicator(ctx, admin, a.ID, ind); err != nil {
				return fmt.Errorf("dataset.InsertPlan: %w", err)
			}
		}
	}
	return nil
}
