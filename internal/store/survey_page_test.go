package store_test

import (
	"context"
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"ctg/internal/convention"
	"ctg/internal/store"
	"ctg/internal/survey"
	"ctg/internal/territory"
	"ctg/internal/testdb"
)

// TestSurveyPageData checks the responses per day and the free-text
// answers of the results page against what a reading of every response
// gives, under filters, with and without a search, as answers arrive
// across a Paris midnight and the change to summer time.
func TestSurveyPageData(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		f := newFixture(t, dsn)
		ctx := context.Background()
		// 21:00 in Paris on Saturday 28 March 2026; summer time begins
		// at 01:00 UTC the next morning.
		clk := time.Date(2026, 3, 28, 20, 0, 0, 0, time.UTC)
		f.db.Now = func() time.Time { return clk }
		c := f.create(t, f.editor, ctgLatitude(f.cc))
		questions := append(slices.Clone(benchQuestions), survey.Question{Key: "precisions", Kind: survey.KindText, Label: "Précisez"})
		sv := &survey.Survey{Title: "Vos besoins de familles", Closes: "2099-12-31", Questions: questions}
		if err := f.db.CreateSurvey(ctx, f.editor, c.ID, sv); err != nil {
			t.Fatal(err)
		}
		sv, err := f.db.OpenSurvey(ctx, f.editor, sv.ID)
		if err != nil {
			t.Fatal(err)
		}
		r := rand.New(rand.NewPCG(7, 8))
		texts := []string{"Une crèche de plus", "Plus de places en CRECHE le mercredi", "Un accueil le mercredi", "Des horaires élargis", "crèche"}
		inPerimeter := func(code string) (string, bool) { return code, slices.Contains(latitude, code) }
		answered := 0
		answer := func(n int) {
			t.Helper()
			for range n {
				raw := benchAnswers(r)
				if r.IntN(2) == 0 {
					raw["remarques"] = []string{texts[r.IntN(len(texts))]}
				}
				if r.IntN(3) == 0 {
					raw["precisions"] = []string{texts[r.IntN(len(texts))]}
				}
				a, err := sv.Check(raw, inPerimeter)
				if err != nil {
					t.Fatal(err)
				}
				channel := survey.ChannelWeb
				if answered%3 == 0 {
					channel = survey.ChannelPaper
				}
				if _, err := f.db.AddResponse(ctx, sv, a, channel, ""); err != nil {
					t.Fatal(err)
				}
				answered++
				clk = clk.Add(23 * time.Minute)
			}
		}

		filters := []survey.Filter{{}, {Commune: latitude[5]}, {Key: "age", Option: benchQuestions[0].Options[1]}}
		keeps := func(a survey.Answers, fl survey.Filter) bool {
			return (fl.Commune == "" || a.Text("commune") == fl.Commune) && (fl.Key == "" || a.Has(fl.Key, fl.Option))
		}
		check := func(when string) {
			t.Helper()
			for _, fl := range filters {
				// What the page read from every response before.
				days := map[string]*store.ResponseDay{}
				type key struct{ search, question string }
				want := map[key]store.TextAnswers{}
				err := f.db.EachResponse(ctx, f.reader, sv.ID, func(resp *survey.Response) error {
					if !keeps(resp.Answers, fl) {
						return nil
					}
					day := convention.Today(resp.CreatedAt)
					if days[day] == nil {
						days[day] = &store.ResponseDay{Date: day}
					}
					if resp.Channel == survey.ChannelPaper {
						days[day].Paper++
					} else {
						days[day].Web++
					}
					for _, search := range []string{"", "creche", "MERCREDI", "absent"} {
						for _, q := range []string{"remarques", "precisions"} {
							text := resp.Answers.Text(q)
							if text == "" || !strings.Contains(territory.Normalize(text), territory.Normalize(search)) {
								continue
							}
							w := want[key{search, q}]
							w.Count++
							if len(w.First) < 3 {
								w.First = append(w.First, store.TextAnswer{Response: resp.ID, CreatedAt: resp.CreatedAt, Text: text})
							}
							want[key{search, q}] = w
						}
					}
					return nil
				})
				if err != nil {
					t.Fatal(err)
				}
				var wantDays []store.ResponseDay
				for _, d := range days {
					wantDays = append(wantDays, *d)
				}
				slices.SortFunc(wantDays, func(a, b store.ResponseDay) int { return strings.Compare(a.Date, b.Date) })
				gotDays, err := f.db.ResponseDays(ctx, f.reader, sv.ID, fl)
				if err != nil {
					t.Fatal(err)
				}
				if len(gotDays) == 0 && len(wantDays) == 0 {
					gotDays = nil
				}
				if !reflect.DeepEqual(gotDays, wantDays) {
					t.Errorf("%s, %+v: days\n got %+v\nwant %+v", when, fl, gotDays, wantDays)
				}
				for _, search := range []string{"", "creche", "MERCREDI", "absent"} {
					got, err := f.db.TextAnswers(ctx, f.reader, sv.ID, fl, search, 3, nil)
					if err != nil {
						t.Fatal(err)
					}
					for _, q := range []string{"remarques", "precisions"} {
						g, w := got[q], want[key{search, q}]
						if g.Count != w.Count || !reflect.DeepEqual(g.First, w.First) {
							t.Errorf("%s, %+v, search %q, %s:\n got %+v\nwant %+v", when, fl, search, q, g, w)
						}
					}
				}
			}
		}
		check("no response")
		answer(40)
		check("after 40")
		answer(30)
		check("after 70")

		// Known days: 70 responses from 20:00 UTC on the 28th, 23
		// minutes apart, the last at 22:27 UTC on the 29th (00:27 in
		// Paris on the 30th, summer time); the 28th ends at 23:00 UTC,
		// the 29th at 22:00 UTC: 8, 60 and 2.
		days, err := f.db.ResponseDays(ctx, f.reader, sv.ID, survey.Filter{})
		if err != nil {
			t.Fatal(err)
		}
		var dates []string
		per := map[string]int{}
		for _, d := range days {
			dates = append(dates, d.Date)
			per[d.Date] = d.Web + d.Paper
		}
		if !slices.Equal(dates, []string{"2026-03-28", "2026-03-29", "2026-03-30"}) || per["2026-03-28"] != 8 || per["2026-03-30"] != 2 {
			t.Errorf("days: %+v", days)
		}
	})
}
