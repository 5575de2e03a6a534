// Package demo loads a fictitious data set for demonstrations.
package demo

import (
	"context"

	"ctg/internal/store"
	"ctg/internal/territory"
)

// Login is the demo account printed at start.
type Login struct{ Email, Password string }

// Load creates the demo data once; later calls leave it as it is.
func Load(ctx context.Context, db *store.DB, ref *territory.Ref) (Login, error) {
	return Login{}, nil
}
