package budget

import (
	"cmp"
	"fmt"
	"maps"
	"net/url"
	"slices"
	"strconv"

	"ctg/internal/convention"
)

// Codes of warnings.
const (
	// WarnYearOutside: money planned in a year outside the convention's
	// period, as when the dates of the convention changed after the budget
	// was written.
	WarnYearOutside = "year_outside"
	// WarnFunderNotParty: a funder that is neither the CAF nor a party of
	// the convention, whose commitment the signature would not bind.
	WarnFunderNotParty = "funder_not_party"
)

// Warning is something about a budget that a partner wants to know before
// signing, without it stopping anyone from saving: a French message and
// the address of the lines concerned.
type Warning struct {
	Code    string `json:"code"`
	Message string `json:"message"`
	Link    string `json:"link,omitempty"`
}

// Check returns the warnings about the lines of a convention's budget
// (lines of one action, all of its lines, or lines already summed by
// funder and year: only funders, years and amounts count): money planned
// outside the years of the convention, one warning per year, then money of
// a funder that is not a party, one warning per funder. names gives the
// names of organisations by id, for lines without FunderName.
func Check(c *convention.Convention, lines []Line, names map[string]string) []Warning {
	start, end := Years(c)
	outside := map[int]int64{}
	strangers := map[string]int64{}
	lineNames := map[string]string{}
	for _, l := range lines {
		if (start > 0 && l.Year < start) || (end > 0 && l.Year > end) {
			outside[l.Year] += l.PlannedCents
		}
		if !c.HasParty(l.Funder) {
			strangers[l.Funder] += l.PlannedCents
			if l.FunderName != "" {
				lineNames[l.Funder] = l.FunderName
			}
		}
	}
	out := []Warning{}
	base := "/api/v1/conventions/" + url.PathEscape(c.ID) + "/budget/lines?"
	for _, y := range slices.Sorted(maps.Keys(outside)) {
		out = append(out, Warning{Code: WarnYearOutside, Link: base + "year=" + strconv.Itoa(y),
			Message: fmt.Sprintf("%d : %s prévus en dehors des années de la convention (%d-%d). Déplacez ces lignes vers une année de la convention ou modifiez ses dates.",
				y, FormatCents(outside[y]), start, end)})
	}
	name := func(id string) string {
		return cmp.Or(names[id], lineNames[id], id)
	}
	funders := slices.SortedFunc(maps.Keys(strangers), func(a, b string) int { return cmp.Compare(name(a), name(b)) })
	for _, f := range funders {
		out = append(out, Warning{Code: WarnFunderNotParty, Link: base + "funder=" + url.QueryEscape(f),
			Message: fmt.Sprintf("%s finance %s sans être partie à la convention : ajoutez-le aux parties avant la signature, ou corrigez le financeur de ces lignes.",
				name(f), FormatCents(strangers[f]))})
	}
	return out
}
