package store

import (
	"context"
	"fmt"

	"github.com/jmoiron/sqlx"

	"ctg/internal/account"
	"ctg/internal/app"
	"ctg/internal/diagnostic"
	"ctg/internal/territory"
)

// indicatorsLock is the PostgreSQL advisory lock that imports and new
// ratios take, so that two of them never compute the same aggregates from
// each other's uncommitted values. SQLite serialises writers anyway.
const indicatorsLock = 727_001

func (db *DB) lockIndicators(ctx context.Context, t *tx) error {
	if db.Dialect != Postgres {
		return nil
	}
	_, err := t.ExecContext(ctx, `SELECT pg_advisory_xact_lock($1)`, indicatorsLock)
	return err
}

type indicatorRow struct {
	Code        string  `db:"code"`
	Label       string  `db:"label"`
	Unit        string  `db:"unit"`
	Aggregate   string  `db:"aggregate"`
	Numerator   string  `db:"numerator"`
	Denominator string  `db:"denominator"`
	Scale       float64 `db:"scale"`
	Description string  `db:"description"`
}

func loadCatalogue(ctx context.Context, q sqlx.QueryerContext) (*diagnostic.Catalogue, error) {
	var rows []indicatorRow
	if err := sel(ctx, q, &rows, `SELECT code, label, unit, aggregate, numerator, denominator, scale, description FROM indicators ORDER BY created_at, code`); err != nil {
		return nil, err
	}
	custom := make([]diagnostic.Indicator, len(rows))
	for i, r := range rows {
		custom[i] = diagnostic.Indicator{Code: r.Code, Label: r.Label, Unit: r.Unit, Aggregate: r.Aggregate,
			Numerator: r.Numerator, Denominator: r.Denominator, Scale: r.Scale, Description: r.Description}
	}
	return diagnostic.NewCatalogue(custom), nil
}

// Catalogue returns the indicators: the built-in ones, then those users
// added, in the order they were added.
func (db *DB) Catalogue(ctx context.Context) (*diagnostic.Catalogue, error) {
	c, err := loadCatalogue(ctx, db.x)
	if err != nil {
		return nil, fmt.Errorf("store.Catalogue: %w", err)
	}
	return c, nil
}

// CreateIndicator adds an indicator to the catalogue, for editors and
// admins (u nil: the command line). A new ratio is computed at once for
// every year its numerator has values. Errors: EForbidden for a reader,
// EInvalid with fields, EConflict for a code already taken.
func (db *DB) CreateIndicator(ctx context.Context, ref *territory.Ref, u *account.User, ind *diagnostic.Indicator) error {
	if u != nil && !u.CanEdit() {
		return app.Errorf(app.EForbidden, "Votre rôle (lecture) ne permet pas d'ajouter un indicateur.")
	}
	err := db.Transact(ctx, func(t *tx) error {
		if err := db.lockIndicators(ctx, t); err != nil {
			return err
		}
		cat, err := loadCatalogue(ctx, t)
		if err != nil {
			return err
		}
		if err := ind.Validate(cat); err != nil {
			return err
		}
		by := ""
		if u != nil {
			by = u.ID
		}
		if _, err := exec(ctx, t, `INSERT INTO indicators (code, label, unit, aggregate, numerator, denominator, scale, description, created_at, created_by)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, ind.Code, ind.Label, ind.Unit, ind.Aggregate, ind.Numerator, ind.Denominator,
			ind.Scale, ind.Description, db.Now(), by); err != nil {
			if app.ErrorCode(mapError(err)) == app.EConflict {
				return app.Errorf(app.EConflict, "Un indicateur porte déjà le code %s.", ind.Code)
			}
			return err
		}
		if ind.IsRatio() {
			cat, err = loadCatalogue(ctx, t)
			if err != nil {
				return err
			}
			r := newRecompute(db, ref, cat)
			if err := r.ratioAllYears(ctx, t, *ind); err != nil {
				return err
			}
		}
		return db.record(ctx, t, "", u, "indicator.create", ind.Code, ind)
	})
	if err != nil {
		return fmt.Errorf("store.CreateIndicator: %w", err)
	}
	return nil
}
