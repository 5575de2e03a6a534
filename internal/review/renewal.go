package review

import (
	"math"
	"regexp"
	"strconv"
	"strings"

	"ctg/internal/convention"
	"ctg/internal/plan"
)

// Renewal is the body of POST /api/v1/conventions/{id}/renewal: the title
// and period of the new convention. Kind is optional: the renewal of a CEJ
// is a CTG (each CEJ gives way to a CTG when it ends), any other keeps its
// kind.
type Renewal struct {
	Title string `json:"title"`
	Start string `json:"start"`
	End   string `json:"end"`
	Kind  string `json:"kind"`
}

// RenewalKind is the kind of the convention that renews one of kind k.
func RenewalKind(k string) string {
	if k == convention.KindCEJ {
		return convention.KindCTG
	}
	return k
}

// Renewable reports whether a convention may be renewed now: once signed,
// and while no other convention renews it.
func Renewable(c *convention.Convention) bool {
	return c.RenewedBy == nil && (c.Status == convention.StatusSigned || c.Status == convention.StatusEnded)
}

// NextPeriod proposes the period of the convention that renews one from
// start to end (YYYY-MM-DD), starting the day after its end. A convention
// ending on a 31 December is followed by as many calendar years as it
// touched: "2022-11-01".."2026-12-31" (2022 to 2026) gives
// "2027-01-01".."2031-12-31". Another lasts as long as it did, in whole
// years. It returns empty strings when the dates do not read.
func NextPeriod(start, end string) (string, string) {
	s, ok1 := convention.ParseDate(start)
	e, ok2 := convention.ParseDate(end)
	if !ok1 || !ok2 || !e.After(s) {
		return "", ""
	}
	next := e.AddDate(0, 0, 1)
	if e.Month() == 12 && e.Day() == 31 {
		return next.Format(convention.DateLayout), strconv.Itoa(e.Year()+e.Year()-s.Year()+1) + "-12-31"
	}
	years := max(1, int(math.Round(e.Sub(s).Hours()/24/365.25)))
	return next.Format(convention.DateLayout), e.AddDate(years, 0, 0).Format(convention.DateLayout)
}

var periodInTitle = regexp.MustCompile(`\b(\d{4})\s*[-–]\s*(\d{4})\b`)

// NextTitle proposes the title of the convention that renews one titled
// title, for the period from start to end: the years of a title that
// names them move on ("CTG Latitude Nord Gironde 2022-2026" gives "CTG
// Latitude Nord Gironde 2027-2031"), another title gets them at its end,
// and a CEJ renewed by a CTG is named as one.
func NextTitle(title, kind, start, end string) string {
	years := ""
	if len(start) >= 4 && len(end) >= 4 {
		years = start[:4] + "-" + end[:4]
	}
	t := strings.TrimSpace(title)
	if kind == convention.KindCEJ && RenewalKind(kind) == convention.KindCTG {
		t = strings.Replace(t, convention.KindShort(convention.KindCEJ), convention.KindShort(convention.KindCTG), 1)
	}
	if years == "" {
		return t
	}
	if loc := periodInTitle.FindStringIndex(t); loc != nil {
		return t[:loc[0]] + years + t[loc[1]:]
	}
	return t + " " + years
}

// Carried is what the renewal copies of an action marked to carry on: the
// action as it will be in the new plan, in status planned, without
// dates (they were the old period's) and with its stakes and findings
// still those of the old convention, which the store maps to the copies.
func Carried(a plan.Action) plan.Action {
	return plan.Action{Title: a.Title, Description: a.Description, Fields: a.Fields, Lead: a.Lead, Partners: a.Partners,
		Public: a.Public, Status: plan.StatusPlanned, Stakes: a.Stakes, Findings: a.Findings}
}
