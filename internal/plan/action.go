package plan

import (
	"slices"
	"strconv"
	"strings"
	"time"

	"ctg/internal/app"
	"ctg/internal/convention"
	"ctg/internal/diagnostic"
	"ctg/internal/field"
)

// Statuses of an action.
const (
	StatusPlanned    = "planned"
	StatusInProgress = "in_progress"
	StatusDone       = "done"
	StatusAbandoned  = "abandoned"
	StatusLate       = "late"
)

// Statuses lists the statuses of an action in display order with their
// French names.
var Statuses = []struct{ Code, Label string }{
	{StatusPlanned, "Prévue"},
	{StatusInProgress, "En cours"},
	{StatusDone, "Réalisée"},
	{StatusAbandoned, "Abandonnée"},
	{StatusLate, "En retard"},
}

// StatusLabel returns the French name of a status, or the code when
// unknown.
func StatusLabel(code string) string {
	for _, s := range Statuses {
		if s.Code == code {
			return s.Label
		}
	}
	return code
}

// ValidStatus reports whether code is a status of an action.
func ValidStatus(code string) bool { return StatusLabel(code) != code }

// Ref is the reference of an action as partners write it: "Axe 2 / Action 4".
func Ref(axis, action int) string {
	return "Axe " + strconv.Itoa(axis) + " / Action " + strconv.Itoa(action)
}

// Action is a fiche action: numbered within its axis, with the lead and
// partners who carry it (organisation ids), its public, its schedule, the
// fields of intervention it covers, the stakes of the diagnosis it
// answers and the findings it rests on directly.
type Action struct {
	ID         string `json:"id"`
	Convention string `json:"convention"`
	Axis       string `json:"axis"`
	AxisNumber int    `json:"axis_number"`
	// Objective is the id of an objective of the action's axis, "" if none.
	Objective   string   `json:"objective"`
	Number      int      `json:"number"`
	Ref         string   `json:"ref"`
	Title       string   `json:"title"`
	Description string   `json:"description"`
	Fields      []string `json:"fields"`
	// Lead is the id of the organisation that carries the action, "" if
	// none is named yet.
	Lead     string   `json:"lead"`
	Partners []string `json:"partners"`
	Public   string   `json:"public"`
	// Start and End are YYYY-MM-DD, or "" when not known.
	Start    string   `json:"start"`
	End      string   `json:"end"`
	Status   string   `json:"status"`
	Stakes   []string `json:"stakes"`
	Findings []string `json:"findings"`
	// FormerRefs are the references the action had before a move or a
	// renumbering, in the order it left them, so that an old reference
	// still finds it.
	FormerRefs []string  `json:"former_refs"`
	Version    int       `json:"version"`
	CreatedAt  time.Time `json:"created_at"`
	UpdatedAt  time.Time `json:"updated_at"`
}

// Answers reports whether the action counts as answering what it is tied
// to: an abandoned action answers no stake and covers no field.
func (a *Action) Answers() bool { return a.Status != StatusAbandoned }

// Validate tidies a (spaces, sorted and deduplicated lists, the lead out
// of the partners) and checks it, returning an EInvalid error with one
// French message per field. That the lead, partners, stakes, findings
// and objective exist and belong where they should is the store's check.
func (a *Action) Validate() error {
	a.Title = oneLine(a.Title)
	a.Description = text(a.Description)
	a.Public = oneLine(a.Public)
	a.Objective = strings.TrimSpace(a.Objective)
	a.Lead = strings.TrimSpace(a.Lead)
	a.Start, a.End, a.Status = strings.TrimSpace(a.Start), strings.TrimSpace(a.End), strings.TrimSpace(a.Status)
	a.Fields = uniq(a.Fields)
	diagnostic.SortFields(a.Fields)
	// The lead is the lead, not also a partner.
	a.Partners = slices.DeleteFunc(uniq(a.Partners), func(p string) bool { return p == a.Lead })
	a.Stakes = uniq(a.Stakes)
	a.Findings = uniq(a.Findings)

	bad := app.Fields{}
	checkTitle(bad, a.Title, "Donnez un intitulé à l'action, par exemple « Réservation en ligne des accueils de loisirs ».")
	checkLength(bad, "description", a.Description, MaxDescription, "La description")
	checkLength(bad, "public", a.Public, MaxPublic, "Le public visé")
	for _, f := range a.Fields {
		if !field.Valid(f) {
			bad.Add("fields", "Champ d'intervention inconnu : "+f+". Choisissez par exemple petite_enfance, jeunesse ou parentalite.")
		}
	}
	start, okStart := checkDate(bad, "start", a.Start, "La date de début")
	end, okEnd := checkDate(bad, "end", a.End, "La date de fin")
	if okStart && okEnd && a.Start != "" && a.End != "" && end.Before(start) {
		bad.Add("end", "La date de fin doit être postérieure ou égale à la date de début.")
	}
	if !ValidStatus(a.Status) {
		bad.Add("status", "Choisissez un statut : planned (prévue), in_progress (en cours), done (réalisée), abandoned (abandonnée) ou late (en retard).")
	}
	return bad.Err()
}

// checkDate checks an optional YYYY-MM-DD date; what names it in French.
func checkDate(bad app.Fields, name, s, what string) (time.Time, bool) {
	if s == "" {
		return time.Time{}, true
	}
	t, ok := convention.ParseDate(s)
	if !ok {
		bad.Add(name, what+" doit être au format AAAA-MM-JJ, par exemple 2023-09-01.")
	}
	return t, ok
}

// RunsIn reports whether the action runs during year y: whether its
// period overlaps that year. A missing start or end is taken from the
// convention's period (from, to), since an action without dates runs as
// long as the convention does.
func (a *Action) RunsIn(y int, from, to string) bool {
	start, end := a.Start, a.End
	if start == "" {
		start = from
	}
	if end == "" {
		end = to
	}
	first, last := yearOf(start), yearOf(end)
	return (first == 0 || first <= y) && (last == 0 || y <= last)
}

// yearOf is the year of a YYYY-MM-DD date, 0 when there is none.
func yearOf(date string) int {
	if len(date) < 4 {
		return 0
	}
	y, err := strconv.Atoi(date[:4])
	if err != nil {
		return 0
	}
	return y
}

// ActionPatch is a partial change of an action; absent fields stay, a
// list that is sent replaces the whole list. Axis moves the action to
// another axis of the same convention (last, unless Number says where),
// Number moves it within its axis; both renumber the others. Objective
// and Lead are cleared with "".
type ActionPatch struct {
	Axis        *string   `json:"axis"`
	Number      *int      `json:"number"`
	Objective   *string   `json:"objective"`
	Title       *string   `json:"title"`
	Description *string   `json:"description"`
	Fields      *[]string `json:"fields"`
	Lead        *string   `json:"lead"`
	Partners    *[]string `json:"partners"`
	Public      *string   `json:"public"`
	Start       *string   `json:"start"`
	End         *string   `json:"end"`
	Status      *string   `json:"status"`
	Stakes      *[]string `json:"stakes"`
	Findings    *[]string `json:"findings"`
}

// Apply copies the set fields of p onto a, but for Axis and Number, which
// the store settles with the other actions. Moving to another axis
// without naming an objective drops the old axis's objective.
func (p ActionPatch) Apply(a *Action) {
	if p.Axis != nil && *p.Axis != a.Axis && p.Objective == nil {
		a.Objective = ""
	}
	set := func(dst *string, v *string) {
		if v != nil {
			*dst = *v
		}
	}
	setList := func(dst *[]string, v *[]string) {
		if v != nil {
			*dst = slices.Clone(*v)
		}
	}
	set(&a.Objective, p.Objective)
	set(&a.Title, p.Title)
	set(&a.Description, p.Description)
	setList(&a.Fields, p.Fields)
	set(&a.Lead, p.Lead)
	setList(&a.Partners, p.Partners)
	set(&a.Public, p.Public)
	set(&a.Start, p.Start)
	set(&a.End, p.End)
	set(&a.Status, p.Status)
	setList(&a.Stakes, p.Stakes)
	setList(&a.Findings, p.Findings)
}

// DiffActions lists the fields that differ between two versions of an
// action, for the history. A move shows as the change of its reference.
func DiffActions(a, b *Action) map[string]convention.Change {
	d := map[string]convention.Change{}
	convention.Note(d, "ref", a.Ref, b.Ref)
	convention.Note(d, "objective", a.Objective, b.Objective)
	convention.Note(d, "title", a.Title, b.Title)
	convention.Note(d, "description", a.Description, b.Description)
	convention.Note(d, "lead", a.Lead, b.Lead)
	convention.Note(d, "public", a.Public, b.Public)
	convention.Note(d, "start", a.Start, b.Start)
	convention.Note(d, "end", a.End, b.End)
	convention.Note(d, "status", a.Status, b.Status)
	noteList(d, "fields", a.Fields, b.Fields)
	noteList(d, "partners", a.Partners, b.Partners)
	noteList(d, "stakes", a.Stakes, b.Stakes)
	noteList(d, "findings", a.Findings, b.Findings)
	return d
}

// ActionCreated describes a new action for the history.
func ActionCreated(a *Action) map[string]convention.Change {
	return Created(DiffActions(&Action{}, a))
}

// ActionDeleted describes a deleted action for the history.
func ActionDeleted(a *Action) map[string]convention.Change {
	return Deleted(DiffActions(a, &Action{}))
}

// noteList records in d the change of a list when the two differ, an
// empty list standing for a missing one.
func noteList(d map[string]convention.Change, name string, before, after []string) {
	if slices.Equal(before, after) {
		return
	}
	if before == nil {
		before = []string{}
	}
	if after == nil {
		after = []string{}
	}
	d[name] = convention.Change{Before: before, After: after}
}

// AddFormerRef returns refs with old added at the end, unless it is
// there already or is the current reference: a reference that comes back
// is the current one again, not a former one.
func AddFormerRef(refs []string, old, current string) []string {
	out := slices.DeleteFunc(slices.Clone(refs), func(r string) bool { return r == current || r == old })
	if old != "" && old != current {
		out = append(out, old)
	}
	return out
}
