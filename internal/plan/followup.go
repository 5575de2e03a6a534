package plan

import (
	"encoding/json"
	"maps"
	"math"
	"slices"
	"strconv"
	"time"
	"unicode/utf8"

	"ctg/internal/app"
	"ctg/internal/convention"
)

// Limits of the follow-up of an action.
const (
	MaxJournalText = 5000
	MaxUnit        = 40
)

// JournalEntry is a dated note of the follow-up of an action: what was
// done, decided or delayed. User is the name of who wrote it.
type JournalEntry struct {
	ID        string    `json:"id"`
	Action    string    `json:"action"`
	Date      string    `json:"date"`
	Text      string    `json:"text"`
	User      string    `json:"user"`
	CreatedAt time.Time `json:"created_at"`
}

// Validate tidies e and checks its date and text.
func (e *JournalEntry) Validate() error {
	e.Text = text(e.Text)
	bad := app.Fields{}
	if e.Date == "" {
		bad.Add("date", "Indiquez la date de la note, par exemple 2024-03-15.")
	} else {
		checkDate(bad, "date", e.Date, "La date")
	}
	if e.Text == "" {
		bad.Add("text", "Écrivez la note de suivi, par exemple « Premier comité de suivi tenu ; le marché est attribué ».")
	}
	checkLength(bad, "text", e.Text, MaxJournalText, "La note")
	return bad.Err()
}

// Indicator is a follow-up indicator of an action: a baseline, then a
// target and a value per year ("2024": 12), each year within the
// convention's period.
type Indicator struct {
	ID       string             `json:"id"`
	Action   string             `json:"action"`
	Position int                `json:"position"`
	Label    string             `json:"label"`
	Unit     string             `json:"unit"`
	Baseline *float64           `json:"baseline"`
	Targets  map[string]float64 `json:"targets"`
	Values   map[string]float64 `json:"values"`
	Version  int                `json:"version"`
	// CreatedAt and UpdatedAt are timestamps of the indicator itself.
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// Validate tidies ind and checks it; first and last are the years of the
// convention, outside which no target or value may lie.
func (ind *Indicator) Validate(first, last int) error {
	ind.Label = oneLine(ind.Label)
	ind.Unit = oneLine(ind.Unit)
	if ind.Targets == nil {
		ind.Targets = map[string]float64{}
	}
	if ind.Values == nil {
		ind.Values = map[string]float64{}
	}
	bad := app.Fields{}
	if ind.Label == "" {
		bad.Add("label", "Donnez un libellé à l'indicateur, par exemple « Nombre de familles accueillies ».")
	} else if utf8.RuneCountInString(ind.Label) > MaxTitle {
		bad.Add("label", "Le libellé ne doit pas dépasser 200 caractères.")
	}
	if utf8.RuneCountInString(ind.Unit) > MaxUnit {
		bad.Add("unit", "L'unité ne doit pas dépasser 40 caractères, par exemple « familles » ou « % ».")
	}
	if ind.Baseline != nil && !finite(*ind.Baseline) {
		bad.Add("baseline", "La valeur de départ doit être un nombre.")
	}
	checkYears(bad, "targets.", ind.Targets, first, last)
	checkYears(bad, "", ind.Values, first, last)
	return bad.Err()
}

// CheckValues checks the values of an indicator by year, as a body of
// their own: errors are keyed by the year.
func CheckValues(values map[string]float64, first, last int) error {
	bad := app.Fields{}
	checkYears(bad, "", values, first, last)
	return bad.Err()
}

// checkYears checks that every key of m is a year from first to last and
// every value a number; messages are keyed by prefix+year.
func checkYears(bad app.Fields, prefix string, m map[string]float64, first, last int) {
	for _, k := range slices.Sorted(maps.Keys(m)) {
		y, err := strconv.Atoi(k)
		switch {
		case err != nil || len(k) != 4:
			bad.Add(prefix+k, "« "+k+" » n'est pas une année : écrivez-la sur quatre chiffres, par exemple 2024.")
		case y < first || y > last:
			bad.Add(prefix+k, "L'année "+k+" n'est pas dans la période de la convention ("+strconv.Itoa(first)+" à "+strconv.Itoa(last)+").")
		case !finite(m[k]):
			bad.Add(prefix+k, "La valeur de "+k+" doit être un nombre.")
		}
	}
}

func finite(f float64) bool { return !math.IsNaN(f) && !math.IsInf(f, 0) }

// Years returns the first and last years of a convention's period
// (YYYY-MM-DD dates), the years its action indicators may cover.
func Years(c *convention.Convention) (first, last int) { return yearOf(c.Start), yearOf(c.End) }

// NullableNumber is a number of a patch that null clears: Set tells that
// the body held it, Value is nil for null.
type NullableNumber struct {
	Set   bool
	Value *float64
}

// UnmarshalJSON reads a number or null.
func (n *NullableNumber) UnmarshalJSON(b []byte) error {
	n.Set = true
	return json.Unmarshal(b, &n.Value)
}

// IndicatorPatch is a partial change of an indicator; absent fields stay.
// Targets, when sent, replace all the targets; values are set apart
// (CheckValues), as they are entered later, year after year.
type IndicatorPatch struct {
	Label    *string             `json:"label"`
	Unit     *string             `json:"unit"`
	Baseline NullableNumber      `json:"baseline"`
	Targets  *map[string]float64 `json:"targets"`
}

// Apply copies the set fields of p onto ind.
func (p IndicatorPatch) Apply(ind *Indicator) {
	if p.Label != nil {
		ind.Label = *p.Label
	}
	if p.Unit != nil {
		ind.Unit = *p.Unit
	}
	if p.Baseline.Set {
		ind.Baseline = p.Baseline.Value
	}
	if p.Targets != nil {
		ind.Targets = maps.Clone(*p.Targets)
	}
}

// DiffIndicators lists the fields that differ between two versions of an
// indicator, for the history.
func DiffIndicators(a, b *Indicator) map[string]convention.Change {
	d := map[string]convention.Change{}
	convention.Note(d, "label", a.Label, b.Label)
	convention.Note(d, "unit", a.Unit, b.Unit)
	if !equalPtr(a.Baseline, b.Baseline) {
		d["baseline"] = convention.Change{Before: a.Baseline, After: b.Baseline}
	}
	noteYears(d, "targets", a.Targets, b.Targets)
	noteYears(d, "values", a.Values, b.Values)
	return d
}

func noteYears(d map[string]convention.Change, name string, a, b map[string]float64) {
	if len(a) == 0 && len(b) == 0 || maps.Equal(a, b) {
		return
	}
	d[name] = convention.Change{Before: orEmpty(a), After: orEmpty(b)}
}

func orEmpty(m map[string]float64) map[string]float64 {
	if m == nil {
		return map[string]float64{}
	}
	return m
}

func equalPtr(a, b *float64) bool {
	return a == nil && b == nil || a != nil && b != nil && *a == *b
}

// YearResult is an indicator's target and value for one year.
type YearResult struct {
	Year   int      `json:"year"`
	Target *float64 `json:"target"`
	Value  *float64 `json:"value"`
	// Met tells whether the value reached the target, nil while either
	// is missing.
	Met *bool `json:"met"`
}

// Progress returns, for each year with a target or a value, in order,
// the target, the value and whether the value reached the target. A
// target below the baseline is one to go down to (fewer families waiting
// for a place): it is met by a value at or below it; any other target is
// met by a value at or above it.
func (ind *Indicator) Progress() []YearResult {
	years := map[string]bool{}
	for k := range ind.Targets {
		years[k] = true
	}
	for k := range ind.Values {
		years[k] = true
	}
	out := []YearResult{}
	for _, k := range slices.Sorted(maps.Keys(years)) {
		y, _ := strconv.Atoi(k)
		r := YearResult{Year: y}
		if t, ok := ind.Targets[k]; ok {
			r.Target = &t
		}
		if v, ok := ind.Values[k]; ok {
			r.Value = &v
		}
		if r.Target != nil && r.Value != nil {
			met := *r.Value >= *r.Target
			if ind.Baseline != nil && *r.Target < *ind.Baseline {
				met = *r.Value <= *r.Target
			}
			r.Met = &met
		}
		out = append(out, r)
	}
	return out
}
