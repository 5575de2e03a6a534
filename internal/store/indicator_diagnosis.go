package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/jmoiron/sqlx"

	"ctg/internal/account"
	"ctg/internal/diagnostic"
	"ctg/internal/territory"
)

const importColumns = `id, at, finished_at, user_id, user_name, filename, source, year, status, phase,
	rows_total, rows_done, rows_count, values_count, communes, secret, message`

type importRow struct {
	diagnostic.Import
	Details string `db:"details"`
}

func (r *importRow) imp() diagnostic.Import {
	i := r.Import
	var d struct {
		Fields map[string]string `json:"fields"`
	}
	switch i.Status {
	case diagnostic.ImportDone:
		var s diagnostic.ImportSummary
		if json.Unmarshal([]byte(r.Details), &s) == nil {
			i.Summary = &s
		}
	case diagnostic.ImportFailed:
		if json.Unmarshal([]byte(r.Details), &d) == nil {
			i.Fields = d.Fields
		}
	}
	return i
}

// Imports returns the latest imports, newest first, without their
// summaries; every signed-in user may read them.
func (db *DB) Imports(ctx context.Context, limit int) ([]diagnostic.Import, error) {
	if err := db.AbandonStaleImports(ctx); err != nil {
		return nil, err
	}
	var rows []importRow
	if err := sel(ctx, db.x, &rows, `SELECT `+importColumns+`, '{}' AS details FROM imports ORDER BY at DESC, id LIMIT ?`, limit); err != nil {
		return nil, fmt.Errorf("store.Imports: %w", err)
	}
	out := make([]diagnostic.Import, len(rows))
	for i := range rows {
		out[i] = rows[i].imp()
	}
	return out, nil
}

// Import returns one import with its progress (while it runs), its summary
// (once done) or its French error (once failed). ENotFound when unknown.
func (db *DB) Import(ctx context.Context, id string) (*diagnostic.Import, error) {
	if err := db.AbandonStaleImports(ctx); err != nil {
		return nil, err
	}
	var r importRow
	if err := get(ctx, db.x, &r, `SELECT `+importColumns+`, details FROM imports WHERE id = ?`, id); err != nil {
		return nil, fmt.Errorf("store.Import: %w", mapError(err))
	}
	i := r.imp()
	return &i, nil
}

// Series lists the (indicator, year) pairs that have values, ratios
// included, with their source.
func (db *DB) Series(ctx context.Context) ([]diagnostic.SeriesInfo, error) {
	var rows []diagnostic.SeriesInfo
	if err := sel(ctx, db.x, &rows, `SELECT id, indicator, year, source, denominator_year, import_id, updated_at FROM indicator_series ORDER BY indicator, year`); err != nil {
		return nil, fmt.Errorf("store.Series: %w", err)
	}
	return rows, nil
}

// inputs reads what a diagnosis of the given communes needs: the
// catalogue, the latest year of each indicator, the aggregates of the
// scopes (France and dep, when dep is not empty) and the communes' values.
//
// With sums, the database sums the counts over the communes (a diagnosis);
// without, every value comes commune by commune (a detail).
func (db *DB) inputs(ctx context.Context, communes []string, dep string, codes []string, sums bool) (*diagnostic.Inputs, error) {
	cat, err := loadCatalogue(ctx, db.x)
	if err != nil {
		return nil, err
	}
	series, err := db.Series(ctx)
	if err != nil {
		return nil, err
	}
	in := &diagnostic.Inputs{Catalogue: cat, Latest: diagnostic.Latest(cat, series),
		Aggregates: map[diagnostic.Key]map[string]diagnostic.Aggregate{}, Cells: map[diagnostic.Key]map[string]diagnostic.Cell{}}
	if dep != "" {
		if err := db.readAggregates(ctx, in, dep); err != nil {
			return nil, err
		}
	}
	counts, terms := diagnostic.NeedsSplit(cat, in.Latest, codes)
	if !sums {
		terms, counts = append(terms, counts...), nil
	}
	if len(communes) > 0 && len(terms)+len(counts) > 0 {
		byKey := make(map[diagnostic.Key]int64, len(series))
		for _, s := range series {
			byKey[diagnostic.Key{Code: s.Indicator, Year: s.Year}] = s.ID
		}
		if err := db.readCells(ctx, in, terms, byKey, communes); err != nil {
			return nil, err
		}
		if err := db.readSums(ctx, in, counts, byKey, communes); err != nil {
			return nil, err
		}
	}
	return in, nil
}

// readSums sums counts over the communes in the database: a département's
// perimeter has tens of thousands of values, which need not cross over.
func (db *DB) readSums(ctx context.Context, in *diagnostic.Inputs, keys []diagnostic.Key, ids map[diagnostic.Key]int64, communes []string) error {
	in.Sums = map[diagnostic.Key]diagnostic.PerimeterSum{}
	keyOf := map[int64]diagnostic.Key{}
	var want []int64
	for _, k := range keys {
		in.Sums[k] = diagnostic.PerimeterSum{}
		if id, ok := ids[k]; ok {
			keyOf[id] = k
			want = append(want, id)
		}
	}
	if len(want) == 0 {
		return nil
	}
	for start := 0; start < len(communes); start += cellsChunk {
		chunk := communes[start:min(len(communes), start+cellsChunk)]
		q, args, err := sqlx.In(`SELECT series_id, SUM(value), COUNT(value), COUNT(*) FROM indicator_values WHERE commune IN (?) AND `+db.seriesTerm()+` IN (?) GROUP BY series_id`, chunk, want)
		if err != nil {
			return err
		}
		rows, err := db.x.QueryContext(ctx, db.x.Rebind(q), args...)
		if err != nil {
			return err
		}
		var id int64
		var total sql.NullFloat64
		var with, all int
		for rows.Next() {
			if err := rows.Scan(&id, &total, &with, &all); err != nil {
				rows.Close()
				return err
			}
			k := keyOf[id]
			s := in.Sums[k]
			s.Value += total.Float64
			s.With += with
			s.Secret += all - with
			in.Sums[k] = s
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
	}
	return nil
}

func (db *DB) readAggregates(ctx context.Context, in *diagnostic.Inputs, dep string) error {
	rows, err := db.x.QueryContext(ctx, db.x.Rebind(`SELECT indicator, year, scope, value, with_value, secret, total FROM indicator_aggregates WHERE scope IN (?, ?)`), diagnostic.France, dep)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var a diagnostic.Aggregate
		var v sql.NullFloat64
		if err := rows.Scan(&a.Indicator, &a.Year, &a.Scope, &v, &a.WithValue, &a.Secret, &a.Total); err != nil {
			return err
		}
		if s, ok := in.Latest[a.Indicator]; !ok || s.Year != a.Year {
			continue
		}
		if v.Valid {
			a.Value = &v.Float64
		}
		k := diagnostic.Key{Code: a.Indicator, Year: a.Year}
		if in.Aggregates[k] == nil {
			in.Aggregates[k] = map[string]diagnostic.Aggregate{}
		}
		in.Aggregates[k][a.Scope] = a
	}
	return rows.Err()
}

// seriesTerm is how the reads of a perimeter's values name the series
// column. SQLite would look up every (commune, series) pair of the two IN
// lists, one descent of the primary key each (53,000 for a département);
// series_id + 0 makes it read each commune's few values in a row instead
// and filter them, 60 times fewer descents. PostgreSQL plans well alone.
func (db *DB) seriesTerm() string {
	if db.Dialect == SQLite {
		return "series_id + 0"
	}
	return "series_id"
}

// cellsChunk bounds the commune codes of one query.
const cellsChunk = 1000

func (db *DB) readCells(ctx context.Context, in *diagnostic.Inputs, keys []diagnostic.Key, ids map[diagnostic.Key]int64, communes []string) error {
	keyOf := map[int64]diagnostic.Key{}
	var want []int64
	for _, k := range keys {
		in.Cells[k] = make(map[string]diagnostic.Cell, len(communes))
		if id, ok := ids[k]; ok {
			keyOf[id] = k
			want = append(want, id)
		}
	}
	if len(want) == 0 {
		return nil
	}
	for start := 0; start < len(communes); start += cellsChunk {
		chunk := communes[start:min(len(communes), start+cellsChunk)]
		q, args, err := sqlx.In(`SELECT series_id, commune, value FROM indicator_values WHERE commune IN (?) AND `+db.seriesTerm()+` IN (?)`, chunk, want)
		if err != nil {
			return err
		}
		rows, err := db.x.QueryContext(ctx, db.x.Rebind(q), args...)
		if err != nil {
			return err
		}
		var id int64
		var commune string
		var v sql.NullFloat64
		for rows.Next() {
			if err := rows.Scan(&id, &commune, &v); err != nil {
				rows.Close()
				return err
			}
			in.Cells[keyOf[id]][commune] = diagnostic.Cell{Value: v.Float64, Secret: !v.Valid}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
	}
	return nil
}

// Diagnosis computes the diagnosis of a perimeter (current commune codes)
// next to the département dep and France; see diagnostic.Diagnose.
func (db *DB) Diagnosis(ctx context.Context, ref *territory.Ref, communes []string, dep string) (*diagnostic.Diagnosis, error) {
	in, err := db.inputs(ctx, communes, dep, nil, true)
	if err != nil {
		return nil, fmt.Errorf("store.Diagnosis: %w", err)
	}
	return diagnostic.Diagnose(ref, in, communes, dep), nil
}

// ConventionDiagnosis computes the diagnosis of a convention's perimeter,
// next to the département of its CAF and France. ENotFound when u may not
// see the convention.
func (db *DB) ConventionDiagnosis(ctx context.Context, ref *territory.Ref, u *account.User, id string) (*diagnostic.Diagnosis, error) {
	c, err := db.Convention(ctx, u, id)
	if err != nil {
		return nil, err
	}
	return db.Diagnosis(ctx, ref, c.Communes, strings.TrimPrefix(c.CAF, "caf-"))
}

// CommuneDetail returns the value of each commune for the given indicators
// (all those with values when codes is empty), at their latest year.
func (db *DB) CommuneDetail(ctx context.Context, ref *territory.Ref, communes []string, codes []string) (*diagnostic.Detail, error) {
	in, err := db.inputs(ctx, communes, "", codes, false)
	if err != nil {
		return nil, fmt.Errorf("store.CommuneDetail: %w", err)
	}
	return diagnostic.Details(ref, in, communes, codes), nil
}

// ConventionDetail is CommuneDetail over a convention's perimeter.
// ENotFound when u may not see the convention.
func (db *DB) ConventionDetail(ctx context.Context, ref *territory.Ref, u *account.User, id string, codes []string) (*diagnostic.Detail, error) {
	c, err := db.Convention(ctx, u, id)
	if err != nil {
		return nil, err
	}
	return db.CommuneDetail(ctx, ref, c.Communes, codes)
}
