package store

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/jmoiron/sqlx"

	"ctg/internal/account"
	"ctg/internal/app"
	"ctg/internal/budget"
	"ctg/internal/convention"
	"ctg/internal/plan"
	"ctg/internal/review"
)

// The yearly reviews of a convention's actions and the partners' comments
// on a year's review belong to the convention as its plan does: who sees
// the convention sees them, who may change it writes them, and every
// change is a line of its history. A review has a version of its own;
// the actual amounts entered with it are budget lines of the action and
// take the action's version, as any change of its budget does.

var errStaleReview = app.Errorf(app.EPreconditionFailed, "Le bilan de cette action pour cette année a été modifié entre-temps par quelqu'un d'autre. Rechargez-le, puis refaites votre modification.")

type actionReviewRow struct {
	Action       string    `db:"action_id"`
	Year         int       `db:"year"`
	Status       string    `db:"status"`
	Done         string    `db:"done"`
	Difficulties string    `db:"difficulties"`
	NextSteps    string    `db:"next_steps"`
	User         string    `db:"user_name"`
	Version      int       `db:"version"`
	UpdatedAt    time.Time `db:"updated_at"`
}

func (r actionReviewRow) review() review.ActionReview {
	return review.ActionReview{Action: r.Action, Year: r.Year, Status: r.Status, Done: r.Done, Difficulties: r.Difficulties,
		NextSteps: r.NextSteps, User: r.User, Version: r.Version, UpdatedAt: r.UpdatedAt.UTC()}
}

const actionReviewColumns = `r.action_id, r.year, r.status, r.done, r.difficulties, r.next_steps, r.user_name, r.version, r.updated_at`

// loadActionReview returns the review of an action for a year, nil when
// there is none.
func loadActionReview(ctx context.Context, q sqlx.QueryerContext, actionID string, year int) (*review.ActionReview, error) {
	var rows []actionReviewRow
	if err := sel(ctx, q, &rows, `SELECT `+actionReviewColumns+` FROM action_reviews r WHERE r.action_id = ? AND r.year = ?`, actionID, year); err != nil {
		return nil, err
	}
	if len(rows) == 0 {
		return nil, nil
	}
	r := rows[0].review()
	return &r, nil
}

// reviewFacts reads what the reviews and the evaluation of convention c
// are built from, a query for each kind of thing; year > 0 keeps the money
// of that year only, all a year's review needs.
func reviewFacts(ctx context.Context, q sqlx.QueryerContext, c *convention.Convention, year int) (*review.Facts, error) {
	p, err := loadPlan(ctx, q, c.ID)
	if err != nil {
		return nil, err
	}
	f := &review.Facts{Convention: c, Plan: p}
	if f.Indicators, err = loadActionIndicators(ctx, q, `a.convention_id = ?`, c.ID); err != nil {
		return nil, err
	}
	if f.Lines, err = reviewMoney(ctx, q, c.ID, year); err != nil {
		return nil, err
	}
	var reviews []actionReviewRow
	if err := sel(ctx, q, &reviews, `SELECT `+actionReviewColumns+` FROM action_reviews r JOIN actions a ON a.id = r.action_id
		WHERE a.convention_id = ? ORDER BY r.year, r.action_id`, c.ID); err != nil {
		return nil, err
	}
	for _, r := range reviews {
		f.Reviews = append(f.Reviews, r.review())
	}
	if f.Comments, err = loadReviewComments(ctx, q, c.ID); err != nil {
		return nil, err
	}
	if f.Entries, err = loadEntries(ctx, q, c.ID); err != nil {
		return nil, err
	}
	var leads []string
	for _, a := range p.Actions() {
		if a.Lead != "" {
			leads = append(leads, a.Lead)
		}
	}
	if f.Names, err = budgetOrgNames(ctx, q, leads); err != nil {
		return nil, err
	}
	return f, nil
}

// reviewMoney returns the money of a convention's actions summed by
// action, funder and year (of one year when year > 0), as budget lines
// with their funders' names: the reviews sum no finer, and the database
// sums faster than the rows travel. ActualCents is nil where no actual
// amount is known.
func reviewMoney(ctx context.Context, q sqlx.QueryerContext, conventionID string, year int) ([]budget.Line, error) {
	query := `SELECT b.action_id, b.funder_id, b.year, ` + budgetSums + `, COUNT(b.actual_cents) AS known
		FROM budget_lines b WHERE b.convention_id = ?`
	args := []any{conventionID}
	if year > 0 {
		query += ` AND b.year = ?`
		args = append(args, year)
	}
	var rows []struct {
		Action  string `db:"action_id"`
		Funder  string `db:"funder_id"`
		Year    int    `db:"year"`
		Planned int64  `db:"planned"`
		Actual  int64  `db:"actual"`
		Known   int    `db:"known"`
	}
	if err := sel(ctx, q, &rows, query+` GROUP BY b.action_id, b.funder_id, b.year ORDER BY b.action_id, b.funder_id, b.year`, args...); err != nil {
		return nil, err
	}
	var funders []string
	for _, r := range rows {
		funders = append(funders, r.Funder)
	}
	slices.Sort(funders)
	names, err := budgetOrgNames(ctx, q, slices.Compact(funders))
	if err != nil {
		return nil, err
	}
	out := make([]budget.Line, len(rows))
	for i, r := range rows {
		out[i] = budget.Line{Action: r.Action, Funder: r.Funder, FunderName: names[r.Funder], Year: r.Year, PlannedCents: r.Planned}
		if r.Known > 0 {
			out[i].ActualCents = &r.Actual
		}
	}
	return out, nil
}

// YearReview returns the review of a convention u may see for one of its
// years: per axis and action, the action's review, its indicators against
// their targets that year and its money that year by funder; the totals
// by funder; the partners' comments. A year outside the convention is
// ENotFound. It is the whole of what a printed yearly review shows.
func (db *DB) YearReview(ctx context.Context, u *account.User, conventionID string, year int) (*review.YearReview, error) {
	c, err := seeConvention(ctx, db.x, u, conventionID, false)
	if err != nil {
		return nil, fmt.Errorf("store.YearReview: %w", err)
	}
	if first, last := plan.Years(c); year < first || year > last {
		return nil, fmt.Errorf("store.YearReview: %w", app.Errorf(app.ENotFound, "%s", review.YearOutside(year, first, last)))
	}
	f, err := reviewFacts(ctx, db.x, c, year)
	if err != nil {
		return nil, fmt.Errorf("store.YearReview: %w", err)
	}
	return f.Year(year), nil
}

// YearReviews returns the review of every year of a convention u may
// see, in order, from one reading of its plan and reviews: the campaign
// page lists what each year still lacks.
func (db *DB) YearReviews(ctx context.Context, u *account.User, conventionID string) ([]*review.YearReview, error) {
	c, err := seeConvention(ctx, db.x, u, conventionID, false)
	if err != nil {
		return nil, fmt.Errorf("store.YearReviews: %w", err)
	}
	f, err := reviewFacts(ctx, db.x, c, 0)
	if err != nil {
		return nil, fmt.Errorf("store.YearReviews: %w", err)
	}
	var out []*review.YearReview
	for first, last := plan.Years(c); first > 0 && first <= last; first++ {
		out = append(out, f.Year(first))
	}
	return out, nil
}

// ReviewCampaign returns, for each year of a convention u may see, how
// many actions are concerned, how many are reviewed and how many comments
// partners made: where the yearly reviews stand.
func (db *DB) ReviewCampaign(ctx context.Context, u *account.User, conventionID string) ([]review.CampaignYear, error) {
	c, err := seeConvention(ctx, db.x, u, conventionID, false)
	if err != nil {
		return nil, fmt.Errorf("store.ReviewCampaign: %w", err)
	}
	f, err := reviewFacts(ctx, db.x, c, 0)
	if err != nil {
		return nil, fmt.Errorf("store.ReviewCampaign: %w", err)
	}
	return f.Campaign(), nil
}

// ActionReview returns the review of an action of a convention u may see
// for a year, ENotFound when none was written.
func (db *DB) ActionReview(ctx context.Context, u *account.User, actionID string, year int) (*review.ActionReview, error) {
	cid, err := conventionOf(ctx, db.x, "action", actionID)
	if err == nil {
		_, err = seeConvention(ctx, db.x, u, cid, false)
	}
	var r *review.ActionReview
	if err == nil {
		if r, err = loadActionReview(ctx, db.x, actionID, year); err == nil && r == nil {
			err = app.Errorf(app.ENotFound, "Le bilan %d de cette action n'est pas encore écrit.", year)
		}
	}
	if err != nil {
		return nil, fmt.Errorf("store.ActionReview: %w", err)
	}
	return r, nil
}

// SetActionReview writes the review of an action whose convention u may
// change for a year of the convention: created when there is none
// (created is then true), replaced otherwise when, with ifVersion > 0, it
// is still at that version (EPreconditionFailed otherwise, nothing
// changed; ifVersion > 0 for a review not written yet is stale too). A
// review that says what it said keeps its version.
func (db *DB) SetActionReview(ctx context.Context, u *account.User, actionID string, year, ifVersion int, in review.Input) (r *review.ActionReview, created bool, err error) {
	err = db.Transact(ctx, func(t *tx) error {
		a, c, err := db.editAction(ctx, t, u, actionID)
		if err != nil {
			return err
		}
		r, created, err = db.setReview(ctx, t, u, c, a, year, ifVersion, in)
		return err
	})
	if err != nil {
		return nil, false, fmt.Errorf("store.SetActionReview: %w", err)
	}
	return r, created, nil
}

// ActionYear is what the review form of an action saves at once: the
// review, with the version it was read at (-1: the form was filled when
// there was none, and one written since is a conflict; 0: no check), and
// the amounts actually spent
// on the action's budget lines of the year, by line id (nil: not known),
// with the action's version they were read at.
type ActionYear struct {
	Review        review.Input
	ReviewVersion int
	Actuals       map[string]*int64
	ActionVersion int
}

// SetActionYear writes, in one transaction, the review of an action whose
// convention u may change for a year and the actual amounts of its budget
// lines of that year: both or neither. A stale review or action is
// EPreconditionFailed; invalid amounts are EInvalid on "actual.<line id>",
// with the review's own fields. Only the actual amounts of existing lines
// of that year change; the lines themselves stay.
func (db *DB) SetActionYear(ctx context.Context, u *account.User, actionID string, year int, in ActionYear) (*review.ActionReview, error) {
	var out *review.ActionReview
	err := db.Transact(ctx, func(t *tx) error {
		a, c, err := db.editAction(ctx, t, u, actionID)
		if err != nil {
			return err
		}
		// Check both before writing either, so that the person is told
		// everything wrong at once.
		bad := app.Fields{}
		probe := &review.ActionReview{Year: year}
		in.Review.Apply(probe)
		for k, v := range app.ErrorFields(probe.Validate(plan.Years(c))) {
			bad.Add(k, v)
		}
		if len(in.Actuals) > 0 && in.ActionVersion > 0 && in.ActionVersion != a.Version {
			return errStaleBudget
		}
		after, changed, err := applyActuals(ctx, t, c, actionID, year, in.Actuals)
		for k, v := range app.ErrorFields(err) {
			bad.Add(k, v)
		}
		if app.ErrorCode(err) != app.EInvalid && err != nil {
			return err
		}
		if len(bad) > 0 {
			return bad.Err()
		}
		if out, _, err = db.setReview(ctx, t, u, c, a, year, in.ReviewVersion, in.Review); err != nil {
			return err
		}
		if !changed {
			return nil
		}
		return db.writeActuals(ctx, t, u, c, a, year, in.ActionVersion, after)
	})
	if err != nil {
		return nil, fmt.Errorf("store.SetActionYear: %w", err)
	}
	return out, nil
}

// editAction loads an action whose convention u may change, after
// locking its row so that on PostgreSQL the writes of one action's
// review and budget queue (SQLite has one writer at a time anyway).
func (db *DB) editAction(ctx context.Context, t *tx, u *account.User, actionID string) (*plan.Action, *convention.Convention, error) {
	if _, err := exec(ctx, t, `UPDATE actions SET version = version WHERE id = ?`, actionID); err != nil {
		return nil, nil, err
	}
	a, err := loadAction(ctx, t, actionID)
	if err != nil {
		return nil, nil, err
	}
	c, err := seeConvention(ctx, t, u, a.Convention, true)
	if err != nil {
		return nil, nil, err
	}
	return a, c, nil
}

// setReview writes the review of action a of convention c for year, in t.
func (db *DB) setReview(ctx context.Context, t *tx, u *account.User, c *convention.Convention, a *plan.Action, year, ifVersion int, in review.Input) (*review.ActionReview, bool, error) {
	before, err := loadActionReview(ctx, t, a.ID, year)
	if err != nil {
		return nil, false, err
	}
	if ifVersion > 0 && (before == nil || ifVersion != before.Version) || ifVersion < 0 && before != nil {
		return nil, false, errStaleReview
	}
	after := &review.ActionReview{Action: a.ID, Year: year}
	if before != nil {
		copied := *before
		after = &copied
	}
	in.Apply(after)
	if err := after.Validate(plan.Years(c)); err != nil {
		return nil, false, err
	}
	was := before
	if was == nil {
		was = &review.ActionReview{}
	}
	changes := review.Diff(was, after)
	if before != nil && len(changes) == 0 {
		return before, false, nil
	}
	now := db.Now()
	_, name := userOf(u)
	after.User, after.UpdatedAt = name, now
	action := "review.update"
	if before == nil {
		after.Version, action = 1, "review.create"
		if _, err := exec(ctx, t, `INSERT INTO action_reviews (action_id, year, status, done, difficulties, next_steps, user_name, version, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, a.ID, year, after.Status, after.Done, after.Difficulties, after.NextSteps, name, 1, now); err != nil {
			return nil, false, err
		}
	} else {
		after.Version = before.Version + 1
		res, err := exec(ctx, t, `UPDATE action_reviews SET status = ?, done = ?, difficulties = ?, next_steps = ?, user_name = ?, version = ?, updated_at = ?
			WHERE action_id = ? AND year = ? AND version = ?`, after.Status, after.Done, after.Difficulties, after.NextSteps, name, after.Version, now,
			a.ID, year, before.Version)
		if err != nil {
			return nil, false, err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return nil, false, errStaleReview
		}
	}
	// Which action and which year, in the history.
	changes["action"] = convention.Change{After: a.Ref}
	changes["year"] = convention.Change{After: strconv.Itoa(year)}
	return after, before == nil, db.record(ctx, t, c.ID, u, action, a.ID, changes)
}

// applyActuals returns the budget lines of an action with the actual
// amounts of those of year set as in actuals (by line id), and whether
// anything changes. A line that is not one of the action's lines of that
// year, or an amount that a line may not hold, is EInvalid on
// "actual.<line id>".
func applyActuals(ctx context.Context, t *tx, c *convention.Convention, actionID string, year int, actuals map[string]*int64) ([]budget.Line, bool, error) {
	lines, err := loadBudgetLines(ctx, t, actionID)
	if err != nil || len(actuals) == 0 {
		return lines, false, err
	}
	after := slices.Clone(lines)
	start, end := budget.Years(c)
	bad := app.Fields{}
	changed := false
	for _, id := range slices.Sorted(maps.Keys(actuals)) {
		i := slices.IndexFunc(after, func(l budget.Line) bool { return l.ID == id })
		if i < 0 || after[i].Year != year {
			bad.Add("actual."+id, "Cette ligne de budget n'est plus celle de l'action pour "+strconv.Itoa(year)+" : rechargez la page.")
			continue
		}
		l := after[i]
		l.ActualCents = actuals[id]
		for _, p := range budget.CheckLine(&l, start, end) {
			if p.Field == "actual_cents" {
				bad.Add("actual."+id, upperFirst(p.Message))
			}
		}
		if !l.Same(after[i]) {
			changed = true
		}
		after[i] = l
	}
	if len(bad) > 0 {
		return nil, false, app.Invalid("Certains montants réalisés sont à corriger.", bad)
	}
	return after, changed, nil
}

// writeActuals writes the actual amounts of the lines of action a (lines
// as applyActuals returned them), gives the action its next version when
// it is still at ifVersion (0: no check), and records the change of its
// budget in the history.
func (db *DB) writeActuals(ctx context.Context, t *tx, u *account.User, c *convention.Convention, a *plan.Action, year, ifVersion int, lines []budget.Line) error {
	var version int
	if err := get(ctx, t, &version, `SELECT version FROM actions WHERE id = ?`, a.ID); err != nil {
		return err
	}
	if ifVersion > 0 && ifVersion != version {
		return errStaleBudget
	}
	before, err := loadBudgetLines(ctx, t, a.ID)
	if err != nil {
		return err
	}
	for i, l := range lines {
		if i < len(before) && before[i].ID == l.ID && before[i].Same(l) {
			continue
		}
		if _, err := exec(ctx, t, `UPDATE budget_lines SET actual_cents = ? WHERE id = ? AND action_id = ?`, l.ActualCents, l.ID, a.ID); err != nil {
			return err
		}
	}
	res, err := exec(ctx, t, `UPDATE actions SET version = ?, updated_at = ? WHERE id = ? AND version = ?`, version+1, db.Now(), a.ID, version)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return errStaleBudget
	}
	changes := budgetChanges(before, lines)
	changes["action"] = convention.Change{After: a.Ref}
	changes["year"] = convention.Change{After: strconv.Itoa(year)}
	return db.record(ctx, t, c.ID, u, "budget.actuals", a.ID, changes)
}

// upperFirst capitalises a message of budget.CheckLine, written to follow
// "ligne N : ".
func upperFirst(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	return string(unicode.ToUpper(r)) + s[n:]
}

// loadReviewComments returns the comments on the reviews of a convention,
// year by year, oldest first, with their organisations' names.
func loadReviewComments(ctx context.Context, q sqlx.QueryerContext, conventionID string) ([]review.Comment, error) {
	var rows []struct {
		ID           string    `db:"id"`
		Convention   string    `db:"convention_id"`
		Year         int       `db:"year"`
		Organisation *string   `db:"organisation_id"`
		Name         *string   `db:"name"`
		Author       string    `db:"author"`
		Text         string    `db:"text"`
		CreatedAt    time.Time `db:"created_at"`
	}
	if err := sel(ctx, q, &rows, `SELECT k.id, k.convention_id, k.year, k.organisation_id, o.name, k.author, k.text, k.created_at
		FROM review_comments k LEFT JOIN organisations o ON o.id = k.organisation_id
		WHERE k.convention_id = ? ORDER BY k.year, k.created_at, k.id`, conventionID); err != nil {
		return nil, err
	}
	out := make([]review.Comment, len(rows))
	for i, r := range rows {
		out[i] = review.Comment{ID: r.ID, Convention: r.Convention, Year: r.Year, Author: r.Author, Text: r.Text, CreatedAt: r.CreatedAt.UTC()}
		if r.Organisation != nil {
			out[i].Organisation = *r.Organisation
		}
		if r.Name != nil {
			out[i].OrganisationName = *r.Name
		}
	}
	return out, nil
}

// AddReviewComment adds a partner's comment to the review of a year of a
// convention u may change. Its organisation must be the convention's CAF
// or one of its parties (422 on "organisation" otherwise), or none. An
// empty author is u's name.
func (db *DB) AddReviewComment(ctx context.Context, u *account.User, conventionID string, k *review.Comment) error {
	err := db.Transact(ctx, func(t *tx) error {
		c, err := seeConvention(ctx, t, u, conventionID, true)
		if err != nil {
			return err
		}
		_, name := userOf(u)
		if k.Author == "" {
			k.Author = name
		}
		bad := app.Fields{}
		for f, m := range app.ErrorFields(k.Validate(plan.Years(c))) {
			bad.Add(f, m)
		}
		if k.Organisation != "" && !c.HasParty(k.Organisation) {
			bad.Add("organisation", "Choisissez la Caf ou l'une des parties de la convention.")
		}
		if err := bad.Err(); err != nil {
			return err
		}
		names, err := budgetOrgNames(ctx, t, nonEmpty(k.Organisation))
		if err != nil {
			return err
		}
		now := db.Now()
		k.ID, k.Convention, k.OrganisationName, k.CreatedAt = account.NewID(), c.ID, names[k.Organisation], now
		if _, err := exec(ctx, t, `INSERT INTO review_comments (id, convention_id, year, organisation_id, author, text, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?)`, k.ID, c.ID, k.Year, orNull(k.Organisation), k.Author, k.Text, now); err != nil {
			return err
		}
		changes := map[string]convention.Change{"year": {After: strconv.Itoa(k.Year)}, "author": {After: k.Author}, "text": {After: k.Text}}
		if k.OrganisationName != "" {
			changes["organisation"] = convention.Change{After: k.OrganisationName}
		}
		return db.record(ctx, t, c.ID, u, "review_comment.create", k.ID, changes)
	})
	if err != nil {
		return fmt.Errorf("store.AddReviewComment: %w", err)
	}
	return nil
}
