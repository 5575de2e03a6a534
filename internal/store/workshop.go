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
	"ctg/internal/survey"
	"ctg/internal/territory"
	"ctg/internal/workshop"
)

// Workshops belong to a convention as findings do: who sees the convention
// sees them, who may change it may change them, and every change is a line
// of its history. Carrying a proposal or a survey result into a finding
// writes the finding and its link in one transaction.

var (
	errStaleWorkshop   = app.Errorf(app.EPreconditionFailed, "L'atelier a été modifié entre-temps par quelqu'un d'autre. Rechargez-le, puis refaites votre modification.")
	errProposalCarried = app.Errorf(app.EConflict, "Cette proposition est déjà retenue comme constat du diagnostic.")

	versionedWorkshop = versioned[workshop.Workshop]{load: loadWorkshop, stale: errStaleWorkshop,
		version: func(w *workshop.Workshop) int { return w.Version }, convention: func(w *workshop.Workshop) string { return w.Convention }}
)

type workshopRow struct {
	ID           string    `db:"id"`
	Convention   string    `db:"convention_id"`
	Title        string    `db:"title"`
	HeldOn       string    `db:"held_on"`
	Place        string    `db:"place"`
	Elected      int       `db:"elected"`
	Staff        int       `db:"staff"`
	Associations int       `db:"associations"`
	Residents    int       `db:"residents"`
	Minutes      string    `db:"minutes"`
	Version      int       `db:"version"`
	CreatedAt    time.Time `db:"created_at"`
	UpdatedAt    time.Time `db:"updated_at"`
}

const workshopColumns = `w.id, w.convention_id, w.title, w.held_on, w.place, w.elected, w.staff, w.associations, w.residents,
	w.minutes, w.version, w.created_at, w.updated_at`

func (r workshopRow) workshop() workshop.Workshop {
	return workshop.Workshop{ID: r.ID, Convention: r.Convention, Title: r.Title, Date: r.HeldOn, Place: r.Place,
		Participants: workshop.Participants{Elected: r.Elected, Staff: r.Staff, Associations: r.Associations, Residents: r.Residents},
		Minutes:      r.Minutes, Proposals: []workshop.Proposal{}, Version: r.Version, CreatedAt: r.CreatedAt.UTC(), UpdatedAt: r.UpdatedAt.UTC()}
}

type proposalRow struct {
	ID       string  `db:"id"`
	Workshop string  `db:"workshop_id"`
	Text     string  `db:"text"`
	Field    string  `db:"field"`
	Finding  *string `db:"finding_id"`
}

// proposalsOf returns the proposals of the workshops where holds, by
// workshop id, each list in the order written.
func proposalsOf(ctx context.Context, q sqlx.QueryerContext, where string, arg string) (map[string][]workshop.Proposal, error) {
	var rows []proposalRow
	if err := sel(ctx, q, &rows, `SELECT p.id, p.workshop_id, p.text, p.field, p.finding_id FROM proposals p
		JOIN workshops w ON w.id = p.workshop_id WHERE `+where+` ORDER BY p.workshop_id, p.position`, arg); err != nil {
		return nil, err
	}
	out := map[string][]workshop.Proposal{}
	for _, r := range rows {
		out[r.Workshop] = append(out[r.Workshop], workshop.Proposal{ID: r.ID, Text: r.Text, Field: r.Field, Finding: r.Finding})
	}
	return out, nil
}

func loadWorkshop(ctx context.Context, q sqlx.QueryerContext, id string) (*workshop.Workshop, error) {
	var r workshopRow
	if err := get(ctx, q, &r, `SELECT `+workshopColumns+` FROM workshops w WHERE w.id = ?`, id); err != nil {
		return nil, mapError(err)
	}
	w := r.workshop()
	ps, err := proposalsOf(ctx, q, `w.id = ?`, id)
	if err != nil {
		return nil, err
	}
	if p, ok := ps[id]; ok {
		w.Proposals = p
	}
	return &w, nil
}

// Workshops lists the workshops of a convention u may see, by date.
func (db *DB) Workshops(ctx context.Context, u *account.User, conventionID string) ([]workshop.Workshop, error) {
	if _, err := seeConvention(ctx, db.x, u, conventionID, false); err != nil {
		return nil, fmt.Errorf("store.Workshops: %w", err)
	}
	var rows []workshopRow
	if err := sel(ctx, db.x, &rows, `SELECT `+workshopColumns+` FROM workshops w WHERE w.convention_id = ?`, conventionID); err != nil {
		return nil, fmt.Errorf("store.Workshops: %w", err)
	}
	ps, err := proposalsOf(ctx, db.x, `w.convention_id = ?`, conventionID)
	if err != nil {
		return nil, fmt.Errorf("store.Workshops: %w", err)
	}
	out := make([]workshop.Workshop, len(rows))
	for i, r := range rows {
		out[i] = r.workshop()
		if p, ok := ps[r.ID]; ok {
			out[i].Proposals = p
		}
	}
	workshop.Sort(out)
	return out, nil
}

// Workshop returns a workshop of a convention u may see.
func (db *DB) Workshop(ctx context.Context, u *account.User, id string) (*workshop.Workshop, error) {
	w, err := loadWorkshop(ctx, db.x, id)
	if err == nil {
		_, err = seeConvention(ctx, db.x, u, w.Convention, false)
	}
	if err != nil {
		return nil, fmt.Errorf("store.Workshop: %w", err)
	}
	return w, nil
}

// writeProposals replaces the proposals of w; one without an id is new
// and gets one (workshop.KeepIDs gave the others theirs).
func writeProposals(ctx context.Context, t *tx, w *workshop.Workshop) error {
	if _, err := exec(ctx, t, `DELETE FROM proposals WHERE workshop_id = ?`, w.ID); err != nil {
		return err
	}
	for i := range w.Proposals {
		p := &w.Proposals[i]
		if p.ID == "" {
			p.ID, p.Finding = account.NewID(), nil
		}
		if _, err := exec(ctx, t, `INSERT INTO proposals (id, workshop_id, position, text, field, finding_id) VALUES (?, ?, ?, ?, ?, ?)`,
			p.ID, w.ID, i, p.Text, p.Field, p.Finding); err != nil {
			return err
		}
	}
	return nil
}

// CreateWorkshop validates and stores a new workshop of a convention u may
// change, with its proposals and a line of the convention's history.
func (db *DB) CreateWorkshop(ctx context.Context, u *account.User, conventionID string, w *workshop.Workshop) error {
	err := db.Transact(ctx, func(t *tx) error {
		if _, err := seeConvention(ctx, t, u, conventionID, true); err != nil {
			return err
		}
		if w.Proposals == nil {
			w.Proposals = []workshop.Proposal{}
		}
		if err := w.Validate(); err != nil {
			return err
		}
		workshop.KeepIDs(nil, w.Proposals)
		now := db.Now()
		w.ID, w.Convention, w.Version, w.CreatedAt, w.UpdatedAt = account.NewID(), conventionID, 1, now, now
		p := w.Participants
		if _, err := exec(ctx, t, `INSERT INTO workshops (id, convention_id, title, held_on, place, elected, staff, associations, residents,
			minutes, version, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			w.ID, conventionID, w.Title, w.Date, w.Place, p.Elected, p.Staff, p.Associations, p.Residents, w.Minutes, w.Version, now, now); err != nil {
			return err
		}
		if err := writeProposals(ctx, t, w); err != nil {
			return err
		}
		return db.record(ctx, t, conventionID, u, "workshop.create", w.ID, workshop.Created(w))
	})
	if err != nil {
		return fmt.Errorf("store.CreateWorkshop: %w", err)
	}
	return nil
}

// UpdateWorkshop applies patch to a workshop when u may change its
// convention and, when ifVersion > 0, when it is still at that version. A
// patch that changes nothing keeps the version.
func (db *DB) UpdateWorkshop(ctx context.Context, u *account.User, id string, ifVersion int, patch workshop.Patch) (*workshop.Workshop, error) {
	var out *workshop.Workshop
	err := db.Transact(ctx, func(t *tx) error {
		before, _, err := versionedWorkshop.open(ctx, db, t, u, id, ifVersion)
		if err != nil {
			return err
		}
		after := *before
		after.Proposals = slices.Clone(before.Proposals)
		patch.Apply(&after)
		if after.Proposals == nil {
			after.Proposals = []workshop.Proposal{}
		}
		if err := after.Validate(); err != nil {
			return err
		}
		workshop.KeepIDs(before.Proposals, after.Proposals)
		changes := workshop.Diff(before, &after)
		sameIDs := slices.EqualFunc(before.Proposals, after.Proposals, func(a, b workshop.Proposal) bool { return a.ID == b.ID })
		if len(changes) == 0 && sameIDs {
			out = before
			return nil
		}
		after.Version, after.UpdatedAt = before.Version+1, db.Now()
		p := after.Participants
		if err := writeVersioned(ctx, t, errStaleWorkshop, `UPDATE workshops SET title = ?, held_on = ?, place = ?, elected = ?, staff = ?,
			associations = ?, residents = ?, minutes = ?, version = ?, updated_at = ? WHERE id = ? AND version = ?`,
			after.Title, after.Date, after.Place, p.Elected, p.Staff, p.Associations, p.Residents, after.Minutes, after.Version, after.UpdatedAt,
			id, before.Version); err != nil {
			return err
		}
		if patch.Proposals != nil {
			if err := writeProposals(ctx, t, &after); err != nil {
				return err
			}
		}
		out = &after
		if len(changes) == 0 {
			return nil // proposals moved or renewed, same texts: nothing to read in the history
		}
		return db.record(ctx, t, after.Convention, u, "workshop.update", id, changes)
	})
	if err != nil {
		return nil, fmt.Errorf("store.UpdateWorkshop: %w", err)
	}
	return out, nil
}

// DeleteWorkshop removes a workshop and its proposals; the findings they
// were carried into stay.
func (db *DB) DeleteWorkshop(ctx context.Context, u *account.User, id string, ifVersion int) error {
	err := db.Transact(ctx, func(t *tx) error {
		w, _, err := versionedWorkshop.open(ctx, db, t, u, id, ifVersion)
		if err != nil {
			return err
		}
		if _, err := exec(ctx, t, `DELETE FROM proposals WHERE workshop_id = ?`, id); err != nil {
			return err
		}
		if _, err := exec(ctx, t, `DELETE FROM workshops WHERE id = ?`, id); err != nil {
			return err
		}
		return db.record(ctx, t, w.Convention, u, "workshop.delete", id, workshop.Deleted(w))
	})
	if err != nil {
		return fmt.Errorf("store.DeleteWorkshop: %w", err)
	}
	return nil
}

// CarryProposal makes a proposal of a workshop a finding of its
// convention, of the given kind, with the proposal's text and field and the
// source "workshop", and links the proposal to it; the workshop gets a new
// version. A proposal carried already answers a conflict.
func (db *DB) CarryProposal(ctx context.Context, u *account.User, proposalID, kind string) (*diagnostic.Finding, error) {
	var f *diagnostic.Finding
	err := db.Transact(ctx, func(t *tx) error {
		var wid string
		if err := get(ctx, t, &wid, `SELECT workshop_id FROM proposals WHERE id = ?`, proposalID); err != nil {
			return mapError(err)
		}
		w, err := loadWorkshop(ctx, t, wid)
		if err != nil {
			return err
		}
		if _, err := seeConvention(ctx, t, u, w.Convention, true); err != nil {
			return err
		}
		p, _ := w.Proposal(proposalID)
		if p.Finding != nil {
			return errProposalCarried
		}
		f = &diagnostic.Finding{Kind: kind, Field: p.Field, Text: p.Text, Source: "workshop"}
		if err := db.insertFinding(ctx, t, u, w.Convention, f); err != nil {
			return err
		}
		res, err := exec(ctx, t, `UPDATE proposals SET finding_id = ? WHERE id = ? AND finding_id IS NULL`, f.ID, proposalID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return errProposalCarried
		}
		if _, err := exec(ctx, t, `UPDATE workshops SET version = version + 1, updated_at = ? WHERE id = ?`, db.Now(), wid); err != nil {
			return err
		}
		return db.record(ctx, t, w.Convention, u, "proposal.carry", wid, map[string]convention.Change{
			"proposal": {After: p.Text}, "finding": {After: f.ID}, "kind": {After: f.Kind}})
	})
	if err != nil {
		return nil, fmt.Errorf("store.CarryProposal: %w", err)
	}
	return f, nil
}

// SurveyFinding is what makes a survey's result a finding: its kind and
// field, and either a text or the key of a question (with an option, or
// the most chosen one) whose result the text then states.
type SurveyFinding struct {
	Kind     string `json:"kind"`
	Field    string `json:"field"`
	Text     string `json:"text"`
	Question string `json:"question"`
	Option   string `json:"option"`
}

// CarrySurveyResult makes a finding of a survey's convention, with the
// source "questionnaire", when u may change the convention. Without a text,
// the finding states the result of in.Question (workshop.ResultSentence);
// ref names the communes of a commune question.
func (db *DB) CarrySurveyResult(ctx context.Context, ref *territory.Ref, u *account.User, surveyID string, in SurveyFinding) (*diagnostic.Finding, error) {
	s, err := seeSurvey(ctx, db.x, u, surveyID, true)
	if err != nil {
		return nil, fmt.Errorf("store.CarrySurveyResult: %w", err)
	}
	f := &diagnostic.Finding{Kind: in.Kind, Field: in.Field, Text: in.Text, Source: "questionnaire"}
	if in.Question != "" {
		q, ok := s.Question(in.Question)
		if !ok {
			return nil, app.Invalid("Certaines informations sont à corriger.", map[string]string{
				"question": "Ce questionnaire n'a pas de question « " + in.Question + " »."})
		}
		if strings.TrimSpace(f.Text) == "" { // else the coordinator's own words
			if f.Text, err = db.resultSentence(ctx, ref, s, q, in.Option); err != nil {
				return nil, fmt.Errorf("store.CarrySurveyResult: %w", err)
			}
		}
	}
	err = db.Transact(ctx, func(t *tx) error {
		if _, err := seeConvention(ctx, t, u, s.Convention, true); err != nil {
			return err
		}
		return db.insertFinding(ctx, t, u, s.Convention, f)
	})
	if err != nil {
		return nil, fmt.Errorf("store.CarrySurveyResult: %w", err)
	}
	return f, nil
}

// resultSentence states the result of question q of s over all its
// responses (workshop.ResultSentence), communes by their names.
func (db *DB) resultSentence(ctx context.Context, ref *territory.Ref, s *survey.Survey, q *survey.Question, option string) (string, error) {
	res, err := db.results(ctx, s, survey.Filter{})
	if err != nil {
		return "", err
	}
	i := slices.IndexFunc(res.Questions, func(r survey.QuestionResult) bool { return r.Key == q.Key })
	if i < 0 {
		return "", app.ErrNotFound
	}
	r := &res.Questions[i]
	if q.Kind == survey.KindCommune && ref != nil {
		r.Names = map[string]string{}
		for _, code := range r.Options {
			if c, ok := ref.Commune(code); ok {
				r.Names[code] = c.Name
			}
		}
	}
	return workshop.ResultSentence(q, r, option)
}
