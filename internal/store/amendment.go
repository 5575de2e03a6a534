package store

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"

	"ctg/internal/account"
	"ctg/internal/amendment"
	"ctg/internal/app"
	"ctg/internal/convention"
	"ctg/internal/plan"
	"ctg/internal/territory"
)

// A convention keeps every version it was signed in: version 0 when it
// becomes signed (SetStatus), version N with amendment N. Each version is
// a snapshot written as JSON in the transaction that signs, read from the
// tables as they are then: the convention and its members, the names of
// its organisations, the axes and actions of the plan, and the planned
// budget summed by funder and year. Snapshots never change afterwards, so
// two versions compare whatever happened to the plan since.

type versionRow struct {
	ID         string    `db:"id"`
	Convention string    `db:"convention_id"`
	Number     int       `db:"number"`
	SignedOn   string    `db:"signed_on"`
	Label      string    `db:"label"`
	Snapshot   string    `db:"snapshot"`
	CreatedAt  time.Time `db:"created_at"`
}

func (r versionRow) version() (amendment.Version, error) {
	v := amendment.Version{ID: r.ID, Convention: r.Convention, Number: r.Number, Label: r.Label, Date: r.SignedOn, CreatedAt: r.CreatedAt.UTC()}
	if err := jsonUnmarshal(r.Snapshot, &v.Snapshot); err != nil {
		return v, fmt.Errorf("snapshot of version %d of %s: %w", r.Number, r.Convention, err)
	}
	return v, nil
}

// snapshotOf reads what c holds as it stands in q: c is loaded with its
// communes.
func snapshotOf(ctx context.Context, q sqlx.QueryerContext, c *convention.Convention) (*amendment.Snapshot, error) {
	s := &amendment.Snapshot{Kind: c.Kind, Title: c.Title, Start: c.Start, End: c.End, Perimeter: c.Perimeter,
		Communes: slices.Clone(c.Communes), Population: c.Population, Parties: []amendment.Party{}, Axes: []amendment.Axis{},
		Budget: []amendment.FunderYear{}}
	names, err := budgetOrgNames(ctx, q, append([]string{c.CAF}, c.Parties...))
	if err != nil {
		return nil, err
	}
	s.CAF = amendment.Party{ID: c.CAF, Name: names[c.CAF]}
	for _, p := range c.Parties {
		s.Parties = append(s.Parties, amendment.Party{ID: p, Name: names[p]})
	}

	var axes []struct {
		ID     string `db:"id"`
		Number int    `db:"number"`
		Title  string `db:"title"`
	}
	if err := sel(ctx, q, &axes, `SELECT id, number, title FROM axes WHERE convention_id = ? ORDER BY number, id`, c.ID); err != nil {
		return nil, err
	}
	var actions []struct {
		ID       string `db:"id"`
		Axis     string `db:"axis_id"`
		Number   int    `db:"number"`
		Title    string `db:"title"`
		Lead     string `db:"lead"`
		LeadName string `db:"lead_name"`
	}
	if err := sel(ctx, q, &actions, `SELECT a.id, a.axis_id, a.number, a.title, COALESCE(a.lead_id, '') AS lead, COALESCE(o.name, '') AS lead_name
		FROM actions a LEFT JOIN organisations o ON o.id = a.lead_id WHERE a.convention_id = ? ORDER BY a.number, a.id`, c.ID); err != nil {
		return nil, err
	}
	at := map[string]int{}
	for i, x := range axes {
		at[x.ID] = i
		s.Axes = append(s.Axes, amendment.Axis{ID: x.ID, Number: x.Number, Title: x.Title, Actions: []amendment.Action{}})
	}
	for _, a := range actions {
		if i, ok := at[a.Axis]; ok {
			x := &s.Axes[i]
			x.Actions = append(x.Actions, amendment.Action{ID: a.ID, Number: a.Number, Ref: plan.Ref(x.Number, a.Number), Title: a.Title,
				Lead: a.Lead, LeadName: a.LeadName})
		}
	}

	var cells []struct {
		Funder  string `db:"funder_id"`
		Name    string `db:"name"`
		Year    int    `db:"year"`
		Planned int64  `db:"planned"`
	}
	if err := sel(ctx, q, &cells, `SELECT b.funder_id, o.name, b.year, CAST(COALESCE(SUM(b.planned_cents), 0) AS BIGINT) AS planned
		FROM budget_lines b JOIN organisations o ON o.id = b.funder_id WHERE b.convention_id = ? GROUP BY b.funder_id, o.name, b.year`, c.ID); err != nil {
		return nil, err
	}
	for _, x := range cells {
		s.Budget = append(s.Budget, amendment.FunderYear{Funder: x.Funder, Name: x.Name, Year: x.Year, PlannedCents: x.Planned})
		s.PlannedCents += x.Planned
	}
	slices.SortFunc(s.Budget, func(a, b amendment.FunderYear) int {
		return cmp.Or(strings.Compare(a.Name, b.Name), strings.Compare(a.Funder, b.Funder), a.Year-b.Year)
	})
	return s, nil
}

// storeVersion writes version number of c, signed on date: a snapshot of
// c as it stands in t.
func (db *DB) storeVersion(ctx context.Context, t *tx, c *convention.Convention, number int, date string) (*amendment.Version, error) {
	s, err := snapshotOf(ctx, t, c)
	if err != nil {
		return nil, err
	}
	js, err := json.Marshal(s)
	if err != nil {
		return nil, err
	}
	v := &amendment.Version{ID: account.NewID(), Convention: c.ID, Number: number, Label: amendment.VersionLabel(number), Date: date,
		Snapshot: *s, CreatedAt: db.Now()}
	if _, err := exec(ctx, t, `INSERT INTO convention_versions (id, convention_id, number, signed_on, label, snapshot, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?)`, v.ID, c.ID, number, date, v.Label, string(js), v.CreatedAt); err != nil {
		return nil, err
	}
	return v, nil
}

func loadVersions(ctx context.Context, q sqlx.QueryerContext, conventionID string) ([]amendment.Version, error) {
	var rows []versionRow
	if err := sel(ctx, q, &rows, `SELECT id, convention_id, number, signed_on, label, snapshot, created_at FROM convention_versions
		WHERE convention_id = ? ORDER BY number`, conventionID); err != nil {
		return nil, err
	}
	out := make([]amendment.Version, len(rows))
	for i, r := range rows {
		v, err := r.version()
		if err != nil {
			return nil, err
		}
		out[i] = v
	}
	return out, nil
}

// Versions lists the signed versions of a convention u may see, from the
// signature (0) on, each with its snapshot. A convention not signed yet
// has none.
func (db *DB) Versions(ctx context.Context, u *account.User, conventionID string) ([]amendment.Version, error) {
	if _, err := seeConvention(ctx, db.x, u, conventionID, false); err != nil {
		return nil, fmt.Errorf("store.Versions: %w", err)
	}
	vs, err := loadVersions(ctx, db.x, conventionID)
	if err != nil {
		return nil, fmt.Errorf("store.Versions: %w", err)
	}
	return vs, nil
}

// CompareVersions says what changed from version from to version to of a
// convention u may see; ref names the communes. A number that is no
// version of the convention is EInvalid on "from" or "to".
func (db *DB) CompareVersions(ctx context.Context, ref *territory.Ref, u *account.User, conventionID string, from, to int) (*amendment.Comparison, error) {
	vs, err := db.Versions(ctx, u, conventionID)
	if err != nil {
		return nil, err
	}
	find := func(n int) *amendment.Version {
		i := slices.IndexFunc(vs, func(v amendment.Version) bool { return v.Number == n })
		if i < 0 {
			return nil
		}
		return &vs[i]
	}
	a, b := find(from), find(to)
	if a == nil || b == nil {
		bad := app.Fields{}
		which := "Cette convention n'a pas encore de version signée."
		if len(vs) > 0 {
			which = "Ses versions vont de 0 (la signature) à " + strconv.Itoa(vs[len(vs)-1].Number) + "."
		}
		if a == nil {
			bad.Add("from", "La convention n'a pas de version "+strconv.Itoa(from)+". "+which)
		}
		if b == nil {
			bad.Add("to", "La convention n'a pas de version "+strconv.Itoa(to)+". "+which)
		}
		return nil, bad.Err()
	}
	return amendment.Compare(ref, a, b), nil
}

type amendmentRow struct {
	ID         string    `db:"id"`
	Convention string    `db:"convention_id"`
	Number     int       `db:"number"`
	SignedOn   string    `db:"signed_on"`
	Summary    string    `db:"summary"`
	Changes    string    `db:"changes"`
	Version    int       `db:"version"`
	CreatedAt  time.Time `db:"created_at"`
	UpdatedAt  time.Time `db:"updated_at"`
}

// Amendments lists the amendments of a convention u may see, by number.
func (db *DB) Amendments(ctx context.Context, u *account.User, conventionID string) ([]amendment.Amendment, error) {
	if _, err := seeConvention(ctx, db.x, u, conventionID, false); err != nil {
		return nil, fmt.Errorf("store.Amendments: %w", err)
	}
	var rows []amendmentRow
	if err := sel(ctx, db.x, &rows, `SELECT id, convention_id, number, signed_on, summary, changes, version, created_at, updated_at
		FROM amendments WHERE convention_id = ? ORDER BY number`, conventionID); err != nil {
		return nil, fmt.Errorf("store.Amendments: %w", err)
	}
	out := make([]amendment.Amendment, len(rows))
	for i, r := range rows {
		out[i] = amendment.Amendment{ID: r.ID, Convention: r.Convention, Number: r.Number, Label: amendment.Label(r.Number), Date: r.SignedOn,
			Summary: r.Summary, SignedVersion: r.Number, Version: r.Version, CreatedAt: r.CreatedAt.UTC(), UpdatedAt: r.UpdatedAt.UTC()}
		if err := jsonUnmarshal(r.Changes, &out[i].Changes); err != nil {
			return nil, fmt.Errorf("store.Amendments: changes of %s: %w", r.ID, err)
		}
	}
	return out, nil
}

// errNotSigned answers an amendment to a convention that is not signed.
func errNotSigned(c *convention.Convention) error {
	if c.Status == convention.StatusEnded {
		return app.Errorf(app.EConflict, "Cette convention est échue : elle ne reçoit plus d'avenant. Préparez plutôt son renouvellement.")
	}
	return app.Errorf(app.EConflict, "Seule une convention signée reçoit des avenants ; celle-ci est au statut « %s ». Modifiez-la directement tant qu'elle n'est pas signée.",
		convention.StatusLabel(c.Status))
}

// CreateAmendment records amendment a of a signed convention u may
// change and, when ifVersion > 0, that is still at that version: it
// numbers it after the last one, applies its end, parties and perimeter
// to the convention with the checks of any change (EInvalid on the
// fields, named "changes.end" and so on, nothing saved), stores the
// snapshot of the convention as amended as version N, and writes the
// history, all in one transaction. A convention that is not signed is
// EConflict.
func (db *DB) CreateAmendment(ctx context.Context, ref *territory.Ref, u *account.User, conventionID string, ifVersion int, a *amendment.Amendment) error {
	lk := db.lookup(ctx, ref, u)
	err := db.Transact(ctx, func(t *tx) error {
		if db.Dialect == Postgres {
			// Two amendments of one convention queue here rather than
			// collide on their number.
			if _, err := exec(ctx, t, `SELECT id FROM conventions WHERE id = ? FOR UPDATE`, conventionID); err != nil {
				return err
			}
		}
		before, err := loadConvention(ctx, t, conventionID)
		if err != nil {
			return err
		}
		if err := convention.CheckEdit(u, before); err != nil {
			return err
		}
		if before.Status != convention.StatusSigned {
			return errNotSigned(before)
		}
		if ifVersion > 0 && ifVersion != before.Version {
			return ErrStale
		}
		var last struct {
			Number int    `db:"number"`
			Date   string `db:"signed_on"`
		}
		if err := get(ctx, t, &last, `SELECT COALESCE(MAX(number), 0) AS number, COALESCE(MAX(signed_on), '') AS signed_on
			FROM amendments WHERE convention_id = ?`, conventionID); err != nil {
			return err
		}
		// Every message at once: the amendment's own, then what the
		// convention would become, checked before anything is written.
		bad := app.Fields{}
		maps.Copy(bad, app.ErrorFields(a.Validate(before.SignedOn, last.Date)))
		after, err := loadConvention(ctx, t, conventionID)
		if err != nil {
			return err
		}
		if a.Changes.Structural() {
			if err := a.Changes.Apply(after); err != nil {
				maps.Copy(bad, app.ErrorFields(err))
			} else {
				for k, v := range app.ErrorFields(amendment.PrefixFields(after.Validate(lk))) {
					bad.Add(k, v)
				}
			}
		}
		if err := bad.Err(); err != nil {
			return err
		}
		var versions int
		if err := get(ctx, t, &versions, `SELECT COUNT(*) FROM convention_versions WHERE convention_id = ?`, conventionID); err != nil {
			return err
		}
		if versions == 0 {
			// Signed before versions were kept: the convention as it
			// stands before this amendment stands for its signature.
			if _, err := db.storeVersion(ctx, t, before, 0, before.SignedOn); err != nil {
				return err
			}
		}
		changes := map[string]convention.Change{}
		if a.Changes.Structural() {
			if changes, err = db.writeConvention(ctx, t, lk, u, before, after); err != nil {
				return amendment.PrefixFields(err)
			}
		}
		now := db.Now()
		a.Number, a.Convention, a.Label, a.SignedVersion = last.Number+1, conventionID, amendment.Label(last.Number+1), last.Number+1
		a.ID, a.Version, a.CreatedAt, a.UpdatedAt = account.NewID(), 1, now, now
		v, err := db.storeVersion(ctx, t, after, a.Number, a.Date)
		if err != nil {
			return err
		}
		js, err := json.Marshal(a.Changes)
		if err != nil {
			return err
		}
		if _, err := exec(ctx, t, `INSERT INTO amendments (id, convention_id, number, signed_on, summary, changes, version_id, version, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			a.ID, conventionID, a.Number, a.Date, a.Summary, string(js), v.ID, a.Version, now, now); err != nil {
			return err
		}
		changes["number"] = convention.Change{After: a.Number}
		changes["date"] = convention.Change{After: a.Date}
		changes["summary"] = convention.Change{After: a.Summary}
		if a.Changes.Plan != "" {
			changes["plan_changes"] = convention.Change{After: a.Changes.Plan}
		}
		if a.Changes.Budget != "" {
			changes["budget_changes"] = convention.Change{After: a.Changes.Budget}
		}
		return db.record(ctx, t, conventionID, u, "amendment.create", a.ID, changes)
	})
	if err != nil {
		return fmt.Errorf("store.CreateAmendment: %w", err)
	}
	return nil
}
