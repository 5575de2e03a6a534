package e2e

import (
	"context"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"ctg/internal/cli"
	"ctg/internal/review"
)

// reviewAxePages are the pages of the yearly reviews and the evaluation for
// TestAxe: the plan of the CTG Latitude Nord Gironde 2027-2031 gets the
// review of its first action for 2027 and a partner's comment, so that the
// pages show a review, charts and comments as well as what is left to do.
func reviewAxePages(t *testing.T, srv *cli.Running) []axePage {
	t.Helper()
	ctx := context.Background()
	u := demoUser(t, srv.DB, demoAdvisor)
	c := demoConvention(t, srv.DB, "CTG Latitude Nord Gironde 2027-2031")
	signed := demoConvention(t, srv.DB, "CTG Latitude Nord Gironde 2022-2026")
	p, err := srv.DB.Plan(ctx, u, c.ID)
	if err != nil || len(p.Actions()) == 0 {
		t.Fatalf("no plan in the demonstration data set: %v", err)
	}
	a := p.Actions()[0]
	if _, _, err := srv.DB.SetActionReview(ctx, u, a.ID, 2027, 0, review.Input{Status: "in_progress",
		Done: "Le comité de pilotage a validé le projet.", Difficulties: "Le recrutement prend du retard.", NextSteps: "Ouverture en 2028."}); err != nil {
		t.Fatal(err)
	}
	if err := srv.DB.AddReviewComment(ctx, u, c.ID, &review.Comment{Year: 2027, Organisation: "caf-33", Text: "La Caf suivra le recrutement."}); err != nil {
		t.Fatal(err)
	}
	reviews, year, form := "/conventions/"+c.ID+"/bilans", "/conventions/"+c.ID+"/bilans/2027", "/actions/"+a.ID+"/bilans/2027"
	evaluation := "/conventions/" + c.ID + "/evaluation"
	charts := func(t *testing.T, tb *tab) {
		tb.waitFor("the charts", `document.querySelectorAll(".chart canvas").length >= 3`)
	}
	return []axePage{
		{name: "reviews", who: demoAdvisor, path: reviews},
		{name: "reviews, every year open", who: demoAdvisor, path: reviews, act: func(t *testing.T, tb *tab) {
			tb.do("open every year", chromedp.Evaluate[chromedp.Void](`document.querySelectorAll("details").forEach(d => d.open = true)`))
		}},
		{name: "review of a year", who: demoAdvisor, path: year, act: charts},
		{name: "review of a year, comment with errors", who: demoAdvisor, path: year, act: func(t *testing.T, tb *tab) {
			tb.submit(`#formulaire-commentaire button[type=submit]`)
			tb.waitFor("the errors", `!!document.querySelector("#formulaire-commentaire .error-summary")`)
		}},
		{name: "review of a year of a reader", who: demoReader, path: year},
		{name: "review form", who: demoAdvisor, path: form},
		{name: "review form with errors", who: demoAdvisor, path: form, act: func(t *testing.T, tb *tab) {
			tb.do("type an amount in words", chromedp.SetValue(chromedp.CSS(`input[name=actual]`), "douze mille"),
				chromedp.SetValue(chromedp.ID("fr-status"), ""))
			tb.submit(`.review-form button[type=submit]`)
			tb.waitFor("the errors", `!!document.querySelector(".review-form .error-summary")`)
		}},
		{name: "review form of a reader", who: demoReader, path: form},
		{name: "evaluation", who: demoAdvisor, path: evaluation, act: charts},
		{name: "evaluation, entry with errors", who: demoAdvisor, path: evaluation, act: func(t *testing.T, tb *tab) {
			tb.do("write too long", chromedp.SetValue(chromedp.ID("fe-convention-results"), strings.Repeat("é", 20001)))
			tb.submit(`#evaluation-convention button[type=submit]`)
			tb.waitFor("the error", `!!document.querySelector("#fe-convention-results-error")`)
		}},
		{name: "evaluation of a reader", who: demoReader, path: evaluation},
		{name: "evaluation of a renewed convention", who: demoAdvisor, path: "/conventions/" + signed.ID + "/evaluation"},
	}
}
