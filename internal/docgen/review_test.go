package docgen

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"ctg/internal/plan"
	"ctg/internal/review"
)

// sampleFacts are the facts of the reviews of the sample convention: its
// plan, indicators with values, its lines with some money spent, a
// review of every other action in 2024, a partner's comment and a few
// entries of the final evaluation.
func sampleFacts(actions, lines int) (*Convention, *review.Facts) {
	c := sampleConvention(actions, lines)
	f := &review.Facts{Convention: c.Convention, Plan: c.Plan, Names: c.Names}
	for _, ind := range c.Indicators {
		ind.Values = map[string]float64{"2023": 64, "2024": 151}
		f.Indicators = append(f.Indicators, ind)
	}
	for i, l := range c.Lines {
		line := l.Line
		if i%3 == 0 {
			spent := line.PlannedCents * 9 / 10
			line.ActualCents = &spent
		}
		f.Lines = append(f.Lines, line)
	}
	for i, a := range c.Plan.Actions() {
		if i%2 == 1 {
			continue
		}
		f.Reviews = append(f.Reviews, review.ActionReview{Action: a.ID, Year: 2024, Status: plan.StatusInProgress,
			Done:         "Le portail est ouvert depuis septembre : 151 familles inscrites ; l'accueil en mairie reste possible.",
			Difficulties: "Retard de l'éditeur « Familles+ » sur le paiement en ligne.", NextSteps: "Paiement en ligne au 1er trimestre 2025."})
		f.Entries = append(f.Entries, review.Entry{Subject: a.ID, Results: "Objectif atteint : 220 familles inscrites.", Assessment: "À reconduire.", CarryOn: true})
	}
	f.Comments = []review.Comment{{Year: 2024, OrganisationName: "MSA Gironde", Author: "Claire Dupont", Text: "Bilan partagé ; attention aux familles sans connexion.",
		CreatedAt: time.Date(2025, 2, 3, 10, 0, 0, 0, time.UTC)}}
	f.Entries = append(f.Entries, review.Entry{Subject: review.SubjectConvention, Results: "La convention a tenu ses engagements.", Assessment: "Renouveler en élargissant à la santé."})
	return c, f
}

func TestYearReviewPDF(t *testing.T) {
	c, f := sampleFacts(12, 120)
	y := &YearReview{Convention: c.Convention, CAF: c.CAF, Parties: c.Parties, Review: f.Year(2024), Generated: c.Generated}
	var buf bytes.Buffer
	if err := y.WritePDF(&buf); err != nil {
		t.Fatal(err)
	}
	keep(t, "bilan-2024.pdf", buf.Bytes())
	text := spaces(pdfText(t, buf.Bytes()))
	want := []string{"Bilan annuel 2024", c.Convention.Title, "Synthèse de l'année 2024", "Axe 1 / Action 1", "Retard de l'éditeur « Familles+ »",
		"Claire Dupont", "Cible atteinte", spaces(money(y.Review.PlannedCents))}
	for _, w := range want {
		if !strings.Contains(text, w) {
			t.Errorf("the review does not say %q", w)
		}
	}
}

func TestEvaluationPDF(t *testing.T) {
	c, f := sampleFacts(12, 120)
	e := &Evaluation{Convention: c.Convention, CAF: c.CAF, Parties: c.Parties, Evaluation: f.Evaluation(), Generated: c.Generated}
	var buf bytes.Buffer
	if err := e.WritePDF(&buf); err != nil {
		t.Fatal(err)
	}
	keep(t, "evaluation.pdf", buf.Bytes())
	text := spaces(pdfText(t, buf.Bytes()))
	want := []string{"Évaluation finale", "Renouveler en élargissant à la santé", "Actions proposées pour le renouvellement", "Axe 1 / Action 1",
		spaces(money(e.Evaluation.PlannedCents))}
	for _, w := range want {
		if !strings.Contains(text, w) {
			t.Errorf("the evaluation does not say %q", w)
		}
	}
}

// TestDocumentsOfNothing writes the documents of a convention with no
// plan, budget, diagnosis or review yet: they say so rather than fail.
func TestDocumentsOfNothing(t *testing.T) {
	c := sampleConvention(0, 0)
	c.Plan, c.Totals, c.Lines, c.Diagnosis, c.Findings, c.Stakes, c.Indicators = nil, nil, nil, nil, nil, nil, nil
	c.Parties = nil
	var buf bytes.Buffer
	if err := c.WriteDOCX(&buf); err != nil {
		t.Fatal(err)
	}
	if err := c.WritePDF(&buf); err != nil {
		t.Fatal(err)
	}
	f := &review.Facts{Convention: c.Convention, Plan: &plan.Plan{}}
	if err := (&YearReview{Convention: c.Convention, CAF: c.CAF, Review: f.Year(2023)}).WritePDF(&buf); err != nil {
		t.Fatal(err)
	}
	if err := (&Evaluation{Convention: c.Convention, CAF: c.CAF, Evaluation: f.Evaluation()}).WritePDF(&buf); err != nil {
		t.Fatal(err)
	}
}

// TestTextTheFontLacks writes text a person may type that the embedded
// font has no glyph for, or that XML cannot carry: the documents are
// written all the same.
func TestTextTheFontLacks(t *testing.T) {
	c := sampleConvention(1, 1)
	a := &c.Plan.Axes[0].Actions[0]
	a.Title = "Fête 🎉 des familles\x00\x07 — 中文 ≠ ∑"
	a.Description = "Ligne 1\r\nLigne 2\tavec tabulation\n\n\nFin\uFFFE."
	if err := c.WritePDF(&bytes.Buffer{}); err != nil {
		t.Fatal(err)
	}
	text := documentText(t, mustDOCX(t, c))
	if !strings.Contains(text, "Fête  des familles — 中文 ≠ ∑") {
		t.Errorf("the DOCX title: %q", text)
	}
}
