// Package budget holds the money of a plan of actions: the budget lines of
// each action (a funder, a year, a nature, the amount planned and the amount
// spent), their validation, the totals of a convention by funder, year,
// axis, field of intervention and nature, the warnings a partner wants
// before signing, and French amounts as people type and paste them.
//
// Amounts are euro cents in int64 everywhere: sums are exact, and no float
// touches money except the share of each funder, a ratio.
package budget

import (
	"fmt"
	"strconv"
	"strings"

	"ctg/internal/app"
	"ctg/internal/convention"
	"ctg/internal/territory"
)

// Natures of a budget line.
const (
	NatureFonctionnement = "fonctionnement"
	NatureInvestissement = "investissement"
)

// Natures lists the natures in display order with their French names.
var Natures = []struct{ Code, Label string }{
	{NatureFonctionnement, "Fonctionnement"},
	{NatureInvestissement, "Investissement"},
}

// NatureLabel returns the French name of a nature, or the code when unknown.
func NatureLabel(code string) string {
	for _, n := range Natures {
		if n.Code == code {
			return n.Label
		}
	}
	return code
}

// ValidNature reports whether code is a nature of budget line.
func ValidNature(code string) bool { return NatureLabel(code) != code }

// ParseNature reads a nature as a person writes it in a spreadsheet: the
// code or the French name, in any case, with or without accents, or the
// abbreviations "fonct." and "invest.". It reports false when it is none.
func ParseNature(s string) (string, bool) {
	switch f := territory.Normalize(s); {
	case f == "":
		return "", false
	case strings.HasPrefix(NatureFonctionnement, f) && len(f) >= 5:
		return NatureFonctionnement, true
	case strings.HasPrefix(NatureInvestissement, f) && len(f) >= 5:
		return NatureInvestissement, true
	}
	return "", false
}

// MaxCents is the largest amount a line may hold: 10 milliards d'euros, far
// above any convention (the largest CTG budgets are tens of millions). An
// amount above it is a mistake, most often euros sent as cents twice over.
const MaxCents int64 = 10_000_000_000 * 100

// MaxLines is the most budget lines one action may have.
const MaxLines = 1000

// Line is one budget line of an action: what a funder gives in a year,
// for running costs or for investment. ActualCents is nil until the money
// spent is known.
type Line struct {
	ID     string `json:"id,omitempty"`
	Action string `json:"action,omitempty"`
	// Funder is the id of an organisation.
	Funder string `json:"funder"`
	// FunderName is the funder's name, filled when lines are read.
	FunderName   string `json:"funder_name,omitempty"`
	Year         int    `json:"year"`
	Nature       string `json:"nature"`
	PlannedCents int64  `json:"planned_cents"`
	ActualCents  *int64 `json:"actual_cents"`
}

// Same reports whether a and b say the same thing, ids and names aside.
func (a Line) Same(b Line) bool {
	if a.Funder != b.Funder || a.Year != b.Year || a.Nature != b.Nature || a.PlannedCents != b.PlannedCents {
		return false
	}
	if a.ActualCents == nil || b.ActualCents == nil {
		return a.ActualCents == nil && b.ActualCents == nil
	}
	return *a.ActualCents == *b.ActualCents
}

// SameLines reports whether two lists of lines say the same thing, in the
// same order.
func SameLines(a, b []Line) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if !a[i].Same(b[i]) {
			return false
		}
	}
	return true
}

// Sum returns the planned total of lines and the total of the known
// actual amounts.
func Sum(lines []Line) (planned, actual int64) {
	for _, l := range lines {
		planned += l.PlannedCents
		if l.ActualCents != nil {
			actual += *l.ActualCents
		}
	}
	return planned, actual
}

// ActionBudget is the budget of one action: its lines in order, their
// totals, and the action's version, which a change of the lines increases
// (the If-Match of a change names it).
type ActionBudget struct {
	Action       string    `json:"action"`
	Convention   string    `json:"convention"`
	Version      int       `json:"version"`
	Lines        []Line    `json:"lines"`
	PlannedCents int64     `json:"planned_cents"`
	ActualCents  int64     `json:"actual_cents"`
	Warnings     []Warning `json:"warnings"`
}

// Years returns the first and last calendar years of a convention's
// period, from its start and end dates (0 when a date is not set).
func Years(c *convention.Convention) (start, end int) {
	year := func(date string) int {
		if len(date) < 4 {
			return 0
		}
		y, _ := strconv.Atoi(date[:4])
		return y
	}
	return year(c.Start), year(c.End)
}

// Problem is what is wrong with one field of one line, in French, without
// saying which line: Validate and the spreadsheet import each name the line
// their own way.
type Problem struct {
	Field   string // "funder", "year", "nature", "planned_cents", "actual_cents"
	Message string
}

// CheckLine tidies l (spaces around the funder and nature) and returns what
// is wrong with it, given the years of the convention (startYear..endYear;
// a bound of 0 is not checked).
func CheckLine(l *Line, startYear, endYear int) []Problem {
	l.Funder = strings.TrimSpace(l.Funder)
	l.Nature = strings.TrimSpace(l.Nature)
	var out []Problem
	add := func(field, msg string, args ...any) {
		out = append(out, Problem{field, fmt.Sprintf(msg, args...)})
	}
	if l.Funder == "" {
		add("funder", "indiquez le financeur.")
	}
	switch {
	case l.Year == 0:
		add("year", "indiquez l'année.")
	case (startYear > 0 && l.Year < startYear) || (endYear > 0 && l.Year > endYear):
		add("year", "l'année %d est en dehors de la convention (%d-%d).", l.Year, startYear, endYear)
	}
	if !ValidNature(l.Nature) {
		if l.Nature == "" {
			add("nature", "indiquez la nature de la dépense : fonctionnement ou investissement.")
		} else {
			add("nature", "la nature « %s » est inconnue : choisissez fonctionnement ou investissement.", l.Nature)
		}
	}
	amount := func(field, what string, cents int64) {
		switch {
		case cents < 0:
			add(field, "le montant %s ne peut pas être négatif (%s).", what, FormatCents(cents))
		case cents > MaxCents:
			add(field, "le montant %s (%s) dépasse 10 milliards d'euros : les montants s'écrivent en centimes, vérifiez-le.", what, FormatCents(cents))
		}
	}
	amount("planned_cents", "prévu", l.PlannedCents)
	if l.ActualCents != nil {
		amount("actual_cents", "réalisé", *l.ActualCents)
	}
	return out
}

// Validate tidies and checks the lines of an action, given the years of
// its convention. It returns an EInvalid error whose fields name each
// wrong value as "lines[i].year" (i from 0, as in the JSON body) with a
// French message naming the line from 1: "ligne 3 : l'année 2031 est en
// dehors de la convention (2022-2026)."
func Validate(lines []Line, startYear, endYear int) error {
	if len(lines) > MaxLines {
		return app.Invalid("Le budget de l'action compte trop de lignes.", map[string]string{
			"lines": fmt.Sprintf("Une action ne peut pas compter plus de %s lignes de budget (il y en a %s).", thousands(MaxLines), thousands(int64(len(lines))))})
	}
	bad := app.Fields{}
	for i := range lines {
		for _, p := range CheckLine(&lines[i], startYear, endYear) {
			bad.Add(LineField(i, p.Field), LineMessage(i, p.Message))
		}
	}
	if len(bad) == 0 {
		return nil
	}
	return app.Invalid("Certaines lignes du budget sont à corriger.", bad)
}

// LineField is the key of a field of the i-th line (from 0) in an error's
// fields: "lines[2].year".
func LineField(i int, field string) string {
	return "lines[" + strconv.Itoa(i) + "]." + field
}

// LineMessage prefixes msg with the number of the i-th line, from 1:
// "ligne 3 : …".
func LineMessage(i int, msg string) string {
	return "ligne " + strconv.Itoa(i+1) + " : " + msg
}
