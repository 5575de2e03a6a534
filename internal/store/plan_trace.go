package store

import (
	"context"
	"fmt"

	"ctg/internal/account"
	"ctg/internal/convention"
	"ctg/internal/diagnostic"
	"ctg/internal/plan"
)

// Trace follows the plan of a convention u may see back to its diagnosis:
// the actions answering each stake, the stakes none answers, and for each
// action its stakes, its findings (named directly or grouped by its
// stakes) and the workshop proposals carried into those findings.
func (db *DB) Trace(ctx context.Context, u *account.User, conventionID string) (*plan.Trace, error) {
	p, err := db.Plan(ctx, u, conventionID)
	if err != nil {
		return nil, fmt.Errorf("store.Trace: %w", err)
	}
	stakes, err := db.Stakes(ctx, u, conventionID)
	if err != nil {
		return nil, fmt.Errorf("store.Trace: %w", err)
	}
	t, err := db.trace(ctx, u, conventionID, p, stakes)
	if err != nil {
		return nil, fmt.Errorf("store.Trace: %w", err)
	}
	return t, nil
}

// PlanOverview is what the plan page shows beside the plan: where each
// stake is answered, and the warnings.
type PlanOverview struct {
	Convention *convention.Convention
	Plan       *plan.Plan
	Trace      *plan.Trace
	Warnings   []plan.Warning
}

// PlanOverview reads the plan of a convention u may see once, with its
// stakes, and derives its trace and warnings from them (Trace and
// PlanWarnings would each read the plan again).
func (db *DB) PlanOverview(ctx context.Context, u *account.User, conventionID string) (*PlanOverview, error) {
	c, err := seeConvention(ctx, db.x, u, conventionID, false)
	if err != nil {
		return nil, fmt.Errorf("store.PlanOverview: %w", err)
	}
	p, err := loadPlan(ctx, db.x, conventionID)
	if err != nil {
		return nil, fmt.Errorf("store.PlanOverview: %w", err)
	}
	stakes, err := db.Stakes(ctx, u, conventionID)
	if err != nil {
		return nil, fmt.Errorf("store.PlanOverview: %w", err)
	}
	t, err := db.trace(ctx, u, conventionID, p, stakes)
	if err != nil {
		return nil, fmt.Errorf("store.PlanOverview: %w", err)
	}
	return &PlanOverview{Convention: c, Plan: p, Trace: t, Warnings: plan.Check(c, p, stakes)}, nil
}

// trace gathers the findings and the proposals behind the plan p and
// the stakes of a convention.
func (db *DB) trace(ctx context.Context, u *account.User, conventionID string, p *plan.Plan, stakes []diagnostic.Stake) (*plan.Trace, error) {
	findings, err := db.Findings(ctx, u, conventionID, FindingFilter{})
	if err != nil {
		return nil, err
	}
	var rows []struct {
		ID            string `db:"id"`
		Text          string `db:"text"`
		Field         string `db:"field"`
		Finding       string `db:"finding_id"`
		Workshop      string `db:"workshop_id"`
		WorkshopTitle string `db:"title"`
		WorkshopDate  string `db:"held_on"`
	}
	if err := sel(ctx, db.x, &rows, `SELECT p.id, p.text, p.field, p.finding_id, p.workshop_id, w.title, w.held_on
		FROM proposals p JOIN workshops w ON w.id = p.workshop_id
		WHERE w.convention_id = ? AND p.finding_id IS NOT NULL ORDER BY w.held_on, w.id, p.position`, conventionID); err != nil {
		return nil, err
	}
	proposals := make([]plan.Proposal, len(rows))
	for i, r := range rows {
		proposals[i] = plan.Proposal(r)
	}
	return plan.NewTrace(p, stakes, findings, proposals), nil
}

// PlanWarnings lists what the plan of a convention u may see lacks
// (plan.Check): fields a CTG must cover, stakes no action answers,
// actions without a lead.
func (db *DB) PlanWarnings(ctx context.Context, u *account.User, conventionID string) ([]plan.Warning, error) {
	c, err := seeConvention(ctx, db.x, u, conventionID, false)
	if err != nil {
		return nil, fmt.Errorf("store.PlanWarnings: %w", err)
	}
	p, err := loadPlan(ctx, db.x, conventionID)
	if err != nil {
		return nil, fmt.Errorf("store.PlanWarnings: %w", err)
	}
	stakes, err := db.Stakes(ctx, u, conventionID)
	if err != nil {
		return nil, fmt.Errorf("store.PlanWarnings: %w", err)
	}
	return plan.Check(c, p, stakes), nil
}
