package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"ctg/internal/account"
	"ctg/internal/survey"
)

// responseFilter returns the SQL condition on a response id column that
// keeps the responses of f, and its arguments.
func responseFilter(column, surveyID string, f survey.Filter) (string, []any) {
	var cond string
	var args []any
	if f.Commune != "" {
		cond += ` AND ` + column + ` IN (SELECT response_id FROM response_values WHERE survey_id = ? AND commune = ?)`
		args = append(args, surveyID, f.Commune)
	}
	if f.Key != "" {
		cond += ` AND ` + column + ` IN (SELECT response_id FROM response_values WHERE survey_id = ? AND question_key = ? AND (option = ? OR commune = ?))`
		args = append(args, surveyID, f.Key, f.Option, f.Option)
	}
	return cond, args
}

// Results counts the responses of a survey u may see, question by
// question, over the responses f keeps. The database groups the values
// table; nothing decodes the responses.
func (db *DB) Results(ctx context.Context, u *account.User, surveyID string, f survey.Filter) (*survey.Results, error) {
	s, err := seeSurvey(ctx, db.x, u, surveyID, false)
	if err != nil {
		return nil, fmt.Errorf("store.Results: %w", err)
	}
	out, err := db.results(ctx, s, f)
	if err != nil {
		return nil, fmt.Errorf("store.Results: %w", err)
	}
	return out, nil
}

func (db *DB) results(ctx context.Context, s *survey.Survey, f survey.Filter) (*survey.Results, error) {
	t, err := db.tallyOf(ctx, s.ID, "results"+f.Scope(), func(sp span) (*tally, error) { return db.countResults(ctx, s.ID, f, sp) })
	if err != nil {
		return nil, err
	}
	out := &survey.Results{ByChannel: map[string]int{survey.ChannelWeb: 0, survey.ChannelPaper: 0}, Questions: []survey.QuestionResult{}}
	for c, n := range t.Channels {
		out.ByChannel[c] = n
		out.Responses += n
	}
	for _, q := range s.Questions {
		r := survey.QuestionResult{Key: q.Key, Kind: q.Kind, Label: q.Label, Answered: t.Answered[q.Key],
			Counts: map[string]int{}, Percent: map[string]float64{}}
		var met []string
		for c, n := range t.Counts[q.Key] {
			r.Counts[c] = n
			met = append(met, c)
		}
		slices.Sort(met)
		if sum, ok := t.Sums[q.Key]; ok && sum[1] > 0 {
			mean := math.Round(sum[0]/sum[1]*100) / 100
			r.Mean = &mean
		}
		r.Options = survey.Categories(&q, met)
		if survey.Categorical(q.Kind) {
			for _, o := range r.Options {
				if _, ok := r.Counts[o]; !ok {
					r.Counts[o] = 0
				}
				r.Percent[o] = survey.Percent(r.Counts[o], r.Answered)
			}
		}
		out.Questions = append(out.Questions, r)
	}
	return out, nil
}

// countResults tallies, question by question, the responses of a survey
// in sp that f keeps: the database groups the values table; nothing
// decodes the responses.
func (db *DB) countResults(ctx context.Context, surveyID string, f survey.Filter, sp span) (*tally, error) {
	t := &tally{Channels: map[string]int{}, Answered: map[string]int{}, Counts: map[string]map[string]int{}, Sums: map[string][2]float64{}}
	cond, fargs := responseFilter("r.id", surveyID, f)
	var channels []struct {
		Channel string `db:"channel"`
		N       int    `db:"n"`
	}
	if err := sel(ctx, db.x, &channels, `SELECT r.channel, COUNT(*) AS n FROM survey_responses r WHERE `+sp.where("r.survey_id", "r.id")+cond+` GROUP BY r.channel`,
		append([]any{surveyID}, fargs...)...); err != nil {
		return nil, err
	}
	for _, c := range channels {
		t.Channels[c.Channel] = c.N
	}

	vcond, vargs := responseFilter("v.response_id", surveyID, f)
	where := sp.where("v.survey_id", "v.response_id") + vcond
	args := append([]any{surveyID}, vargs...)
	// A question is answered once per response, except a multiple choice:
	// one row per option chosen, so its responses are counted distinct.
	var answered []struct {
		Key string `db:"question_key"`
		N   int    `db:"n"`
		D   int    `db:"d"`
	}
	if err := sel(ctx, db.x, &answered, `SELECT v.question_key, COUNT(*) AS n, COUNT(DISTINCT CASE WHEN v.option IS NOT NULL THEN v.response_id END) AS d
		FROM response_values v WHERE `+where+` GROUP BY v.question_key`, args...); err != nil {
		return nil, err
	}
	var counts []struct {
		Key string `db:"question_key"`
		Cat string `db:"cat"`
		N   int    `db:"n"`
	}
	if err := sel(ctx, db.x, &counts, `SELECT v.question_key, COALESCE(v.option, v.commune) AS cat, COUNT(*) AS n FROM response_values v
		WHERE `+where+` AND (v.option IS NOT NULL OR v.commune IS NOT NULL)
		GROUP BY v.question_key, COALESCE(v.option, v.commune)`, args...); err != nil {
		return nil, err
	}
	var sums []struct {
		Key string  `db:"question_key"`
		Sum float64 `db:"total"`
		N   int     `db:"n"`
	}
	if err := sel(ctx, db.x, &sums, `SELECT v.question_key, SUM(v.number) AS total, COUNT(*) AS n FROM response_values v
		WHERE `+where+` AND v.number IS NOT NULL GROUP BY v.question_key`, args...); err != nil {
		return nil, err
	}
	for _, a := range answered {
		t.Answered[a.Key] = a.N
		if a.D > 0 {
			t.Answered[a.Key] = a.D
		}
	}
	for _, c := range counts {
		m := t.Counts[c.Key]
		if m == nil {
			m = map[string]int{}
			t.Counts[c.Key] = m
		}
		m[c.Cat] = c.N
	}
	for _, s := range sums {
		t.Sums[s.Key] = [2]float64{s.Sum, float64(s.N)}
	}
	return t, nil
}

// Crosstab crosses the answers to two categorical questions of a survey u
// may see, over the responses f keeps.
func (db *DB) Crosstab(ctx context.Context, u *account.User, surveyID, rows, cols string, f survey.Filter) (*survey.Crosstab, error) {
	s, err := seeSurvey(ctx, db.x, u, surveyID, false)
	if err != nil {
		return nil, fmt.Errorf("store.Crosstab: %w", err)
	}
	rq, cq, err := s.CheckCrosstab(rows, cols)
	if err != nil {
		return nil, err
	}
	t, err := db.tallyOf(ctx, s.ID, "crosstab"+cellSep+rows+cellSep+cols+f.Scope(), func(sp span) (*tally, error) {
		return db.countCells(ctx, s.ID, rows, cols, f, sp)
	})
	if err != nil {
		return nil, fmt.Errorf("store.Crosstab: %w", err)
	}
	var metR, metC []string
	for k := range t.Cells {
		r, c, _ := strings.Cut(k, cellSep)
		metR, metC = append(metR, r), append(metC, c)
	}
	slices.Sort(metR)
	slices.Sort(metC)
	out := &survey.Crosstab{RowKey: rows, ColKey: cols, Rows: survey.Categories(rq, slices.Compact(metR)), Cols: survey.Categories(cq, slices.Compact(metC))}
	ri, ci := index(out.Rows), index(out.Cols)
	out.Counts = make([][]int, len(out.Rows))
	for i := range out.Counts {
		out.Counts[i] = make([]int, len(out.Cols))
	}
	for k, n := range t.Cells {
		r, c, _ := strings.Cut(k, cellSep)
		i, ok1 := ri[r]
		j, ok2 := ci[c]
		if ok1 && ok2 {
			out.Counts[i][j] += n
		}
	}
	return out, nil
}

// countCells tallies the pairs of answers to two questions of the
// responses in sp that f keeps.
func (db *DB) countCells(ctx context.Context, surveyID, rows, cols string, f survey.Filter, sp span) (*tally, error) {
	cond, fargs := responseFilter("a.response_id", surveyID, f)
	var cells []struct {
		R string `db:"r"`
		C string `db:"c"`
		N int    `db:"n"`
	}
	if err := sel(ctx, db.x, &cells, `SELECT COALESCE(a.option, a.commune) AS r, COALESCE(b.option, b.commune) AS c, COUNT(*) AS n
		FROM response_values a JOIN response_values b ON b.response_id = a.response_id AND b.question_key = ?
		WHERE `+sp.where("a.survey_id", "a.response_id")+` AND a.question_key = ?`+cond+`
		GROUP BY COALESCE(a.option, a.commune), COALESCE(b.option, b.commune)`,
		append([]any{cols, surveyID, rows}, fargs...)...); err != nil {
		return nil, err
	}
	t := &tally{Cells: map[string]int{}}
	for _, c := range cells {
		t.Cells[c.R+cellSep+c.C] += c.N
	}
	return t, nil
}

func index(xs []string) map[string]int {
	m := make(map[string]int, len(xs))
	for i, x := range xs {
		m[x] = i
	}
	return m
}

// exportBatch is how many responses EachResponse reads at a time: memory
// stays flat however many there are.
const exportBatch = 500

// EachResponse calls fn with every response of a survey u may see, oldest
// first, reading them in batches. It stops at fn's first error.
func (db *DB) EachResponse(ctx context.Context, u *account.User, surveyID string, fn func(*survey.Response) error) error {
	if _, err := seeSurvey(ctx, db.x, u, surveyID, false); err != nil {
		return fmt.Errorf("store.EachResponse: %w", err)
	}
	return db.eachResponse(ctx, "store.EachResponse", surveyID, "", nil, fn)
}

// eachResponse calls fn with the responses of a survey that cond, a SQL
// condition on survey_responses r with its arguments args, keeps, oldest
// first, in batches. Its own errors are wrapped with op; fn's are not.
func (db *DB) eachResponse(ctx context.Context, op, surveyID, cond string, args []any, fn func(*survey.Response) error) error {
	var after int64
	for {
		var rows []struct {
			ID        int64     `db:"id"`
			Channel   string    `db:"channel"`
			Answers   string    `db:"answers"`
			CreatedAt time.Time `db:"created_at"`
		}
		if err := sel(ctx, db.x, &rows, `SELECT r.id, r.channel, r.answers, r.created_at FROM survey_responses r
			WHERE r.survey_id = ? AND r.id > ?`+cond+` ORDER BY r.id LIMIT ?`, append(append([]any{surveyID, after}, args...), exportBatch)...); err != nil {
			return fmt.Errorf("%s: %w", op, err)
		}
		for _, r := range rows {
			resp := &survey.Response{ID: r.ID, Channel: r.Channel, CreatedAt: r.CreatedAt.UTC()}
			if err := jsonUnmarshal(r.Answers, &resp.Answers); err != nil {
				return fmt.Errorf("%s: response %d: %w", op, r.ID, err)
			}
			if err := fn(resp); err != nil {
				return err
			}
			after = r.ID
		}
		if len(rows) < exportBatch {
			return nil
		}
	}
}

// tally is the additive part of a survey's results over a set of
// responses: two tallies of disjoint sets add up to the tally of their
// union. Results, crosstabs and responses per day are kept as tallies in
// survey_tallies and brought up to date with the responses that came
// after.
type tally struct {
	Channels map[string]int            `json:"channels,omitempty"`
	Answered map[string]int            `json:"answered,omitempty"`
	Counts   map[string]map[string]int `json:"counts,omitempty"`
	// Sums holds, per question, the sum and the number of its numbers.
	Sums map[string][2]float64 `json:"sums,omitempty"`
	// Cells holds crosstab counts by row and column category, joined by
	// cellSep.
	Cells map[string]int `json:"cells,omitempty"`
	// Days holds the responses by French day and channel, joined by
	// cellSep.
	Days map[string]int `json:"days,omitempty"`
}

const cellSep = "\x1f"

func (t *tally) add(o *tally) {
	addCounts := func(dst *map[string]int, src map[string]int) {
		if len(src) == 0 {
			return
		}
		if *dst == nil {
			*dst = map[string]int{}
		}
		for k, n := range src {
			(*dst)[k] += n
		}
	}
	addCounts(&t.Channels, o.Channels)
	addCounts(&t.Answered, o.Answered)
	addCounts(&t.Cells, o.Cells)
	addCounts(&t.Days, o.Days)
	for k, m := range o.Counts {
		if t.Counts == nil {
			t.Counts = map[string]map[string]int{}
		}
		dst := t.Counts[k]
		addCounts(&dst, m)
		t.Counts[k] = dst
	}
	for k, s := range o.Sums {
		if t.Sums == nil {
			t.Sums = map[string][2]float64{}
		}
		cur := t.Sums[k]
		t.Sums[k] = [2]float64{cur[0] + s[0], cur[1] + s[1]}
	}
}

// settleDelay is how old a response must be before a stored tally counts
// it. PostgreSQL hands out ids before commit, so a response may become
// visible after one with a higher id; responses younger than this are
// counted at each reading and never stored, and a stored tally whose
// count no longer matches its range is rebuilt the next time it moves on.
// On SQLite, one writer at a time, ids become visible in their order.
const settleDelay = 10 * time.Second

// span is a range of response ids: after < id <= upto, upto 0 for no end.
type span struct{ after, upto int64 }

// where returns the SQL condition keeping the responses of a survey in
// sp, given the survey and response id columns; its one parameter is the
// survey id. After a tally, concatenating the survey column with ” stops
// either planner from choosing the survey's index over the id range: the
// span is a handful of recent responses, while the survey may hold a
// hundred thousand.
func (sp span) where(surveyColumn, idColumn string) string {
	c := surveyColumn + ` = ?`
	if sp.after > 0 {
		c = surveyColumn + ` || '' = ? AND ` + idColumn + ` > ` + strconv.FormatInt(sp.after, 10)
	}
	if sp.upto > 0 {
		c += ` AND ` + idColumn + ` <= ` + strconv.FormatInt(sp.upto, 10)
	}
	return c
}

// tallyOf reads the stored tally of a scope, brings it up to the responses
// settled now, stores it when it moved, and adds the responses too recent
// to store. count computes the tally of a span.
func (db *DB) tallyOf(ctx context.Context, surveyID, scope string, count func(span) (*tally, error)) (*tally, error) {
	var settled int64
	err := get(ctx, db.x, &settled, `SELECT id FROM survey_responses WHERE survey_id = ? AND created_at <= ? ORDER BY id DESC LIMIT 1`,
		surveyID, db.Now().Add(-settleDelay))
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return nil, err
	}
	var stored struct {
		Upto      int64  `db:"upto_id"`
		Responses int64  `db:"responses"`
		Data      string `db:"data"`
	}
	t := &tally{}
	err = get(ctx, db.x, &stored, `SELECT upto_id, responses, data FROM survey_tallies WHERE survey_id = ? AND scope = ?`, surveyID, scope)
	switch {
	case errors.Is(err, sql.ErrNoRows):
	case err != nil:
		return nil, err
	case stored.Upto > settled:
		// The clock went back, or the responses went: count afresh.
		stored.Upto, stored.Responses = 0, 0
	default:
		if err := jsonUnmarshal(stored.Data, t); err != nil {
			return nil, err
		}
	}
	if settled > stored.Upto && stored.Upto > 0 && db.Dialect == Postgres {
		// Before moving the tally on, check that no response committed
		// late below it; if one did, count afresh. Checked on a move
		// rather than on every reading: the count reads the survey's
		// whole index.
		var n int64
		if err := get(ctx, db.x, &n, `SELECT COUNT(*) FROM survey_responses WHERE survey_id = ? AND id <= ?`, surveyID, stored.Upto); err != nil {
			return nil, err
		}
		if n != stored.Responses {
			t, stored.Upto, stored.Responses = &tally{}, 0, 0
		}
	}
	if settled > stored.Upto {
		fresh, err := count(span{after: stored.Upto, upto: settled})
		if err != nil {
			return nil, err
		}
		t.add(fresh)
		var n int64
		if err := get(ctx, db.x, &n, `SELECT COUNT(*) FROM survey_responses WHERE survey_id = ? AND id > ? AND id <= ?`, surveyID, stored.Upto, settled); err != nil {
			return nil, err
		}
		js, err := json.Marshal(t)
		if err != nil {
			return nil, err
		}
		// Another server may have stored a later tally meanwhile: the
		// later one stays.
		if err := db.Transact(ctx, func(tx *tx) error {
			_, err := exec(ctx, tx, `INSERT INTO survey_tallies (survey_id, scope, upto_id, responses, data, updated_at) VALUES (?, ?, ?, ?, ?, ?)
				ON CONFLICT (survey_id, scope) DO UPDATE SET upto_id = excluded.upto_id, responses = excluded.responses, data = excluded.data, updated_at = excluded.updated_at
				WHERE survey_tallies.upto_id < excluded.upto_id`, surveyID, scope, settled, stored.Responses+n, string(js), db.Now())
			return err
		}); err != nil {
			return nil, err
		}
		stored.Upto = settled
	}
	recent, err := count(span{after: stored.Upto})
	if err != nil {
		return nil, err
	}
	t.add(recent)
	return t, nil
}
