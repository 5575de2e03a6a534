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
	"ctg/internal/diagnostic"
)

// Findings and stakes belong to a convention: who sees the convention sees
// them, who may change it may change them (convention.Visible and
// convention.CheckEdit), and every change is a line of its history.

var (
	errStaleFinding = app.Errorf(app.EPreconditionFailed, "Le constat a été modifié entre-temps par quelqu'un d'autre. Rechargez-le, puis refaites votre modification.")
	errStaleStake   = app.Errorf(app.EPreconditionFailed, "L'enjeu a été modifié entre-temps par quelqu'un d'autre. Rechargez-le, puis refaites votre modification.")

	versionedFinding = versioned[diagnostic.Finding]{load: loadFinding, stale: errStaleFinding,
		version: func(f *diagnostic.Finding) int { return f.Version }, convention: func(f *diagnostic.Finding) string { return f.Convention }}
	versionedStake = versioned[diagnostic.Stake]{load: loadStake, stale: errStaleStake,
		version: func(s *diagnostic.Stake) int { return s.Version }, convention: func(s *diagnostic.Stake) string { return s.Convention }}
)

type findingRow struct {
	ID         string    `db:"id"`
	Convention string    `db:"convention_id"`
	Kind       string    `db:"kind"`
	Field      string    `db:"field"`
	Text       string    `db:"text"`
	Source     string    `db:"source"`
	Version    int       `db:"version"`
	CreatedAt  time.Time `db:"created_at"`
	UpdatedAt  time.Time `db:"updated_at"`
}

const findingColumns = `f.id, f.convention_id, f.kind, f.field, f.text, f.source, f.version, f.created_at, f.updated_at`

func (r findingRow) finding() diagnostic.Finding {
	return diagnostic.Finding{ID: r.ID, Convention: r.Convention, Kind: r.Kind, Field: r.Field, Text: r.Text, Source: r.Source,
		Stakes: []string{}, Version: r.Version, CreatedAt: r.CreatedAt.UTC(), UpdatedAt: r.UpdatedAt.UTC()}
}

type stakeRow struct {
	ID         string    `db:"id"`
	Convention string    `db:"convention_id"`
	Title      string    `db:"title"`
	Fields     string    `db:"fields"`
	Priority   int       `db:"priority"`
	Version    int       `db:"version"`
	CreatedAt  time.Time `db:"created_at"`
	UpdatedAt  time.Time `db:"updated_at"`
}

const stakeColumns = `s.id, s.convention_id, s.title, s.fields, s.priority, s.version, s.created_at, s.updated_at`

func (r stakeRow) stake() diagnostic.Stake {
	fields := split(r.Fields)
	diagnostic.SortFields(fields)
	return diagnostic.Stake{ID: r.ID, Convention: r.Convention, Title: r.Title, Fields: fields, Priority: r.Priority,
		Findings: []string{}, Version: r.Version, CreatedAt: r.CreatedAt.UTC(), UpdatedAt: r.UpdatedAt.UTC()}
}

// links returns the (stake, finding) pairs of a convention, or of one
// stake or finding of it, in the order of their ids.
func links(ctx context.Context, q sqlx.QueryerContext, where string, arg string) ([]struct {
	Stake   string `db:"stake_id"`
	Finding string `db:"finding_id"`
}, error) {
	var pairs []struct {
		Stake   string `db:"stake_id"`
		Finding string `db:"finding_id"`
	}
	err := sel(ctx, q, &pairs, `SELECT sf.stake_id, sf.finding_id FROM stake_findings sf JOIN stakes s ON s.id = sf.stake_id
		WHERE `+where+` ORDER BY sf.stake_id, sf.finding_id`, arg)
	return pairs, err
}

func loadFinding(ctx context.Context, q sqlx.QueryerContext, id string) (*diagnostic.Finding, error) {
	var r findingRow
	if err := get(ctx, q, &r, `SELECT `+findingColumns+` FROM findings f WHERE f.id = ?`, id); err != nil {
		return nil, mapError(err)
	}
	f := r.finding()
	pairs, err := links(ctx, q, `sf.finding_id = ?`, id)
	if err != nil {
		return nil, err
	}
	for _, p := range pairs {
		f.Stakes = append(f.Stakes, p.Stake)
	}
	return &f, nil
}

func loadStake(ctx context.Context, q sqlx.QueryerContext, id string) (*diagnostic.Stake, error) {
	var r stakeRow
	if err := get(ctx, q, &r, `SELECT `+stakeColumns+` FROM stakes s WHERE s.id = ?`, id); err != nil {
		return nil, mapError(err)
	}
	s := r.stake()
	pairs, err := links(ctx, q, `sf.stake_id = ?`, id)
	if err != nil {
		return nil, err
	}
	for _, p := range pairs {
		s.Findings = append(s.Findings, p.Finding)
	}
	return &s, nil
}

// seeConvention loads a convention u may see (ErrNotFound otherwise) and,
// when edit is set, checks that u may change it (forbidden for readers).
// Its communes are not loaded: findings and stakes do not need them.
func seeConvention(ctx context.Context, q sqlx.QueryerContext, u *account.User, id string, edit bool) (*convention.Convention, error) {
	c, err := loadConventionWith(ctx, q, id, false)
	if err != nil {
		return nil, err
	}
	if edit {
		return c, convention.CheckEdit(u, c)
	}
	if !convention.Visible(u, c) {
		return nil, app.ErrNotFound
	}
	return c, nil
}

// FindingFilter selects findings of a convention; empty fields select all.
type FindingFilter struct {
	Kind  string
	Field string
}

// Findings lists the findings of a convention u may see: strengths, then
// weaknesses, then needs, each from the oldest.
func (db *DB) Findings(ctx context.Context, u *account.User, conventionID string, f FindingFilter) ([]diagnostic.Finding, error) {
	if _, err := seeConvention(ctx, db.x, u, conventionID, false); err != nil {
		return nil, fmt.Errorf("store.Findings: %w", err)
	}
	q := `SELECT ` + findingColumns + ` FROM findings f WHERE f.convention_id = ?`
	args := []any{conventionID}
	if f.Kind != "" {
		q += ` AND f.kind = ?`
		args = append(args, f.Kind)
	}
	if f.Field != "" {
		q += ` AND f.field = ?`
		args = append(args, f.Field)
	}
	var rows []findingRow
	if err := sel(ctx, db.x, &rows, q, args...); err != nil {
		return nil, fmt.Errorf("store.Findings: %w", err)
	}
	pairs, err := links(ctx, db.x, `s.convention_id = ?`, conventionID)
	if err != nil {
		return nil, fmt.Errorf("store.Findings: %w", err)
	}
	stakes := map[string][]string{}
	for _, p := range pairs {
		stakes[p.Finding] = append(stakes[p.Finding], p.Stake)
	}
	out := make([]diagnostic.Finding, len(rows))
	for i, r := range rows {
		out[i] = r.finding()
		if s, ok := stakes[r.ID]; ok {
			out[i].Stakes = s
		}
	}
	diagnostic.SortFindings(out)
	return out, nil
}

// Finding returns a finding of a convention u may see.
func (db *DB) Finding(ctx context.Context, u *account.User, id string) (*diagnostic.Finding, error) {
	f, err := loadFinding(ctx, db.x, id)
	if err == nil {
		_, err = seeConvention(ctx, db.x, u, f.Convention, false)
	}
	if err != nil {
		return nil, fmt.Errorf("store.Finding: %w", err)
	}
	return f, nil
}

// CreateFinding validates and stores a new finding of a convention u may
// change, with a line of the convention's history.
func (db *DB) CreateFinding(ctx context.Context, u *account.User, conventionID string, f *diagnostic.Finding) error {
	err := db.Transact(ctx, func(t *tx) error {
		if _, err := seeConvention(ctx, t, u, conventionID, true); err != nil {
			return err
		}
		return db.insertFinding(ctx, t, u, conventionID, f)
	})
	if err != nil {
		return fmt.Errorf("store.CreateFinding: %w", err)
	}
	return nil
}

// insertFinding validates and writes a new finding of a convention with its
// line of history, in t: shared by CreateFinding and the steps that make a
// finding together with something else (a workshop's proposal, a survey's result).
func (db *DB) insertFinding(ctx context.Context, t *tx, u *account.User, conventionID string, f *diagnostic.Finding) error {
	if err := f.Validate(); err != nil {
		return err
	}
	now := db.Now()
	f.ID, f.Convention, f.Version, f.CreatedAt, f.UpdatedAt, f.Stakes = account.NewID(), conventionID, 1, now, now, []string{}
	if _, err := exec(ctx, t, `INSERT INTO findings (id, convention_id, kind, field, text, source, version, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, f.ID, f.Convention, f.Kind, f.Field, f.Text, f.Source, f.Version, now, now); err != nil {
		return err
	}
	return db.record(ctx, t, conventionID, u, "finding.create", f.ID, diagnostic.FindingCreated(f))
}

// UpdateFinding applies patch to a finding when u may change its convention
// and, when ifVersion > 0, when it is still at that version. A patch that
// changes nothing keeps the version.
func (db *DB) UpdateFinding(ctx context.Context, u *account.User, id string, ifVersion int, patch diagnostic.FindingPatch) (*diagnostic.Finding, error) {
	var out *diagnostic.Finding
	err := db.Transact(ctx, func(t *tx) error {
		before, _, err := versionedFinding.open(ctx, db, t, u, id, ifVersion)
		if err != nil {
			return err
		}
		after := *before
		patch.Apply(&after)
		if err := after.Validate(); err != nil {
			return err
		}
		changes := diagnostic.DiffFindings(before, &after)
		if len(changes) == 0 {
			out = before
			return nil
		}
		after.Version, after.UpdatedAt = before.Version+1, db.Now()
		if err := writeVersioned(ctx, t, errStaleFinding, `UPDATE findings SET kind = ?, field = ?, text = ?, source = ?, version = ?, updated_at = ?
			WHERE id = ? AND version = ?`, after.Kind, after.Field, after.Text, after.Source, after.Version, after.UpdatedAt, id, before.Version); err != nil {
			return err
		}
		out = &after
		return db.record(ctx, t, after.Convention, u, "finding.update", id, changes)
	})
	if err != nil {
		return nil, fmt.Errorf("store.UpdateFinding: %w", err)
	}
	return out, nil
}

// DeleteFinding removes a finding and takes it out of the stakes that
// grouped it; those stakes get a new version and a line of history each.
func (db *DB) DeleteFinding(ctx context.Context, u *account.User, id string, ifVersion int) error {
	err := db.Transact(ctx, func(t *tx) error {
		f, _, err := versionedFinding.open(ctx, db, t, u, id, ifVersion)
		if err != nil {
			return err
		}
		now := db.Now()
		for _, sid := range f.Stakes {
			s, err := loadStake(ctx, t, sid)
			if err != nil {
				return err
			}
			after := *s
			after.Findings = slices.DeleteFunc(slices.Clone(s.Findings), func(x string) bool { return x == id })
			if _, err := exec(ctx, t, `UPDATE stakes SET version = version + 1, updated_at = ? WHERE id = ?`, now, sid); err != nil {
				return err
			}
			if err := db.record(ctx, t, f.Convention, u, "stake.update", sid, diagnostic.DiffStakes(s, &after)); err != nil {
				return err
			}
		}
		if _, err := exec(ctx, t, `DELETE FROM stake_findings WHERE finding_id = ?`, id); err != nil {
			return err
		}
		if _, err := exec(ctx, t, `DELETE FROM findings WHERE id = ?`, id); err != nil {
			return err
		}
		return db.record(ctx, t, f.Convention, u, "finding.delete", id, diagnostic.FindingDeleted(f))
	})
	if err != nil {
		return fmt.Errorf("store.DeleteFinding: %w", err)
	}
	return nil
}

// Stakes lists the stakes of a convention u may see, by priority then title.
func (db *DB) Stakes(ctx context.Context, u *account.User, conventionID string) ([]diagnostic.Stake, error) {
	if _, err := seeConvention(ctx, db.x, u, conventionID, false); err != nil {
		return nil, fmt.Errorf("store.Stakes: %w", err)
	}
	var rows []stakeRow
	if err := sel(ctx, db.x, &rows, `SELECT `+stakeColumns+` FROM stakes s WHERE s.convention_id = ?`, conventionID); err != nil {
		return nil, fmt.Errorf("store.Stakes: %w", err)
	}
	pairs, err := links(ctx, db.x, `s.convention_id = ?`, conventionID)
	if err != nil {
		return nil, fmt.Errorf("store.Stakes: %w", err)
	}
	byStake := map[string][]string{}
	for _, p := range pairs {
		byStake[p.Stake] = append(byStake[p.Stake], p.Finding)
	}
	out := make([]diagnostic.Stake, len(rows))
	for i, r := range rows {
		out[i] = r.stake()
		if f, ok := byStake[r.ID]; ok {
			out[i].Findings = f
		}
	}
	diagnostic.SortStakes(out)
	return out, nil
}

// Stake returns a stake of a convention u may see.
func (db *DB) Stake(ctx context.Context, u *account.User, id string) (*diagnostic.Stake, error) {
	s, err := loadStake(ctx, db.x, id)
	if err == nil {
		_, err = seeConvention(ctx, db.x, u, s.Convention, false)
	}
	if err != nil {
		return nil, fmt.Errorf("store.Stake: %w", err)
	}
	return s, nil
}

// checkFindings returns an EInvalid error on "findings" when one of ids is
// not a finding of the convention.
func checkFindings(ctx context.Context, t *tx, conventionID string, ids []string) error {
	if len(ids) == 0 {
		return nil
	}
	q, args, err := sqlx.In(`SELECT id FROM findings WHERE convention_id = ? AND id IN (?)`, conventionID, ids)
	if err != nil {
		return err
	}
	var found []string
	if err := sel(ctx, t, &found, q, args...); err != nil {
		return err
	}
	var unknown []string
	for _, id := range ids {
		if !slices.Contains(found, id) {
			unknown = append(unknown, id)
		}
	}
	if len(unknown) == 0 {
		return nil
	}
	msg := "Ce constat n'appartient pas à cette convention : " + unknown[0] + "."
	if len(unknown) > 1 {
		msg = "Ces constats n'appartiennent pas à cette convention : " + strings.Join(unknown, ", ") + "."
	}
	return app.Invalid("Certaines informations sont à corriger.", map[string]string{"findings": msg})
}

func writeStakeFindings(ctx context.Context, t *tx, s *diagnostic.Stake) error {
	if _, err := exec(ctx, t, `DELETE FROM stake_findings WHERE stake_id = ?`, s.ID); err != nil {
		return err
	}
	for _, f := range s.Findings {
		if _, err := exec(ctx, t, `INSERT INTO stake_findings (stake_id, finding_id) VALUES (?, ?)`, s.ID, f); err != nil {
			return err
		}
	}
	return nil
}

// CreateStake validates and stores a new stake of a convention u may
// change. Its findings must be findings of that convention (422 on
// "findings" otherwise).
func (db *DB) CreateStake(ctx context.Context, u *account.User, conventionID string, s *diagnostic.Stake) error {
	err := db.Transact(ctx, func(t *tx) error {
		if _, err := seeConvention(ctx, t, u, conventionID, true); err != nil {
			return err
		}
		return db.insertStake(ctx, t, u, conventionID, s)
	})
	if err != nil {
		return fmt.Errorf("store.CreateStake: %w", err)
	}
	return nil
}

// insertStake validates and writes a new stake of a convention with its
// line of history, in t: shared by CreateStake and the renewal, which
// copies the stakes of the convention it renews.
func (db *DB) insertStake(ctx context.Context, t *tx, u *account.User, conventionID string, s *diagnostic.Stake) error {
	if err := s.Validate(); err != nil {
		return err
	}
	if err := checkFindings(ctx, t, conventionID, s.Findings); err != nil {
		return err
	}
	now := db.Now()
	s.ID, s.Convention, s.Version, s.CreatedAt, s.UpdatedAt = account.NewID(), conventionID, 1, now, now
	if _, err := exec(ctx, t, `INSERT INTO stakes (id, convention_id, title, fields, priority, version, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, s.ID, s.Convention, s.Title, strings.Join(s.Fields, ","), s.Priority, s.Version, now, now); err != nil {
		return err
	}
	if err := writeStakeFindings(ctx, t, s); err != nil {
		return err
	}
	return db.record(ctx, t, conventionID, u, "stake.create", s.ID, diagnostic.StakeCreated(s))
}

// UpdateStake applies patch to a stake when u may change its convention
// and, when ifVersion > 0, when it is still at that version. A patch that
// changes nothing keeps the version.
func (db *DB) UpdateStake(ctx context.Context, u *account.User, id string, ifVersion int, patch diagnostic.StakePatch) (*diagnostic.Stake, error) {
	var out *diagnostic.Stake
	err := db.Transact(ctx, func(t *tx) error {
		before, _, err := versionedStake.open(ctx, db, t, u, id, ifVersion)
		if err != nil {
			return err
		}
		after := *before
		patch.Apply(&after)
		if err := after.Validate(); err != nil {
			return err
		}
		if err := checkFindings(ctx, t, after.Convention, after.Findings); err != nil {
			return err
		}
		changes := diagnostic.DiffStakes(before, &after)
		if len(changes) == 0 {
			out = before
			return nil
		}
		after.Version, after.UpdatedAt = before.Version+1, db.Now()
		if err := writeVersioned(ctx, t, errStaleStake, `UPDATE stakes SET title = ?, fields = ?, priority = ?, version = ?, updated_at = ? WHERE id = ? AND version = ?`,
			after.Title, strings.Join(after.Fields, ","), after.Priority, after.Version, after.UpdatedAt, id, before.Version); err != nil {
			return err
		}
		if _, changed := changes["findings"]; changed {
			if err := writeStakeFindings(ctx, t, &after); err != nil {
				return err
			}
		}
		out = &after
		return db.record(ctx, t, after.Convention, u, "stake.update", id, changes)
	})
	if err != nil {
		return nil, fmt.Errorf("store.UpdateStake: %w", err)
	}
	return out, nil
}

// DeleteStake removes a stake; its findings stay.
func (db *DB) DeleteStake(ctx context.Context, u *account.User, id string, ifVersion int) error {
	err := db.Transact(ctx, func(t *tx) error {
		s, _, err := versionedStake.open(ctx, db, t, u, id, ifVersion)
		if err != nil {
			return err
		}
		if _, err := exec(ctx, t, `DELETE FROM stake_findings WHERE stake_id = ?`, id); err != nil {
			return err
		}
		if _, err := exec(ctx, t, `DELETE FROM stakes WHERE id = ?`, id); err != nil {
			return err
		}
		return db.record(ctx, t, s.Convention, u, "stake.delete", id, diagnostic.StakeDeleted(s))
	})
	if err != nil {
		return fmt.Errorf("store.DeleteStake: %w", err)
	}
	return nil
}
