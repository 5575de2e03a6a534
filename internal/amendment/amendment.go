// Package amendment holds what becomes of a convention after its
// signature: the signed versions it goes through (the signature, version
// 0, then one per amendment), each kept as a snapshot of what was signed,
// the amendments (avenants) with the changes they bring, and the
// comparison of two versions in words. It imports no SQL or HTTP package.
//
// An amendment changes the convention itself where the change has a
// field (the end of the period, the parties, the perimeter) and, for the
// plan and the budget, describes in words what the coordinator changed in
// the plan of actions before recording it: the snapshot taken then holds
// the plan and budget as amended, so that comparing two versions shows
// what really changed, whatever the words say.
package amendment

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

// Limits of an amendment's texts, in characters.
const (
	MaxSummary = 2000
	MaxText    = 10000
)

// VersionLabel names a signed version: "Convention signée" for the
// signature (0), "Avenant n° 2" for the version the second amendment made.
func VersionLabel(n int) string {
	if n == 0 {
		return "Convention signée"
	}
	return Label(n)
}

// Label names an amendment by its number: "Avenant n° 1".
func Label(n int) string { return "Avenant n°\u00a0" + strconv.Itoa(n) }

// Party is an organisation of a snapshot, with its name as it was.
type Party struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// Action is an action of the plan in a snapshot.
type Action struct {
	ID       string `json:"id"`
	Number   int    `json:"number"`
	Ref      string `json:"ref"`
	Title    string `json:"title"`
	Lead     string `json:"lead"`
	LeadName string `json:"lead_name"`
}

// Axis is an axis of the plan in a snapshot, with its actions in order.
type Axis struct {
	ID      string   `json:"id"`
	Number  int      `json:"number"`
	Title   string   `json:"title"`
	Actions []Action `json:"actions"`
}

// FunderYear is the money a funder planned for a year, in cents.
type FunderYear struct {
	Funder       string `json:"funder"`
	Name         string `json:"name"`
	Year         int    `json:"year"`
	PlannedCents int64  `json:"planned_cents"`
}

// Snapshot is a convention as signed: its title, period, CAF and parties
// (with their names), perimeter and the communes it resolved to, its
// population, the plan (axes and actions with their references and
// leads) and the planned budget by funder and year. It is stored as JSON
// and never changes afterwards.
type Snapshot struct {
	Kind         string               `json:"kind"`
	Title        string               `json:"title"`
	Start        string               `json:"start"`
	End          string               `json:"end"`
	CAF          Party                `json:"caf"`
	Parties      []Party              `json:"parties"`
	Perimeter    convention.Perimeter `json:"perimeter"`
	Communes     []string             `json:"communes"`
	Population   int                  `json:"population"`
	Axes         []Axis               `json:"axes"`
	Budget       []FunderYear         `json:"budget"`
	PlannedCents int64                `json:"planned_cents"`
}

// Actions returns every action of the snapshot, axis by axis.
func (s *Snapshot) Actions() []Action {
	var out []Action
	for _, x := range s.Axes {
		out = append(out, x.Actions...)
	}
	return out
}

// Version is a signed version of a convention: number 0 at the signature,
// N after amendment N, dated by the signature of each.
type Version struct {
	ID         string    `json:"id"`
	Convention string    `json:"convention"`
	Number     int       `json:"number"`
	Label      string    `json:"label"`
	Date       string    `json:"date"`
	Snapshot   Snapshot  `json:"snapshot"`
	CreatedAt  time.Time `json:"created_at"`
}

// PartyChanges are the organisations an amendment adds to the parties
// and removes from them, by id.
type PartyChanges struct {
	Added   []string `json:"added"`
	Removed []string `json:"removed"`
}

// Changes are what an amendment changes. End, Parties and Perimeter are
// applied to the convention; Plan and Budget describe in words the
// changes made to the plan of actions and its budget. Perimeter is the
// new perimeter in full.
type Changes struct {
	End       *string               `json:"end,omitempty"`
	Parties   *PartyChanges         `json:"parties,omitempty"`
	Perimeter *convention.Perimeter `json:"perimeter,omitempty"`
	Plan      string                `json:"plan,omitempty"`
	Budget    string                `json:"budget,omitempty"`
	// unknown holds the keys of the body that name no change, so that a
	// "start" sent in good faith is refused rather than ignored.
	unknown []string
}

// UnmarshalJSON reads the changes and notes the keys it does not know.
func (ch *Changes) UnmarshalJSON(b []byte) error {
	type plain Changes
	var p plain
	if err := json.Unmarshal(b, &p); err != nil {
		return err
	}
	var keys map[string]json.RawMessage
	if err := json.Unmarshal(b, &keys); err != nil {
		return err
	}
	*ch = Changes(p)
	for k := range keys {
		switch k {
		case "end", "parties", "perimeter", "plan", "budget":
		default:
			ch.unknown = append(ch.unknown, k)
		}
	}
	slices.Sort(ch.unknown)
	return nil
}

// Structural reports whether the changes change the convention itself.
func (ch *Changes) Structural() bool {
	return ch.End != nil || ch.Parties != nil || ch.Perimeter != nil
}

// Amendment is an amendment (avenant) of a signed convention, numbered
// from 1, dated by its signature. SignedVersion is the number of the
// version it made.
type Amendment struct {
	ID            string    `json:"id"`
	Convention    string    `json:"convention"`
	Number        int       `json:"number"`
	Label         string    `json:"label"`
	Date          string    `json:"date"`
	Summary       string    `json:"summary"`
	Changes       Changes   `json:"changes"`
	SignedVersion int       `json:"signed_version"`
	Version       int       `json:"version"`
	CreatedAt     time.Time `json:"created_at"`
	UpdatedAt     time.Time `json:"updated_at"`
}

func ids(in []string) []string {
	out := make([]string, 0, len(in))
	for _, s := range in {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

func tooLong(bad app.Fields, name, s string, limit int, what string) {
	if n := utf8.RuneCountInString(s); n > limit {
		bad.Add(name, what+" ne doit pas dépasser "+thousands(int64(limit))+" caractères (il y en a "+thousands(int64(n))+").")
	}
}

// Validate tidies a and checks it for a convention signed on signedOn
// whose latest amendment is dated last ("" when none): a date on or
// after both, a summary, texts within their limits, changes that name
// something. Fields are named as in the JSON body: "date",
// "changes.parties.added". Whether the changes suit the convention is
// Apply's check.
func (a *Amendment) Validate(signedOn, last string) error {
	a.Date = strings.TrimSpace(a.Date)
	a.Summary = strings.TrimSpace(strings.ReplaceAll(a.Summary, "\r\n", "\n"))
	ch := &a.Changes
	ch.Plan = strings.TrimSpace(strings.ReplaceAll(ch.Plan, "\r\n", "\n"))
	ch.Budget = strings.TrimSpace(strings.ReplaceAll(ch.Budget, "\r\n", "\n"))
	bad := app.Fields{}
	if a.Date == "" {
		bad.Add("date", "Indiquez la date de signature de l'avenant.")
	} else if _, ok := convention.ParseDate(a.Date); !ok {
		bad.Add("date", "La date doit être au format AAAA-MM-JJ, par exemple 2026-11-21.")
	} else if a.Date < signedOn {
		bad.Add("date", "L'avenant ne peut pas précéder la signature de la convention, le "+frDate(signedOn)+".")
	} else if a.Date < last {
		bad.Add("date", "L'avenant ne peut pas précéder le précédent, signé le "+frDate(last)+".")
	}
	if a.Summary == "" {
		bad.Add("summary", "Résumez l'objet de l'avenant, par exemple « Prolongation de six mois et entrée du Département ».")
	}
	tooLong(bad, "summary", a.Summary, MaxSummary, "Le résumé")
	tooLong(bad, "changes.plan", ch.Plan, MaxText, "La description des changements du plan")
	tooLong(bad, "changes.budget", ch.Budget, MaxText, "La description des changements du budget")
	for _, k := range ch.unknown {
		bad.Add("changes."+k, "Un avenant change la fin (end), les parties (parties) ou le périmètre (perimeter) ; décrivez tout autre changement dans plan ou budget.")
	}
	if ch.End != nil {
		*ch.End = strings.TrimSpace(*ch.End)
		if _, ok := convention.ParseDate(*ch.End); !ok {
			bad.Add("changes.end", "Indiquez la nouvelle date de fin au format AAAA-MM-JJ.")
		}
	}
	if p := ch.Parties; p != nil {
		p.Added, p.Removed = ids(p.Added), ids(p.Removed)
		for _, id := range p.Added {
			if slices.Contains(p.Removed, id) {
				bad.Add("changes.parties", "Une même organisation ne peut pas être à la fois ajoutée et retirée.")
			}
		}
		if len(p.Added) == 0 && len(p.Removed) == 0 {
			ch.Parties = nil
		}
	}
	return bad.Err()
}

// Apply changes c as the amendment says, through convention.Patch, and
// checks what convention.Validate cannot know: that a removed party was
// one, that an added one was not, and that a signed convention keeps a
// party besides its CAF. The caller then validates c as any change of a
// convention (see PrefixFields).
func (ch *Changes) Apply(c *convention.Convention) error {
	bad := app.Fields{}
	var p convention.Patch
	if ch.End != nil {
		p.End = ch.End
	}
	if ch.Perimeter != nil {
		per := *ch.Perimeter
		p.Perimeter = &per
	}
	if pc := ch.Parties; pc != nil {
		parties := slices.Clone(c.Parties)
		for _, id := range pc.Removed {
			if !slices.Contains(parties, id) {
				bad.Add("changes.parties.removed", "Cette organisation n'est pas partie à la convention : "+id+".")
			}
			parties = slices.DeleteFunc(parties, func(x string) bool { return x == id })
		}
		for _, id := range pc.Added {
			if id == c.CAF || slices.Contains(c.Parties, id) {
				bad.Add("changes.parties.added", "Cette organisation est déjà signataire de la convention : "+id+".")
			}
			parties = append(parties, id)
		}
		if len(parties) == 0 {
			bad.Add("changes.parties", "Une convention signée garde au moins une partie en plus de la Caf.")
		}
		p.Parties = &parties
	}
	if err := bad.Err(); err != nil {
		return err
	}
	p.Apply(c)
	return nil
}

// PrefixFields renames the fields of a convention's validation error as
// the amendment's body names them ("end" becomes "changes.end"); other
// errors pass as they are.
func PrefixFields(err error) error {
	fields := app.ErrorFields(err)
	if len(fields) == 0 {
		return err
	}
	out := make(map[string]string, len(fields))
	for k, v := range fields {
		out["changes."+k] = v
	}
	return app.Invalid(app.ErrorMessage(err), out)
}

// frDate writes a YYYY-MM-DD date as 21/11/2026.
func frDate(s string) string {
	if t, ok := convention.ParseDate(s); ok {
		return t.Format("02/01/2006")
	}
	return s
}
