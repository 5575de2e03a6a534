package reminder_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"
	_ "time/tzdata" // Today needs Europe/Paris even where the system has no zoneinfo

	"ctg/internal/account"
	"ctg/internal/convention"
	"ctg/internal/reminder"
)

func signed(id, title, start, end string) *convention.Convention {
	return &convention.Convention{ID: id, Kind: "ctg", Title: title, CAF: "caf-33", Parties: []string{"cc"}, Status: convention.StatusSigned, Start: start, End: end}
}

func TestReviewYear(t *testing.T) {
	for today, want := range map[string]int{
		"2026-01-01": 2024, "2026-01-31": 2024, "2026-02-01": 2025, "2026-12-31": 2025, "pas une date": 0,
	} {
		if got := reminder.ReviewYear(today); got != want {
			t.Errorf("ReviewYear(%s) = %d, want %d", today, got, want)
		}
	}
}

func TestDue(t *testing.T) {
	const today = "2026-03-02"
	latitude := signed("lat", "CTG Latitude Nord Gironde 2022-2026", "2022-11-01", "2026-12-31")
	later := signed("bdx", "CTG Bordeaux 2023-2027", "2023-01-01", "2027-12-31")
	renewed := signed("med", "CEJ Médoc 2019-2026", "2019-01-01", "2026-06-30")
	renewed.RenewedBy = new("med2")
	preparing := &convention.Convention{ID: "prep", Title: "CTG Montesquieu 2027-2031", Status: convention.StatusElaboration, Start: "2027-01-01", End: "2027-06-30"}
	f := reminder.Facts{
		Conventions: []*convention.Convention{latitude, later, renewed, preparing},
		Schedules: []reminder.Schedule{
			// Latitude's 2025: three actions run, one reviewed; two ended
			// in 2024, one starts in 2027 (one of them reviewed all the same).
			{Convention: "lat", Actions: 2, Reviewed: 1},
			{Convention: "lat", Start: "2025-06-01", End: "2025-12-31", Actions: 1},
			{Convention: "lat", End: "2024-12-31", Actions: 2, Reviewed: 1},
			{Convention: "lat", Start: "2027-01-01", Actions: 1},
			// Bordeaux's 2025 is complete.
			{Convention: "bdx", Actions: 4, Reviewed: 4},
			// A convention being prepared has no review to give.
			{Convention: "prep", Actions: 1},
		},
		Meetings: []reminder.Meeting{
			{ID: "m1", Convention: "prep", Committee: "copil", Date: "2026-03-16", Place: "Mairie de Saint-Savin"},
			{ID: "m2", Convention: "lat", Committee: "cotech", Title: "Bilan 2025", Date: today},
			{ID: "m3", Convention: "lat", Committee: "copil", Date: "2026-03-17"},      // 15 days ahead
			{ID: "m4", Convention: "lat", Committee: "copil", Date: "2026-03-01"},      // yesterday
			{ID: "m5", Convention: "ailleurs", Committee: "copil", Date: "2026-03-03"}, // not among the conventions
		},
	}
	got := reminder.Due(f, today)
	want := []reminder.Reminder{
		{Kind: "meeting_soon", Subject: "m2", Convention: "lat", Title: latitude.Title, Due: today, Link: "/conventions/lat/comites/m2",
			Message: "COTECH « Bilan 2025 » de la convention « CTG Latitude Nord Gironde 2022-2026 » le 02/03/2026 : préparez l'ordre du jour et les documents."},
		{Kind: "meeting_soon", Subject: "m1", Convention: "prep", Title: preparing.Title, Due: "2026-03-16", Link: "/conventions/prep/comites/m1",
			Message: "COPIL de la convention « CTG Montesquieu 2027-2031 » le 16/03/2026 (Mairie de Saint-Savin) : préparez l'ordre du jour et les documents."},
		{Kind: "convention_ending", Subject: "med", Convention: "med", Title: renewed.Title, Due: "2026-06-30", Link: "/conventions/med",
			Message: "La convention « CEJ Médoc 2019-2026 » prend fin le 30/06/2026 : son renouvellement est engagé, préparez l'évaluation finale."},
		{Kind: "convention_ending", Subject: "lat", Convention: "lat", Title: latitude.Title, Due: "2026-12-31", Link: "/conventions/lat",
			Message: "La convention « CTG Latitude Nord Gironde 2022-2026 » prend fin le 31/12/2026 : préparez l'évaluation et le renouvellement."},
		{Kind: "review_due", Subject: "lat", Convention: "lat", Title: latitude.Title, Due: "2026-01-31", Link: "/conventions/lat/bilans/2025",
			Message: "Le bilan 2025 de la convention « CTG Latitude Nord Gironde 2022-2026 » est incomplet : 2 actions sur 3 sans bilan, attendu depuis le 31/01/2026."},
	}
	// By date: the review's deadline is past, it comes first.
	want = append(want[4:], want[:4]...)
	if !slices.Equal(got, want) {
		t.Errorf("Due:\n%s\nwant:\n%s", lines(got), lines(want))
	}

	// In January, the review due is still the year before's.
	if got := reminder.Due(reminder.Facts{Conventions: []*convention.Convention{later}, Schedules: []reminder.Schedule{{Convention: "bdx", Actions: 1}}}, "2026-01-15"); len(got) != 1 ||
		!strings.Contains(got[0].Message, "bilan 2024") || !strings.Contains(got[0].Message, "1 action sur 1 sans bilan") || got[0].Due != "2025-01-31" {
		t.Errorf("January: %+v", got)
	}
	// A convention ending within 12 months, not beyond, and not on its last day.
	for day, n := range map[string]int{"2025-12-30": 0, "2025-12-31": 1, "2026-12-30": 1, "2026-12-31": 0} {
		if got := reminder.Due(reminder.Facts{Conventions: []*convention.Convention{latitude}}, day); countKind(got, "convention_ending") != n {
			t.Errorf("on %s: %d ending reminders, want %d", day, countKind(got, "convention_ending"), n)
		}
	}
}

func lines(rs []reminder.Reminder) string {
	var b strings.Builder
	for _, r := range rs {
		fmt.Fprintf(&b, "  %+v\n", r)
	}
	return b.String()
}

func countKind(rs []reminder.Reminder, kind string) int {
	n := 0
	for _, r := range rs {
		if r.Kind == kind {
			n++
		}
	}
	return n
}

func TestReceives(t *testing.T) {
	c := signed("lat", "CTG", "2022-01-01", "2026-12-31")
	for _, tc := range []struct {
		u    account.User
		want bool
	}{
		{account.User{OrgID: "caf-33", Role: account.RoleEditor}, true},
		{account.User{OrgID: "cc", Role: account.RoleAdmin}, true},
		{account.User{OrgID: "cc", Role: account.RoleReader}, false},
		{account.User{OrgID: "cc", Role: account.RoleEditor, Disabled: true}, false},
		// An administrator elsewhere sees the convention but does not follow it.
		{account.User{OrgID: "caf-75", Role: account.RoleAdmin}, false},
	} {
		if got := reminder.Receives(&tc.u, c); got != tc.want {
			t.Errorf("Receives(%+v) = %v", tc.u, got)
		}
	}
	// A reader follows the conventions of their organisation on the
	// dashboard, without mails.
	reader := account.User{OrgID: "cc", Role: account.RoleReader}
	if !reminder.Follows(&reader, c) || reminder.Follows(&account.User{OrgID: "caf-75", Role: account.RoleAdmin}, c) {
		t.Error("Follows: a reader of a party does not follow, or an administrator elsewhere does")
	}
}

func TestCompose(t *testing.T) {
	r := reminder.Reminder{Kind: "convention_ending", Link: "/conventions/lat",
		Message: "La convention « CTG Latitude » prend fin le 31/12/2026 : préparez l'évaluation et le renouvellement."}
	m := reminder.Compose(reminder.Recipient{Email: "marie@caf33.fr", Name: "Marie Dupont"}, []reminder.Reminder{r}, "https://ctg.caf33.fr/")
	if m.To != "marie@caf33.fr" || m.ToName != "Marie Dupont" ||
		m.Subject != "Rappel : La convention « CTG Latitude » prend fin le 31/12/2026 : préparez l'évaluation et le renouvellement" {
		t.Errorf("%+v", m)
	}
	for _, s := range []string{"Bonjour Marie Dupont,", "- " + r.Message + "\n  https://ctg.caf33.fr/conventions/lat\n", "tableau de bord"} {
		if !strings.Contains(m.Body, s) {
			t.Errorf("body lacks %q:\n%s", s, m.Body)
		}
	}
	m = reminder.Compose(reminder.Recipient{Email: "x@caf33.fr"}, []reminder.Reminder{r, r}, "")
	if m.Subject != "ctg : 2 rappels sur vos conventions" || !strings.HasPrefix(m.Body, "Bonjour,\n") || !strings.Contains(m.Body, "\n  /conventions/lat\n") {
		t.Errorf("%+v", m)
	}
}

func TestToday(t *testing.T) {
	// 23:30 UTC on 31 December is already the new year in Paris.
	if got := reminder.Today(time.Date(2026, 12, 31, 23, 30, 0, 0, time.UTC)); got != "2027-01-01" {
		t.Errorf("Today = %s", got)
	}
	if got := reminder.FrenchDate("2026-11-21"); got != "21/11/2026" {
		t.Errorf("FrenchDate = %s", got)
	}
}
