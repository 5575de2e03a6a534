// Package committee holds the steering of a convention: the meetings of
// its committees (comité de pilotage, comité technique, other meetings)
// with their attendees, agenda and minutes, and the decisions they take,
// tied to actions of the plan, with what became of each. It imports no
// SQL or HTTP package.
//
// "La signature est un début, pas un aboutissement": after signing, the
// partners meet, decide, and later check that the decisions were carried
// out. A decision therefore outlives its meeting's minutes: it has a
// status of its own (open, done, dropped) and an outcome note, changed
// from the decisions follow-up without touching the meeting.
package committee

import (
	"encoding/json"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"ctg/internal/app"
	"ctg/internal/convention"
)

// Committees.
const (
	Copil  = "copil"
	Cotech = "cotech"
	Other  = "other"
)

// Committees lists the committees in display order with their French
// names and short names.
var Committees = []struct{ Code, Label, Short string }{
	{Copil, "Comité de pilotage", "COPIL"},
	{Cotech, "Comité technique", "COTECH"},
	{Other, "Autre réunion", "Réunion"},
}

// CommitteeLabel returns the French name of a committee, or the code when
// unknown.
func CommitteeLabel(code string) string {
	for _, c := range Committees {
		if c.Code == code {
			return c.Label
		}
	}
	return code
}

// CommitteeShort returns the short French name of a committee ("COPIL").
func CommitteeShort(code string) string {
	for _, c := range Committees {
		if c.Code == code {
			return c.Short
		}
	}
	return code
}

// ValidCommittee reports whether code is a committee.
func ValidCommittee(code string) bool { return CommitteeLabel(code) != code }

// Statuses of a decision.
const (
	StatusOpen    = "open"
	StatusDone    = "done"
	StatusDropped = "dropped"
)

// Statuses lists the statuses of a decision in display order with their
// French names.
var Statuses = []struct{ Code, Label string }{
	{StatusOpen, "En cours"},
	{StatusDone, "Réalisée"},
	{StatusDropped, "Abandonnée"},
}

// StatusLabel returns the French name of a decision's status, or the code
// when unknown.
func StatusLabel(code string) string {
	for _, s := range Statuses {
		if s.Code == code {
			return s.Label
		}
	}
	return code
}

// ValidStatus reports whether code is a status of a decision.
func ValidStatus(code string) bool { return StatusLabel(code) != code }

// Limits of a meeting, in characters or items.
const (
	MaxTitle     = 200
	MaxPlace     = 200
	MaxName      = 200
	MaxRole      = 200
	MaxAgenda    = 10000
	MaxMinutes   = 50000
	MaxAttendees = 200
	MaxDecisions = 100
	MaxDecision  = 2000
	MaxOutcome   = 2000
)

// Attendee is a person who attended a meeting, for an organisation when
// one applies, with their role ("vice-présidente en charge de
// l'enfance"). Organisation is an organisation id, "" when none;
// OrganisationName is filled when read, for display.
type Attendee struct {
	Name             string `json:"name"`
	Organisation     string `json:"organisation"`
	OrganisationName string `json:"organisation_name,omitempty"`
	Role             string `json:"role"`
}

// UnmarshalJSON reads an attendee as an object, or as a plain string
// holding the name: minutes often list names alone.
func (a *Attendee) UnmarshalJSON(b []byte) error {
	var name string
	if err := json.Unmarshal(b, &name); err == nil {
		*a = Attendee{Name: name}
		return nil
	}
	type plain Attendee
	var p plain
	if err := json.Unmarshal(b, &p); err != nil {
		return err
	}
	*a = Attendee(p)
	a.OrganisationName = "" // read, never written
	return nil
}

// Line writes the attendee on one line: "Anne Martin (Caf de la Gironde,
// conseillère territoriale)".
func (a Attendee) Line() string {
	var more []string
	if a.OrganisationName != "" {
		more = append(more, a.OrganisationName)
	}
	if a.Role != "" {
		more = append(more, a.Role)
	}
	if len(more) == 0 {
		return a.Name
	}
	return a.Name + " (" + strings.Join(more, ", ") + ")"
}

// Decision is a decision of a meeting: its text, the actions of the plan
// it concerns (ids), and what became of it.
type Decision struct {
	ID        string    `json:"id"`
	Meeting   string    `json:"meeting"`
	Text      string    `json:"text"`
	Actions   []string  `json:"actions"`
	Status    string    `json:"status"`
	Outcome   string    `json:"outcome"`
	Version   int       `json:"version"`
	UpdatedAt time.Time `json:"updated_at"`
}

// DecisionInput is a decision as a meeting's body gives it. A status or
// an outcome left out stays as it was (open and empty for a new decision).
type DecisionInput struct {
	ID      string   `json:"id"`
	Text    string   `json:"text"`
	Actions []string `json:"actions"`
	Status  *string  `json:"status"`
	Outcome *string  `json:"outcome"`
}

// Meeting is a meeting of a committee of a convention.
type Meeting struct {
	ID         string     `json:"id"`
	Convention string     `json:"convention"`
	Committee  string     `json:"committee"`
	Title      string     `json:"title"`
	Date       string     `json:"date"`
	Place      string     `json:"place"`
	Attendees  []Attendee `json:"attendees"`
	Agenda     string     `json:"agenda"`
	Minutes    string     `json:"minutes"`
	Decisions  []Decision `json:"decisions"`
	Version    int        `json:"version"`
	CreatedAt  time.Time  `json:"created_at"`
	UpdatedAt  time.Time  `json:"updated_at"`
}

// Name is what the meeting is called on a page: its title, or else its
// committee and date ("Comité de pilotage du 21/11/2026").
func (m *Meeting) Name() string {
	if m.Title != "" {
		return m.Title
	}
	s := CommitteeLabel(m.Committee)
	if t, ok := convention.ParseDate(m.Date); ok {
		s += " du " + t.Format("02/01/2006")
	}
	return s
}

// Decision returns the decision of an id.
func (m *Meeting) Decision(id string) (*Decision, bool) {
	for i := range m.Decisions {
		if m.Decisions[i].ID == id {
			return &m.Decisions[i], true
		}
	}
	return nil, false
}

// ActionIDs returns the actions the meeting's decisions concern, sorted,
// each once.
func (m *Meeting) ActionIDs() []string {
	var out []string
	for _, d := range m.Decisions {
		out = append(out, d.Actions...)
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// Sort orders meetings newest first, the latest written first on one day.
func Sort(ms []Meeting) {
	slices.SortStableFunc(ms, func(a, b Meeting) int {
		if c := strings.Compare(b.Date, a.Date); c != 0 {
			return c
		}
		return b.CreatedAt.Compare(a.CreatedAt)
	})
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

func text(s string) string { return strings.TrimSpace(strings.ReplaceAll(s, "\r\n", "\n")) }

func tooLong(bad app.Fields, name, s string, limit int, what string) {
	if n := utf8.RuneCountInString(s); n > limit {
		bad.Add(name, what+" ne doit pas dépasser "+thousands(limit)+" caractères (il y en a "+thousands(n)+").")
	}
}

// thousands writes n with a no-break space between thousands: 20 000.
func thousands(n int) string {
	s := strconv.Itoa(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "\u00a0" + s[i:]
	}
	return s
}

// Validate tidies m and checks it, returning an EInvalid error with one
// French message per field, named as in the JSON body: "committee",
// "attendees[2].name", "decisions[0].text". That the attendees'
// organisations exist and the decisions' actions are the convention's is
// the store's check.
func (m *Meeting) Validate() error {
	m.Committee = strings.TrimSpace(m.Committee)
	m.Title = oneLine(m.Title)
	m.Date = strings.TrimSpace(m.Date)
	m.Place = oneLine(m.Place)
	m.Agenda = text(m.Agenda)
	m.Minutes = text(m.Minutes)
	bad := app.Fields{}
	if !ValidCommittee(m.Committee) {
		bad.Add("committee", "Choisissez l'instance : comité de pilotage (copil), comité technique (cotech) ou autre réunion (other).")
	}
	if m.Date == "" {
		bad.Add("date", "Indiquez la date de la réunion.")
	} else if _, ok := convention.ParseDate(m.Date); !ok {
		bad.Add("date", "La date doit être au format AAAA-MM-JJ, par exemple 2026-11-21.")
	}
	tooLong(bad, "title", m.Title, MaxTitle, "L'intitulé")
	tooLong(bad, "place", m.Place, MaxPlace, "Le lieu")
	tooLong(bad, "agenda", m.Agenda, MaxAgenda, "L'ordre du jour")
	tooLong(bad, "minutes", m.Minutes, MaxMinutes, "Le compte rendu")
	if m.Attendees == nil {
		m.Attendees = []Attendee{}
	}
	if len(m.Attendees) > MaxAttendees {
		bad.Add("attendees", "Une réunion ne compte pas plus de 200 participants.")
	}
	for i := range m.Attendees {
		a := &m.Attendees[i]
		at := "attendees[" + strconv.Itoa(i) + "]."
		a.Name, a.Organisation, a.Role = oneLine(a.Name), strings.TrimSpace(a.Organisation), oneLine(a.Role)
		if a.Name == "" {
			bad.Add(at+"name", "Indiquez le nom du participant, par exemple « Anne Martin ».")
		}
		tooLong(bad, at+"name", a.Name, MaxName, "Le nom")
		tooLong(bad, at+"role", a.Role, MaxRole, "La fonction")
	}
	if m.Decisions == nil {
		m.Decisions = []Decision{}
	}
	if len(m.Decisions) > MaxDecisions {
		bad.Add("decisions", "Une réunion ne compte pas plus de 100 décisions.")
	}
	for i := range m.Decisions {
		m.Decisions[i].check(bad, "decisions["+strconv.Itoa(i)+"].")
	}
	return bad.Err()
}

// check tidies d and adds its problems to bad, each field named with
// prefix.
func (d *Decision) check(bad app.Fields, prefix string) {
	d.Text = text(d.Text)
	d.Outcome = text(d.Outcome)
	d.Status = strings.TrimSpace(d.Status)
	if d.Status == "" {
		d.Status = StatusOpen
	}
	ids := make([]string, 0, len(d.Actions))
	for _, a := range d.Actions {
		if a = strings.TrimSpace(a); a != "" {
			ids = append(ids, a)
		}
	}
	slices.Sort(ids)
	d.Actions = slices.Compact(ids)
	if d.Text == "" {
		bad.Add(prefix+"text", "Écrivez la décision, par exemple « Ouvrir l'accueil des adolescents le samedi dès janvier ».")
	}
	tooLong(bad, prefix+"text", d.Text, MaxDecision, "Une décision")
	if !ValidStatus(d.Status) {
		bad.Add(prefix+"status", "Choisissez la suite donnée : en cours (open), réalisée (done) ou abandonnée (dropped).")
	}
	tooLong(bad, prefix+"outcome", d.Outcome, MaxOutcome, "La note de suivi")
}

// MergeDecisions makes the decisions of a meeting from those of a body:
// one whose id is a decision of before (not taken by an earlier one)
// keeps its id, version, status and outcome unless the body gives them;
// any other is new, without an id.
func MergeDecisions(before []Decision, in []DecisionInput) []Decision {
	out := make([]Decision, 0, len(in))
	taken := map[string]bool{}
	for _, x := range in {
		var d Decision
		if j := slices.IndexFunc(before, func(b Decision) bool { return b.ID == strings.TrimSpace(x.ID) }); x.ID != "" && j >= 0 && !taken[before[j].ID] {
			d = before[j]
			taken[d.ID] = true
		} else {
			d = Decision{Status: StatusOpen}
		}
		d.Text, d.Actions = x.Text, slices.Clone(x.Actions)
		if d.Actions == nil {
			d.Actions = []string{}
		}
		if x.Status != nil {
			d.Status = *x.Status
		}
		if x.Outcome != nil {
			d.Outcome = *x.Outcome
		}
		out = append(out, d)
	}
	return out
}

// Patch is a partial change of a meeting; absent fields stay. A list of
// attendees or of decisions that is sent replaces the whole list (see
// MergeDecisions for what a decision keeps).
type Patch struct {
	Committee *string          `json:"committee"`
	Title     *string          `json:"title"`
	Date      *string          `json:"date"`
	Place     *string          `json:"place"`
	Attendees *[]Attendee      `json:"attendees"`
	Agenda    *string          `json:"agenda"`
	Minutes   *string          `json:"minutes"`
	Decisions *[]DecisionInput `json:"decisions"`
}

// Apply copies the set fields of p onto m.
func (p Patch) Apply(m *Meeting) {
	set := func(dst *string, src *string) {
		if src != nil {
			*dst = *src
		}
	}
	set(&m.Committee, p.Committee)
	set(&m.Title, p.Title)
	set(&m.Date, p.Date)
	set(&m.Place, p.Place)
	set(&m.Agenda, p.Agenda)
	set(&m.Minutes, p.Minutes)
	if p.Attendees != nil {
		m.Attendees = slices.Clone(*p.Attendees)
	}
	if p.Decisions != nil {
		m.Decisions = MergeDecisions(m.Decisions, *p.Decisions)
	}
}

// DecisionPatch changes what became of a decision; absent fields stay.
type DecisionPatch struct {
	Status  *string `json:"status"`
	Outcome *string `json:"outcome"`
}

// Apply copies the set fields of p onto d and checks the result,
// returning an EInvalid error on "status" or "outcome".
func (p DecisionPatch) Apply(d *Decision) error {
	if p.Status != nil {
		d.Status = *p.Status
	}
	if p.Outcome != nil {
		d.Outcome = *p.Outcome
	}
	bad := app.Fields{}
	d.check(bad, "")
	return bad.Err()
}

// SameDecision reports whether two versions of a decision read the same.
func SameDecision(a, b *Decision) bool {
	return a.Text == b.Text && a.Status == b.Status && a.Outcome == b.Outcome && slices.Equal(a.Actions, b.Actions)
}

// ActionLink is an action of the plan as a decision shows it.
type ActionLink struct {
	ID     string `json:"id"`
	Ref    string `json:"ref"`
	Title  string `json:"title"`
	Status string `json:"status"`
}

// FollowUp is a decision in the follow-up of a convention's decisions:
// with its meeting and the actions it concerns.
type FollowUp struct {
	Decision
	Committee    string       `json:"committee"`
	MeetingTitle string       `json:"meeting_title"`
	MeetingDate  string       `json:"meeting_date"`
	ActionRefs   []ActionLink `json:"action_refs"`
}

// MeetingName is the name of the decision's meeting (see Meeting.Name).
func (f *FollowUp) MeetingName() string {
	m := Meeting{Committee: f.Committee, Title: f.MeetingTitle, Date: f.MeetingDate}
	return m.Name()
}
