package store

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"

	"ctg/internal/account"
	"ctg/internal/app"
	"ctg/internal/convention"
	"ctg/internal/survey"
	"ctg/internal/territory"
)

// Surveys belong to a convention: who sees the convention sees them and
// their results, who may change it may change them and type in paper
// responses; every change to a survey (not each response) is a line of
// the convention's history. The public form reaches an open survey by its
// token alone, without a user.

var (
	errStaleSurvey    = app.Errorf(app.EPreconditionFailed, "Le questionnaire a été modifié entre-temps par quelqu'un d'autre. Rechargez-le, puis refaites votre modification.")
	errSurveyNotDraft = app.Errorf(app.EConflict, "Ce questionnaire a déjà été ouvert aux réponses : ses questions ne peuvent plus changer. Créez-en un autre si besoin.")
	errSurveyReopen   = app.Errorf(app.EConflict, "Ce questionnaire est clos : il ne peut pas être rouvert, afin que ses résultats restent ceux qui ont été publiés. Créez-en un autre si besoin.")
	errSurveyNotOpen  = app.Errorf(app.EConflict, "Ce questionnaire n'a pas été ouvert aux réponses : il n'y a rien à clore.")
)

// surveyDefinition is what the definition column holds.
type surveyDefinition struct {
	Title     string            `json:"title"`
	Intro     string            `json:"intro"`
	Questions []survey.Question `json:"questions"`
}

type surveyRow struct {
	ID         string    `db:"id"`
	Convention string    `db:"convention_id"`
	Status     string    `db:"status"`
	Token      *string   `db:"token"`
	Closes     string    `db:"closes"`
	Definition string    `db:"definition"`
	Version    int       `db:"version"`
	CreatedAt  time.Time `db:"created_at"`
	UpdatedAt  time.Time `db:"updated_at"`
}

const surveyColumns = `s.id, s.convention_id, s.status, s.token, s.closes, s.definition, s.version, s.created_at, s.updated_at`

func (r surveyRow) survey() (*survey.Survey, error) {
	var d surveyDefinition
	if err := jsonUnmarshal(r.Definition, &d); err != nil {
		return nil, fmt.Errorf("survey %s: definition: %w", r.ID, err)
	}
	s := &survey.Survey{ID: r.ID, Convention: r.Convention, Title: d.Title, Intro: d.Intro, Closes: r.Closes, Status: r.Status,
		Questions: d.Questions, Version: r.Version, CreatedAt: r.CreatedAt.UTC(), UpdatedAt: r.UpdatedAt.UTC()}
	if s.Questions == nil {
		s.Questions = []survey.Question{}
	}
	if r.Token != nil {
		s.Token = *r.Token
		s.PublicURL = survey.PublicPath(s.Token)
	}
	return s, nil
}

func definitionOf(s *survey.Survey) (string, error) {
	js, err := json.Marshal(surveyDefinition{Title: s.Title, Intro: s.Intro, Questions: s.Questions})
	return string(js), err
}

func loadSurvey(ctx context.Context, q sqlx.QueryerContext, where string, arg any) (*survey.Survey, error) {
	var r surveyRow
	if err := get(ctx, q, &r, `SELECT `+surveyColumns+` FROM surveys s WHERE `+where, arg); err != nil {
		return nil, mapError(err)
	}
	return r.survey()
}

// seeSurvey loads a survey of a convention u may see (ErrNotFound
// otherwise) and, when edit is set, checks that u may change it.
func seeSurvey(ctx context.Context, q sqlx.QueryerContext, u *account.User, id string, edit bool) (*survey.Survey, error) {
	s, err := loadSurvey(ctx, q, `s.id = ?`, id)
	if err != nil {
		return nil, err
	}
	if _, err := seeConvention(ctx, q, u, s.Convention, edit); err != nil {
		return nil, err
	}
	return s, nil
}

// CreateSurvey validates and stores a new draft survey of a convention u
// may change, with a line of the convention's history. An empty intro
// gets the data-protection notice survey.DefaultIntro.
func (db *DB) CreateSurvey(ctx context.Context, u *account.User, conventionID string, s *survey.Survey) error {
	err := db.Transact(ctx, func(t *tx) error {
		if _, err := seeConvention(ctx, t, u, conventionID, true); err != nil {
			return err
		}
		if s.Intro == "" {
			s.Intro = survey.DefaultIntro
		}
		if err := s.Validate(); err != nil {
			return err
		}
		def, err := definitionOf(s)
		if err != nil {
			return err
		}
		now := db.Now()
		s.ID, s.Convention, s.Status, s.Version, s.CreatedAt, s.UpdatedAt = account.NewID(), conventionID, survey.StatusDraft, 1, now, now
		if _, err := exec(ctx, t, `INSERT INTO surveys (id, convention_id, status, token, closes, definition, version, created_at, updated_at)
			VALUES (?, ?, ?, NULL, ?, ?, ?, ?, ?)`, s.ID, conventionID, s.Status, s.Closes, def, s.Version, now, now); err != nil {
			return err
		}
		return db.record(ctx, t, conventionID, u, "survey.create", s.ID, survey.Created(s))
	})
	if err != nil {
		return fmt.Errorf("store.CreateSurvey: %w", err)
	}
	return nil
}

// Survey returns a survey of a convention u may see.
func (db *DB) Survey(ctx context.Context, u *account.User, id string) (*survey.Survey, error) {
	s, err := seeSurvey(ctx, db.x, u, id, false)
	if err != nil {
		return nil, fmt.Errorf("store.Survey: %w", err)
	}
	return s, nil
}

// SurveyByToken returns the survey of a public form, open or closed,
// without a user: the token is the secret. A draft has no token.
func (db *DB) SurveyByToken(ctx context.Context, token string) (*survey.Survey, error) {
	if token == "" {
		return nil, fmt.Errorf("store.SurveyByToken: %w", app.ErrNotFound)
	}
	s, err := loadSurvey(ctx, db.x, `s.token = ?`, token)
	if err != nil {
		return nil, fmt.Errorf("store.SurveyByToken: %w", err)
	}
	return s, nil
}

// Surveys lists the surveys of a convention u may see, the newest first.
func (db *DB) Surveys(ctx context.Context, u *account.User, conventionID string) ([]survey.Survey, error) {
	if _, err := seeConvention(ctx, db.x, u, conventionID, false); err != nil {
		return nil, fmt.Errorf("store.Surveys: %w", err)
	}
	var rows []surveyRow
	if err := sel(ctx, db.x, &rows, `SELECT `+surveyColumns+` FROM surveys s WHERE s.convention_id = ? ORDER BY s.created_at DESC, s.id`, conventionID); err != nil {
		return nil, fmt.Errorf("store.Surveys: %w", err)
	}
	out := make([]survey.Survey, 0, len(rows))
	for _, r := range rows {
		s, err := r.survey()
		if err != nil {
			return nil, fmt.Errorf("store.Surveys: %w", err)
		}
		out = append(out, *s)
	}
	return out, nil
}

// UpdateSurvey applies patch to a draft survey when u may change its
// convention and, when ifVersion > 0, when it is still at that version.
// Once open, a survey's definition is fixed (conflict): answers are only
// comparable to the same questions.
func (db *DB) UpdateSurvey(ctx context.Context, u *account.User, id string, ifVersion int, patch survey.Patch) (*survey.Survey, error) {
	var out *survey.Survey
	err := db.Transact(ctx, func(t *tx) error {
		before, err := seeSurvey(ctx, t, u, id, true)
		if err != nil {
			return err
		}
		if ifVersion > 0 && ifVersion != before.Version {
			return errStaleSurvey
		}
		if before.Status != survey.StatusDraft {
			return errSurveyNotDraft
		}
		after := *before
		after.Questions = slices.Clone(before.Questions)
		patch.Apply(&after)
		if err := after.Validate(); err != nil {
			return err
		}
		changes := survey.Diff(before, &after)
		if len(changes) == 0 {
			out = before
			return nil
		}
		def, err := definitionOf(&after)
		if err != nil {
			return err
		}
		after.Version, after.UpdatedAt = before.Version+1, db.Now()
		res, err := exec(ctx, t, `UPDATE surveys SET closes = ?, definition = ?, version = ?, updated_at = ? WHERE id = ? AND version = ?`,
			after.Closes, def, after.Version, after.UpdatedAt, id, before.Version)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return errStaleSurvey
		}
		out = &after
		return db.record(ctx, t, after.Convention, u, "survey.update", id, changes)
	})
	if err != nil {
		return nil, fmt.Errorf("store.UpdateSurvey: %w", err)
	}
	return out, nil
}

// OpenSurvey opens a draft survey to answers and gives it the token of its
// public form. Opening an open survey changes nothing; a closed survey
// cannot reopen (conflict).
func (db *DB) OpenSurvey(ctx context.Context, u *account.User, id string) (*survey.Survey, error) {
	return db.setSurveyStatus(ctx, u, id, survey.StatusOpen)
}

// CloseSurvey closes an open survey: it takes no more answers, and its
// public form says so. Closing a closed survey changes nothing; a draft
// cannot be closed (conflict).
func (db *DB) CloseSurvey(ctx context.Context, u *account.User, id string) (*survey.Survey, error) {
	return db.setSurveyStatus(ctx, u, id, survey.StatusClosed)
}

func (db *DB) setSurveyStatus(ctx context.Context, u *account.User, id, to string) (*survey.Survey, error) {
	var out *survey.Survey
	err := db.Transact(ctx, func(t *tx) error {
		before, err := seeSurvey(ctx, t, u, id, true)
		if err != nil {
			return err
		}
		out = before
		switch {
		case before.Status == to:
			return nil
		case to == survey.StatusOpen && before.Status == survey.StatusClosed:
			return errSurveyReopen
		case to == survey.StatusClosed && before.Status == survey.StatusDraft:
			return errSurveyNotOpen
		}
		after := *before
		after.Status, after.Version, after.UpdatedAt = to, before.Version+1, db.Now()
		if after.Token == "" {
			after.Token = survey.NewToken()
			after.PublicURL = survey.PublicPath(after.Token)
		}
		res, err := exec(ctx, t, `UPDATE surveys SET status = ?, token = ?, version = ?, updated_at = ? WHERE id = ? AND version = ?`,
			after.Status, after.Token, after.Version, after.UpdatedAt, id, before.Version)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return errStaleSurvey
		}
		out = &after
		action := map[string]string{survey.StatusOpen: "survey.open", survey.StatusClosed: "survey.close"}[to]
		return db.record(ctx, t, after.Convention, u, action, id, survey.Diff(before, &after))
	})
	if err != nil {
		return nil, fmt.Errorf("store.setSurveyStatus: %w", err)
	}
	return out, nil
}

// PerimeterCommunes returns what checking a commune answer needs for a
// convention: a former code answers the current commune, which must be one
// of the perimeter.
func (db *DB) PerimeterCommunes(ctx context.Context, ref *territory.Ref, conventionID string) (survey.Commune, error) {
	codes, err := db.PerimeterCodes(ctx, conventionID)
	if err != nil {
		return nil, err
	}
	in := make(map[string]bool, len(codes))
	for _, c := range codes {
		in[c] = true
	}
	return func(code string) (string, bool) {
		if ref != nil {
			if c, ok := ref.Commune(code); ok {
				code = c.Code
			}
		}
		return code, in[code]
	}, nil
}

// PerimeterCodes returns the codes of the communes of a convention's
// perimeter, sorted, without a user: the public form of a survey offers
// them for a commune question.
func (db *DB) PerimeterCodes(ctx context.Context, conventionID string) ([]string, error) {
	var codes []string
	if err := sel(ctx, db.x, &codes, `SELECT commune_code FROM convention_communes WHERE convention_id = ? ORDER BY commune_code`, conventionID); err != nil {
		return nil, fmt.Errorf("store.PerimeterCodes: %w", err)
	}
	return codes, nil
}

// AddResponse stores answers checked against s (Survey.Check), with
// their values for results, in one transaction. It answers
// survey.ErrClosed when the survey is no longer open or is past its
// closing date, read again in the transaction, and survey.ErrDuplicate
// when a response with the same nonce was stored (a public form sent
// twice); then nothing is stored. An empty nonce is no nonce. It checks no
// user: the public form calls it after SurveyByToken and Survey.Check;
// staff go through AddPaperResponse. The definition of s is not read
// again: an open survey's questions do not change.
func (db *DB) AddResponse(ctx context.Context, s *survey.Survey, a survey.Answers, channel, nonce string) (*survey.Response, error) {
	var out *survey.Response
	err := db.Transact(ctx, func(t *tx) error {
		var now struct {
			Status string `db:"status"`
			Closes string `db:"closes"`
		}
		if err := get(ctx, t, &now, `SELECT status, closes FROM surveys WHERE id = ?`, s.ID); err != nil {
			return mapError(err)
		}
		if err := (&survey.Survey{Status: now.Status, Closes: now.Closes}).TakesAnswers(convention.Today(db.Now())); err != nil {
			return err
		}
		var err error
		out, err = db.addResponse(ctx, t, s, a, channel, nonce)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("store.AddResponse: %w", err)
	}
	return out, nil
}

// AddPaperResponse checks answers given as JSON by a user who may change
// the survey's convention (a paper questionnaire typed in, or a web
// answer collected another way) and stores them as AddResponse does.
func (db *DB) AddPaperResponse(ctx context.Context, ref *territory.Ref, u *account.User, surveyID string, raw map[string]any, channel string) (*survey.Response, error) {
	s, err := seeSurvey(ctx, db.x, u, surveyID, true)
	if err != nil {
		return nil, fmt.Errorf("store.AddPaperResponse: %w", err)
	}
	if channel == "" {
		channel = survey.ChannelPaper
	}
	if !survey.ValidChannel(channel) {
		return nil, app.Invalid("Certaines informations sont à corriger.", map[string]string{"channel": "Le canal est paper (questionnaire papier) ou web."})
	}
	if err := s.TakesAnswers(convention.Today(db.Now())); err != nil {
		return nil, fmt.Errorf("store.AddPaperResponse: %w", err)
	}
	communes, err := db.PerimeterCommunes(ctx, ref, s.Convention)
	if err != nil {
		return nil, err
	}
	a, err := s.CheckJSON(raw, communes)
	if err != nil {
		return nil, fmt.Errorf("store.AddPaperResponse: %w", err)
	}
	return db.AddResponse(ctx, s, a, channel, "")
}

func (db *DB) addResponse(ctx context.Context, t *tx, s *survey.Survey, a survey.Answers, channel, nonce string) (*survey.Response, error) {
	if !survey.ValidChannel(channel) {
		return nil, fmt.Errorf("channel %q", channel)
	}
	var n any
	if nonce != "" {
		n = nonce
		var seen int
		if err := get(ctx, t, &seen, `SELECT COUNT(*) FROM survey_responses WHERE survey_id = ? AND nonce = ?`, s.ID, nonce); err != nil {
			return nil, err
		}
		if seen > 0 {
			return nil, survey.ErrDuplicate
		}
	}
	js, err := json.Marshal(a)
	if err != nil {
		return nil, err
	}
	r := &survey.Response{Channel: channel, CreatedAt: db.Now(), Answers: a}
	if err := get(ctx, t, &r.ID, `INSERT INTO survey_responses (survey_id, channel, nonce, answers, created_at) VALUES (?, ?, ?, ?, ?) RETURNING id`,
		s.ID, channel, n, string(js), r.CreatedAt); err != nil {
		if app.ErrorCode(mapError(err)) == app.EConflict {
			// Two copies of one submission raced past the check above.
			return nil, survey.ErrDuplicate
		}
		return nil, err
	}
	if err := insertValues(ctx, t, s.ID, r.ID, s.Values(a)); err != nil {
		return nil, err
	}
	return r, nil
}

// valuesPerInsert bounds the rows of one INSERT: 6 parameters each stay
// well under SQLite's and PostgreSQL's limits on parameters.
const valuesPerInsert = 500

// insertValues writes the values of a response in multi-row INSERTs: one
// statement for a usual questionnaire, instead of one per answer.
func insertValues(ctx context.Context, t *tx, surveyID string, responseID int64, vals []survey.Value) error {
	for len(vals) > 0 {
		n := min(len(vals), valuesPerInsert)
		var q strings.Builder
		q.WriteString(`INSERT INTO response_values (survey_id, response_id, question_key, option, number, commune) VALUES `)
		args := make([]any, 0, n*6)
		for i, v := range vals[:n] {
			if i > 0 {
				q.WriteString(", ")
			}
			q.WriteString("(?, ?, ?, ?, ?, ?)")
			args = append(args, surveyID, responseID, v.Key, v.Option, v.Number, v.Commune)
		}
		if _, err := exec(ctx, t, q.String(), args...); err != nil {
			return err
		}
		vals = vals[n:]
	}
	return nil
}
