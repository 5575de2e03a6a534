package store_test

import (
	"context"
	"fmt"
	"testing"

	"ctg/internal/account"
	"ctg/internal/store"
	"ctg/internal/testdb"
)

// remindersDB returns a database where one CAF has n signed conventions
// of 20 actions each (one in four with dates of its own), half of them
// reviewed for 2025, ending over the next three years, each with a meeting
// in the next fortnight and one later; and the CAF's editor. Rows are written directly: the store's methods would take
// minutes over perimeters the reminders never read.
func remindersDB(b *testing.B, dialect string, n int) (*store.DB, *account.User) {
	b.Helper()
	db := testdb.Store(b, dialect)
	newClock(db)
	u := mustUser(b, db, "editor@caf.fr", "caf-33", account.RoleEditor)
	now := db.Now()
	x := db.SQL()
	t := x.MustBegin()
	for i := range n {
		cid := fmt.Sprintf("conv-%03d", i)
		end := fmt.Sprintf("%d-%02d-28", 2026+i%3, 1+i%12)
		t.MustExec(t.Rebind(`INSERT INTO conventions (id, kind, title, caf_id, status, start_date, end_date, signed_on, version, created_at, updated_at)
			VALUES (?, 'ctg', ?, 'caf-33', 'signed', '2023-01-01', ?, '2023-01-01', 1, ?, ?)`), cid, fmt.Sprintf("CTG n° %d", i), end, now, now)
		t.MustExec(t.Rebind(`INSERT INTO axes (id, convention_id, number, title, version, created_at, updated_at) VALUES (?, ?, 1, 'Axe', 1, ?, ?)`),
			cid+"-axis", cid, now, now)
		for j := range 20 {
			aid := fmt.Sprintf("%s-a%02d", cid, j)
			start, end := "", ""
			if j%4 == 0 {
				start, end = fmt.Sprintf("%d-01-01", 2023+j%3), "2025-12-31"
			}
			t.MustExec(t.Rebind(`INSERT INTO actions (id, convention_id, axis_id, number, title, start_on, end_on, status, version, created_at, updated_at)
				VALUES (?, ?, ?, ?, 'Action', ?, ?, 'in_progress', 1, ?, ?)`), aid, cid, cid+"-axis", j+1, start, end, now, now)
			if j%2 == 0 {
				t.MustExec(t.Rebind(`INSERT INTO action_reviews (action_id, year, status, version, updated_at) VALUES (?, 2025, 'done', 1, ?)`), aid, now)
			}
		}
		for k, day := range []string{fmt.Sprintf("2026-03-%02d", 2+i%14), "2026-06-15"} {
			t.MustExec(t.Rebind(`INSERT INTO meetings (id, convention_id, committee, held_on, version, created_at, updated_at) VALUES (?, ?, 'copil', ?, 1, ?, ?)`),
				fmt.Sprintf("%s-m%d", cid, k), cid, day, now, now)
		}
	}
	if err := t.Commit(); err != nil {
		b.Fatal(err)
	}
	if dialect == testdb.Postgres {
		x.MustExec(`ANALYZE`)
	}
	return db, u
}

// BenchmarkReminders reads the reminders of the CAF's editor, as the
// dashboard does, for the 40 conventions of a département (budget: a few
// milliseconds) and for 300; and every reminder due with its recipients,
// as the job does once a period.
func BenchmarkReminders(b *testing.B) {
	for _, dialect := range []string{testdb.SQLite, testdb.Postgres} {
		b.Run(dialect, func(b *testing.B) {
			ctx := context.Background()
			db, u := remindersDB(b, dialect, 40)
			b.Run("dashboard-40", func(b *testing.B) {
				benchLatencies(b, nil, func() error {
					_, err := db.Reminders(ctx, u, "2026-03-02")
					return err
				})
			})
			db, u = remindersDB(b, dialect, 300)
			b.Run("dashboard-300", func(b *testing.B) {
				benchLatencies(b, nil, func() error {
					rs, err := db.Reminders(ctx, u, "2026-03-02")
					if err == nil && len(rs) < 600 {
						err = fmt.Errorf("%d reminders", len(rs))
					}
					return err
				})
			})
			b.Run("job-300", func(b *testing.B) {
				benchLatencies(b, nil, func() error {
					_, err := db.DueReminders(ctx, "2026-03-02")
					return err
				})
			})
		})
	}
}
