package store

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"time"

	"github.com/jmoiron/sqlx"

	"ctg/internal/account"
	"ctg/internal/app"
	"ctg/internal/committee"
	"ctg/internal/plan"
)

// Meetings belong to a convention as workshops do: who sees the
// convention sees its meetings and decisions, who may change it may
// change them, and every change is a line of its history. A meeting's
// attendees and decisions are written with it, in its transaction; a
// decision's follow-up (status, outcome) has a version of its own, so
// that following one decision never waits on its meeting.

var (
	errStaleMeeting  = app.Errorf(app.EPreconditionFailed, "La réunion a été modifiée entre-temps par quelqu'un d'autre. Rechargez-la, puis refaites votre modification.")
	errStaleDecision = app.Errorf(app.EPreconditionFailed, "La décision a été modifiée entre-temps par quelqu'un d'autre. Rechargez-la, puis refaites votre modification.")

	// Decisions have none: a decision does not name its convention (its
	// meeting does, and loadDecision returns it beside the decision), so
	// UpdateDecision reads and checks it itself.
	versionedMeeting = versioned[committee.Meeting]{load: loadMeeting, stale: errStaleMeeting,
		version: func(m *committee.Meeting) int { return m.Version }, convention: func(m *committee.Meeting) string { return m.Convention }}
)

type meetingRow struct {
	ID         string    `db:"id"`
	Convention string    `db:"convention_id"`
	Committee  string    `db:"committee"`
	Title      string    `db:"title"`
	HeldOn     string    `db:"held_on"`
	Place      string    `db:"place"`
	Agenda     string    `db:"agenda"`
	Minutes    string    `db:"minutes"`
	Version    int       `db:"version"`
	CreatedAt  time.Time `db:"created_at"`
	UpdatedAt  time.Time `db:"updated_at"`
}

const meetingColumns = `m.id, m.convention_id, m.committee, m.title, m.held_on, m.place, m.agenda, m.minutes, m.version, m.created_at, m.updated_at`

func (r meetingRow) meeting() committee.Meeting {
	return committee.Meeting{ID: r.ID, Convention: r.Convention, Committee: r.Committee, Title: r.Title, Date: r.HeldOn, Place: r.Place,
		Agenda: r.Agenda, Minutes: r.Minutes, Attendees: []committee.Attendee{}, Decisions: []committee.Decision{},
		Version: r.Version, CreatedAt: r.CreatedAt.UTC(), UpdatedAt: r.UpdatedAt.UTC()}
}

type decisionRow struct {
	ID        string    `db:"id"`
	Meeting   string    `db:"meeting_id"`
	Text      string    `db:"text"`
	Status    string    `db:"status"`
	Outcome   string    `db:"outcome"`
	Version   int       `db:"version"`
	UpdatedAt time.Time `db:"updated_at"`
	// Actions are the ids of its actions, comma-separated (see actionColumns).
	Actions string `db:"actions"`
}

const decisionColumns = `d.id, d.meeting_id, d.text, d.status, d.outcome, d.version, d.updated_at,
	COALESCE((SELECT string_agg(l.action_id, ',') FROM decision_actions l WHERE l.decision_id = d.id), '') AS actions`

func (r decisionRow) decision() committee.Decision {
	return committee.Decision{ID: r.ID, Meeting: r.Meeting, Text: r.Text, Actions: sortedIDs(r.Actions), Status: r.Status,
		Outcome: r.Outcome, Version: r.Version, UpdatedAt: r.UpdatedAt.UTC()}
}

// loadMeetings returns the meetings where selects (on m, the meetings),
// each with its attendees and decisions, in three queries whatever their
// number, newest first.
func loadMeetings(ctx context.Context, q sqlx.QueryerContext, where, arg string) ([]committee.Meeting, error) {
	var rows []meetingRow
	if err := sel(ctx, q, &rows, `SELECT `+meetingColumns+` FROM meetings m WHERE `+where, arg); err != nil {
		return nil, err
	}
	out := make([]committee.Meeting, len(rows))
	at := make(map[string]*committee.Meeting, len(rows))
	for i, r := range rows {
		out[i] = r.meeting()
		at[r.ID] = &out[i]
	}
	var people []struct {
		Meeting      string  `db:"meeting_id"`
		Name         string  `db:"name"`
		Organisation *string `db:"organisation_id"`
		OrgName      string  `db:"organisation_name"`
		Role         string  `db:"role"`
	}
	if err := sel(ctx, q, &people, `SELECT a.meeting_id, a.name, a.organisation_id, COALESCE(o.name, '') AS organisation_name, a.role
		FROM meeting_attendees a JOIN meetings m ON m.id = a.meeting_id LEFT JOIN organisations o ON o.id = a.organisation_id
		WHERE `+where+` ORDER BY a.meeting_id, a.position`, arg); err != nil {
		return nil, err
	}
	for _, p := range people {
		a := committee.Attendee{Name: p.Name, OrganisationName: p.OrgName, Role: p.Role}
		if p.Organisation != nil {
			a.Organisation = *p.Organisation
		}
		at[p.Meeting].Attendees = append(at[p.Meeting].Attendees, a)
	}
	var decisions []decisionRow
	if err := sel(ctx, q, &decisions, `SELECT `+decisionColumns+` FROM decisions d JOIN meetings m ON m.id = d.meeting_id
		WHERE `+where+` ORDER BY d.meeting_id, d.position`, arg); err != nil {
		return nil, err
	}
	for _, d := range decisions {
		at[d.Meeting].Decisions = append(at[d.Meeting].Decisions, d.decision())
	}
	committee.Sort(out)
	return out, nil
}

func loadMeeting(ctx context.Context, q sqlx.QueryerContext, id string) (*committee.Meeting, error) {
	ms, err := loadMeetings(ctx, q, `m.id = ?`, id)
	if err != nil {
		return nil, err
	}
	if len(ms) == 0 {
		return nil, app.ErrNotFound
	}
	return &ms[0], nil
}

// Meetings lists the meetings of a convention u may see, newest first,
// each with its attendees and decisions.
func (db *DB) Meetings(ctx context.Context, u *account.User, conventionID string) ([]committee.Meeting, error) {
	if _, err := seeConvention(ctx, db.x, u, conventionID, false); err != nil {
		return nil, fmt.Errorf("store.Meetings: %w", err)
	}
	ms, err := loadMeetings(ctx, db.x, `m.convention_id = ?`, conventionID)
	if err != nil {
		return nil, fmt.Errorf("store.Meetings: %w", err)
	}
	return ms, nil
}

// Meeting returns a meeting of a convention u may see.
func (db *DB) Meeting(ctx context.Context, u *account.User, id string) (*committee.Meeting, error) {
	m, err := loadMeeting(ctx, db.x, id)
	if err == nil {
		_, err = seeConvention(ctx, db.x, u, m.Convention, false)
	}
	if err != nil {
		return nil, fmt.Errorf("store.Meeting: %w", err)
	}
	return m, nil
}

// checkMeetingLinks checks what m names outside itself: its attendees'
// organisations exist, its decisions' actions are its convention's. It
// returns an EInvalid error on each field at fault, named as in the body.
func checkMeetingLinks(ctx context.Context, t *tx, m *committee.Meeting) error {
	var orgs, actions []string
	for _, a := range m.Attendees {
		if a.Organisation != "" {
			orgs = append(orgs, a.Organisation)
		}
	}
	for _, d := range m.Decisions {
		actions = append(actions, d.Actions...)
	}
	slices.Sort(orgs)
	slices.Sort(actions)
	unknownOrgs, err := missing(ctx, t, `SELECT id FROM organisations WHERE id IN (?)`, slices.Compact(orgs))
	if err != nil {
		return err
	}
	unknownActions, err := missing(ctx, t, `SELECT id FROM actions WHERE convention_id = ? AND id IN (?)`, slices.Compact(actions), m.Convention)
	if err != nil {
		return err
	}
	bad := app.Fields{}
	for i, a := range m.Attendees {
		if slices.Contains(unknownOrgs, a.Organisation) {
			bad.Add("attendees["+strconv.Itoa(i)+"].organisation", "Cette organisation n'existe pas : "+a.Organisation+". Choisissez-la parmi les organisations enregistrées, ou aucune.")
		}
	}
	for i, d := range m.Decisions {
		for _, id := range d.Actions {
			if slices.Contains(unknownActions, id) {
				bad.Add("decisions["+strconv.Itoa(i)+"].actions", "Cette action n'est pas au plan de cette convention : "+id+".")
			}
		}
	}
	return bad.Err()
}

// writeMeetingParts replaces the attendees and decisions of m. A
// decision without an id is new and gets one; one whose text, actions,
// status or outcome changed from before gets a new version.
func (db *DB) writeMeetingParts(ctx context.Context, t *tx, m *committee.Meeting, before []committee.Decision) error {
	if _, err := exec(ctx, t, `DELETE FROM meeting_attendees WHERE meeting_id = ?`, m.ID); err != nil {
		return err
	}
	for i, a := range m.Attendees {
		if _, err := exec(ctx, t, `INSERT INTO meeting_attendees (meeting_id, position, name, organisation_id, role) VALUES (?, ?, ?, ?, ?)`,
			m.ID, i, a.Name, orNull(a.Organisation), a.Role); err != nil {
			return err
		}
	}
	// Decisions left out go with their links (ON DELETE CASCADE); the
	// others are written again, in their new order.
	if _, err := exec(ctx, t, `DELETE FROM decisions WHERE meeting_id = ?`, m.ID); err != nil {
		return err
	}
	now := db.Now()
	for i := range m.Decisions {
		d := &m.Decisions[i]
		if d.ID == "" {
			d.ID, d.Version, d.UpdatedAt = account.NewID(), 1, now
		} else if j := slices.IndexFunc(before, func(b committee.Decision) bool { return b.ID == d.ID }); j >= 0 && !committee.SameDecision(&before[j], d) {
			d.Version, d.UpdatedAt = before[j].Version+1, now
		}
		d.Meeting = m.ID
		if _, err := exec(ctx, t, `INSERT INTO decisions (id, meeting_id, position, text, status, outcome, version, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
			d.ID, m.ID, i, d.Text, d.Status, d.Outcome, d.Version, d.UpdatedAt); err != nil {
			return err
		}
		for _, a := range d.Actions {
			if _, err := exec(ctx, t, `INSERT INTO decision_actions (decision_id, action_id) VALUES (?, ?)`, d.ID, a); err != nil {
				return err
			}
		}
	}
	return nil
}

// orgNamesOf fills the names of the attendees' organisations of m.
func orgNamesOf(ctx context.Context, q sqlx.QueryerContext, m *committee.Meeting) error {
	var ids []string
	for _, a := range m.Attendees {
		if a.Organisation != "" {
			ids = append(ids, a.Organisation)
		}
	}
	names, err := budgetOrgNames(ctx, q, ids)
	if err != nil {
		return err
	}
	for i := range m.Attendees {
		m.Attendees[i].OrganisationName = names[m.Attendees[i].Organisation]
	}
	return nil
}

// CreateMeeting validates and stores a new meeting of a convention u may
// change, with its attendees, its decisions (open unless given) and a
// line of the convention's history.
func (db *DB) CreateMeeting(ctx context.Context, u *account.User, conventionID string, m *committee.Meeting) error {
	err := db.Transact(ctx, func(t *tx) error {
		if _, err := seeConvention(ctx, t, u, conventionID, true); err != nil {
			return err
		}
		for i := range m.Decisions {
			m.Decisions[i].ID = "" // new decisions: ids sent mean nothing yet
		}
		m.Convention = conventionID
		if err := m.Validate(); err != nil {
			return err
		}
		if err := checkMeetingLinks(ctx, t, m); err != nil {
			return err
		}
		now := db.Now()
		m.ID, m.Version, m.CreatedAt, m.UpdatedAt = account.NewID(), 1, now, now
		if _, err := exec(ctx, t, `INSERT INTO meetings (id, convention_id, committee, title, held_on, place, agenda, minutes, version, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			m.ID, conventionID, m.Committee, m.Title, m.Date, m.Place, m.Agenda, m.Minutes, m.Version, now, now); err != nil {
			return err
		}
		if err := db.writeMeetingParts(ctx, t, m, nil); err != nil {
			return err
		}
		if err := orgNamesOf(ctx, t, m); err != nil {
			return err
		}
		return db.record(ctx, t, conventionID, u, "meeting.create", m.ID, committee.Created(m))
	})
	if err != nil {
		return fmt.Errorf("store.CreateMeeting: %w", err)
	}
	return nil
}

// UpdateMeeting applies patch to a meeting when u may change its
// convention and, when ifVersion > 0, when it is still at that version.
// A patch that changes nothing keeps the version.
func (db *DB) UpdateMeeting(ctx context.Context, u *account.User, id string, ifVersion int, patch committee.Patch) (*committee.Meeting, error) {
	var out *committee.Meeting
	err := db.Transact(ctx, func(t *tx) error {
		before, _, err := versionedMeeting.open(ctx, db, t, u, id, ifVersion)
		if err != nil {
			return err
		}
		after := *before
		after.Attendees = slices.Clone(before.Attendees)
		after.Decisions = slices.Clone(before.Decisions)
		patch.Apply(&after)
		if err := after.Validate(); err != nil {
			return err
		}
		if err := checkMeetingLinks(ctx, t, &after); err != nil {
			return err
		}
		if err := orgNamesOf(ctx, t, &after); err != nil {
			return err
		}
		changes := committee.Diff(before, &after)
		if len(changes) == 0 {
			out = before
			return nil
		}
		after.Version, after.UpdatedAt = before.Version+1, db.Now()
		if err := writeVersioned(ctx, t, errStaleMeeting, `UPDATE meetings SET committee = ?, title = ?, held_on = ?, place = ?, agenda = ?, minutes = ?,
			version = ?, updated_at = ? WHERE id = ? AND version = ?`,
			after.Committee, after.Title, after.Date, after.Place, after.Agenda, after.Minutes, after.Version, after.UpdatedAt, id, before.Version); err != nil {
			return err
		}
		if err := db.writeMeetingParts(ctx, t, &after, before.Decisions); err != nil {
			return err
		}
		out = &after
		return db.record(ctx, t, after.Convention, u, "meeting.update", id, changes)
	})
	if err != nil {
		return nil, fmt.Errorf("store.UpdateMeeting: %w", err)
	}
	return out, nil
}

// DeleteMeeting removes a meeting with its attendees and decisions.
func (db *DB) DeleteMeeting(ctx context.Context, u *account.User, id string, ifVersion int) error {
	err := db.Transact(ctx, func(t *tx) error {
		m, _, err := versionedMeeting.open(ctx, db, t, u, id, ifVersion)
		if err != nil {
			return err
		}
		// Attendees, decisions and their links go by ON DELETE CASCADE.
		if err := writeVersioned(ctx, t, errStaleMeeting, `DELETE FROM meetings WHERE id = ? AND version = ?`, id, m.Version); err != nil {
			return err
		}
		return db.record(ctx, t, m.Convention, u, "meeting.delete", id, committee.Deleted(m))
	})
	if err != nil {
		return fmt.Errorf("store.DeleteMeeting: %w", err)
	}
	return nil
}

// loadDecision returns a decision and the convention of its meeting.
func loadDecision(ctx context.Context, q sqlx.QueryerContext, id string) (*committee.Decision, string, error) {
	var r struct {
		decisionRow
		Convention string `db:"convention_id"`
	}
	if err := get(ctx, q, &r, `SELECT `+decisionColumns+`, m.convention_id FROM decisions d JOIN meetings m ON m.id = d.meeting_id
		WHERE d.id = ?`, id); err != nil {
		return nil, "", mapError(err)
	}
	d := r.decision()
	return &d, r.Convention, nil
}

// Decision returns a decision of a meeting of a convention u may see.
func (db *DB) Decision(ctx context.Context, u *account.User, id string) (*committee.Decision, error) {
	d, cid, err := loadDecision(ctx, db.x, id)
	if err == nil {
		_, err = seeConvention(ctx, db.x, u, cid, false)
	}
	if err != nil {
		return nil, fmt.Errorf("store.Decision: %w", err)
	}
	return d, nil
}

// UpdateDecision records what became of a decision (its status, an
// outcome note) when u may change its convention and, when ifVersion >
// 0, when it is still at that version. Its meeting keeps its version.
func (db *DB) UpdateDecision(ctx context.Context, u *account.User, id string, ifVersion int, patch committee.DecisionPatch) (*committee.Decision, error) {
	var out *committee.Decision
	err := db.Transact(ctx, func(t *tx) error {
		before, cid, err := loadDecision(ctx, t, id)
		if err != nil {
			return err
		}
		if _, err := seeConvention(ctx, t, u, cid, true); err != nil {
			return err
		}
		if ifVersion > 0 && ifVersion != before.Version {
			return errStaleDecision
		}
		after := *before
		if err := patch.Apply(&after); err != nil {
			return err
		}
		changes := committee.DiffDecision(before, &after)
		if len(changes) == 0 {
			out = before
			return nil
		}
		after.Version, after.UpdatedAt = before.Version+1, db.Now()
		if err := writeVersioned(ctx, t, errStaleDecision, `UPDATE decisions SET status = ?, outcome = ?, version = ?, updated_at = ? WHERE id = ? AND version = ?`,
			after.Status, after.Outcome, after.Version, after.UpdatedAt, id, before.Version); err != nil {
			return err
		}
		out = &after
		return db.record(ctx, t, cid, u, "decision.update", after.Meeting, changes)
	})
	if err != nil {
		return nil, fmt.Errorf("store.UpdateDecision: %w", err)
	}
	return out, nil
}

// Decisions lists every decision of the meetings of a convention u may
// see, with its meeting and the actions it concerns (reference, title,
// status), newest meeting first and in the order of each meeting; status,
// when not empty, keeps those of that status (an unknown one is EInvalid).
func (db *DB) Decisions(ctx context.Context, u *account.User, conventionID, status string) ([]committee.FollowUp, error) {
	if status != "" && !committee.ValidStatus(status) {
		return nil, app.Invalid("Certaines informations sont à corriger.", map[string]string{
			"status": "Choisissez un statut de décision : open, done ou dropped."})
	}
	if _, err := seeConvention(ctx, db.x, u, conventionID, false); err != nil {
		return nil, fmt.Errorf("store.Decisions: %w", err)
	}
	q := `SELECT ` + decisionColumns + `, m.committee, m.title AS meeting_title, m.held_on, m.created_at
		FROM decisions d JOIN meetings m ON m.id = d.meeting_id WHERE m.convention_id = ?`
	args := []any{conventionID}
	if status != "" {
		q += ` AND d.status = ?`
		args = append(args, status)
	}
	var rows []struct {
		decisionRow
		Committee    string    `db:"committee"`
		MeetingTitle string    `db:"meeting_title"`
		HeldOn       string    `db:"held_on"`
		CreatedAt    time.Time `db:"created_at"`
	}
	if err := sel(ctx, db.x, &rows, q+` ORDER BY m.held_on DESC, m.created_at DESC, m.id, d.position`, args...); err != nil {
		return nil, fmt.Errorf("store.Decisions: %w", err)
	}
	actions, err := loadActions(ctx, db.x, `a.convention_id = ?`, conventionID)
	if err != nil {
		return nil, fmt.Errorf("store.Decisions: %w", err)
	}
	byID := make(map[string]plan.Action, len(actions))
	for _, a := range actions {
		byID[a.ID] = a
	}
	out := make([]committee.FollowUp, len(rows))
	for i, r := range rows {
		f := committee.FollowUp{Decision: r.decision(), Committee: r.Committee, MeetingTitle: r.MeetingTitle, MeetingDate: r.HeldOn,
			ActionRefs: []committee.ActionLink{}}
		for _, id := range f.Actions {
			if a, ok := byID[id]; ok {
				f.ActionRefs = append(f.ActionRefs, committee.ActionLink{ID: a.ID, Ref: a.Ref, Title: a.Title, Status: a.Status})
			}
		}
		// In the order of the plan, as "Axe 1 / Action 2, Axe 2 / Action 1".
		slices.SortFunc(f.ActionRefs, func(a, b committee.ActionLink) int {
			x, y := byID[a.ID], byID[b.ID]
			if x.AxisNumber != y.AxisNumber {
				return x.AxisNumber - y.AxisNumber
			}
			return x.Number - y.Number
		})
		out[i] = f
	}
	return out, nil
}
