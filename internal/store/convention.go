package store

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"

	"ctg/internal/account"
	"ctg/internal/app"
	"ctg/internal/convention"
	"ctg/internal/territory"
)

type conventionRow struct {
	ID         string    `db:"id"`
	Kind       string    `db:"kind"`
	Title      string    `db:"title"`
	CAF        string    `db:"caf_id"`
	Status     string    `db:"status"`
	Start      string    `db:"start_date"`
	End        string    `db:"end_date"`
	SignedOn   string    `db:"signed_on"`
	Renews     *string   `db:"renews_id"`
	RenewedBy  *string   `db:"renewed_by"`
	EPCIs      string    `db:"perimeter_epcis"`
	Communes   string    `db:"perimeter_communes"`
	Excluded   string    `db:"perimeter_excluded"`
	Population int       `db:"population"`
	Version    int       `db:"version"`
	CreatedAt  time.Time `db:"created_at"`
	UpdatedAt  time.Time `db:"updated_at"`
}

const conventionColumns = `c.id, c.kind, c.title, c.caf_id, c.status, c.start_date, c.end_date, c.signed_on, c.renews_id,
	c.perimeter_epcis, c.perimeter_communes, c.perimeter_excluded, c.population, c.version, c.created_at, c.updated_at,
	(SELECT r.id FROM conventions r WHERE r.renews_id = c.id) AS renewed_by`

func split(s string) []string {
	if s == "" {
		return []string{}
	}
	return strings.Split(s, ",")
}

func (r conventionRow) convention() *convention.Convention {
	return &convention.Convention{
		ID: r.ID, Kind: r.Kind, Title: r.Title, CAF: r.CAF, Status: r.Status, Start: r.Start, End: r.End,
		SignedOn: r.SignedOn, Renews: r.Renews, RenewedBy: r.RenewedBy, Version: r.Version, Population: r.Population,
		Perimeter: convention.Perimeter{EPCIs: split(r.EPCIs), Communes: split(r.Communes), Excluded: split(r.Excluded)},
		CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt, Parties: []string{}, Communes: []string{}, Timeline: []convention.StatusChange{},
	}
}

// fill loads the parties, communes and timeline of the given
// conventions, with one query each.
func fill(ctx context.Context, q sqlx.QueryerContext, cs []*convention.Convention, withCommunes bool) error {
	if len(cs) == 0 {
		return nil
	}
	byID := make(map[string]*convention.Convention, len(cs))
	ids := make([]string, len(cs))
	for i, c := range cs {
		byID[c.ID] = c
		ids[i] = c.ID
	}
	in := func(query string) (string, []any) {
		qs, args, _ := sqlx.In(query, ids)
		return qs, args
	}
	var pairs []struct {
		C string `db:"c"`
		V string `db:"v"`
	}
	qs, args := in(`SELECT convention_id AS c, organisation_id AS v FROM convention_parties WHERE convention_id IN (?) ORDER BY organisation_id`)
	if err := sel(ctx, q, &pairs, qs, args...); err != nil {
		return err
	}
	for _, p := range pairs {
		byID[p.C].Parties = append(byID[p.C].Parties, p.V)
	}
	if withCommunes {
		pairs = pairs[:0]
		qs, args = in(`SELECT convention_id AS c, commune_code AS v FROM convention_communes WHERE convention_id IN (?) ORDER BY commune_code`)
		if err := sel(ctx, q, &pairs, qs, args...); err != nil {
			return err
		}
		for _, p := range pairs {
			byID[p.C].Communes = append(byID[p.C].Communes, p.V)
		}
	}
	var steps []struct {
		C string `db:"convention_id"`
		convention.StatusChange
	}
	qs, args = in(`SELECT convention_id, status, date, at FROM convention_status WHERE convention_id IN (?)`)
	if err := sel(ctx, q, &steps, qs, args...); err != nil {
		return err
	}
	for _, s := range steps {
		byID[s.C].Timeline = append(byID[s.C].Timeline, s.StatusChange)
	}
	for _, c := range cs {
		slices.SortFunc(c.Timeline, func(a, b convention.StatusChange) int {
			return convention.StatusIndex(a.Status) - convention.StatusIndex(b.Status)
		})
	}
	return nil
}

func loadConvention(ctx context.Context, q sqlx.QueryerContext, id string) (*convention.Convention, error) {
	return loadConventionWith(ctx, q, id, true)
}

func loadConventionWith(ctx context.Context, q sqlx.QueryerContext, id string, withCommunes bool) (*convention.Convention, error) {
	var r conventionRow
	if err := get(ctx, q, &r, `SELECT `+conventionColumns+` FROM conventions c WHERE c.id = ?`, id); err != nil {
		return nil, mapError(err)
	}
	c := r.convention()
	if err := fill(ctx, q, []*convention.Convention{c}, withCommunes); err != nil {
		return nil, err
	}
	return c, nil
}

// ConventionHead returns the convention if u may see it, without the list
// of its communes (Communes is empty): for pages that show the rest.
func (db *DB) ConventionHead(ctx context.Context, u *account.User, id string) (*convention.Convention, error) {
	c, err := loadConventionWith(ctx, db.x, id, false)
	if err != nil {
		return nil, fmt.Errorf("store.ConventionHead: %w", err)
	}
	if !convention.Visible(u, c) {
		return nil, app.ErrNotFound
	}
	return c, nil
}

// Convention returns the convention if u may see it, ErrNotFound otherwise.
func (db *DB) Convention(ctx context.Context, u *account.User, id string) (*convention.Convention, error) {
	c, err := loadConvention(ctx, db.x, id)
	if err != nil {
		return nil, fmt.Errorf("store.Convention: %w", err)
	}
	if !convention.Visible(u, c) {
		return nil, app.ErrNotFound
	}
	return c, nil
}

// Filter selects conventions in a list.
type Filter struct {
	Departement  string
	Kind         string
	Status       string
	Query        string // words of the title
	Commune      string // conventions whose perimeter holds this commune
	Communes     []string
	Party        string // organisation id: CAF or party
	Sort         string // "title", "start", "end", "population", "-…" for descending
	WithCommunes bool
}

// Conventions lists the conventions u may see that match f.
func (db *DB) Conventions(ctx context.Context, u *account.User, f Filter) ([]*convention.Convention, error) {
	var where []string
	var args []any
	if !u.IsAdmin() {
		where = append(where, `(c.caf_id = ? OR EXISTS (SELECT 1 FROM convention_parties p WHERE p.convention_id = c.id AND p.organisation_id = ?))`)
		args = append(args, u.OrgID, u.OrgID)
	}
	if f.Departement != "" {
		where = append(where, `c.caf_id = ?`)
		args = append(args, "caf-"+f.Departement)
	}
	if f.Kind != "" {
		where = append(where, `c.kind = ?`)
		args = append(args, f.Kind)
	}
	if f.Status != "" {
		where = append(where, `c.status = ?`)
		args = append(args, f.Status)
	}
	if f.Party != "" {
		where = append(where, `(c.caf_id = ? OR EXISTS (SELECT 1 FROM convention_parties p2 WHERE p2.convention_id = c.id AND p2.organisation_id = ?))`)
		args = append(args, f.Party, f.Party)
	}
	if f.Commune != "" {
		where = append(where, `EXISTS (SELECT 1 FROM convention_communes cc WHERE cc.convention_id = c.id AND cc.commune_code = ?)`)
		args = append(args, f.Commune)
	}
	if len(f.Communes) > 0 {
		q, a, _ := sqlx.In(`EXISTS (SELECT 1 FROM convention_communes cc2 WHERE cc2.convention_id = c.id AND cc2.commune_code IN (?))`, f.Communes)
		where = append(where, q)
		args = append(args, a...)
	}
	for _, w := range strings.Fields(f.Query) {
		where = append(where, `LOWER(c.title) LIKE ?`)
		args = append(args, "%"+strings.ToLower(w)+"%")
	}
	q := `SELECT ` + conventionColumns + ` FROM conventions c`
	if len(where) > 0 {
		q += ` WHERE ` + strings.Join(where, " AND ")
	}
	order := map[string]string{
		"title": "c.title", "start": "c.start_date", "end": "c.end_date", "population": "c.population",
		"status": "c.status", "kind": "c.kind", "updated": "c.updated_at",
	}
	col, desc := strings.TrimPrefix(f.Sort, "-"), strings.HasPrefix(f.Sort, "-")
	by, ok := order[col]
	if !ok {
		by, desc = "c.end_date", false
	}
	if desc {
		by += " DESC"
	}
	q += ` ORDER BY ` + by + `, c.title, c.id`
	var rows []conventionRow
	if err := sel(ctx, db.x, &rows, q, args...); err != nil {
		return nil, fmt.Errorf("store.Conventions: %w", err)
	}
	out := make([]*convention.Convention, len(rows))
	for i, r := range rows {
		out[i] = r.convention()
	}
	if err := fill(ctx, db.x, out, f.WithCommunes); err != nil {
		return nil, fmt.Errorf("store.Conventions: %w", err)
	}
	return out, nil
}

func (db *DB) lookup(ctx context.Context, ref *territory.Ref, u *account.User) convention.Lookup {
	return convention.Lookup{
		Ref: ref,
		OrgKind: func(id string) (string, bool) {
			var kind string
			err := get(ctx, db.x, &kind, `SELECT kind FROM organisations WHERE id = ?`, id)
			return kind, err == nil
		},
		Exists: func(id string) bool {
			_, err := db.Convention(ctx, u, id)
			return err == nil
		},
	}
}

// CreateConvention validates and stores a new convention in status
// diagnostic, with the history line of its creation.
func (db *DB) CreateConvention(ctx context.Context, ref *territory.Ref, u *account.User, c *convention.Convention) error {
	if err := db.Transact(ctx, func(t *tx) error { return db.insertConvention(ctx, t, ref, u, c) }); err != nil {
		return fmt.Errorf("store.CreateConvention: %w", err)
	}
	return nil
}

// insertConvention checks that u may create c, validates it and writes it
// in status diagnostic with the history line of its creation, in t:
// shared by CreateConvention and the renewal, which creates a convention
// with what it copies.
func (db *DB) insertConvention(ctx context.Context, t *tx, ref *territory.Ref, u *account.User, c *convention.Convention) error {
	if !u.CanEdit() {
		return app.Errorf(app.EForbidden, "Votre rôle (lecture) ne permet pas de créer une convention.")
	}
	c.ID = account.NewID()
	c.Status = convention.StatusDiagnostic
	c.Version = 1
	if err := c.Validate(db.lookup(ctx, ref, u)); err != nil {
		return err
	}
	if !u.IsAdmin() && !c.HasParty(u.OrgID) {
		return app.Invalid("Certaines informations sont à corriger.", map[string]string{
			"parties": "Votre organisation doit être la Caf ou l'une des parties de la convention."})
	}
	now := db.Now()
	c.CreatedAt, c.UpdatedAt = now, now
	c.Timeline = []convention.StatusChange{{Status: c.Status, Date: convention.Today(now), At: now}}
	if err := checkRenewable(ctx, t, c); err != nil {
		return err
	}
	if _, err := exec(ctx, t, `INSERT INTO conventions (id, kind, title, caf_id, status, start_date, end_date, signed_on, renews_id,
		perimeter_epcis, perimeter_communes, perimeter_excluded, population, version, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, '', ?, ?, ?, ?, ?, 1, ?, ?)`,
		c.ID, c.Kind, c.Title, c.CAF, c.Status, c.Start, c.End, c.Renews,
		strings.Join(c.Perimeter.EPCIs, ","), strings.Join(c.Perimeter.Communes, ","), strings.Join(c.Perimeter.Excluded, ","),
		c.Population, now, now); err != nil {
		return err
	}
	if err := writeMembers(ctx, t, c, true); err != nil {
		return err
	}
	if _, err := exec(ctx, t, `INSERT INTO convention_status (convention_id, status, date, at, user_id) VALUES (?, ?, ?, ?, ?)`,
		c.ID, c.Status, c.Timeline[0].Date, now, u.ID); err != nil {
		return err
	}
	return db.record(ctx, t, c.ID, u, "convention.create", c.ID, convention.Created(c))
}

func checkRenewable(ctx context.Context, t *tx, c *convention.Convention) error {
	if c.Renews == nil {
		return nil
	}
	var other []string
	if err := sel(ctx, t, &other, `SELECT title FROM conventions WHERE renews_id = ? AND id <> ?`, *c.Renews, c.ID); err != nil {
		return err
	}
	if len(other) > 0 {
		return app.Invalid("Certaines informations sont à corriger.", map[string]string{
			"renews": "Cette convention est déjà renouvelée par « " + other[0] + " »."})
	}
	return nil
}

func writeMembers(ctx context.Context, t *tx, c *convention.Convention, communes bool) error {
	if _, err := exec(ctx, t, `DELETE FROM convention_parties WHERE convention_id = ?`, c.ID); err != nil {
		return err
	}
	for _, p := range c.Parties {
		if _, err := exec(ctx, t, `INSERT INTO convention_parties (convention_id, organisation_id) VALUES (?, ?)`, c.ID, p); err != nil {
			return err
		}
	}
	if !communes {
		return nil
	}
	if _, err := exec(ctx, t, `DELETE FROM convention_communes WHERE convention_id = ?`, c.ID); err != nil {
		return err
	}
	// Batched inserts: a perimeter can hold hundreds of communes.
	for i := 0; i < len(c.Communes); i += 200 {
		batch := c.Communes[i:min(i+200, len(c.Communes))]
		var sb strings.Builder
		args := make([]any, 0, 2*len(batch))
		sb.WriteString(`INSERT INTO convention_communes (convention_id, commune_code) VALUES `)
		for j, code := range batch {
			if j > 0 {
				sb.WriteString(", ")
			}
			sb.WriteString("(?, ?)")
			args = append(args, c.ID, code)
		}
		if _, err := exec(ctx, t, sb.String(), args...); err != nil {
			return err
		}
	}
	return nil
}

// ErrStale is returned when If-Match names an old version.
var ErrStale = app.Errorf(app.EPreconditionFailed, "La convention a été modifiée entre-temps par quelqu'un d'autre. Rechargez-la, puis refaites votre modification.")

// UpdateConvention applies patch to the convention when u may change it
// and, when ifVersion > 0, when it is still at that version. It stores a
// history line of what changed and returns the new convention.
func (db *DB) UpdateConvention(ctx context.Context, ref *territory.Ref, u *account.User, id string, ifVersion int, patch convention.Patch) (*convention.Convention, error) {
	var out *convention.Convention
	lk := db.lookup(ctx, ref, u)
	err := db.Transact(ctx, func(t *tx) error {
		before, err := loadConvention(ctx, t, id)
		if err != nil {
			return err
		}
		if err := convention.CheckEdit(u, before); err != nil {
			return err
		}
		if ifVersion > 0 && ifVersion != before.Version {
			return ErrStale
		}
		after, _ := loadConvention(ctx, t, id)
		patch.Apply(after)
		changes, err := db.writeConvention(ctx, t, lk, u, before, after)
		if err != nil {
			return err
		}
		if len(changes) == 0 {
			out = before
			return nil
		}
		out = after
		return db.record(ctx, t, id, u, "convention.update", id, changes)
	})
	if err != nil {
		return nil, fmt.Errorf("store.UpdateConvention: %w", err)
	}
	return out, nil
}

// writeConvention checks after, a changed copy of before that u may
// change, as any change of a convention, and writes it in t when it
// differs, with a new version. It returns what changed, nothing written
// when nothing did; the caller records the history line. An amendment
// changes a convention through it too (see amendment.go).
func (db *DB) writeConvention(ctx context.Context, t *tx, lk convention.Lookup, u *account.User, before, after *convention.Convention) (map[string]convention.Change, error) {
	if err := after.Validate(lk); err != nil {
		return nil, err
	}
	if !u.IsAdmin() && !after.HasParty(u.OrgID) {
		return nil, app.Invalid("Certaines informations sont à corriger.", map[string]string{
			"parties": "Votre organisation doit rester la Caf ou l'une des parties de la convention."})
	}
	if err := checkRenewable(ctx, t, after); err != nil {
		return nil, err
	}
	changes := convention.Diff(before, after)
	if len(changes) == 0 {
		return changes, nil
	}
	now := db.Now()
	after.Version = before.Version + 1
	after.UpdatedAt = now
	res, err := exec(ctx, t, `UPDATE conventions SET kind = ?, title = ?, caf_id = ?, start_date = ?, end_date = ?, renews_id = ?,
		perimeter_epcis = ?, perimeter_communes = ?, perimeter_excluded = ?, population = ?, version = ?, updated_at = ?
		WHERE id = ? AND version = ?`,
		after.Kind, after.Title, after.CAF, after.Start, after.End, after.Renews,
		strings.Join(after.Perimeter.EPCIs, ","), strings.Join(after.Perimeter.Communes, ","), strings.Join(after.Perimeter.Excluded, ","),
		after.Population, after.Version, now, before.ID, before.Version)
	if err != nil {
		return nil, err
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return nil, ErrStale
	}
	_, perimeterChanged := changes["perimeter"]
	if err := writeMembers(ctx, t, after, perimeterChanged); err != nil {
		return nil, err
	}
	return changes, nil
}

// SetStatus moves the convention one step in its life cycle.
func (db *DB) SetStatus(ctx context.Context, u *account.User, id string, ifVersion int, status, date string) (*convention.Convention, error) {
	var out *convention.Convention
	err := db.Transact(ctx, func(t *tx) error {
		c, err := loadConvention(ctx, t, id)
		if err != nil {
			return err
		}
		if err := convention.CheckEdit(u, c); err != nil {
			return err
		}
		if ifVersion > 0 && ifVersion != c.Version {
			return ErrStale
		}
		if err := convention.Transition(c, status, date); err != nil {
			return err
		}
		now := db.Now()
		if date == "" {
			date = convention.Today(now)
		}
		before := *c
		c.Status = status
		if status == convention.StatusSigned {
			c.SignedOn = date
		}
		c.Version++
		c.UpdatedAt = now
		if _, err := exec(ctx, t, `UPDATE conventions SET status = ?, signed_on = ?, version = ?, updated_at = ? WHERE id = ?`,
			c.Status, c.SignedOn, c.Version, now, id); err != nil {
			return err
		}
		if _, err := exec(ctx, t, `INSERT INTO convention_status (convention_id, status, date, at, user_id) VALUES (?, ?, ?, ?, ?)`,
			id, status, date, now, u.ID); err != nil {
			return err
		}
		c.Timeline = append(c.Timeline, convention.StatusChange{Status: status, Date: date, At: now})
		if status == convention.StatusSigned {
			// The convention as signed, version 0, that amendments are
			// compared with (amendment.go).
			if _, err := db.storeVersion(ctx, t, c, 0, date); err != nil {
				return err
			}
		}
		out = c
		changes := convention.Diff(&before, c)
		changes["date"] = convention.Change{Before: nil, After: date}
		return db.record(ctx, t, id, u, "convention.status", id, changes)
	})
	if err != nil {
		return nil, fmt.Errorf("store.SetStatus: %w", err)
	}
	return out, nil
}

// History lists the changes to a convention and what it contains, newest first.
func (db *DB) History(ctx context.Context, u *account.User, id string, limit int) ([]convention.Entry, error) {
	c, err := db.Convention(ctx, u, id)
	if err != nil {
		return nil, err
	}
	return db.HistoryOf(ctx, c, limit)
}

// ConventionTitle returns the title of a convention u may see.
func (db *DB) ConventionTitle(ctx context.Context, u *account.User, id string) (string, error) {
	q := `SELECT c.title FROM conventions c WHERE c.id = ?`
	args := []any{id}
	if !u.IsAdmin() {
		q += ` AND (c.caf_id = ? OR EXISTS (SELECT 1 FROM convention_parties p WHERE p.convention_id = c.id AND p.organisation_id = ?))`
		args = append(args, u.OrgID, u.OrgID)
	}
	var title string
	if err := get(ctx, db.x, &title, q, args...); err != nil {
		return "", fmt.Errorf("store.ConventionTitle: %w", mapError(err))
	}
	return title, nil
}

// HistoryOf lists the changes to a convention the caller has already
// loaded for a user who may see it, newest first.
func (db *DB) HistoryOf(ctx context.Context, c *convention.Convention, limit int) ([]convention.Entry, error) {
	id := c.ID
	if limit <= 0 {
		limit = 500
	}
	var rows []struct {
		At      time.Time `db:"at"`
		UserID  string    `db:"user_id"`
		User    string    `db:"user_name"`
		Action  string    `db:"action"`
		Subject string    `db:"subject"`
		Changes string    `db:"changes"`
	}
	if err := sel(ctx, db.x, &rows, `SELECT at, user_id, user_name, action, subject, changes FROM history WHERE convention_id = ? ORDER BY id DESC LIMIT ?`, id, limit); err != nil {
		return nil, fmt.Errorf("store.History: %w", err)
	}
	out := make([]convention.Entry, len(rows))
	for i, r := range rows {
		out[i] = convention.Entry{At: r.At.UTC(), User: r.User, UserID: r.UserID, Action: r.Action, Subject: r.Subject, ChangesJS: []byte(r.Changes)}
		_ = jsonUnmarshal(r.Changes, &out[i].Changes)
	}
	return out, nil
}

// ActiveSigned returns the signed conventions whose period holds date or
// that end within the year after it, with their communes: what coverage needs.
func (db *DB) ActiveSigned(ctx context.Context, date string) ([]convention.Active, error) {
	var rows []struct {
		ID    string `db:"id"`
		Title string `db:"title"`
		Kind  string `db:"kind"`
		CAF   string `db:"caf_id"`
		Start string `db:"start_date"`
		End   string `db:"end_date"`
	}
	if err := sel(ctx, db.x, &rows, `SELECT id, title, kind, caf_id, start_date, end_date FROM conventions
		WHERE status = 'signed' AND start_date <= ? AND end_date >= ? ORDER BY id`, date, date); err != nil {
		return nil, fmt.Errorf("store.ActiveSigned: %w", err)
	}
	out := make([]convention.Active, len(rows))
	idx := make(map[string]int, len(rows))
	for i, r := range rows {
		out[i] = convention.Active{ID: r.ID, Title: r.Title, Kind: r.Kind, CAF: r.CAF, Start: r.Start, End: r.End}
		idx[r.ID] = i
	}
	if len(rows) == 0 {
		return out, nil
	}
	qr, err := db.x.QueryContext(ctx, db.x.Rebind(`SELECT cc.convention_id, cc.commune_code FROM convention_communes cc
		JOIN conventions c ON c.id = cc.convention_id WHERE c.status = 'signed' AND c.start_date <= ? AND c.end_date >= ?`), date, date)
	if err != nil {
		return nil, fmt.Errorf("store.ActiveSigned: %w", err)
	}
	defer qr.Close()
	for qr.Next() {
		var id, code string
		if err := qr.Scan(&id, &code); err != nil {
			return nil, fmt.Errorf("store.ActiveSigned: %w", err)
		}
		if i, ok := idx[id]; ok {
			out[i].Communes = append(out[i].Communes, code)
		}
	}
	return out, qr.Err()
}
