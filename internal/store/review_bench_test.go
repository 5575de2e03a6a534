package store_test

import (
	"context"
	"fmt"
	"testing"

	"ctg/internal/plan"
	"ctg/internal/review"
	"ctg/internal/testdb"
)

// BenchmarkYearReview is the review of a year, the campaign page (every
// year's review) and the final evaluation of a convention whose plan has 10
// axes of 20 actions with 5,000 budget lines, an indicator with targets and
// values per action, and the review of every action for 2024 (budget:
// 100 ms for a year, 200 ms for the campaign and the evaluation).
func BenchmarkYearReview(b *testing.B) {
	for _, dialect := range []string{testdb.SQLite, testdb.Postgres} {
		b.Run(dialect, func(b *testing.B) {
			ctx := context.Background()
			db, u, funders := budgetDB(b, dialect)
			c := ctgLatitude()
			if err := db.CreateConvention(ctx, mustRef(b), u, &c); err != nil {
				b.Fatal(err)
			}
			benchBudget(b, db, u, &c, funders, 10, 20, 25)
			p, err := db.Plan(ctx, u, c.ID)
			if err != nil {
				b.Fatal(err)
			}
			for i, a := range p.Actions() {
				base := float64(i % 7)
				ind := plan.Indicator{Label: "Familles accueillies", Unit: "familles", Baseline: &base,
					Targets: map[string]float64{"2023": base + 5, "2024": base + 10, "2026": base + 20},
					Values:  map[string]float64{"2023": base + 4, "2024": base + 11}}
				if err := db.CreateActionIndicator(ctx, u, a.ID, &ind); err != nil {
					b.Fatal(err)
				}
				if _, _, err := db.SetActionReview(ctx, u, a.ID, 2024, 0, review.Input{Status: plan.Statuses[i%len(plan.Statuses)].Code,
					Done: "Ce qui a été fait dans l'année.", Difficulties: "Les difficultés.", NextSteps: "Les suites."}); err != nil {
					b.Fatal(err)
				}
			}
			settle(b, db)
			b.Run("year", func(b *testing.B) {
				benchLatencies(b, nil, func() error {
					y, err := db.YearReview(ctx, u, c.ID, 2024)
					if err == nil && (y.Actions != 200 || y.Reviewed != 200 || len(y.ByFunder) != 5) {
						err = fmt.Errorf("year: %d actions, %d reviewed, %d funders", y.Actions, y.Reviewed, len(y.ByFunder))
					}
					return err
				})
			})
			b.Run("campaign", func(b *testing.B) {
				benchLatencies(b, nil, func() error {
					years, err := db.YearReviews(ctx, u, c.ID)
					if err == nil && len(years) != 5 {
						err = fmt.Errorf("%d years", len(years))
					}
					return err
				})
			})
			b.Run("evaluation", func(b *testing.B) {
				benchLatencies(b, nil, func() error {
					e, err := db.Evaluation(ctx, u, c.ID)
					if err == nil && (e.Actions != 200 || e.Indicators.Total != 200) {
						err = fmt.Errorf("evaluation: %d actions, %d indicators", e.Actions, e.Indicators.Total)
					}
					return err
				})
			})
		})
	}
}
