package store

import (
	"context"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"

	"ctg/internal/account"
	"ctg/internal/app"
	"ctg/internal/diagnostic"
	"ctg/internal/territory"
)

type facilityRow struct {
	ID          string    `db:"id"`
	Kind        string    `db:"kind"`
	Name        string    `db:"name"`
	Commune     string    `db:"commune_code"`
	Departement string    `db:"departement"`
	Places      *int      `db:"places"`
	Manager     string    `db:"manager"`
	Version     int       `db:"version"`
	CreatedAt   time.Time `db:"created_at"`
	UpdatedAt   time.Time `db:"updated_at"`
}

const facilityColumns = `id, kind, name, commune_code, departement, places, manager, version, created_at, updated_at`

func (r facilityRow) facility() diagnostic.Facility {
	return diagnostic.Facility{ID: r.ID, Kind: r.Kind, Name: r.Name, Commune: r.Commune, Departement: r.Departement,
		Places: r.Places, Manager: r.Manager, Version: r.Version, CreatedAt: r.CreatedAt.UTC(), UpdatedAt: r.UpdatedAt.UTC()}
}

var (
	errStaleFacility = app.Errorf(app.EPreconditionFailed, "L'équipement a été modifié entre-temps par quelqu'un d'autre. Rechargez-le, puis refaites votre modification.")
	errFacilityRole  = app.Errorf(app.EForbidden, "Votre rôle (lecture) ne permet pas de modifier l'inventaire des équipements.")
)

// errDuplicateFacility names the facility f would repeat.
func errDuplicateFacility() error {
	return app.Invalid("Certaines informations sont à corriger.", map[string]string{
		"name": "Un équipement de ce type porte déjà ce nom dans cette commune : modifiez-le plutôt que de le saisir deux fois."})
}

func loadFacility(ctx context.Context, q sqlx.QueryerContext, id string) (*diagnostic.Facility, error) {
	var r facilityRow
	if err := get(ctx, q, &r, `SELECT `+facilityColumns+` FROM facilities WHERE id = ?`, id); err != nil {
		return nil, mapError(err)
	}
	f := r.facility()
	return &f, nil
}

// facilityTaken reports whether another facility than id has the identity
// of f: its commune, kind and name.
func facilityTaken(ctx context.Context, t *tx, f *diagnostic.Facility, id string) (bool, error) {
	var n int
	err := get(ctx, t, &n, `SELECT COUNT(*) FROM facilities WHERE commune_code = ? AND kind = ? AND name_key = ? AND id <> ?`,
		f.Commune, f.Kind, f.NameKey(), id)
	return n > 0, err
}

// Facility returns a facility. Facilities are data about the territory:
// every signed-in user may read them.
func (db *DB) Facility(ctx context.Context, id string) (*diagnostic.Facility, error) {
	f, err := loadFacility(ctx, db.x, id)
	if err != nil {
		return nil, fmt.Errorf("store.Facility: %w", err)
	}
	return f, nil
}

// FacilityFilter selects facilities; empty fields select everything.
type FacilityFilter struct {
	// Communes keeps the facilities of these communes (current codes);
	// an empty, non-nil slice keeps none.
	Communes    []string
	Departement string
	Kind        string
}

// Facilities lists the facilities that match f, by commune, kind and name.
func (db *DB) Facilities(ctx context.Context, f FacilityFilter) ([]diagnostic.Facility, error) {
	if f.Communes != nil && len(f.Communes) == 0 {
		return []diagnostic.Facility{}, nil
	}
	q := `SELECT ` + facilityColumns + ` FROM facilities WHERE 1 = 1`
	var args []any
	if len(f.Communes) > 0 {
		in, a, err := sqlx.In(` AND commune_code IN (?)`, f.Communes)
		if err != nil {
			return nil, fmt.Errorf("store.Facilities: %w", err)
		}
		q += in
		args = append(args, a...)
	}
	if f.Departement != "" {
		q += ` AND departement = ?`
		args = append(args, f.Departement)
	}
	if f.Kind != "" {
		q += ` AND kind = ?`
		args = append(args, f.Kind)
	}
	var rows []facilityRow
	if err := sel(ctx, db.x, &rows, q, args...); err != nil {
		return nil, fmt.Errorf("store.Facilities: %w", err)
	}
	out := make([]diagnostic.Facility, len(rows))
	for i, r := range rows {
		out[i] = r.facility()
	}
	diagnostic.SortFacilities(out)
	return out, nil
}

func insertFacility(ctx context.Context, t *tx, f *diagnostic.Facility) error {
	_, err := exec(ctx, t, `INSERT INTO facilities (id, kind, name, name_key, commune_code, departement, places, manager, version, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		f.ID, f.Kind, f.Name, f.NameKey(), f.Commune, f.Departement, f.Places, f.Manager, f.Version, f.CreatedAt, f.UpdatedAt)
	return err
}

func updateFacility(ctx context.Context, t *tx, f *diagnostic.Facility, before int) error {
	res, err := exec(ctx, t, `UPDATE facilities SET kind = ?, name = ?, name_key = ?, commune_code = ?, departement = ?, places = ?, manager = ?,
		version = ?, updated_at = ? WHERE id = ? AND version = ?`,
		f.Kind, f.Name, f.NameKey(), f.Commune, f.Departement, f.Places, f.Manager, f.Version, f.UpdatedAt, f.ID, before)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return errStaleFacility
	}
	return nil
}

// CreateFacility validates and stores a new facility, with a line of
// history. Editors and admins only; a second facility of the same kind and
// name in a commune is refused (422 on name).
func (db *DB) CreateFacility(ctx context.Context, ref *territory.Ref, u *account.User, f *diagnostic.Facility) error {
	if !u.CanEdit() {
		return errFacilityRole
	}
	if err := f.Validate(ref); err != nil {
		return err
	}
	now := db.Now()
	f.ID, f.Version, f.CreatedAt, f.UpdatedAt = account.NewID(), 1, now, now
	err := db.Transact(ctx, func(t *tx) error {
		if taken, err := facilityTaken(ctx, t, f, f.ID); err != nil {
			return err
		} else if taken {
			return errDuplicateFacility()
		}
		if err := insertFacility(ctx, t, f); err != nil {
			return err
		}
		return db.record(ctx, t, "", u, "facility.create", f.ID, diagnostic.FacilityCreated(f))
	})
	if err != nil {
		return fmt.Errorf("store.CreateFacility: %w", err)
	}
	return nil
}

// UpdateFacility applies patch to a facility when u may change facilities
// and, when ifVersion > 0, when it is still at that version. A patch that
// changes nothing keeps the version.
func (db *DB) UpdateFacility(ctx context.Context, ref *territory.Ref, u *account.User, id string, ifVersion int, patch diagnostic.FacilityPatch) (*diagnostic.Facility, error) {
	var out *diagnostic.Facility
	err := db.Transact(ctx, func(t *tx) error {
		before, err := loadFacility(ctx, t, id)
		if err != nil {
			return err
		}
		if !u.CanEdit() {
			return errFacilityRole
		}
		if ifVersion > 0 && ifVersion != before.Version {
			return errStaleFacility
		}
		after := *before
		patch.Apply(&after)
		if err := after.Validate(ref); err != nil {
			return err
		}
		changes := diagnostic.DiffFacilities(before, &after)
		if len(changes) == 0 {
			out = before
			return nil
		}
		if taken, err := facilityTaken(ctx, t, &after, id); err != nil {
			return err
		} else if taken {
			return errDuplicateFacility()
		}
		after.Version, after.UpdatedAt = before.Version+1, db.Now()
		if err := updateFacility(ctx, t, &after, before.Version); err != nil {
			return err
		}
		out = &after
		return db.record(ctx, t, "", u, "facility.update", id, changes)
	})
	if err != nil {
		return nil, fmt.Errorf("store.UpdateFacility: %w", err)
	}
	return out, nil
}

// DeleteFacility removes a facility, with a line of history holding what it
// was.
func (db *DB) DeleteFacility(ctx context.Context, u *account.User, id string, ifVersion int) error {
	err := db.Transact(ctx, func(t *tx) error {
		f, err := loadFacility(ctx, t, id)
		if err != nil {
			return err
		}
		if !u.CanEdit() {
			return errFacilityRole
		}
		if ifVersion > 0 && ifVersion != f.Version {
			return errStaleFacility
		}
		if _, err := exec(ctx, t, `DELETE FROM facilities WHERE id = ?`, id); err != nil {
			return err
		}
		return db.record(ctx, t, "", u, "facility.delete", id, diagnostic.FacilityDeleted(f))
	})
	if err != nil {
		return fmt.Errorf("store.DeleteFacility: %w", err)
	}
	return nil
}

// ImportFacilities stores the facilities read from a file, all or none: a
// facility already known (same commune, kind and name) takes the places and
// manager of the file, the others are created. Each creation and change is
// a line of history.
func (db *DB) ImportFacilities(ctx context.Context, u *account.User, lines []diagnostic.FacilityLine) (diagnostic.FacilityImport, error) {
	sum := diagnostic.FacilityImport{Rows: len(lines)}
	if !u.CanEdit() {
		return sum, errFacilityRole
	}
	communes := map[string]bool{}
	for _, l := range lines {
		communes[l.Commune] = true
	}
	sum.Communes = len(communes)
	codes := make([]string, 0, len(communes))
	for c := range communes {
		codes = append(codes, c)
	}
	err := db.Transact(ctx, func(t *tx) error {
		known := map[string]*diagnostic.Facility{}
		for i := 0; i < len(codes); i += 500 {
			q, args, err := sqlx.In(`SELECT `+facilityColumns+` FROM facilities WHERE commune_code IN (?)`, codes[i:min(i+500, len(codes))])
			if err != nil {
				return err
			}
			var rows []facilityRow
			if err := sel(ctx, t, &rows, q, args...); err != nil {
				return err
			}
			for _, r := range rows {
				f := r.facility()
				known[f.Commune+"|"+f.Kind+"|"+f.NameKey()] = &f
			}
		}
		now := db.Now()
		for _, l := range lines {
			f := l.Facility
			before, ok := known[f.Commune+"|"+f.Kind+"|"+f.NameKey()]
			if !ok {
				f.ID, f.Version, f.CreatedAt, f.UpdatedAt = account.NewID(), 1, now, now
				if err := insertFacility(ctx, t, &f); err != nil {
					return err
				}
				sum.Created++
				if err := db.record(ctx, t, "", u, "facility.create", f.ID, diagnostic.FacilityCreated(&f)); err != nil {
					return err
				}
				continue
			}
			after := *before
			after.Name, after.Places, after.Manager = f.Name, f.Places, f.Manager
			changes := diagnostic.DiffFacilities(before, &after)
			if len(changes) == 0 {
				sum.Unchanged++
				continue
			}
			after.Version, after.UpdatedAt = before.Version+1, now
			if err := updateFacility(ctx, t, &after, before.Version); err != nil {
				return err
			}
			sum.Updated++
			if err := db.record(ctx, t, "", u, "facility.update", after.ID, changes); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return diagnostic.FacilityImport{}, fmt.Errorf("store.ImportFacilities: %w", err)
	}
	return sum, nil
}
