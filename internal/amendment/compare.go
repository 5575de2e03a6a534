package amendment

import (
	"cmp"
	"slices"
	"strconv"
	"strings"

	"ctg/internal/budget"
	"ctg/internal/territory"
)

// TextChange is a text or a date before and after.
type TextChange struct {
	Before string `json:"before"`
	After  string `json:"after"`
}

// NumberChange is a number before and after, and their difference.
type NumberChange struct {
	Before int `json:"before"`
	After  int `json:"after"`
	Change int `json:"change"`
}

// PartyDelta lists the parties one version has and the other had not.
type PartyDelta struct {
	Added   []Party `json:"added"`
	Removed []Party `json:"removed"`
}

// Commune is a commune that entered or left the perimeter, with its
// population from the reference.
type Commune struct {
	Code       string `json:"code"`
	Name       string `json:"name"`
	Population int    `json:"population"`
}

// CommuneDelta lists the communes that entered and left the perimeter.
type CommuneDelta struct {
	Added   []Commune `json:"added"`
	Removed []Commune `json:"removed"`
}

// Renamed is an action whose title changed; Ref is its reference in the
// later version.
type Renamed struct {
	ID     string `json:"id"`
	Ref    string `json:"ref"`
	Before string `json:"before"`
	After  string `json:"after"`
}

// Renumbered is an action whose reference changed (it moved in the plan).
type Renumbered struct {
	ID     string `json:"id"`
	Title  string `json:"title"`
	Before string `json:"before"`
	After  string `json:"after"`
}

// ActionDelta lists what changed in the actions of the plan, an action
// being the same across versions when it keeps its id.
type ActionDelta struct {
	Added      []Action     `json:"added"`
	Removed    []Action     `json:"removed"`
	Renamed    []Renamed    `json:"renamed"`
	Renumbered []Renumbered `json:"renumbered"`
}

// FunderChange is the money a funder planned over the whole period,
// before and after, in cents.
type FunderChange struct {
	Funder      string `json:"funder"`
	Name        string `json:"name"`
	BeforeCents int64  `json:"before_cents"`
	AfterCents  int64  `json:"after_cents"`
}

// BudgetDelta is the planned budget by funder and in total, before and
// after, in cents.
type BudgetDelta struct {
	ByFunder    []FunderChange `json:"by_funder"`
	BeforeCents int64          `json:"before_cents"`
	AfterCents  int64          `json:"after_cents"`
}

// Comparison is what changed from one signed version to another. Title,
// Start and End are present only when they changed; Lines says it all
// in French, one change a line.
type Comparison struct {
	From       int          `json:"from"`
	To         int          `json:"to"`
	FromLabel  string       `json:"from_label"`
	ToLabel    string       `json:"to_label"`
	Title      *TextChange  `json:"title,omitempty"`
	Start      *TextChange  `json:"start,omitempty"`
	End        *TextChange  `json:"end,omitempty"`
	Parties    PartyDelta   `json:"parties"`
	Communes   CommuneDelta `json:"communes"`
	Population NumberChange `json:"population"`
	Actions    ActionDelta  `json:"actions"`
	Budget     BudgetDelta  `json:"budget"`
	Lines      []string     `json:"lines"`
}

// Compare says what changed from version a to version b; ref names the
// communes and gives their population.
func Compare(ref *territory.Ref, a, b *Version) *Comparison {
	x, y := &a.Snapshot, &b.Snapshot
	c := &Comparison{From: a.Number, To: b.Number, FromLabel: a.Label, ToLabel: b.Label,
		Parties: PartyDelta{Added: []Party{}, Removed: []Party{}}, Communes: CommuneDelta{Added: []Commune{}, Removed: []Commune{}},
		Population: NumberChange{Before: x.Population, After: y.Population, Change: y.Population - x.Population},
		Actions:    ActionDelta{Added: []Action{}, Removed: []Action{}, Renamed: []Renamed{}, Renumbered: []Renumbered{}}}
	text := func(before, after string) *TextChange {
		if before == after {
			return nil
		}
		return &TextChange{Before: before, After: after}
	}
	c.Title, c.Start, c.End = text(x.Title, y.Title), text(x.Start, y.Start), text(x.End, y.End)

	c.Parties.Added, c.Parties.Removed = partyDelta(y.Parties, x.Parties), partyDelta(x.Parties, y.Parties)
	commune := func(code string) Commune {
		if cm, ok := ref.Commune(code); ok {
			return Commune{Code: code, Name: cm.Name, Population: cm.Population}
		}
		return Commune{Code: code, Name: code}
	}
	for _, code := range minus(y.Communes, x.Communes) {
		c.Communes.Added = append(c.Communes.Added, commune(code))
	}
	for _, code := range minus(x.Communes, y.Communes) {
		c.Communes.Removed = append(c.Communes.Removed, commune(code))
	}

	before, after := x.Actions(), y.Actions()
	byID := func(list []Action) map[string]Action {
		m := make(map[string]Action, len(list))
		for _, a := range list {
			m[a.ID] = a
		}
		return m
	}
	old, cur := byID(before), byID(after)
	for _, a := range after {
		o, ok := old[a.ID]
		switch {
		case !ok:
			c.Actions.Added = append(c.Actions.Added, a)
		default:
			if o.Title != a.Title {
				c.Actions.Renamed = append(c.Actions.Renamed, Renamed{ID: a.ID, Ref: a.Ref, Before: o.Title, After: a.Title})
			}
			if o.Ref != a.Ref {
				c.Actions.Renumbered = append(c.Actions.Renumbered, Renumbered{ID: a.ID, Title: a.Title, Before: o.Ref, After: a.Ref})
			}
		}
	}
	for _, a := range before {
		if _, ok := cur[a.ID]; !ok {
			c.Actions.Removed = append(c.Actions.Removed, a)
		}
	}

	c.Budget = budgetDelta(x, y)
	c.Lines = c.lines()
	return c
}

// partyDelta returns the parties of a that b lacks.
func partyDelta(a, b []Party) []Party {
	out := []Party{}
	for _, p := range a {
		if !slices.ContainsFunc(b, func(q Party) bool { return q.ID == p.ID }) {
			out = append(out, p)
		}
	}
	return out
}

// minus returns the codes of a that b lacks, in a's order.
func minus(a, b []string) []string {
	var out []string
	for _, s := range a {
		if !slices.Contains(b, s) {
			out = append(out, s)
		}
	}
	return out
}

func budgetDelta(x, y *Snapshot) BudgetDelta {
	d := BudgetDelta{ByFunder: []FunderChange{}, BeforeCents: x.PlannedCents, AfterCents: y.PlannedCents}
	at := map[string]int{}
	add := func(cells []FunderYear, after bool) {
		for _, f := range cells {
			i, ok := at[f.Funder]
			if !ok {
				i = len(d.ByFunder)
				at[f.Funder] = i
				d.ByFunder = append(d.ByFunder, FunderChange{Funder: f.Funder, Name: f.Name})
			}
			if after {
				d.ByFunder[i].AfterCents += f.PlannedCents
				d.ByFunder[i].Name = f.Name // the later name, if it changed
			} else {
				d.ByFunder[i].BeforeCents += f.PlannedCents
			}
		}
	}
	add(x.Budget, false)
	add(y.Budget, true)
	// The largest funders first, as the budget page lists them.
	slices.SortStableFunc(d.ByFunder, func(a, b FunderChange) int {
		return cmp.Or(cmp.Compare(max(b.BeforeCents, b.AfterCents), max(a.BeforeCents, a.AfterCents)), strings.Compare(a.Name, b.Name))
	})
	return d
}

// lines says the comparison in French, one change a sentence, in the
// order of a convention: title, period, parties, perimeter, plan, budget.
func (c *Comparison) lines() []string {
	out := []string{}
	if c.Title != nil {
		out = append(out, "Intitulé : « "+c.Title.Before+" » devient « "+c.Title.After+" ».")
	}
	if c.Start != nil {
		out = append(out, "Début de la convention : le "+frDate(c.Start.Before)+" devient le "+frDate(c.Start.After)+".")
	}
	if c.End != nil {
		verb := "prolongée"
		if c.End.After < c.End.Before {
			verb = "écourtée"
		}
		out = append(out, "Fin de la convention "+verb+" : le "+frDate(c.End.Before)+" devient le "+frDate(c.End.After)+".")
	}
	for _, p := range c.Parties.Added {
		out = append(out, "Nouvelle partie signataire : "+p.Name+".")
	}
	for _, p := range c.Parties.Removed {
		out = append(out, "Partie qui n'est plus signataire : "+p.Name+".")
	}
	for _, cm := range c.Communes.Added {
		out = append(out, "Commune entrée dans le périmètre : "+cm.Name+" ("+cm.Code+", "+inhabitants(cm.Population)+").")
	}
	for _, cm := range c.Communes.Removed {
		out = append(out, "Commune sortie du périmètre : "+cm.Name+" ("+cm.Code+", "+inhabitants(cm.Population)+").")
	}
	if p := c.Population; p.Change != 0 {
		sign := "+"
		if p.Change < 0 {
			sign = "−"
		}
		out = append(out, "Population du périmètre : "+inhabitants(p.Before)+" → "+inhabitants(p.After)+" ("+sign+thousands(int64(abs(p.Change)))+").")
	}
	for _, a := range c.Actions.Added {
		out = append(out, "Action ajoutée au plan : "+a.Ref+" — "+a.Title+".")
	}
	for _, a := range c.Actions.Removed {
		out = append(out, "Action retirée du plan : "+a.Ref+" — "+a.Title+".")
	}
	for _, a := range c.Actions.Renamed {
		out = append(out, "Action renommée ("+a.Ref+") : « "+a.Before+" » devient « "+a.After+" ».")
	}
	for _, a := range c.Actions.Renumbered {
		out = append(out, "Action déplacée : « "+a.Title+" », "+a.Before+" devient "+a.After+".")
	}
	for _, f := range c.Budget.ByFunder {
		if f.BeforeCents != f.AfterCents {
			out = append(out, "Budget prévu de "+f.Name+" : "+euros(f.BeforeCents)+" → "+euros(f.AfterCents)+".")
		}
	}
	if c.Budget.BeforeCents != c.Budget.AfterCents {
		out = append(out, "Budget prévu total : "+euros(c.Budget.BeforeCents)+" → "+euros(c.Budget.AfterCents)+".")
	}
	return out
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}

// inhabitants writes a population: "3 582 habitants".
func inhabitants(n int) string {
	if n <= 1 {
		return thousands(int64(n)) + "\u00a0habitant"
	}
	return thousands(int64(n)) + "\u00a0habitants"
}

// euros writes cents as whole euros when they are: "1 200 000 €".
func euros(cents int64) string {
	return strings.Replace(budget.FormatCents(cents), ",00\u00a0€", "\u00a0€", 1)
}

// thousands writes n with a no-break space between thousands: 21 821.
func thousands(n int64) string {
	s := strconv.FormatInt(n, 10)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "\u00a0" + s[i:]
	}
	return s
}
