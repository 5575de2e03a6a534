package store

import (
	"context"
	"fmt"
	"math"
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
	out := &survey.Results{ByChannel: map[string]int{survey.ChannelWeb: 0, survey.ChannelPaper: 0}, Questions: []survey.QuestionResult{}}
	cond, fargs := responseFilter("r.id", s.ID, f)
	var channels []struct {
		Channel string `db:"channel"`
		N       int    `db:"n"`
	}
	if err := sel(ctx, db.x, &channels, `SELECT r.channel, COUNT(*) AS n FROM survey_responses r WHERE r.survey_id = ?`+cond+` GROUP BY r.channel`,
		append([]any{s.ID}, fargs...)...); err != nil {
		return nil, err
	}
	for _, c := range channels {
		out.ByChannel[c.Channel] = c.N
		out.Responses += c.N
	}

	vcond, vargs := responseFilter("v.response_id", s.ID, f)
	args := append([]any{s.ID}, vargs...)
	var answered []struct {
		Key string `db:"question_key"`
		N   int    `db:"n"`
	}
	if err := sel(ctx, db.x, &answered, `SELECT v.question_key, COUNT(DISTINCT v.response_id) AS n FROM response_values v
		WHERE v.survey_id = ?`+vcond+` GROUP BY v.question_key`, args...); err != nil {
		return nil, err
	}
	var counts []struct {
		Key string `db:"question_key"`
		Cat string `db:"cat"`
		N   int    `db:"n"`
	}
	if err := sel(ctx, db.x, &counts, `SELECT v.question_key, COALESCE(v.option, v.commune) AS cat, COUNT(*) AS n FROM response_values v
		WHERE v.survey_id = ? AND (v.option IS NOT NULL OR v.commune IS NOT NULL)`+vcond+`
		GROUP BY v.question_key, COALESCE(v.option, v.commune)`, args...); err != nil {
		return nil, err
	}
	var means []struct {
		Key  string  `db:"question_key"`
		Mean float64 `db:"mean"`
	}
	if err := sel(ctx, db.x, &means, `SELECT v.question_key, AVG(v.number) AS mean FROM response_values v
		WHERE v.survey_id = ? AND v.number IS NOT NULL`+vcond+` GROUP BY v.question_key`, args...); err != nil {
		return nil, err
	}

	byKey := map[string]*survey.QuestionResult{}
	for _, q := range s.Questions {
		out.Questions = append(out.Questions, survey.QuestionResult{Key: q.Key, Kind: q.Kind, Label: q.Label,
			Counts: map[string]int{}, Percent: map[string]float64{}})
	}
	for i := range out.Questions {
		byKey[out.Questions[i].Key] = &out.Questions[i]
	}
	for _, a := range answered {
		if r, ok := byKey[a.Key]; ok {
			r.Answered = a.N
		}
	}
	met := map[string][]string{}
	for _, c := range counts {
		if r, ok := byKey[c.Key]; ok {
			r.Counts[c.Cat] = c.N
			met[c.Key] = append(met[c.Key], c.Cat)
		}
	}
	for _, m := range means {
		if r, ok := byKey[m.Key]; ok {
			mean := math.Round(m.Mean*100) / 100
			r.Mean = &mean
		}
	}
	for i, q := range s.Questions {
		r := &out.Questions[i]
		r.Options = survey.Categories(&q, met[q.Key])
		if !survey.Categorical(q.Kind) {
			continue
		}
		for _, o := range r.Options {
			if _, ok := r.Counts[o]; !ok {
				r.Counts[o] = 0
			}
			r.Percent[o] = survey.Percent(r.Counts[o], r.Answered)
		}
	}
	return out, nil
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
	cond, fargs := responseFilter("a.response_id", s.ID, f)
	var cells []struct {
		R string `db:"r"`
		C string `db:"c"`
		N int    `db:"n"`
	}
	if err := sel(ctx, db.x, &cells, `SELECT COALESCE(a.option, a.commune) AS r, COALESCE(b.option, b.commune) AS c, COUNT(*) AS n
		FROM response_values a JOIN response_values b ON b.response_id = a.response_id AND b.question_key = ?
		WHERE a.survey_id = ? AND a.question_key = ?`+cond+`
		GROUP BY COALESCE(a.option, a.commune), COALESCE(b.option, b.commune)`,
		append([]any{cols, s.ID, rows}, fargs...)...); err != nil {
		return nil, fmt.Errorf("store.Crosstab: %w", err)
	}
	var metR, metC []string
	for _, c := range cells {
		metR, metC = append(metR, c.R), append(metC, c.C)
	}
	out := &survey.Crosstab{RowKey: rows, ColKey: cols, Rows: survey.Categories(rq, metR), Cols: survey.Categories(cq, metC)}
	ri, ci := index(out.Rows), index(out.Cols)
	out.Counts = make([][]int, len(out.Rows))
	for i := range out.Counts {
		out.Counts[i] = make([]int, len(out.Cols))
	}
	for _, c := range cells {
		i, ok1 := ri[c.R]
		j, ok2 := ci[c.C]
		if ok1 && ok2 {
			out.Counts[i][j] += c.N
		}
	}
	return out, nil
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
	var after int64
	for {
		var rows []struct {
			ID        int64     `db:"id"`
			Channel   string    `db:"channel"`
			Answers   string    `db:"answers"`
			CreatedAt time.Time `db:"created_at"`
		}
		if err := sel(ctx, db.x, &rows, `SELECT id, channel, answers, created_at FROM survey_responses
			WHERE survey_id = ? AND id > ? ORDER BY id LIMIT ?`, surveyID, after, exportBatch); err != nil {
			return fmt.Errorf("store.EachResponse: %w", err)
		}
		for _, r := range rows {
			resp := &survey.Response{ID: r.ID, Channel: r.Channel, CreatedAt: r.CreatedAt.UTC()}
			if err := jsonUnmarshal(r.Answers, &resp.Answers); err != nil {
				return fmt.Errorf("store.EachResponse: response %d: %w", r.ID, err)
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
