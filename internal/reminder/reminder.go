// Package reminder holds what the partners of a convention should not
// miss: its end coming (to prepare the evaluation and the renewal), the
// yearly review left incomplete, a committee meeting soon. It says which
// reminders are due on a day, who receives them, how the e-mail reads, and
// runs the job that sends each once whatever the number of servers. It
// imports no SQL or HTTP package: the store and the sender are interfaces.
package reminder

import (
	"cmp"
	"fmt"
	"slices"
	"time"

	"ctg/internal/account"
	"ctg/internal/committee"
	"ctg/internal/convention"
	"ctg/internal/plan"
)

// Kinds of reminder.
const (
	// KindConventionEnding: a signed convention ends within 12 months.
	KindConventionEnding = "convention_ending"
	// KindReviewDue: after 31 January, the review of the past year of a
	// signed convention still misses actions.
	KindReviewDue = "review_due"
	// KindMeetingSoon: a meeting of the convention within 14 days.
	KindMeetingSoon = "meeting_soon"
)

// Kinds lists the kinds with their French labels, in display order.
var Kinds = []struct{ Code, Label string }{
	{KindConventionEnding, "Fin de convention"},
	{KindReviewDue, "Bilan annuel"},
	{KindMeetingSoon, "Réunion"},
}

// KindLabel returns the French label of a kind, or the code when unknown.
func KindLabel(kind string) string {
	for _, k := range Kinds {
		if k.Code == kind {
			return k.Label
		}
	}
	return kind
}

// MeetingDays is how many days ahead a meeting is announced.
const MeetingDays = 14

// Reminder is one thing to do on a convention, by a date.
type Reminder struct {
	Kind string `json:"kind"`
	// Subject is what the reminder is about: the convention's id, or the
	// meeting's. With Kind and Due it names the reminder, so that a mail
	// goes once per recipient (store.ClaimReminder).
	Subject string `json:"subject"`
	// Convention is the convention's id, Title its title.
	Convention string `json:"convention"`
	Title      string `json:"title"`
	// Due is the date it is about (YYYY-MM-DD): the convention's end, the
	// deadline of the review (31 January), the meeting's day.
	Due string `json:"due"`
	// Message is the French sentence shown and mailed.
	Message string `json:"message"`
	// Link is the page to act on, a path of the application.
	Link string `json:"link"`
}

// Label is the French label of the reminder's kind.
func (r Reminder) Label() string { return KindLabel(r.Kind) }

// Schedule counts the actions of a convention that share a schedule (Start
// and End, YYYY-MM-DD or empty for the convention's own), and how many of
// them have their review of the year under review. The store reads one row
// per schedule rather than one per action; which schedules run in the year
// is plan.Action.RunsIn's to say.
type Schedule struct {
	Convention string
	Start, End string
	Actions    int
	Reviewed   int
}

// Meeting is a meeting of a convention's committee.
type Meeting struct {
	ID         string
	Convention string
	Committee  string
	Title      string
	Date       string
	Place      string
}

// Facts is what reminders are computed from, as the store reads them for
// a day (see Window): the conventions concerned, how the actions of
// those under review stand, and the meetings coming.
type Facts struct {
	Conventions []*convention.Convention
	Schedules   []Schedule
	Meetings    []Meeting
}

// Window is what the store selects for a day: the signed conventions
// ending after Today up to EndsBy, those whose period touches ReviewYear
// (whose actions are counted with their reviews of that year, see Schedule),
// and the meetings from Today to MeetingsBy.
type Window struct {
	Today      string
	EndsBy     string
	ReviewYear int
	MeetingsBy string
}

// WindowOf returns the window of today (YYYY-MM-DD).
func WindowOf(today string) Window {
	w := Window{Today: today, EndsBy: convention.ExpiryWindowEnd(today), ReviewYear: ReviewYear(today), MeetingsBy: today}
	if t, ok := convention.ParseDate(today); ok {
		w.MeetingsBy = t.AddDate(0, 0, MeetingDays).Format(convention.DateLayout)
	}
	return w
}

// ReviewYear is the year whose review is due on today: the review of a
// year is to be complete by 31 January of the next, so from 1 February
// it is the past year's, and during January still the year before's.
func ReviewYear(today string) int {
	t, ok := convention.ParseDate(today)
	if !ok {
		return 0
	}
	if t.Month() == time.January {
		return t.Year() - 2
	}
	return t.Year() - 1
}

// ReviewDeadline is the day the review of year y is due.
func ReviewDeadline(y int) string { return fmt.Sprintf("%04d-01-31", y+1) }

// Due returns the reminders of f on today, by date then kind and title.
// Conventions and meetings outside the window are left out, so that the
// store may read more than it must.
func Due(f Facts, today string) []Reminder {
	w := WindowOf(today)
	byID := make(map[string]*convention.Convention, len(f.Conventions))
	for _, c := range f.Conventions {
		byID[c.ID] = c
	}
	out := []Reminder{}
	for _, c := range f.Conventions {
		if r, ok := ending(c, w); ok {
			out = append(out, r)
		}
	}
	// The review: the actions that run in the year, and those of them
	// without their review of it.
	type tally struct{ running, missing int }
	tallies := map[string]*tally{}
	for _, s := range f.Schedules {
		c := byID[s.Convention]
		if c == nil || c.Status != convention.StatusSigned || !(&plan.Action{Start: s.Start, End: s.End}).RunsIn(w.ReviewYear, c.Start, c.End) {
			continue
		}
		t := tallies[c.ID]
		if t == nil {
			t = &tally{}
			tallies[c.ID] = t
		}
		t.running += s.Actions
		t.missing += s.Actions - s.Reviewed
	}
	for _, c := range f.Conventions {
		if t := tallies[c.ID]; t != nil && t.missing > 0 {
			out = append(out, reviewDue(c, w.ReviewYear, t.missing, t.running))
		}
	}
	for _, m := range f.Meetings {
		if c := byID[m.Convention]; c != nil && m.Date >= w.Today && m.Date <= w.MeetingsBy {
			out = append(out, meetingSoon(c, m))
		}
	}
	slices.SortFunc(out, func(a, b Reminder) int {
		return cmp.Or(cmp.Compare(a.Due, b.Due), cmp.Compare(kindRank(a.Kind), kindRank(b.Kind)),
			cmp.Compare(a.Title, b.Title), cmp.Compare(a.Subject, b.Subject))
	})
	return out
}

func kindRank(kind string) int {
	return slices.IndexFunc(Kinds, func(k struct{ Code, Label string }) bool { return k.Code == kind })
}

// ending is the reminder of a signed convention whose end falls within the
// 12 months after today, as the dashboard's expiring conventions
// (convention.ComputeCoverage).
func ending(c *convention.Convention, w Window) (Reminder, bool) {
	if c.Status != convention.StatusSigned || c.End <= w.Today || c.End > w.EndsBy || c.Start > w.Today {
		return Reminder{}, false
	}
	todo := "préparez l'évaluation et le renouvellement."
	if c.RenewedBy != nil {
		todo = "son renouvellement est engagé, préparez l'évaluation finale."
	}
	return Reminder{Kind: KindConventionEnding, Subject: c.ID, Convention: c.ID, Title: c.Title, Due: c.End,
		Message: fmt.Sprintf("La convention « %s » prend fin le %s : %s", c.Title, FrenchDate(c.End), todo),
		Link:    "/conventions/" + c.ID}, true
}

func reviewDue(c *convention.Convention, year, missing, running int) Reminder {
	actions := "actions"
	if missing == 1 {
		actions = "action"
	}
	return Reminder{Kind: KindReviewDue, Subject: c.ID, Convention: c.ID, Title: c.Title, Due: ReviewDeadline(year),
		Message: fmt.Sprintf("Le bilan %d de la convention « %s » est incomplet : %d %s sur %d sans bilan, attendu depuis le %s.",
			year, c.Title, missing, actions, running, FrenchDate(ReviewDeadline(year))),
		Link: fmt.Sprintf("/conventions/%s/bilans/%d", c.ID, year)}
}

func meetingSoon(c *convention.Convention, m Meeting) Reminder {
	what := committee.CommitteeShort(m.Committee)
	if m.Title != "" {
		what += " « " + m.Title + " »"
	}
	where := ""
	if m.Place != "" {
		where = " (" + m.Place + ")"
	}
	return Reminder{Kind: KindMeetingSoon, Subject: m.ID, Convention: c.ID, Title: c.Title, Due: m.Date,
		Message: fmt.Sprintf("%s de la convention « %s » le %s%s : préparez l'ordre du jour et les documents.",
			what, c.Title, FrenchDate(m.Date), where),
		Link: "/conventions/" + c.ID + "/comites/" + m.ID}
}

// Follows reports whether the reminders of c are u's, on the dashboard: c
// is a convention of u's organisation, as its CAF or a party, that u may
// see. An administrator sees every convention but follows those of their
// own organisation, rather than every reminder of France.
func Follows(u *account.User, c *convention.Convention) bool {
	return convention.Visible(u, c) && c.HasParty(u.OrgID)
}

// Receives reports whether u is mailed the reminders of c: an editor or
// administrator who follows it, whose account is active. Readers see them
// on their dashboard only.
func Receives(u *account.User, c *convention.Convention) bool {
	return u != nil && !u.Disabled && u.CanEdit() && Follows(u, c)
}

// FrenchDate writes a YYYY-MM-DD date as 21/11/2026.
func FrenchDate(s string) string {
	t, ok := convention.ParseDate(s)
	if !ok {
		return s
	}
	return t.Format("02/01/2006")
}

var paris = func() *time.Location {
	if loc, err := time.LoadLocation("Europe/Paris"); err == nil {
		return loc
	}
	return time.UTC
}()

// Today is the date of t in France (YYYY-MM-DD), the day reminders are
// computed for.
func Today(t time.Time) string { return t.In(paris).Format(convention.DateLayout) }

// Recipient is a person reminders are mailed to.
type Recipient struct {
	Email string
	Name  string
}

// Delivery is a reminder and the people it is mailed to.
type Delivery struct {
	Reminder
	To []Recipient
}
