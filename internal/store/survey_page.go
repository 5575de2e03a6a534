package store

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"ctg/internal/account"
	"ctg/internal/convention"
	"ctg/internal/survey"
	"ctg/internal/territory"
)

// What the results page shows beyond the counts: the responses per day
// and the free-text answers, read without decoding every response.

// ResponseDay is the number of responses of a French calendar day, by
// channel.
type ResponseDay struct {
	Date       string // YYYY-MM-DD, in Europe/Paris
	Web, Paper int
}

// ResponseDays counts the responses of a survey u may see that f keeps,
// per French calendar day and channel, oldest day first. They are kept as
// a running tally, as results are: a reading groups only the responses
// that came after it.
func (db *DB) ResponseDays(ctx context.Context, u *account.User, surveyID string, f survey.Filter) ([]ResponseDay, error) {
	s, err := seeSurvey(ctx, db.x, u, surveyID, false)
	if err != nil {
		return nil, fmt.Errorf("store.ResponseDays: %w", err)
	}
	t, err := db.tallyOf(ctx, s.ID, "days"+f.Scope(), func(sp span) (*tally, error) { return db.countDays(ctx, s.ID, f, sp) })
	if err != nil {
		return nil, fmt.Errorf("store.ResponseDays: %w", err)
	}
	byDate := map[string]*ResponseDay{}
	for k, n := range t.Days {
		date, channel, _ := strings.Cut(k, cellSep)
		d := byDate[date]
		if d == nil {
			d = &ResponseDay{Date: date}
			byDate[date] = d
		}
		if channel == survey.ChannelPaper {
			d.Paper += n
		} else {
			d.Web += n
		}
	}
	out := make([]ResponseDay, 0, len(byDate))
	for _, d := range byDate {
		out = append(out, *d)
	}
	slices.SortFunc(out, func(a, b ResponseDay) int { return strings.Compare(a.Date, b.Date) })
	return out, nil
}

// countDays tallies the responses in sp that f keeps by French day and
// channel. Neither dialect shares the other's time zone functions, and
// SQLite has none: the database groups by the hour in UTC, and each hour
// falls within one day in Paris, whose offsets are whole hours.
func (db *DB) countDays(ctx context.Context, surveyID string, f survey.Filter, sp span) (*tally, error) {
	hour := `strftime('%Y-%m-%d %H', r.created_at)`
	if db.Dialect == Postgres {
		hour = `to_char(r.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24')`
	}
	cond, fargs := responseFilter("r.id", surveyID, f)
	var rows []struct {
		Hour    string `db:"hour"`
		Channel string `db:"channel"`
		N       int    `db:"n"`
	}
	if err := sel(ctx, db.x, &rows, `SELECT `+hour+` AS hour, r.channel, COUNT(*) AS n FROM survey_responses r
		WHERE `+sp.where("r.survey_id", "r.id")+cond+` GROUP BY `+hour+`, r.channel`, append([]any{surveyID}, fargs...)...); err != nil {
		return nil, err
	}
	t := &tally{Days: map[string]int{}}
	for _, r := range rows {
		h, err := time.Parse("2006-01-02 15", r.Hour)
		if err != nil {
			return nil, fmt.Errorf("hour %q: %w", r.Hour, err)
		}
		t.Days[convention.Today(h)+cellSep+r.Channel] += r.N
	}
	return t, nil
}

// TextAnswer is a free-text answer with its response.
type TextAnswer struct {
	Response  int64
	CreatedAt time.Time
	Text      string
}

// TextAnswers are the answers to a text question: the first ones and how
// many there are.
type TextAnswers struct {
	First []TextAnswer
	Count int
}

// TextAnswers returns, for each text question of a survey u may see, the
// first limit answers of the responses f keeps, oldest first, and how many
// there are. With a search, it keeps the answers that hold it, both
// normalised by territory.Normalize: then it reads every response with a
// text answer. Without, it reads limit responses a question, and the count
// is that of the running results: those of res when the caller has just
// read them for f (the results page), else read here.
func (db *DB) TextAnswers(ctx context.Context, u *account.User, surveyID string, f survey.Filter, search string, limit int, res *survey.Results) (map[string]TextAnswers, error) {
	s, err := seeSurvey(ctx, db.x, u, surveyID, false)
	if err != nil {
		return nil, fmt.Errorf("store.TextAnswers: %w", err)
	}
	var keys []string
	for _, q := range s.Questions {
		if q.Kind == survey.KindText {
			keys = append(keys, q.Key)
		}
	}
	out := map[string]TextAnswers{}
	if len(keys) == 0 {
		return out, nil
	}
	cond, fargs := responseFilter("r.id", s.ID, f)
	if search = territory.Normalize(search); search != "" {
		// A text answer has a values row with no option, number or
		// commune (survey.Value).
		has := ` AND EXISTS (SELECT 1 FROM response_values t WHERE t.response_id = r.id AND t.question_key IN (?` + strings.Repeat(", ?", len(keys)-1) + `))`
		args := append(fargs, anys(keys)...)
		err := db.eachResponse(ctx, "store.TextAnswers", s.ID, cond+has, args, func(resp *survey.Response) error {
			for _, k := range keys {
				text := resp.Answers.Text(k)
				if text == "" || !strings.Contains(territory.Normalize(text), search) {
					continue
				}
				a := out[k]
				a.Count++
				if len(a.First) < limit {
					a.First = append(a.First, TextAnswer{Response: resp.ID, CreatedAt: resp.CreatedAt, Text: text})
				}
				out[k] = a
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
		return out, nil
	}

	// The results count a text answer as its question answered.
	if res == nil {
		if res, err = db.results(ctx, s, f); err != nil {
			return nil, fmt.Errorf("store.TextAnswers: %w", err)
		}
	}
	answered := make(map[string]int, len(res.Questions))
	for _, q := range res.Questions {
		answered[q.Key] = q.Answered
	}
	// The filter as conditions on each response rather than lists of
	// responses: the walk below stops at the limit-th answer instead of
	// first reading every response the filter keeps.
	rcond, rargs := rowFilter("r.id", f)
	for _, k := range keys {
		a := TextAnswers{Count: answered[k]}
		if a.Count > 0 && limit > 0 {
			// Walks the survey's responses in order and stops at the
			// limit-th with an answer, looked up by response.
			var rows []struct {
				ID        int64     `db:"id"`
				Answers   string    `db:"answers"`
				CreatedAt time.Time `db:"created_at"`
			}
			if err := sel(ctx, db.x, &rows, `SELECT r.id, r.answers, r.created_at FROM survey_responses r
				WHERE r.survey_id = ? AND EXISTS (SELECT 1 FROM response_values t WHERE t.response_id = r.id AND t.question_key = ?)`+rcond+`
				ORDER BY r.id LIMIT ?`, append(append([]any{s.ID, k}, rargs...), limit)...); err != nil {
				return nil, fmt.Errorf("store.TextAnswers: %w", err)
			}
			for _, r := range rows {
				var answers survey.Answers
				if err := jsonUnmarshal(r.Answers, &answers); err != nil {
					return nil, fmt.Errorf("store.TextAnswers: response %d: %w", r.ID, err)
				}
				if text := answers.Text(k); text != "" {
					a.First = append(a.First, TextAnswer{Response: r.ID, CreatedAt: r.CreatedAt.UTC(), Text: text})
				}
			}
		}
		out[k] = a
	}
	return out, nil
}

// rowFilter is responseFilter as conditions on each response: where
// responses are walked in order up to a limit, it looks up the values of
// the responses walked, by the index on response_id.
func rowFilter(column string, f survey.Filter) (string, []any) {
	var cond string
	var args []any
	if f.Commune != "" {
		cond += ` AND EXISTS (SELECT 1 FROM response_values c WHERE c.response_id = ` + column + ` AND c.commune = ?)`
		args = append(args, f.Commune)
	}
	if f.Key != "" {
		cond += ` AND EXISTS (SELECT 1 FROM response_values o WHERE o.response_id = ` + column + ` AND o.question_key = ? AND (o.option = ? OR o.commune = ?))`
		args = append(args, f.Key, f.Option, f.Option)
	}
	return cond, args
}

func anys(xs []string) []any {
	out := make([]any, len(xs))
	for i, x := range xs {
		out[i] = x
	}
	return out
}
