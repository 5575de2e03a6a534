package store

import (
	"context"
	"fmt"

	"ctg/internal/account"
	"ctg/internal/plan"
)

// ConventionActionIndicators returns the follow-up indicators of every
// action of a convention u may see, by action then position, in two
// queries whatever the number of actions: the documents of a convention
// list them all.
func (db *DB) ConventionActionIndicators(ctx context.Context, u *account.User, conventionID string) ([]plan.Indicator, error) {
	if _, err := seeConvention(ctx, db.x, u, conventionID, false); err != nil {
		return nil, fmt.Errorf("store.ConventionActionIndicators: %w", err)
	}
	list, err := loadActionIndicators(ctx, db.x, `a.convention_id = ?`, conventionID)
	if err != nil {
		return nil, fmt.Errorf("store.ConventionActionIndicators: %w", err)
	}
	return list, nil
}
