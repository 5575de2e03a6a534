package store

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/jmoiron/sqlx"

	"ctg/internal/account"
	"ctg/internal/app"
	"ctg/internal/convention"
	"ctg/internal/reminder"
)

// Reminders returns the reminders u should see on today (YYYY-MM-DD): those
// of the conventions u follows (reminder.Follows: of u's organisation, and
// visible to u), by date. It reads in five small queries
// whatever the number of conventions (see reminderFacts), cheap enough for
// the dashboard.
func (db *DB) Reminders(ctx context.Context, u *account.User, today string) ([]reminder.Reminder, error) {
	if u == nil {
		return nil, app.ErrNotFound
	}
	f, err := db.reminderFacts(ctx, u, reminder.WindowOf(today))
	if err != nil {
		return nil, fmt.Errorf("store.Reminders: %w", err)
	}
	return reminder.Due(f, today), nil
}

// DueReminders returns every reminder due on today, with the people each is
// mailed to (reminder.Receives); those without anyone are left out. It is
// what the reminders job sends.
func (db *DB) DueReminders(ctx context.Context, today string) ([]reminder.Delivery, error) {
	f, err := db.reminderFacts(ctx, nil, reminder.WindowOf(today))
	if err != nil {
		return nil, fmt.Errorf("store.DueReminders: %w", err)
	}
	due := reminder.Due(f, today)
	if len(due) == 0 {
		return []reminder.Delivery{}, nil
	}
	byID := make(map[string]*convention.Convention, len(f.Conventions))
	var orgs []string
	for _, c := range f.Conventions {
		byID[c.ID] = c
		orgs = append(orgs, c.CAF)
		orgs = append(orgs, c.Parties...)
	}
	slices.Sort(orgs)
	q, args, err := sqlx.In(`SELECT `+userColumns+` FROM users u JOIN organisations o ON o.id = u.org_id
		WHERE u.org_id IN (?) ORDER BY u.email`, slices.Compact(orgs))
	if err != nil {
		return nil, fmt.Errorf("store.DueReminders: %w", err)
	}
	var users []account.User
	if err := sel(ctx, db.x, &users, q, args...); err != nil {
		return nil, fmt.Errorf("store.DueReminders: %w", err)
	}
	out := make([]reminder.Delivery, 0, len(due))
	for _, r := range due {
		d := reminder.Delivery{Reminder: r}
		for i := range users {
			if reminder.Receives(&users[i], byID[r.Convention]) {
				d.To = append(d.To, reminder.Recipient{Email: users[i].Email, Name: users[i].Name})
			}
		}
		if len(d.To) > 0 {
			out = append(out, d)
		}
	}
	return out, nil
}

// reminderFacts reads what the reminders of window w are computed from,
// for the conventions u follows (every convention when u is nil): the
// conventions that end in the window, touch the year under review or have
// a meeting in the window, with their parties; the actions of those under
// review counted by schedule with their reviews of the year; the meetings
// of the window.
func (db *DB) reminderFacts(ctx context.Context, u *account.User, w reminder.Window) (reminder.Facts, error) {
	f := reminder.Facts{Conventions: []*convention.Convention{}}
	yearStart, yearEnd := fmt.Sprintf("%04d-01-01", w.ReviewYear), fmt.Sprintf("%04d-12-31", w.ReviewYear)
	q := `SELECT ` + conventionColumns + ` FROM conventions c
		WHERE ((c.status = 'signed' AND ((c.end_date > ? AND c.end_date <= ?) OR (c.start_date <= ? AND c.end_date >= ?)))
			OR EXISTS (SELECT 1 FROM meetings m WHERE m.convention_id = c.id AND m.held_on >= ? AND m.held_on <= ?))`
	args := []any{w.Today, w.EndsBy, yearEnd, yearStart, w.Today, w.MeetingsBy}
	if u != nil {
		// reminder.Follows decides below; this keeps the others out of
		// the reading.
		q += ` AND (c.caf_id = ? OR EXISTS (SELECT 1 FROM convention_parties p WHERE p.convention_id = c.id AND p.organisation_id = ?))`
		args = append(args, u.OrgID, u.OrgID)
	}
	var rows []conventionRow
	if err := sel(ctx, db.x, &rows, q+` ORDER BY c.id`, args...); err != nil {
		return f, err
	}
	for _, r := range rows {
		f.Conventions = append(f.Conventions, r.convention())
	}
	if err := fill(ctx, db.x, f.Conventions, false); err != nil {
		return f, err
	}
	if u != nil {
		f.Conventions = slices.DeleteFunc(f.Conventions, func(c *convention.Convention) bool { return !reminder.Follows(u, c) })
	}
	var ids, reviewed []string
	for _, c := range f.Conventions {
		ids = append(ids, c.ID)
		if c.Status == convention.StatusSigned && c.Start <= yearEnd && c.End >= yearStart {
			reviewed = append(reviewed, c.ID)
		}
	}
	if len(reviewed) > 0 {
		q, args, err := sqlx.In(`SELECT a.convention_id, a.start_on, a.end_on, COUNT(*) AS actions, COUNT(r.action_id) AS reviewed
			FROM actions a LEFT JOIN action_reviews r ON r.action_id = a.id AND r.year = ?
			WHERE a.convention_id IN (?)
			GROUP BY a.convention_id, a.start_on, a.end_on`, w.ReviewYear, reviewed)
		if err != nil {
			return f, err
		}
		var schedules []struct {
			Convention string `db:"convention_id"`
			Start      string `db:"start_on"`
			End        string `db:"end_on"`
			Actions    int    `db:"actions"`
			Reviewed   int    `db:"reviewed"`
		}
		if err := sel(ctx, db.x, &schedules, q, args...); err != nil {
			return f, err
		}
		for _, s := range schedules {
			f.Schedules = append(f.Schedules, reminder.Schedule{Convention: s.Convention, Start: s.Start, End: s.End, Actions: s.Actions, Reviewed: s.Reviewed})
		}
	}
	if len(ids) > 0 {
		var meetings []struct {
			ID         string `db:"id"`
			Convention string `db:"convention_id"`
			Committee  string `db:"committee"`
			Title      string `db:"title"`
			Date       string `db:"held_on"`
			Place      string `db:"place"`
		}
		q, args, err := sqlx.In(`SELECT m.id, m.convention_id, m.committee, m.title, m.held_on, m.place FROM meetings m
			WHERE m.convention_id IN (?) AND m.held_on >= ? AND m.held_on <= ?`, ids, w.Today, w.MeetingsBy)
		if err != nil {
			return f, err
		}
		if err := sel(ctx, db.x, &meetings, q, args...); err != nil {
			return f, err
		}
		for _, m := range meetings {
			f.Meetings = append(f.Meetings, reminder.Meeting{ID: m.ID, Convention: m.Convention, Committee: m.Committee,
				Title: m.Title, Date: m.Date, Place: m.Place})
		}
	}
	return f, nil
}

// ClaimTimeout is how long a reminder claimed for a recipient may stay
// unsent before it may be claimed again: its server died between the claim
// and the mail. It is far longer than a send may take (mail.Config.Timeout),
// so that a slow send is never doubled.
const ClaimTimeout = 30 * time.Minute

// ClaimReminder claims the reminder (kind, subject, due) for recipient
// before it is mailed, and reports whether the caller has it: not when it
// was sent already or another run is sending it. One upsert decides, so
// that each reminder is mailed once to each recipient whatever the number
// of servers. The claim is held in no transaction while the mail goes:
// MarkSent or ReleaseReminder ends it.
func (db *DB) ClaimReminder(ctx context.Context, kind, subject, recipient, due string) (bool, error) {
	now := db.Now().UTC()
	var got string
	err := db.Transact(ctx, func(t *tx) error {
		return get(ctx, t, &got, `INSERT INTO reminders_sent (kind, subject, recipient, due_on, claimed_at) VALUES (?, ?, ?, ?, ?)
			ON CONFLICT (kind, subject, recipient, due_on) DO UPDATE SET claimed_at = excluded.claimed_at
			WHERE reminders_sent.sent_at IS NULL AND reminders_sent.claimed_at <= ?
			RETURNING kind`, kind, subject, recipient, due, now, now.Add(-ClaimTimeout))
	})
	if errors.Is(err, app.ErrNotFound) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("store.ClaimReminder: %w", err)
	}
	return true, nil
}

// MarkSent records that a claimed reminder was mailed: it will not be
// claimed again.
func (db *DB) MarkSent(ctx context.Context, kind, subject, recipient, due string) error {
	err := db.Transact(ctx, func(t *tx) error {
		_, err := exec(ctx, t, `UPDATE reminders_sent SET sent_at = ? WHERE kind = ? AND subject = ? AND recipient = ? AND due_on = ?`,
			db.Now().UTC(), kind, subject, recipient, due)
		return err
	})
	if err != nil {
		return fmt.Errorf("store.MarkSent: %w", err)
	}
	return nil
}

// ReleaseReminder gives up a claim whose mail could not be sent, so that
// the next run tries again. A reminder marked sent stays so.
func (db *DB) ReleaseReminder(ctx context.Context, kind, subject, recipient, due string) error {
	err := db.Transact(ctx, func(t *tx) error {
		_, err := exec(ctx, t, `DELETE FROM reminders_sent WHERE kind = ? AND subject = ? AND recipient = ? AND due_on = ? AND sent_at IS NULL`,
			kind, subject, recipient, due)
		return err
	})
	if err != nil {
		return fmt.Errorf("store.ReleaseReminder: %w", err)
	}
	return nil
}
