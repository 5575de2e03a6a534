package survey

import (
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"ctg/internal/app"
)

func f(v float64) *float64 { return &v }

// valid is a small survey of every kind of question.
func valid() Survey {
	return Survey{Title: "Vos besoins de familles", Questions: []Question{
		{Key: "age", Kind: KindAge, Label: "Votre âge", Options: []string{"18-25 ans", "26-45 ans", "46 ans et plus"}, Required: true},
		{Key: "commune", Kind: KindCommune, Label: "Votre commune"},
		{Key: "modes", Kind: KindMultiple, Label: "Modes de garde", Options: []string{"Crèche", "Assistante maternelle", "Famille"}},
		{Key: "foyer", Kind: KindSingle, Label: "Foyer", Options: []string{"Seul", "En couple"}},
		{Key: "satisfaction", Kind: KindScale, Label: "Satisfaction", Min: f(1), Max: f(5)},
		{Key: "enfants", Kind: KindNumber, Label: "Nombre d'enfants", Min: f(0), Max: f(15)},
		{Key: "remarques", Kind: KindText, Label: "Remarques"},
	}}
}

func TestValidate(t *testing.T) {
	s := valid()
	if err := s.Validate(); err != nil {
		t.Fatalf("valid survey: %v", err)
	}
	many := make([]Question, 101)
	for i := range many {
		many[i] = Question{Key: "q" + strings.Repeat("x", i%3) + string(rune('a'+i%26)) + strings.Repeat("0", i/26), Kind: KindText, Label: "Q"}
	}
	for _, tc := range []struct {
		name   string
		change func(s *Survey)
		field  string
	}{
		{"no title", func(s *Survey) { s.Title = "  " }, "title"},
		{"long title", func(s *Survey) { s.Title = strings.Repeat("é", 201) }, "title"},
		{"long intro", func(s *Survey) { s.Intro = strings.Repeat("é", 5001) }, "intro"},
		{"bad closing date", func(s *Survey) { s.Closes = "30/06/2026" }, "closes"},
		{"no question", func(s *Survey) { s.Questions = nil }, "questions"},
		{"too many questions", func(s *Survey) { s.Questions = many }, "questions"},
		{"duplicate key", func(s *Survey) { s.Questions[3].Key = "age" }, "questions[3].key"},
		{"bad key", func(s *Survey) { s.Questions[2].Key = "Modes de garde" }, "questions[2].key"},
		{"empty key", func(s *Survey) { s.Questions[2].Key = "" }, "questions[2].key"},
		{"unknown kind", func(s *Survey) { s.Questions[1].Kind = "date" }, "questions[1].kind"},
		{"no label", func(s *Survey) { s.Questions[1].Label = "" }, "questions[1].label"},
		{"single without options", func(s *Survey) { s.Questions[3].Options = nil }, "questions[3].options"},
		{"multiple with one option", func(s *Survey) { s.Questions[2].Options = []string{"Crèche", " "} }, "questions[2].options"},
		{"age without options", func(s *Survey) { s.Questions[0].Options = []string{} }, "questions[0].options"},
		{"duplicate option", func(s *Survey) { s.Questions[2].Options = []string{"Crèche", "Famille", " Crèche"} }, "questions[2].options"},
		{"options on a text", func(s *Survey) { s.Questions[6].Options = []string{"a", "b"} }, "questions[6].options"},
		{"scale without bounds", func(s *Survey) { s.Questions[4].Max = nil }, "questions[4].min"},
		{"scale upside down", func(s *Survey) { s.Questions[4].Min, s.Questions[4].Max = f(5), f(1) }, "questions[4].max"},
		{"scale of equal bounds", func(s *Survey) { s.Questions[4].Min = f(5) }, "questions[4].max"},
		{"scale not integer", func(s *Survey) { s.Questions[4].Max = f(4.5) }, "questions[4].min"},
		{"number upside down", func(s *Survey) { s.Questions[5].Min = f(20) }, "questions[5].max"},
		{"bounds on a single", func(s *Survey) { s.Questions[3].Min = f(1) }, "questions[3].min"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := valid()
			tc.change(&s)
			err := s.Validate()
			if app.ErrorCode(err) != app.EInvalid || app.ErrorFields(err)[tc.field] == "" {
				t.Errorf("Validate = %v, want a message on %s", err, tc.field)
			}
		})
	}
	if !strings.Contains(DefaultIntro, "conservées") || !strings.Contains(DefaultIntro, "anonyme") {
		t.Error("the default notice says neither how long answers are kept nor that the survey is anonymous")
	}
	for _, tpl := range Templates() {
		s := Survey{Title: tpl.Label, Questions: tpl.Questions}
		if err := s.Validate(); err != nil {
			t.Errorf("template %s: %v", tpl.Code, err)
		}
	}
}

// perimeter knows 33473 and its former code 33999.
func perimeter(code string) (string, bool) {
	if code == "33999" {
		code = "33473"
	}
	return code, code == "33473" || code == "33123"
}

func TestCheck(t *testing.T) {
	s := valid()
	if err := s.Validate(); err != nil {
		t.Fatal(err)
	}
	got, err := s.Check(map[string][]string{
		"age": {"26-45 ans"}, "commune": {"33999"}, "modes": {"Famille", "Crèche", "Famille"}, "foyer": {""},
		"satisfaction": {"4"}, "enfants": {"2,5"}, "remarques": {"  Plus de places le samedi.  "}, "nonce": {"x"},
	}, perimeter)
	if err != nil {
		t.Fatal(err)
	}
	want := Answers{"age": "26-45 ans", "commune": "33473", "modes": []string{"Crèche", "Famille"}, "satisfaction": 4.0,
		"enfants": 2.5, "remarques": "Plus de places le samedi."}
	if len(got) != len(want) {
		t.Errorf("answers %v, want %v", got, want)
	}
	for k, w := range want {
		if ws, ok := w.([]string); ok {
			if gs, _ := got[k].([]string); !slices.Equal(gs, ws) {
				t.Errorf("%s = %v, want %v", k, got[k], w)
			}
		} else if got[k] != w {
			t.Errorf("%s = %#v, want %#v", k, got[k], w)
		}
	}
	if vals := s.Values(got); len(vals) != 7 {
		t.Errorf("%d values, want 7 (two options of modes)", len(vals))
	}

	for _, tc := range []struct {
		name string
		form map[string][]string
		key  string
	}{
		{"missing required", map[string][]string{"age": {" "}}, "age"},
		{"unknown option", map[string][]string{"age": {"12 ans"}}, "age"},
		{"two answers to a single", map[string][]string{"age": {"18-25 ans", "26-45 ans"}}, "age"},
		{"unknown option among several", map[string][]string{"modes": {"Crèche", "Voisin"}}, "modes"},
		{"not a number", map[string][]string{"enfants": {"deux"}}, "enfants"},
		{"number out of range", map[string][]string{"enfants": {"16"}}, "enfants"},
		{"number below range", map[string][]string{"enfants": {"-1"}}, "enfants"},
		{"scale out of range", map[string][]string{"satisfaction": {"6"}}, "satisfaction"},
		{"scale not integer", map[string][]string{"satisfaction": {"3,5"}}, "satisfaction"},
		{"text too long", map[string][]string{"remarques": {strings.Repeat("é", 2001)}}, "remarques"},
		{"commune outside", map[string][]string{"commune": {"75056"}}, "commune"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			form := maps.Clone(tc.form)
			if _, ok := form["age"]; !ok {
				form["age"] = []string{"18-25 ans"}
			}
			_, err := s.Check(form, perimeter)
			fields := app.ErrorFields(err)
			if fields[tc.key] == "" || len(fields) != 1 {
				t.Errorf("Check = %v, want one message, on %s", err, tc.key)
			}
		})
	}
	if _, err := s.Check(map[string][]string{"age": {"18-25 ans"}, "remarques": {strings.Repeat("é", 2000)}}, perimeter); err != nil {
		t.Errorf("2,000 characters: %v", err)
	}
}

func TestCheckJSON(t *testing.T) {
	s := valid()
	if err := s.Validate(); err != nil {
		t.Fatal(err)
	}
	got, err := s.CheckJSON(map[string]any{"age": "46 ans et plus", "modes": []any{"Crèche"}, "satisfaction": 2.0, "enfants": "1,5", "foyer": nil}, perimeter)
	if err != nil {
		t.Fatal(err)
	}
	if got["satisfaction"] != 2.0 || got["enfants"] != 1.5 || !got.Has("modes", "Crèche") || got.Text("modes") != "Crèche" {
		t.Errorf("answers %v", got)
	}
	_, err = s.CheckJSON(map[string]any{"age": true, "inconnue": "x", "modes": []any{map[string]any{}}, "enfants": 99.0}, perimeter)
	fields := app.ErrorFields(err)
	for _, k := range []string{"age", "inconnue", "modes", "enfants"} {
		if fields[k] == "" {
			t.Errorf("no message on %s: %v", k, err)
		}
	}
}

func TestParseFilterAndNumbers(t *testing.T) {
	s := valid()
	if _, err := s.ParseFilter("", "age:26-45 ans"); err != nil {
		t.Error(err)
	}
	for _, bad := range []string{"age", "inconnue:x", "remarques:x", "age:"} {
		if _, err := s.ParseFilter("", bad); app.ErrorFields(err)["filter"] == "" {
			t.Errorf("filter %q: %v", bad, err)
		}
	}
	for in, want := range map[string]float64{"3": 3, "3,5": 3.5, "1 200": 1200, " 2.25 ": 2.25} {
		if n, ok := ParseNumber(in); !ok || n != want {
			t.Errorf("ParseNumber(%q) = %v, %v", in, n, ok)
		}
	}
	if FormatNumber(3.5) != "3,5" || Percent(2, 3) != 66.7 || Percent(1, 0) != 0 {
		t.Error("FormatNumber or Percent")
	}
	if err := (&Survey{Status: StatusOpen, Closes: "2026-03-01"}).TakesAnswers("2026-03-02"); !IsClosed(err) {
		t.Errorf("past its closing date: %v", err)
	}
	if err := (&Survey{Status: StatusOpen, Closes: "2026-03-02"}).TakesAnswers("2026-03-02"); err != nil {
		t.Errorf("on its closing date: %v", err)
	}
}

func TestExport(t *testing.T) {
	s := valid()
	h := s.ExportHeader()
	if len(h) != 3+6+3 || h[5] != "Modes de garde : Crèche" || h[8] != "Foyer" {
		t.Errorf("header %q", h)
	}
	r := &Response{ID: 7, Channel: ChannelPaper, CreatedAt: time.Date(2026, 11, 21, 13, 5, 0, 0, time.UTC),
		Answers: Answers{"age": "26-45 ans", "modes": []any{"Famille"}, "enfants": 2.5}}
	row := s.ExportRow(r)
	want := []string{"7", "21/11/2026 14:05", "papier", "26-45 ans", "", "", "", "oui", "", "", "2,5", ""}
	if !slices.Equal(row, want) {
		t.Errorf("row %q, want %q", row, want)
	}
	r.Answers = Answers{"remarques": "=HYPERLINK(\"http://x\")", "enfants": -1.0}
	if row := s.ExportRow(r); row[11] != "'=HYPERLINK(\"http://x\")" || row[10] != "-1" {
		t.Errorf("formula in a text answer %q", row)
	}
}
