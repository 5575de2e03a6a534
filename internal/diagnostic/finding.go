package diagnostic

import (
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"ctg/internal/app"
	"ctg/internal/convention"
	"ctg/internal/field"
	"ctg/internal/territory"
)

// Kinds of finding (constat).
const (
	FindingStrength = "strength"
	FindingWeakness = "weakness"
	FindingNeed     = "need"
)

// FindingKinds lists the kinds of finding in display order, with the French
// name of one finding and the heading of a group of them.
var FindingKinds = []struct{ Code, Label, Plural string }{
	{FindingStrength, "Atout", "Atouts"},
	{FindingWeakness, "Fragilité", "Fragilités"},
	{FindingNeed, "Besoin", "Besoins"},
}

// FindingKindLabel returns the French name of a kind of finding.
func FindingKindLabel(code string) string {
	for _, k := range FindingKinds {
		if k.Code == code {
			return k.Label
		}
	}
	return code
}

func findingKindRank(code string) int {
	for i, k := range FindingKinds {
		if k.Code == code {
			return i
		}
	}
	return len(FindingKinds)
}

// Sources of a finding: where the partners learnt it.
var Sources = []struct{ Code, Label string }{
	{"data", "Données"},
	{"interview", "Entretien"},
	{"questionnaire", "Questionnaire"},
	{"workshop", "Atelier"},
	{"other", "Autre"},
}

// SourceLabel returns the French name of a source.
func SourceLabel(code string) string {
	for _, s := range Sources {
		if s.Code == code {
			return s.Label
		}
	}
	return code
}

func validSource(code string) bool { return SourceLabel(code) != code }

// ValidFindingKind reports whether code is a kind of finding.
func ValidFindingKind(code string) bool { return findingKindRank(code) < len(FindingKinds) }

// MaxFindingText bounds the text of a finding, in characters.
const MaxFindingText = 2000

// Finding is a strength, weakness or need the diagnosis of a convention
// found, tied to a field of intervention and to where it comes from.
type Finding struct {
	ID         string `json:"id"`
	Convention string `json:"convention"`
	Kind       string `json:"kind"`
	Field      string `json:"field"`
	Text       string `json:"text"`
	Source     string `json:"source"`
	// Stakes are the ids of the stakes that group the finding.
	Stakes    []string  `json:"stakes"`
	Version   int       `json:"version"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// Validate checks f and returns an EInvalid error with one French message
// per field.
func (f *Finding) Validate() error {
	f.Kind = strings.TrimSpace(f.Kind)
	f.Field = strings.TrimSpace(f.Field)
	f.Source = strings.TrimSpace(f.Source)
	f.Text = strings.TrimSpace(f.Text)
	bad := app.Fields{}
	if !ValidFindingKind(f.Kind) {
		bad.Add("kind", "Choisissez la nature du constat : strength (atout), weakness (fragilité) ou need (besoin).")
	}
	if !field.Valid(f.Field) {
		bad.Add("field", "Choisissez le champ d'intervention du constat, par exemple petite_enfance ou jeunesse.")
	}
	if f.Text == "" {
		bad.Add("text", "Écrivez le constat, par exemple « Peu de places d'accueil du jeune enfant dans le nord du territoire ».")
	} else if n := utf8.RuneCountInString(f.Text); n > MaxFindingText {
		bad.Add("text", "Le constat ne doit pas dépasser 2\u00a0000 caractères (il en compte "+thousands(n)+").")
	}
	if !validSource(f.Source) {
		bad.Add("source", "Choisissez la source du constat : data (données), interview (entretien), questionnaire, workshop (atelier) ou other (autre).")
	}
	return bad.Err()
}

// FindingPatch is a partial change of a finding; absent fields stay.
type FindingPatch struct {
	Kind   *string `json:"kind"`
	Field  *string `json:"field"`
	Text   *string `json:"text"`
	Source *string `json:"source"`
}

// Apply copies the set fields of p onto f.
func (p FindingPatch) Apply(f *Finding) {
	if p.Kind != nil {
		f.Kind = *p.Kind
	}
	if p.Field != nil {
		f.Field = *p.Field
	}
	if p.Text != nil {
		f.Text = *p.Text
	}
	if p.Source != nil {
		f.Source = *p.Source
	}
}

// DiffFindings lists the fields that differ between two versions of a
// finding, for the history.
func DiffFindings(a, b *Finding) map[string]convention.Change {
	d := map[string]convention.Change{}
	convention.Note(d, "kind", a.Kind, b.Kind)
	convention.Note(d, "field", a.Field, b.Field)
	convention.Note(d, "text", a.Text, b.Text)
	convention.Note(d, "source", a.Source, b.Source)
	return d
}

// FindingCreated describes a new finding for the history.
func FindingCreated(f *Finding) map[string]convention.Change {
	return onlyAfter(DiffFindings(&Finding{}, f))
}

// FindingDeleted describes a deleted finding for the history, with the
// stakes it was taken out of.
func FindingDeleted(f *Finding) map[string]convention.Change {
	d := onlyBefore(DiffFindings(f, &Finding{}))
	if len(f.Stakes) > 0 {
		d["stakes"] = convention.Change{Before: f.Stakes}
	}
	return d
}

// SortFindings orders findings by kind (strengths, weaknesses, needs), then
// from the oldest.
func SortFindings(fs []Finding) {
	slices.SortStableFunc(fs, func(a, b Finding) int {
		if r := findingKindRank(a.Kind) - findingKindRank(b.Kind); r != 0 {
			return r
		}
		if c := a.CreatedAt.Compare(b.CreatedAt); c != 0 {
			return c
		}
		return strings.Compare(a.ID, b.ID)
	})
}

// Priorities of a stake, from the most pressing.
var Priorities = []struct {
	Level int
	Label string
}{
	{1, "Priorité 1 — forte"},
	{2, "Priorité 2 — moyenne"},
	{3, "Priorité 3 — à plus long terme"},
}

// PriorityLabel returns the French name of a priority.
func PriorityLabel(p int) string {
	for _, x := range Priorities {
		if x.Level == p {
			return x.Label
		}
	}
	return strconv.Itoa(p)
}

// Stake is an issue (enjeu) the partners draw from findings, with a
// priority. The plan of actions answers stakes, by id.
type Stake struct {
	ID         string    `json:"id"`
	Convention string    `json:"convention"`
	Title      string    `json:"title"`
	Fields     []string  `json:"fields"`
	Priority   int       `json:"priority"`
	Findings   []string  `json:"findings"`
	Version    int       `json:"version"`
	CreatedAt  time.Time `json:"created_at"`
	UpdatedAt  time.Time `json:"updated_at"`
}

// Validate checks s, sorting and deduplicating its fields and findings. That
// the findings belong to the stake's convention is the store's check.
func (s *Stake) Validate() error {
	s.Title = strings.Join(strings.Fields(s.Title), " ")
	s.Fields = uniq(s.Fields)
	SortFields(s.Fields)
	s.Findings = uniq(s.Findings)
	bad := app.Fields{}
	if s.Title == "" {
		bad.Add("title", "Donnez un intitulé à l'enjeu, par exemple « Développer l'accueil du jeune enfant ».")
	} else if utf8.RuneCountInString(s.Title) > MaxNameLength {
		bad.Add("title", "L'intitulé ne doit pas dépasser 200 caractères.")
	}
	if len(s.Fields) == 0 {
		bad.Add("fields", "Choisissez au moins un champ d'intervention.")
	}
	for _, f := range s.Fields {
		if !field.Valid(f) {
			bad.Add("fields", "Champ d'intervention inconnu : "+f+".")
		}
	}
	if s.Priority < 1 || s.Priority > 3 {
		bad.Add("priority", "Choisissez une priorité : 1 (forte), 2 (moyenne) ou 3 (à plus long terme).")
	}
	return bad.Err()
}

// SortFields puts the fields of a stake in the order of field.All.
func SortFields(codes []string) {
	rank := func(c string) int {
		for i, f := range field.All {
			if f.Code == c {
				return i
			}
		}
		return len(field.All)
	}
	slices.SortFunc(codes, func(a, b string) int { return rank(a) - rank(b) })
}

func uniq(in []string) []string {
	out := make([]string, 0, len(in))
	for _, s := range in {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// StakePatch is a partial change of a stake; absent fields stay, and a list
// that is sent replaces the whole list.
type StakePatch struct {
	Title    *string   `json:"title"`
	Fields   *[]string `json:"fields"`
	Priority *int      `json:"priority"`
	Findings *[]string `json:"findings"`
}

// Apply copies the set fields of p onto s.
func (p StakePatch) Apply(s *Stake) {
	if p.Title != nil {
		s.Title = *p.Title
	}
	if p.Fields != nil {
		s.Fields = *p.Fields
	}
	if p.Priority != nil {
		s.Priority = *p.Priority
	}
	if p.Findings != nil {
		s.Findings = *p.Findings
	}
}

// DiffStakes lists the fields that differ between two versions of a stake,
// for the history.
func DiffStakes(a, b *Stake) map[string]convention.Change {
	d := map[string]convention.Change{}
	if a.Title != b.Title {
		d["title"] = convention.Change{Before: a.Title, After: b.Title}
	}
	if !slices.Equal(a.Fields, b.Fields) {
		d["fields"] = convention.Change{Before: a.Fields, After: b.Fields}
	}
	if a.Priority != b.Priority {
		d["priority"] = convention.Change{Before: a.Priority, After: b.Priority}
	}
	if !slices.Equal(a.Findings, b.Findings) {
		d["findings"] = convention.Change{Before: a.Findings, After: b.Findings}
	}
	return d
}

// StakeCreated describes a new stake for the history.
func StakeCreated(s *Stake) map[string]convention.Change {
	d := onlyAfter(DiffStakes(&Stake{Fields: []string{}, Findings: []string{}}, s))
	return d
}

// StakeDeleted describes a deleted stake for the history.
func StakeDeleted(s *Stake) map[string]convention.Change {
	return onlyBefore(DiffStakes(s, &Stake{Fields: []string{}, Findings: []string{}}))
}

// SortStakes orders stakes by priority, then title.
func SortStakes(ss []Stake) {
	slices.SortStableFunc(ss, func(a, b Stake) int {
		if a.Priority != b.Priority {
			return a.Priority - b.Priority
		}
		if c := strings.Compare(territory.Normalize(a.Title), territory.Normalize(b.Title)); c != 0 {
			return c
		}
		return strings.Compare(a.ID, b.ID)
	})
}

// thousands writes n with a no-break space between thousands: 2 001.
func thousands(n int) string {
	s := strconv.Itoa(n)
	for i := len(s) - 3; i > 0 && s[i-1] != '-'; i -= 3 {
		s = s[:i] + "\u00a0" + s[i:]
	}
	return s
}
