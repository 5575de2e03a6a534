package docgen

import (
	"io"
	"strconv"
	"strings"
	"time"

	"ctg/internal/convention"
	"ctg/internal/plan"
	"ctg/internal/review"
)

// YearReview is the yearly review of a convention as a document: the
// figures of the year, then each action's review, indicators and money.
type YearReview struct {
	Convention *convention.Convention
	CAF        Party
	Parties    []Party
	Review     *review.YearReview
	Generated  time.Time
}

// Evaluation is the final evaluation of a convention as a document.
type Evaluation struct {
	Convention *convention.Convention
	CAF        Party
	Parties    []Party
	Evaluation *review.Evaluation
	Generated  time.Time
}

// WritePDF writes the yearly review as PDF.
func (y *YearReview) WritePDF(w io.Writer) error { return writePDF(w, y.document()) }

// WritePDF writes the final evaluation as PDF.
func (e *Evaluation) WritePDF(w io.Writer) error { return writePDF(w, e.document()) }

// reportCover is the cover of a review or an evaluation.
func reportCover(b builder, title string, c *convention.Convention, caf Party, parties []Party, generated time.Time) {
	b.add(paragraph{Style: styleTitle, Runs: []run{{Text: title}}})
	b.styled(styleSubtitle, c.Title)
	b.styled(styleCover, convention.KindLabel(c.Kind)+", du "+longDate(c.Start)+" au "+longDate(c.End))
	b.styled(styleCover, " ")
	names := []string{caf.Name}
	for _, p := range parties {
		names = append(names, p.Name)
	}
	b.styled(styleCover, list(names))
	b.styled(styleCover, " ")
	b.styled(styleCover, "État au "+dateWords(generated.In(paris)))
	b.add(pageBreak{}, contents{}, pageBreak{})
}

// ratio writes what was spent against what was planned: "62,5 %", or "—"
// when nothing was planned.
func ratio(actual, planned int64) string {
	if planned == 0 {
		return "—"
	}
	return percent(float64(actual) / float64(planned))
}

// met writes whether an indicator reached its target.
func met(m *bool) string {
	switch {
	case m == nil:
		return "—"
	case *m:
		return "Oui"
	}
	return "Non"
}

func optFigure(v *float64) string {
	if v == nil {
		return "—"
	}
	return figure(*v)
}

func indicatorLabel(label, unit string) string {
	if unit != "" {
		return label + " (" + unit + ")"
	}
	return label
}

// moneyTable is a table of money by funder: planned, spent and the rate.
func moneyTable(rows []review.Money, planned, actual int64) table {
	t := table{Cols: []column{{Width: 46}, {Width: 20, Right: true}, {Width: 20, Right: true}, {Width: 14, Right: true}},
		Head: []string{"Financeur", "Prévu", "Réalisé", "Taux"}}
	known := false
	for _, m := range rows {
		spent, rate := "non renseigné", "—"
		if m.ActualKnown {
			spent, rate = money(m.ActualCents), ratio(m.ActualCents, m.PlannedCents)
			known = true
		}
		t.Rows = append(t.Rows, []string{m.Name, money(m.PlannedCents), spent, rate})
	}
	if known {
		t.Foot = []string{"Total", money(planned), money(actual), ratio(actual, planned)}
	} else {
		t.Foot = []string{"Total", money(planned), "non renseigné", "—"}
	}
	return t
}

func (y *YearReview) document() *document {
	r := y.Review
	year := strconv.Itoa(r.Year)
	doc := &document{Title: "Bilan annuel " + year + " — " + y.Convention.Title, Subject: "Bilan annuel", Created: y.Generated}
	b := builder{doc}
	reportCover(b, "Bilan annuel "+year, y.Convention, y.CAF, y.Parties, y.Generated)

	b.h1("Synthèse de l'année " + year)
	b.p("En " + year + ", " + plural(r.Actions, "action était concernée", "actions étaient concernées") + " par le plan ; " +
		plural(r.Reviewed, "bilan d'action est rédigé", "bilans d'action sont rédigés") + ".")
	if len(r.ByStatus) > 0 {
		t := table{Cols: []column{{Width: 60}, {Width: 20, Right: true}}, Head: []string{"Statut donné par le bilan", "Actions"}}
		for _, s := range r.ByStatus {
			t.Rows = append(t.Rows, []string{s.Label, number(int64(s.Count))})
		}
		b.add(t)
	}
	if r.PlannedCents > 0 || r.ActualCents > 0 {
		b.p("Le budget prévu pour " + year + " est de " + money(r.PlannedCents) + " ; les dépenses réalisées connues s'élèvent à " +
			money(r.ActualCents) + " (" + ratio(r.ActualCents, r.PlannedCents) + " du prévu).")
		b.add(moneyTable(r.ByFunder, r.PlannedCents, r.ActualCents))
	}

	for _, x := range r.Axes {
		if len(x.Actions) == 0 {
			continue
		}
		b.h1("Axe " + strconv.Itoa(x.Number) + " — " + x.Title)
		for _, a := range x.Actions {
			b.h2(a.Ref + " — " + a.Title)
			status := a.StatusLabel
			if a.Review != nil {
				status = a.Review.StatusLabel()
			}
			b.add(table{Cols: []column{{Width: 30}, {Width: 70}}, Keys: true, Rows: [][]string{
				{"Porteur", cmpOr(a.LeadName, "—")},
				{"Calendrier", schedule(a.Start, a.End)},
				{"Statut en " + year, status},
			}})
			if a.Review == nil {
				b.styled(styleNote, "Le bilan "+year+" de cette action n'est pas encore rédigé.")
			} else {
				for _, part := range []struct{ label, text string }{
					{"Ce qui a été réalisé", a.Review.Done}, {"Difficultés rencontrées", a.Review.Difficulties}, {"Perspectives", a.Review.NextSteps},
				} {
					if len(paragraphs(part.text)) > 0 {
						b.styled(styleLabel, part.label)
						b.p(part.text)
					}
				}
			}
			if len(a.Indicators) > 0 {
				b.styled(styleLabel, "Indicateurs")
				t := table{Cols: []column{{Width: 40}, {Width: 15, Right: true}, {Width: 15, Right: true}, {Width: 15, Right: true}, {Width: 15, Right: true}},
					Head: []string{"Indicateur", "Référence", "Cible " + year, "Valeur " + year, "Cible atteinte"}}
				for _, ind := range a.Indicators {
					t.Rows = append(t.Rows, []string{indicatorLabel(ind.Label, ind.Unit), optFigure(ind.Baseline), optFigure(ind.Target), optFigure(ind.Value), met(ind.Met)})
				}
				b.add(t)
			}
			if len(a.Money) > 0 {
				b.styled(styleLabel, "Budget "+year)
				b.add(moneyTable(a.Money, a.PlannedCents, a.ActualCents))
			}
		}
	}

	if len(r.Comments) > 0 {
		b.h1("Commentaires des partenaires")
		for _, c := range r.Comments {
			who := c.Author
			if c.OrganisationName != "" {
				who = c.OrganisationName + " — " + c.Author
			}
			b.styled(styleLabel, strings.TrimSpace(who)+", le "+c.CreatedAt.In(paris).Format("02/01/2006"))
			b.p(c.Text)
		}
	}
	return doc
}

func (e *Evaluation) document() *document {
	ev := e.Evaluation
	doc := &document{Title: "Évaluation finale — " + e.Convention.Title, Subject: "Évaluation finale", Created: e.Generated}
	b := builder{doc}
	reportCover(b, "Évaluation finale", e.Convention, e.CAF, e.Parties, e.Generated)

	b.h1("Synthèse")
	entry(b, ev.Entry)
	b.p("Le plan comptait " + plural(ev.Actions, "action", "actions") + ". " + indicatorSentence(ev.Indicators))
	if len(ev.ByStatus) > 0 {
		t := table{Cols: []column{{Width: 60}, {Width: 20, Right: true}}, Head: []string{"Statut au dernier bilan", "Actions"}}
		for _, s := range ev.ByStatus {
			t.Rows = append(t.Rows, []string{s.Label, number(int64(s.Count))})
		}
		b.add(t)
	}
	b.h2("Bilan financier")
	b.p("Sur la période, " + money(ev.PlannedCents) + " étaient prévus et " + money(ev.ActualCents) + " ont été dépensés selon les montants connus (" +
		ratio(ev.ActualCents, ev.PlannedCents) + ").")
	b.add(moneyTable(ev.ByFunder, ev.PlannedCents, ev.ActualCents))
	if len(ev.ByYear) > 0 {
		t := table{Cols: []column{{Width: 46}, {Width: 20, Right: true}, {Width: 20, Right: true}, {Width: 14, Right: true}}, Head: []string{"Année", "Prévu", "Réalisé", "Taux"}}
		for _, y := range ev.ByYear {
			t.Rows = append(t.Rows, []string{strconv.Itoa(y.Year), money(y.PlannedCents), money(y.ActualCents), ratio(y.ActualCents, y.PlannedCents)})
		}
		t.Foot = []string{"Total", money(ev.PlannedCents), money(ev.ActualCents), ratio(ev.ActualCents, ev.PlannedCents)}
		b.add(t)
	}

	for _, x := range ev.Axes {
		b.h1("Axe " + strconv.Itoa(x.Number) + " — " + x.Title)
		entry(b, x.Entry)
		b.p("Prévu : " + money(x.PlannedCents) + " ; réalisé : " + money(x.ActualCents) + " (" + ratio(x.ActualCents, x.PlannedCents) + "). " +
			indicatorSentence(x.Indicators))
		for _, a := range x.Actions {
			b.h2(a.Ref + " — " + a.Title)
			var years []string
			for _, r := range a.Reviews {
				years = append(years, strconv.Itoa(r.Year)+nbsp+": "+strings.ToLower(planStatus(r.Status)))
			}
			carry := "Non"
			if a.Entry.CarryOn {
				carry = "Oui"
			}
			b.add(table{Cols: []column{{Width: 30}, {Width: 70}}, Keys: true, Rows: [][]string{
				{"Porteur", cmpOr(a.LeadName, "—")},
				{"Statut", a.StatusLabel},
				{"Bilans annuels", cmpOr(strings.Join(years, " ; "), "aucun")},
				{"Reconduction proposée", carry},
			}})
			entry(b, a.Entry)
			if len(a.Indicators) > 0 {
				b.styled(styleLabel, "Indicateurs sur la période")
				t := table{Cols: []column{{Width: 36}, {Width: 14, Right: true}, {Width: 17, Right: true}, {Width: 17, Right: true}, {Width: 16, Right: true}},
					Head: []string{"Indicateur", "Référence", "Dernière valeur", "Cible finale", "Cible atteinte"}}
				for _, ind := range a.Indicators {
					last, target := optFigure(ind.LastValue), optFigure(ind.Target)
					if ind.LastValue != nil && ind.LastYear > 0 {
						last += " (" + strconv.Itoa(ind.LastYear) + ")"
					}
					if ind.Target != nil && ind.TargetYear > 0 {
						target += " (" + strconv.Itoa(ind.TargetYear) + ")"
					}
					t.Rows = append(t.Rows, []string{indicatorLabel(ind.Label, ind.Unit), optFigure(ind.Baseline), last, target, met(ind.Met)})
				}
				b.add(t)
			}
			if len(a.ByFunder) > 0 {
				b.styled(styleLabel, "Budget sur la période")
				b.add(moneyTable(a.ByFunder, a.PlannedCents, a.ActualCents))
			}
		}
	}

	carried := ev.CarriedOn()
	b.h1("Actions proposées pour le renouvellement")
	if len(carried) == 0 {
		b.p("Aucune action n'est proposée à la reconduction à ce jour.")
	} else {
		b.p(plural(len(carried), "action est proposée", "actions sont proposées") + " à la reconduction dans la convention suivante :")
		for _, a := range carried {
			b.bullets(a.Ref + " — " + a.Title)
		}
	}
	return doc
}

// entry writes what the evaluation says of a subject.
func entry(b builder, e review.Entry) {
	if !e.Written() {
		b.styled(styleNote, "L'évaluation n'est pas encore rédigée pour cette partie.")
		return
	}
	if len(paragraphs(e.Results)) > 0 {
		b.styled(styleLabel, "Résultats au regard des objectifs")
		b.p(e.Results)
	}
	if len(paragraphs(e.Assessment)) > 0 {
		b.styled(styleLabel, "Appréciation")
		b.p(e.Assessment)
	}
}

func indicatorSentence(c review.IndicatorCount) string {
	if c.Total == 0 {
		return "Aucun indicateur de suivi n'était défini."
	}
	return "Sur " + plural(c.Total, "indicateur de suivi", "indicateurs de suivi") + ", " +
		plural(c.Met, "a atteint sa cible finale", "ont atteint leur cible finale") + ", " +
		plural(c.NotMet, "ne l'a pas atteinte", "ne l'ont pas atteinte") + " et " +
		plural(c.Unknown, "ne peut pas être mesuré", "ne peuvent pas être mesurés") + " faute de valeur ou de cible."
}

func planStatus(code string) string { return plan.StatusLabel(code) }

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}
