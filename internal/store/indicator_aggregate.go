package store

import (
	"context"
	"database/sql"
	"slices"
	"strings"

	"ctg/internal/diagnostic"
	"ctg/internal/territory"
)

// recompute writes the aggregates of indicators per département and for
// France, inside the transaction of an import or of a new ratio. It keeps
// the series it has read, so that a denominator shared by several ratios
// (children under 3 for the three coverage rates) is read once.
type recompute struct {
	db    *DB
	ref   *territory.Ref
	g     *diagnostic.Geo
	cat   *diagnostic.Catalogue
	cache map[diagnostic.Key]*diagnostic.Series
	infos map[diagnostic.Key]diagnostic.SeriesInfo
	years diagnostic.SeriesYears
}

func newRecompute(db *DB, ref *territory.Ref, cat *diagnostic.Catalogue) *recompute {
	return &recompute{db: db, ref: ref, g: diagnostic.GeoOf(ref), cat: cat, cache: map[diagnostic.Key]*diagnostic.Series{}}
}

// loadInfos reads which (indicator, year) pairs have values.
func (r *recompute) loadInfos(ctx context.Context, t *tx) error {
	var rows []diagnostic.SeriesInfo
	if err := sel(ctx, t, &rows, `SELECT id, indicator, year, source, denominator_year, import_id, updated_at FROM indicator_series`); err != nil {
		return err
	}
	r.infos = map[diagnostic.Key]diagnostic.SeriesInfo{
		{Code: diagnostic.Population, Year: diagnostic.PopulationYear}: {Indicator: diagnostic.Population, Year: diagnostic.PopulationYear, Source: diagnostic.PopulationSource},
	}
	r.years = diagnostic.SeriesYears{}
	for _, s := range rows {
		r.infos[diagnostic.Key{Code: s.Indicator, Year: s.Year}] = s
		r.years[s.Indicator] = append(r.years[s.Indicator], s.Year)
	}
	return nil
}

// series returns the commune values of one indicator for one year.
func (r *recompute) series(ctx context.Context, t *tx, k diagnostic.Key) (*diagnostic.Series, error) {
	if s, ok := r.cache[k]; ok {
		return s, nil
	}
	var s *diagnostic.Series
	if k.Code == diagnostic.Population && k.Year == diagnostic.PopulationYear {
		s = r.g.PopulationSeries()
	} else if info, ok := r.infos[k]; !ok {
		s = r.g.NewSeries()
	} else {
		s = r.g.NewSeries()
		rows, err := t.QueryContext(ctx, t.Rebind(`SELECT commune, value FROM indicator_values WHERE series_id = ?`), info.ID)
		if err != nil {
			return nil, err
		}
		defer rows.Close()
		var code string
		var v sql.NullFloat64
		for rows.Next() {
			if err := rows.Scan(&code, &v); err != nil {
				return nil, err
			}
			s.Set(r.g, code, v.Float64, !v.Valid)
		}
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	r.cache[k] = s
	return s, nil
}

// sums writes the aggregates of a count.
func (r *recompute) sums(ctx context.Context, t *tx, code string, year int, s *diagnostic.Series) error {
	return writeAggregates(ctx, t, code, year, r.g.SumAggregates(code, year, s))
}

// ratio computes a ratio for the year y of its numerator, with the
// denominator of the year DenominatorYear chooses, and records its series;
// with no denominator at all, the ratio has no values that year.
func (r *recompute) ratio(ctx context.Context, t *tx, ind diagnostic.Indicator, y int) error {
	denYear := diagnostic.DenominatorYear(y, r.years.With(ind.Denominator))
	if denYear == 0 {
		if _, err := exec(ctx, t, `DELETE FROM indicator_aggregates WHERE indicator = ? AND year = ?`, ind.Code, y); err != nil {
			return err
		}
		return r.dropSeries(ctx, t, diagnostic.Key{Code: ind.Code, Year: y})
	}
	nk, dk := diagnostic.Key{Code: ind.Numerator, Year: y}, diagnostic.Key{Code: ind.Denominator, Year: denYear}
	num, err := r.series(ctx, t, nk)
	if err != nil {
		return err
	}
	den, err := r.series(ctx, t, dk)
	if err != nil {
		return err
	}
	if err := writeAggregates(ctx, t, ind.Code, y, r.g.RatioAggregates(ind, y, denYear, num, den)); err != nil {
		return err
	}
	source := diagnostic.RatioSource(r.infos[nk], r.infos[dk])
	_, err = r.replaceSeries(ctx, t, diagnostic.SeriesInfo{Indicator: ind.Code, Year: y, Source: source, DenominatorYear: denYear})
	return err
}

// ratioAllYears computes a ratio for every year of its numerator.
func (r *recompute) ratioAllYears(ctx context.Context, t *tx, ind diagnostic.Indicator) error {
	if r.infos == nil {
		if err := r.loadInfos(ctx, t); err != nil {
			return err
		}
	}
	if _, err := exec(ctx, t, `DELETE FROM indicator_aggregates WHERE indicator = ?`, ind.Code); err != nil {
		return err
	}
	for _, y := range r.years.With(ind.Code) {
		if err := r.dropSeries(ctx, t, diagnostic.Key{Code: ind.Code, Year: y}); err != nil {
			return err
		}
	}
	for _, y := range r.years.With(ind.Numerator) {
		if err := r.ratio(ctx, t, ind, y); err != nil {
			return err
		}
	}
	return nil
}

// replaceSeries records the values of an (indicator, year) under a new id,
// after removing the previous ones; it returns the new id.
func (r *recompute) replaceSeries(ctx context.Context, t *tx, s diagnostic.SeriesInfo) (int64, error) {
	k := diagnostic.Key{Code: s.Indicator, Year: s.Year}
	if err := r.dropSeries(ctx, t, k); err != nil {
		return 0, err
	}
	s.UpdatedAt = r.db.Now()
	err := get(ctx, t, &s.ID, `INSERT INTO indicator_series (indicator, year, source, denominator_year, import_id, updated_at) VALUES (?, ?, ?, ?, ?, ?) RETURNING id`,
		s.Indicator, s.Year, s.Source, s.DenominatorYear, s.ImportID, s.UpdatedAt)
	if err != nil {
		return 0, err
	}
	r.years[s.Indicator] = append(r.years[s.Indicator], s.Year)
	r.infos[k] = s
	delete(r.cache, k)
	return s.ID, nil
}

// dropSeries removes an (indicator, year) and its commune values.
func (r *recompute) dropSeries(ctx context.Context, t *tx, k diagnostic.Key) error {
	old, ok := r.infos[k]
	if !ok || old.ID == 0 {
		return nil
	}
	if _, err := exec(ctx, t, `DELETE FROM indicator_values WHERE series_id = ?`, old.ID); err != nil {
		return err
	}
	if _, err := exec(ctx, t, `DELETE FROM indicator_series WHERE id = ?`, old.ID); err != nil {
		return err
	}
	delete(r.infos, k)
	delete(r.cache, k)
	r.years[k.Code] = slices.DeleteFunc(r.years[k.Code], func(y int) bool { return y == k.Year })
	return nil
}

// writeAggregates replaces the aggregates of one indicator and year.
func writeAggregates(ctx context.Context, t *tx, code string, year int, aggs []diagnostic.Aggregate) error {
	if _, err := exec(ctx, t, `DELETE FROM indicator_aggregates WHERE indicator = ? AND year = ?`, code, year); err != nil {
		return err
	}
	const cols = 10
	const batch = 120
	for len(aggs) > 0 {
		n := min(batch, len(aggs))
		var b strings.Builder
		b.WriteString(`INSERT INTO indicator_aggregates (indicator, year, scope, value, numerator, denominator, denominator_year, with_value, secret, total) VALUES `)
		args := make([]any, 0, n*cols)
		for i, a := range aggs[:n] {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString("(?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
			args = append(args, a.Indicator, a.Year, a.Scope, a.Value, a.Numerator, a.Denominator, a.DenominatorYear, a.WithValue, a.Secret, a.Total)
		}
		if _, err := exec(ctx, t, b.String(), args...); err != nil {
			return err
		}
		aggs = aggs[n:]
	}
	return nil
}
