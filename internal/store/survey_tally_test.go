package store_test

import (
	"context"
	"math/rand/v2"
	"reflect"
	"slices"
	"testing"
	"time"

	"ctg/internal/store"
	"ctg/internal/survey"
	"ctg/internal/testdb"
)

// TestSurveyTallies checks that results and crosstabs kept as running
// tallies, brought up to date as answers arrive, read the same as results
// counted afresh over every response.
func TestSurveyTallies(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		f := newFixture(t, dsn)
		ctx := context.Background()
		clk := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
		f.db.Now = func() time.Time { return clk }
		c := f.create(t, f.editor, ctgLatitude(f.cc))
		sv := &survey.Survey{Title: "Vos besoins de familles", Closes: "2099-12-31", Questions: slices.Clone(benchQuestions)}
		if err := f.db.CreateSurvey(ctx, f.editor, c.ID, sv); err != nil {
			t.Fatal(err)
		}
		sv, err := f.db.OpenSurvey(ctx, f.editor, sv.ID)
		if err != nil {
			t.Fatal(err)
		}
		r := rand.New(rand.NewPCG(3, 4))
		inPerimeter := func(code string) (string, bool) { return code, slices.Contains(latitude, code) }
		answer := func(n int) {
			t.Helper()
			for range n {
				a, err := sv.Check(benchAnswers(r), inPerimeter)
				if err != nil {
					t.Fatal(err)
				}
				if _, err := f.db.AddResponse(ctx, sv, a, survey.ChannelWeb, ""); err != nil {
					t.Fatal(err)
				}
			}
		}
		tallies := func() int {
			t.Helper()
			var n int
			if err := f.db.SQL().Get(&n, f.db.SQL().Rebind(`SELECT COUNT(*) FROM survey_tallies WHERE survey_id = ?`), sv.ID); err != nil {
				t.Fatal(err)
			}
			return n
		}
		commune := survey.Filter{Commune: latitude[0]}
		type view struct {
			All, Commune *survey.Results
			Cross        *survey.Crosstab
		}
		look := func() view {
			t.Helper()
			var v view
			var err error
			if v.All, err = f.db.Results(ctx, f.reader, sv.ID, survey.Filter{}); err != nil {
				t.Fatal(err)
			}
			if v.Commune, err = f.db.Results(ctx, f.reader, sv.ID, commune); err != nil {
				t.Fatal(err)
			}
			if v.Cross, err = f.db.Crosstab(ctx, f.reader, sv.ID, "age", "modes", survey.Filter{}); err != nil {
				t.Fatal(err)
			}
			return v
		}
		// afresh forgets the tallies, so that results are counted over
		// every response.
		afresh := func() view {
			t.Helper()
			if _, err := f.db.SQL().Exec(`DELETE FROM survey_tallies`); err != nil {
				t.Fatal(err)
			}
			return look()
		}

		answer(30)
		if v := look(); v.All.Responses != 30 || tallies() != 0 {
			t.Fatalf("fresh answers: %d responses, %d tallies stored", v.All.Responses, tallies())
		}
		clk = clk.Add(time.Minute)
		first := look()
		if first.All.Responses != 30 || tallies() != 3 {
			t.Fatalf("settled answers: %d responses, %d tallies stored", first.All.Responses, tallies())
		}
		answer(25)
		second := look()
		if second.All.Responses != 55 {
			t.Errorf("after 25 more: %d responses", second.All.Responses)
		}
		clk = clk.Add(time.Minute)
		answer(5)
		third := look()
		if third.All.Responses != 60 || third.Commune.Responses == 0 || third.Commune.Responses >= 60 {
			t.Errorf("after 5 more: %d responses, %d in %s", third.All.Responses, third.Commune.Responses, latitude[0])
		}
		if fresh := afresh(); !reflect.DeepEqual(fresh, third) {
			t.Errorf("running tallies differ from a fresh count:\n%+v\nfresh:\n%+v", third, fresh)
		}

		if f.db.Dialect != store.Postgres {
			return
		}
		// PostgreSQL hands out an id, then another transaction commits a
		// later one first: the earlier response, seen after a tally was
		// stored past its id, must still be counted.
		var late int64
		if err := f.db.SQL().Get(&late, `SELECT nextval(pg_get_serial_sequence('survey_responses', 'id'))`); err != nil {
			t.Fatal(err)
		}
		clk = clk.Add(time.Minute)
		answer(3)
		clk = clk.Add(time.Minute)
		if v := look(); v.All.Responses != 63 {
			t.Fatalf("before the late one: %d responses", v.All.Responses)
		}
		if _, err := f.db.SQL().Exec(`INSERT INTO survey_responses (id, survey_id, channel, answers, created_at) VALUES ($1, $2, 'paper', '{"age":"25 à 34 ans"}', $3)`,
			late, sv.ID, clk.Add(-time.Hour)); err != nil {
			t.Fatal(err)
		}
		if _, err := f.db.SQL().Exec(`INSERT INTO response_values (survey_id, response_id, question_key, option) VALUES ($1, $2, 'age', '25 à 34 ans')`, sv.ID, late); err != nil {
			t.Fatal(err)
		}
		// Found when the tally next moves on, with the next settled answer.
		answer(1)
		clk = clk.Add(time.Minute)
		got := look()
		if got.All.Responses != 65 || got.All.ByChannel[survey.ChannelPaper] != 1 {
			t.Errorf("with the late response: %d responses, %d on paper", got.All.Responses, got.All.ByChannel[survey.ChannelPaper])
		}
		if fresh := afresh(); !reflect.DeepEqual(fresh, got) {
			t.Errorf("after a late response, tallies differ from a fresh count:\n%+v\nfresh:\n%+v", got, fresh)
		}
	})
}
