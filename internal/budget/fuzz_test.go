package budget_test

import (
	"bytes"
	"errors"
	"regexp"
	"strings"
	"testing"

	"ctg/internal/app"
	"ctg/internal/budget"
	"ctg/internal/diagnostic"
)

// The readers of amounts and budget sheets, fuzzed (see .ci/run): they
// answer a value or an *app.Error with a French message, never a panic.

var quoted = regexp.MustCompile(`(?s)«.*»`)

func checkAppError(t *testing.T, err error) {
	t.Helper()
	var ae *app.Error
	if !errors.As(err, &ae) || ae.Code != app.EInvalid {
		t.Fatalf("error %T %v, want an *app.Error %s", err, err, app.EInvalid)
	}
	m := quoted.ReplaceAllString(app.ErrorMessage(err), "« »")
	if strings.TrimSpace(m) == "" {
		t.Fatal("an empty message")
	}
	for _, goText := range []string{"strconv.", "invalid syntax", "runtime error", "%!", "<nil>"} {
		if strings.Contains(m, goText) {
			t.Fatalf("the message %q shows Go's text %q", m, goText)
		}
	}
}

// FuzzParseCents reads any text as an amount in euros. An amount read is
// the one FormatCents writes back, and that text reads as the same cents.
func FuzzParseCents(f *testing.F) {
	for _, s := range []string{"1 234,56 €", "1234.5", "12 000", "1.234.567,89", "1,234.50", "-12", "1\u00a0234,56\u00a0€", "12 EUR",
		"1,234", "1,2,3", "", "€", "-", "+3", "−4,5", "9999999999999999", "99999999999999999", "0,001", "1,230", "abc", "1e3", "'12"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		c, err := budget.ParseCents(s)
		if err != nil {
			checkAppError(t, err)
			return
		}
		text := budget.FormatCents(c)
		again, err := budget.ParseCents(text)
		if err != nil || again != c {
			t.Fatalf("%q reads as %d cents, written %q, which reads as %d (%v)", s, c, text, again, err)
		}
	})
}

// FuzzReadSheet reads any file as a budget sheet: a line read has its
// problems, or an action, a year, a nature and an amount planned.
func FuzzReadSheet(f *testing.F) {
	for _, s := range []string{
		"Action;Année;Nature;Prévu (€);Réalisé (€);Code financeur;Financeur\nAxe 1 / Action 1;2027;fonctionnement;1 200,50;;caf-33;Caf\nAxe 2 / Action 3;2028;investissement;1234.5599999999999;12;;Commune\n",
		"Axe;Titre de l'axe;Action;Intitulé de l'action;Financeur;Code financeur;Année;Nature;Prévu (€);Réalisé (€)\n1;Axe;A1.1;x;Caf;caf-33;2027.0;Fonctionnement;-3;abc\n",
		"Action,Année,Nature,Prévu,Financeur\n,,,,\nx,y,z,w,v\n",
		"a;b\n1;2\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		tb, err := diagnostic.ReadTable(bytes.NewReader(data), "budget.csv")
		if err != nil {
			return // the diagnostic's fuzzing reads tables
		}
		lines, err := budget.ReadSheet(tb)
		if err != nil {
			checkAppError(t, err)
			return
		}
		if len(lines) != len(tb.Rows) {
			t.Fatalf("%d lines of %d rows", len(lines), len(tb.Rows))
		}
		for _, l := range lines {
			for _, p := range l.Problems {
				if strings.TrimSpace(p.Message) == "" || p.Field == "" {
					t.Fatalf("row %d: problem %+v", l.Row, p)
				}
			}
			if len(l.Problems) > 0 {
				continue
			}
			if l.AxisNumber <= 0 || l.ActionNumber <= 0 || l.Year < 1900 || l.Year > 2200 || !budget.ValidNature(l.Nature) ||
				(l.Funder == "" && l.FunderName == "") {
				t.Fatalf("row %d read without a problem: %+v", l.Row, l)
			}
		}
	})
}
