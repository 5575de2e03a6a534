package store_test

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"ctg/internal/app"
	"ctg/internal/survey"
	"ctg/internal/testdb"
)

func fl(v float64) *float64 { return &v }

// smallSurvey asks an age band, a commune, modes of care, a satisfaction
// and free text.
func smallSurvey() *survey.Survey {
	return &survey.Survey{Title: "Vos besoins de familles", Closes: "2026-06-30", Questions: []survey.Question{
		{Key: "age", Kind: survey.KindAge, Label: "Votre âge", Options: []string{"18-25 ans", "26-45 ans", "46 ans et plus"}, Required: true},
		{Key: "commune", Kind: survey.KindCommune, Label: "Votre commune"},
		{Key: "modes", Kind: survey.KindMultiple, Label: "Modes de garde", Options: []string{"Crèche", "Assistante maternelle", "Famille"}},
		{Key: "satisfaction", Kind: survey.KindScale, Label: "Satisfaction", Min: fl(1), Max: fl(5)},
		{Key: "remarques", Kind: survey.KindText, Label: "Remarques"},
	}}
}

func TestSurveys(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		f := newFixture(t, dsn)
		ctx := context.Background()
		ref := mustRef(t)
		c := f.create(t, f.editor, ctgLatitude(f.cc))

		// Access and validation.
		if err := f.db.CreateSurvey(ctx, f.reader, c.ID, smallSurvey()); app.ErrorCode(err) != app.EForbidden {
			t.Errorf("reader creates: %v", err)
		}
		if err := f.db.CreateSurvey(ctx, f.other, c.ID, smallSurvey()); app.ErrorCode(err) != app.ENotFound {
			t.Errorf("other CAF creates: %v", err)
		}
		if err := f.db.CreateSurvey(ctx, f.editor, c.ID, &survey.Survey{Questions: []survey.Question{{Key: "a", Kind: "single", Label: "A"}}}); app.ErrorFields(err)["questions[0].options"] == "" {
			t.Errorf("invalid survey: %v", err)
		}
		s := smallSurvey()
		if err := f.db.CreateSurvey(ctx, f.editor, c.ID, s); err != nil {
			t.Fatal(err)
		}
		if s.Status != survey.StatusDraft || s.Version != 1 || s.Intro != survey.DefaultIntro || s.Token != "" {
			t.Errorf("created %+v", s)
		}
		if _, err := f.db.Survey(ctx, f.other, s.ID); app.ErrorCode(err) != app.ENotFound {
			t.Errorf("other CAF reads: %v", err)
		}
		if list, err := f.db.Surveys(ctx, f.reader, c.ID); err != nil || len(list) != 1 || list[0].ID != s.ID || len(list[0].Questions) != 5 {
			t.Errorf("Surveys = %+v, %v", list, err)
		}
		if _, err := f.db.AddResponse(ctx, s, survey.Answers{"age": "26-45 ans"}, survey.ChannelWeb, ""); !errors.Is(err, survey.ErrNotOpen) {
			t.Errorf("answer to a draft: %v", err)
		}

		// Changes: drafts only, If-Match.
		title := "Questionnaire aux familles"
		up, err := f.db.UpdateSurvey(ctx, f.editor, s.ID, 1, survey.Patch{Title: &title})
		if err != nil || up.Version != 2 || up.Title != title || len(up.Questions) != 5 {
			t.Fatalf("UpdateSurvey = %+v, %v", up, err)
		}
		if _, err := f.db.UpdateSurvey(ctx, f.editor, s.ID, 1, survey.Patch{Title: &title}); app.ErrorCode(err) != app.EPreconditionFailed {
			t.Errorf("stale: %v", err)
		}
		if _, err := f.db.UpdateSurvey(ctx, f.reader, s.ID, 0, survey.Patch{Title: &title}); app.ErrorCode(err) != app.EForbidden {
			t.Errorf("reader: %v", err)
		}
		if _, err := f.db.CloseSurvey(ctx, f.editor, s.ID); app.ErrorCode(err) != app.EConflict {
			t.Errorf("close a draft: %v", err)
		}
		open, err := f.db.OpenSurvey(ctx, f.editor, s.ID)
		if err != nil || open.Status != survey.StatusOpen || len(open.Token) < 22 || open.PublicURL != "/q/"+open.Token {
			t.Fatalf("OpenSurvey = %+v, %v", open, err)
		}
		if again, err := f.db.OpenSurvey(ctx, f.editor, s.ID); err != nil || again.Token != open.Token || again.Version != open.Version {
			t.Errorf("open again = %+v, %v", again, err)
		}
		if byToken, err := f.db.SurveyByToken(ctx, open.Token); err != nil || byToken.ID != s.ID {
			t.Errorf("SurveyByToken = %+v, %v", byToken, err)
		}
		if _, err := f.db.SurveyByToken(ctx, "inconnu"); app.ErrorCode(err) != app.ENotFound {
			t.Errorf("unknown token: %v", err)
		}
		if _, err := f.db.UpdateSurvey(ctx, f.editor, s.ID, 0, survey.Patch{Title: &title}); app.ErrorCode(err) != app.EConflict {
			t.Errorf("change an open survey: %v", err)
		}

		// Responses: the public form checks then adds; staff type in paper ones.
		communes, err := f.db.PerimeterCommunes(ctx, ref, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		if codes, err := f.db.PerimeterCodes(ctx, c.ID); err != nil || !slices.Equal(codes, latitude) {
			t.Errorf("PerimeterCodes = %v, %v", codes, err)
		}
		if code, in := communes("33999"); in || code != "33999" {
			t.Errorf("an unknown code: %s, %v", code, in)
		}
		web := func(nonce string, form map[string][]string) {
			t.Helper()
			a, err := open.Check(form, communes)
			if err != nil {
				t.Fatalf("Check %v: %v", form, err)
			}
			if _, err := f.db.AddResponse(ctx, s, a, survey.ChannelWeb, nonce); err != nil {
				t.Fatalf("AddResponse %v: %v", form, err)
			}
		}
		web("n1", map[string][]string{"age": {"26-45 ans"}, "commune": {"33473"}, "modes": {"Crèche", "Famille"}, "satisfaction": {"4"}})
		web("n2", map[string][]string{"age": {"26-45 ans"}, "commune": {"33123"}, "modes": {"Crèche"}, "satisfaction": {"2"}, "remarques": {"Rien."}})
		web("", map[string][]string{"age": {"18-25 ans"}, "commune": {"33473"}})
		paper := func(raw map[string]any) error {
			_, err := f.db.AddPaperResponse(ctx, ref, f.editor, s.ID, raw, "")
			return err
		}
		if err := paper(map[string]any{"age": "46 ans et plus", "modes": []any{"Assistante maternelle"}, "satisfaction": 5}); err != nil {
			t.Fatal(err)
		}
		if err := paper(map[string]any{"age": "12 ans", "commune": "75056"}); app.ErrorFields(err)["age"] == "" || app.ErrorFields(err)["commune"] == "" {
			t.Errorf("bad paper response: %v", err)
		}
		if _, err := f.db.AddPaperResponse(ctx, ref, f.reader, s.ID, map[string]any{"age": "26-45 ans"}, ""); app.ErrorCode(err) != app.EForbidden {
			t.Errorf("paper response by a reader: %v", err)
		}
		// A replayed public submission is refused, and nothing is stored.
		a, _ := open.Check(map[string][]string{"age": {"18-25 ans"}, "modes": {"Famille"}}, communes)
		if _, err := f.db.AddResponse(ctx, s, a, survey.ChannelWeb, "n1"); !errors.Is(err, survey.ErrDuplicate) || app.ErrorCode(err) != app.EConflict {
			t.Errorf("replayed nonce: %v", err)
		}

		res, err := f.db.Results(ctx, f.reader, s.ID, survey.Filter{})
		if err != nil {
			t.Fatal(err)
		}
		if res.Responses != 4 || res.ByChannel["web"] != 3 || res.ByChannel["paper"] != 1 {
			t.Errorf("responses %d, by channel %v", res.Responses, res.ByChannel)
		}
		q := func(key string) survey.QuestionResult {
			for _, r := range res.Questions {
				if r.Key == key {
					return r
				}
			}
			t.Fatalf("no result for %s", key)
			return survey.QuestionResult{}
		}
		age := q("age")
		if age.Answered != 4 || age.Counts["26-45 ans"] != 2 || age.Percent["26-45 ans"] != 50 || age.Percent["18-25 ans"] != 25 ||
			!slices.Equal(age.Options, []string{"18-25 ans", "26-45 ans", "46 ans et plus"}) {
			t.Errorf("age %+v", age)
		}
		modes := q("modes")
		if modes.Answered != 3 || modes.Counts["Crèche"] != 2 || modes.Percent["Crèche"] != 66.7 || modes.Percent["Famille"] != 33.3 || modes.Counts["Assistante maternelle"] != 1 {
			t.Errorf("modes (multiple) %+v", modes)
		}
		sat := q("satisfaction")
		if sat.Answered != 3 || sat.Mean == nil || *sat.Mean != 3.67 || sat.Counts["4"] != 1 || sat.Counts["1"] != 0 || len(sat.Options) != 5 {
			t.Errorf("satisfaction %+v (mean %v)", sat, sat.Mean)
		}
		if com := q("commune"); com.Answered != 3 || com.Counts["33473"] != 2 || !slices.Equal(com.Options, []string{"33123", "33473"}) {
			t.Errorf("commune %+v", com)
		}
		if txt := q("remarques"); txt.Answered != 1 || len(txt.Counts) != 0 || txt.Mean != nil {
			t.Errorf("remarques %+v", txt)
		}

		// Filters: by commune, by an answer.
		byCommune, err := f.db.Results(ctx, f.reader, s.ID, survey.Filter{Commune: "33473"})
		if err != nil || byCommune.Responses != 2 || byCommune.Questions[0].Counts["18-25 ans"] != 1 || byCommune.Questions[0].Percent["26-45 ans"] != 50 {
			t.Errorf("in 33473: %+v, %v", byCommune, err)
		}
		byAge, err := f.db.Results(ctx, f.reader, s.ID, survey.Filter{Key: "age", Option: "26-45 ans"})
		if err != nil || byAge.Responses != 2 || byAge.Questions[2].Counts["Crèche"] != 2 || byAge.Questions[2].Percent["Crèche"] != 100 {
			t.Errorf("aged 26-45: %+v, %v", byAge, err)
		}

		// Crosstab.
		ct, err := f.db.Crosstab(ctx, f.reader, s.ID, "age", "modes", survey.Filter{})
		if err != nil {
			t.Fatal(err)
		}
		want := [][]int{{0, 0, 0}, {2, 0, 1}, {0, 1, 0}}
		if !slices.Equal(ct.Rows, age.Options) || !slices.Equal(ct.Cols, modes.Options) || !slices.EqualFunc(ct.Counts, want, slices.Equal) {
			t.Errorf("crosstab %+v", ct)
		}
		if _, err := f.db.Crosstab(ctx, f.reader, s.ID, "remarques", "inconnue", survey.Filter{}); app.ErrorFields(err)["rows"] == "" || app.ErrorFields(err)["cols"] == "" {
			t.Errorf("crosstab of bad keys: %v", err)
		}
		if _, err := f.db.Crosstab(ctx, f.other, s.ID, "age", "modes", survey.Filter{}); app.ErrorCode(err) != app.ENotFound {
			t.Errorf("crosstab by another CAF: %v", err)
		}

		// Export rows, oldest first.
		var exported []*survey.Response
		if err := f.db.EachResponse(ctx, f.reader, s.ID, func(r *survey.Response) error { exported = append(exported, r); return nil }); err != nil {
			t.Fatal(err)
		}
		if len(exported) != 4 || exported[0].Answers.Text("modes") != "Crèche ; Famille" || exported[0].Answers.Text("satisfaction") != "4" ||
			exported[3].Channel != "paper" || !exported[0].Answers.Has("modes", "Famille") {
			t.Errorf("exported %+v", exported)
		}
		if err := f.db.EachResponse(ctx, f.other, s.ID, func(*survey.Response) error { return nil }); app.ErrorCode(err) != app.ENotFound {
			t.Errorf("export by another CAF: %v", err)
		}

		// Past its closing date, then closed: no more answers, and it cannot reopen.
		f.db.Now = func() time.Time { return time.Date(2026, 7, 1, 9, 0, 0, 0, time.UTC) }
		if err := paper(map[string]any{"age": "26-45 ans"}); !survey.IsClosed(err) {
			t.Errorf("past its closing date: %v", err)
		}
		f.db.Now = func() time.Time { return time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC) }
		closed, err := f.db.CloseSurvey(ctx, f.editor, s.ID)
		if err != nil || closed.Status != survey.StatusClosed || closed.Token != open.Token {
			t.Fatalf("CloseSurvey = %+v, %v", closed, err)
		}
		if _, err := f.db.AddResponse(ctx, s, a, survey.ChannelWeb, "n9"); !survey.IsClosed(err) {
			t.Errorf("answer to a closed survey: %v", err)
		}
		if _, err := f.db.OpenSurvey(ctx, f.editor, s.ID); app.ErrorCode(err) != app.EConflict {
			t.Errorf("reopen: %v", err)
		}
		if res, _ := f.db.Results(ctx, f.reader, s.ID, survey.Filter{}); res.Responses != 4 {
			t.Errorf("refused answers were stored: %d responses", res.Responses)
		}

		h, err := f.db.History(ctx, f.reader, c.ID, 100)
		if err != nil {
			t.Fatal(err)
		}
		actions := map[string]int{}
		for _, e := range h {
			actions[e.Action]++
		}
		for a, n := range map[string]int{"survey.create": 1, "survey.update": 1, "survey.open": 1, "survey.close": 1} {
			if actions[a] != n {
				t.Errorf("%d lines %s, want %d: %v", actions[a], a, n, actions)
			}
		}
	})
}

// TestSurveyExportBatches reads more responses than one batch holds, in
// the order they came.
func TestSurveyExportBatches(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		f := newFixture(t, dsn)
		ctx := context.Background()
		c := f.create(t, f.editor, ctgLatitude(f.cc))
		s := smallSurvey()
		if err := f.db.CreateSurvey(ctx, f.editor, c.ID, s); err != nil {
			t.Fatal(err)
		}
		if _, err := f.db.OpenSurvey(ctx, f.editor, s.ID); err != nil {
			t.Fatal(err)
		}
		const n = 1100
		for i := range n {
			a := survey.Answers{"age": s.Questions[0].Options[i%3], "satisfaction": float64(1 + i%5)}
			if _, err := f.db.AddResponse(ctx, s, a, survey.ChannelWeb, ""); err != nil {
				t.Fatal(err)
			}
		}
		var seen int
		var last int64
		err := f.db.EachResponse(ctx, f.reader, s.ID, func(r *survey.Response) error {
			if r.ID <= last || r.Answers.Text("age") != s.Questions[0].Options[seen%3] {
				t.Fatalf("response %d (after %d): %v", r.ID, last, r.Answers)
			}
			seen, last = seen+1, r.ID
			return nil
		})
		if err != nil || seen != n {
			t.Errorf("EachResponse read %d responses, %v; want %d", seen, err, n)
		}
		res, err := f.db.Results(ctx, f.reader, s.ID, survey.Filter{})
		if err != nil || res.Responses != n || res.Questions[3].Counts["1"] != 220 || *res.Questions[3].Mean != 3 {
			t.Errorf("results %+v, %v", res, err)
		}
	})
}
