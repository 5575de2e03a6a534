package store

import (
	"context"
	"fmt"

	"ctg/internal/plan"
	"ctg/internal/publication"
	"ctg/internal/survey"
)

// PublicPage returns what the public page published under slug shows,
// without a user: the page is public. It reads only a published
// convention, and only what its partners chose to publish: the convention
// and its perimeter, the plan with the actions' follow-up indicators,
// the budget totals when ShowBudget (without the lines or the warnings),
// and the results of the closed questionnaires when ShowSurveys (without
// the free answers). ENotFound when no convention publishes that slug.
func (db *DB) PublicPage(ctx context.Context, slug string) (*publication.Page, error) {
	p, err := db.publicPage(ctx, slug)
	if err != nil {
		return nil, fmt.Errorf("store.PublicPage: %w", err)
	}
	return p, nil
}

func (db *DB) publicPage(ctx context.Context, slug string) (*publication.Page, error) {
	pub, err := loadPublication(ctx, db.x, `slug = ?`, slug)
	if err != nil {
		return nil, err
	}
	c, err := loadConvention(ctx, db.x, pub.Convention)
	if err != nil {
		return nil, err
	}
	pl, err := loadPlan(ctx, db.x, c.ID)
	if err != nil {
		return nil, err
	}
	inds, err := loadActionIndicators(ctx, db.x, `a.convention_id = ?`, c.ID)
	if err != nil {
		return nil, err
	}
	page := &publication.Page{Publication: *pub, Convention: c, Plan: pl, Indicators: map[string][]plan.Indicator{}}
	for _, ind := range inds {
		page.Indicators[ind.Action] = append(page.Indicators[ind.Action], ind)
	}
	if pub.ShowBudget {
		if page.Budget, err = conventionTotals(ctx, db.x, c); err != nil {
			return nil, err
		}
		page.Budget.Warnings = nil
	}
	if pub.ShowSurveys {
		var rows []surveyRow
		if err := sel(ctx, db.x, &rows, `SELECT `+surveyColumns+` FROM surveys s WHERE s.convention_id = ? AND s.status = ?
			ORDER BY s.closes DESC, s.created_at DESC, s.id`, c.ID, survey.StatusClosed); err != nil {
			return nil, err
		}
		for _, r := range rows {
			s, err := r.survey()
			if err != nil {
				return nil, err
			}
			res, err := db.results(ctx, s, survey.Filter{})
			if err != nil {
				return nil, err
			}
			page.Surveys = append(page.Surveys, publication.SurveyResult{Title: s.Title, Closes: s.Closes, Results: publication.Public(res)})
		}
	}
	return page, nil
}
