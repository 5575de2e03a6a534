package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/jmoiron/sqlx"

	"ctg/internal/account"
	"ctg/internal/app"
	"ctg/internal/diagnostic"
	"ctg/internal/territory"
)

// Phases of an import, as its row shows them while it runs.
const (
	phaseReading = "reading"
	phaseWriting = "writing"
	phaseDone    = "done"
)

// ImportIndicators imports the values of a table read from a file, all or
// nothing: it checks the mapping and every row (see diagnostic.Plan), then,
// in one transaction, replaces the values of each imported (indicator, year),
// recomputes the aggregates of those indicators and of the ratios built on
// them, records the import and a history line. u nil is the command line.
//
// progress, when not nil, is told how far the import is (done of total)
// while it reads the rows, then while it writes them. When req.ID is set,
// the import is followed: its row is written at once with status running
// and its progress is kept in it (see Import), so that a page served by any
// server can show it; a failure leaves that row with status failed and the
// French message. Without req.ID the row is written with the values, and a
// failure stores nothing at all.
//
// Errors: EForbidden for a reader; EInvalid, with fields "ligne N, colonne
// H" or "mapping.<header>" or "year", for a file or a mapping to correct.
func (db *DB) ImportIndicators(ctx context.Context, ref *territory.Ref, u *account.User, table *diagnostic.Table, req diagnostic.ImportRequest, progress func(done, total int)) (*diagnostic.ImportSummary, error) {
	if u != nil && !u.CanEdit() {
		return nil, app.Errorf(app.EForbidden, "Votre rôle (lecture) ne permet pas d'importer des indicateurs.")
	}
	followed := req.ID != ""
	if !followed {
		req.ID = account.NewID()
	}
	total := 2 * len(table.Rows)
	if followed {
		if err := db.startImport(ctx, u, req, len(table.Rows)); err != nil {
			return nil, fmt.Errorf("store.ImportIndicators: %w", err)
		}
	}
	fail := func(err error) error {
		if followed {
			db.failImport(req.ID, err)
		}
		return fmt.Errorf("store.ImportIndicators: %w", err)
	}
	cat, err := db.Catalogue(ctx)
	if err != nil {
		return nil, fail(err)
	}
	plan, err := diagnostic.NewPlan(table, req, cat)
	if err != nil {
		return nil, fail(err)
	}
	report := func(phase string, done int) {
		if progress != nil {
			progress(done, total)
		}
		// SQLite has one writer at a time: while the import's own
		// transaction writes, another connection could not record its
		// progress, so there the row says "writing" until the end.
		if followed && (phase == phaseReading || db.Dialect == Postgres) {
			db.setProgress(ctx, req.ID, phase, done)
		}
	}
	vals, sum, err := plan.Read(ref, func(done int) { report(phaseReading, done) })
	if err != nil {
		return nil, fail(err)
	}
	sum.ID = req.ID
	if sum.Source == "" && req.Filename != "" {
		sum.Source = "Fichier « " + req.Filename + " »"
	} else if sum.Source == "" {
		sum.Source = "Fichier importé"
	}
	if followed {
		db.setProgress(ctx, req.ID, phaseWriting, len(table.Rows))
	}
	err = db.transactConn(ctx, func(t *tx, raw func(func(any) error) error) error {
		if err := db.lockIndicators(ctx, t); err != nil {
			return err
		}
		// Read again under the lock: a ratio added since the file was
		// checked must be computed with the new values too.
		cat, err := loadCatalogue(ctx, t)
		if err != nil {
			return err
		}
		w := &valueWriter{db: db, t: t, raw: raw, rows: len(table.Rows),
			progress: func(done int) { report(phaseWriting, len(table.Rows)+done) }}
		return db.writeImport(ctx, ref, u, t, w, cat, vals, sum, followed)
	})
	if err != nil {
		return nil, fail(err)
	}
	slog.Debug("import: committed")
	if db.Dialect == Postgres {
		// Fresh statistics keep the planner's choices for the perimeter
		// reads right after millions of new rows; a failure here only
		// costs speed.
		_, _ = db.x.ExecContext(ctx, `ANALYZE indicator_values`)
	}
	return sum, nil
}

// writeImport does the writing part of an import inside its transaction.
func (db *DB) writeImport(ctx context.Context, ref *territory.Ref, u *account.User, t *tx, w *valueWriter, cat *diagnostic.Catalogue, vals *diagnostic.Values, sum *diagnostic.ImportSummary, followed bool) error {
	r := newRecompute(db, ref, cat)
	if err := r.loadInfos(ctx, t); err != nil {
		return err
	}
	start := time.Now()
	ids := make([]int64, len(vals.Codes))
	for j, code := range vals.Codes {
		if _, ok := r.infos[diagnostic.Key{Code: code, Year: vals.Year}]; ok {
			sum.Replaced = append(sum.Replaced, code)
		}
		id, err := r.replaceSeries(ctx, t, diagnostic.SeriesInfo{Indicator: code, Year: vals.Year, Source: sum.Source, ImportID: sum.ID})
		if err != nil {
			return err
		}
		ids[j] = id
	}
	slog.Debug("import: old values deleted", "took", time.Since(start))
	start = time.Now()
	if err := w.write(ctx, vals, ids); err != nil {
		return err
	}
	slog.Debug("import: values written", "values", len(vals.Value), "took", time.Since(start))
	start = time.Now()
	imported := map[string]bool{}
	for j, code := range vals.Codes {
		imported[code] = true
		s := vals.SeriesOf(r.g, j)
		r.cache[diagnostic.Key{Code: code, Year: vals.Year}] = s
		if err := r.sums(ctx, t, code, vals.Year, s); err != nil {
			return err
		}
	}
	// The ratios built on what changed: a new numerator year is computed;
	// a new denominator year may change the denominator of every year.
	for _, ind := range cat.All() {
		switch {
		case !ind.IsRatio():
		case imported[ind.Denominator]:
			if err := r.ratioAllYears(ctx, t, ind); err != nil {
				return err
			}
		case imported[ind.Numerator]:
			if err := r.ratio(ctx, t, ind, vals.Year); err != nil {
				return err
			}
		}
	}

	slog.Debug("import: aggregates computed", "took", time.Since(start))
	details, err := json.Marshal(sum)
	if err != nil {
		return err
	}
	if followed {
		_, err = exec(ctx, t, `UPDATE imports SET status = ?, phase = ?, finished_at = ?, source = ?, year = ?, rows_done = rows_total,
			rows_count = ?, values_count = ?, communes = ?, secret = ?, details = ? WHERE id = ?`,
			diagnostic.ImportDone, phaseDone, db.Now(), sum.Source, sum.Year, sum.Rows, sum.Values, sum.Communes, sum.Secret, string(details), sum.ID)
	} else {
		uid, name := userOf(u)
		now := db.Now()
		_, err = exec(ctx, t, `INSERT INTO imports (id, at, finished_at, user_id, user_name, filename, source, year, status, phase,
			rows_total, rows_done, rows_count, values_count, communes, secret, details) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			sum.ID, now, now, uid, name, sum.Filename, sum.Source, sum.Year, diagnostic.ImportDone, phaseDone,
			sum.Rows, sum.Rows, sum.Rows, sum.Values, sum.Communes, sum.Secret, string(details))
	}
	if err != nil {
		return err
	}
	return db.record(ctx, t, "", u, "indicator.import", sum.ID, map[string]any{
		"filename": sum.Filename, "source": sum.Source, "year": sum.Year, "indicators": sum.Indicators,
		"rows": sum.Rows, "values": sum.Values, "communes": sum.Communes, "secret": sum.Secret,
		"replaced": sum.Replaced, "unknown_codes": len(sum.UnknownCodes), "merged": len(sum.Merged),
	})
}

func userOf(u *account.User) (id, name string) {
	if u == nil {
		return "", "ctg (ligne de commande)"
	}
	return u.ID, u.Name
}

func (db *DB) startImport(ctx context.Context, u *account.User, req diagnostic.ImportRequest, rows int) error {
	uid, name := userOf(u)
	return db.Transact(ctx, func(t *tx) error {
		_, err := exec(ctx, t, `INSERT INTO imports (id, at, user_id, user_name, filename, source, year, status, phase, rows_total, heartbeat)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, req.ID, db.Now(), uid, name, req.Filename, strings.TrimSpace(req.Source), req.Year,
			diagnostic.ImportRunning, phaseReading, rows, db.Now().Unix())
		return err
	})
}

// setProgress records how far a followed import is; a failure to record it
// must not fail the import.
func (db *DB) setProgress(ctx context.Context, id, phase string, done int) {
	_, _ = db.x.ExecContext(ctx, db.x.Rebind(`UPDATE imports SET phase = ?, rows_done = ?, heartbeat = ? WHERE id = ? AND status = ?`),
		phase, done, db.Now().Unix(), id, diagnostic.ImportRunning)
}

// StaleImport is how long a running import may go without reporting before
// it is taken for interrupted: far longer than the writing of all of France.
const StaleImport = 10 * time.Minute

// AbandonStaleImports marks as failed the running imports that stopped
// reporting, those of a server that died; it runs at start and when imports
// are read, and is harmless to a live import on another server.
func (db *DB) AbandonStaleImports(ctx context.Context) error {
	// Reading first: on SQLite an UPDATE waits for the write lock, which a
	// running import may hold for seconds.
	var stale int
	if err := get(ctx, db.x, &stale, `SELECT COUNT(*) FROM imports WHERE status = ? AND heartbeat < ?`,
		diagnostic.ImportRunning, db.Now().Add(-StaleImport).Unix()); err != nil || stale == 0 {
		return err
	}
	_, err := db.x.ExecContext(ctx, db.x.Rebind(`UPDATE imports SET status = ?, finished_at = ?, message = ? WHERE status = ? AND heartbeat < ?`),
		diagnostic.ImportFailed, db.Now(), "L'import a été interrompu (arrêt du serveur) ; aucune valeur n'a été enregistrée. Relancez-le.",
		diagnostic.ImportRunning, db.Now().Add(-StaleImport).Unix())
	if err != nil {
		return fmt.Errorf("store.AbandonStaleImports: %w", err)
	}
	return nil
}

// failImport marks a followed import as failed, with the French message a
// person will read; it runs even when the request's context is gone.
func (db *DB) failImport(id string, err error) {
	ctx := context.Background()
	msg := app.ErrorMessage(err)
	details, _ := json.Marshal(map[string]any{"fields": app.ErrorFields(err)})
	_, _ = db.x.ExecContext(ctx, db.x.Rebind(`UPDATE imports SET status = ?, finished_at = ?, message = ?, details = ? WHERE id = ?`),
		diagnostic.ImportFailed, db.Now(), msg, string(details), id)
}

// transactConn is Transact on a connection of its own, which fn may also
// reach directly through raw (conn.Raw): PostgreSQL's COPY needs the pgx
// connection, inside the same transaction.
func (db *DB) transactConn(ctx context.Context, fn func(t *tx, raw func(func(any) error) error) error) (err error) {
	conn, err := db.x.Connx(ctx)
	if err != nil {
		return mapError(err)
	}
	defer conn.Close()
	t, err := conn.BeginTxx(ctx, nil)
	if err != nil {
		return mapError(err)
	}
	defer func() {
		if p := recover(); p != nil {
			_ = t.Rollback()
			panic(p)
		}
		if err != nil {
			_ = t.Rollback()
			return
		}
		err = mapError(t.Commit())
	}()
	return mapError(fn(t, conn.Raw))
}

// valueWriter writes the values of an import in bulk: COPY on PostgreSQL,
// multi-row INSERTs of one prepared statement on SQLite.
type valueWriter struct {
	db       *DB
	t        *tx
	raw      func(func(any) error) error
	rows     int // rows of the file, to scale progress
	progress func(done int)
}

// sqliteBatch is how many values one INSERT carries (3 parameters each,
// far under SQLite's limit of 32,766).
const sqliteBatch = 500

func (w *valueWriter) write(ctx context.Context, v *diagnostic.Values, ids []int64) error {
	if w.db.Dialect == Postgres {
		return w.copy(ctx, v, ids)
	}
	return w.insert(ctx, v, ids)
}

// report scales the communes written to the rows of the file.
func (w *valueWriter) report(communesDone, communes int) {
	if w.progress != nil && communes > 0 {
		w.progress(communesDone * w.rows / communes)
	}
}

func (w *valueWriter) insert(ctx context.Context, v *diagnostic.Values, ids []int64) error {
	nc := len(v.Codes)
	total := len(v.Communes) * nc
	stmts := map[int]*sqlx.Stmt{}
	defer func() {
		for _, s := range stmts {
			s.Close()
		}
	}()
	stmt := func(n int) (*sqlx.Stmt, error) {
		if s, ok := stmts[n]; ok {
			return s, nil
		}
		q := `INSERT INTO indicator_values (commune, series_id, value) VALUES ` + strings.TrimSuffix(strings.Repeat("(?, ?, ?), ", n), ", ")
		s, err := w.t.PreparexContext(ctx, q)
		if err != nil {
			return nil, err
		}
		stmts[n] = s
		return s, nil
	}
	args := make([]any, 0, 3*sqliteBatch)
	next := 0
	for k := 0; k < total; k += sqliteBatch {
		n := min(sqliteBatch, total-k)
		args = args[:0]
		for x := k; x < k+n; x++ {
			i, j := x/nc, x%nc
			var value any
			if !v.Secret[x] {
				value = v.Value[x]
			}
			args = append(args, v.Communes[i], ids[j], value)
		}
		s, err := stmt(n)
		if err != nil {
			return err
		}
		if _, err := s.ExecContext(ctx, args...); err != nil {
			return err
		}
		if done := (k + n) / nc; done >= next {
			w.report(done, len(v.Communes))
			next = done + 2000
		}
	}
	w.report(len(v.Communes), len(v.Communes))
	return nil
}

// copySource feeds COPY from the values, row-major, reporting progress.
type copySource struct {
	v    *diagnostic.Values
	ids  []int64
	x    int
	row  []any
	w    *valueWriter
	next int
}

func (c *copySource) Next() bool {
	nc := len(c.v.Codes)
	if c.x >= len(c.v.Value) {
		if c.x == len(c.v.Value) {
			c.w.report(len(c.v.Communes), len(c.v.Communes))
			c.x++
		}
		return false
	}
	if done := c.x / nc; done >= c.next {
		c.w.report(done, len(c.v.Communes))
		c.next = done + 2000
	}
	c.x++
	return true
}

func (c *copySource) Values() ([]any, error) {
	x := c.x - 1
	nc := len(c.v.Codes)
	c.row[0], c.row[1] = c.v.Communes[x/nc], c.ids[x%nc]
	if c.v.Secret[x] {
		c.row[2] = nil
	} else {
		c.row[2] = c.v.Value[x]
	}
	return c.row, nil
}

func (c *copySource) Err() error { return nil }

func (w *valueWriter) copy(ctx context.Context, v *diagnostic.Values, ids []int64) error {
	return w.raw(func(dc any) error {
		sc, ok := dc.(*stdlib.Conn)
		if !ok {
			return errors.New("store: COPY needs a pgx connection")
		}
		src := &copySource{v: v, ids: ids, row: make([]any, 3), w: w}
		_, err := sc.Conn().CopyFrom(ctx, pgx.Identifier{"indicator_values"}, []string{"commune", "series_id", "value"}, src)
		return err
	})
}
