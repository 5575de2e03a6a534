package survey_test

import (
	"encoding/json"
	"errors"
	"net/url"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"ctg/internal/app"
	"ctg/internal/survey"
)

// The answers of the public form and of the API, fuzzed (see .ci/run):
// whatever a respondent sends is either answers to the questions or an
// *app.Error naming questions with French messages.

func fp(v float64) *float64 { return &v }

// fuzzSurvey has a question of every kind.
func fuzzSurvey(tb testing.TB) *survey.Survey {
	tb.Helper()
	s := &survey.Survey{Title: "Vos besoins", Questions: []survey.Question{
		{Key: "age", Kind: survey.KindAge, Label: "Votre âge", Options: []string{"Moins de 25 ans", "25 à 44 ans", "45 ans et plus"}, Required: true},
		{Key: "commune", Kind: survey.KindCommune, Label: "Votre commune"},
		{Key: "modes", Kind: survey.KindMultiple, Label: "Modes de garde", Options: []string{"Crèche", "Famille", "Assistante maternelle"}},
		{Key: "situation", Kind: survey.KindSingle, Label: "Situation", Options: []string{"En couple", "Seul(e)"}},
		{Key: "satisfaction", Kind: survey.KindScale, Label: "Satisfaction", Min: fp(1), Max: fp(5)},
		{Key: "enfants", Kind: survey.KindNumber, Label: "Enfants", Min: fp(0), Max: fp(20)},
		{Key: "remarques", Kind: survey.KindText, Label: "Remarques"},
	}}
	if err := s.Validate(); err != nil {
		tb.Fatal(err)
	}
	return s
}

// perimeter holds two communes; 33041 is a former code of 33473's.
func perimeter(code string) (string, bool) {
	switch code {
	case "33473", "33114":
		return code, true
	case "33041":
		return "33473", true
	}
	return code, false
}

var quoted = regexp.MustCompile(`(?s)«.*»`)

// checkAnswers checks what Check or CheckJSON returned.
func checkAnswers(t *testing.T, s *survey.Survey, a survey.Answers, err error) {
	t.Helper()
	if err != nil {
		var ae *app.Error
		if !errors.As(err, &ae) || ae.Code != app.EInvalid || len(app.ErrorFields(err)) == 0 {
			t.Fatalf("error %T %v, want an *app.Error with fields", err, err)
		}
		for k, m := range app.ErrorFields(err) {
			if m = quoted.ReplaceAllString(m, "« »"); strings.TrimSpace(m) == "" || strings.Contains(m, "%!") || strings.Contains(m, "strconv") {
				t.Fatalf("field %q: message %q", k, m)
			}
		}
		return
	}
	for k, v := range a {
		q, ok := s.Question(k)
		if !ok {
			t.Fatalf("an answer to no question: %q", k)
		}
		switch x := v.(type) {
		case string:
			if q.HasOptions() && !slices.Contains(q.Options, x) || x != strings.TrimSpace(x) || x == "" || utf8.RuneCountInString(x) > survey.MaxTextAnswer {
				t.Fatalf("%s: answer %q", k, x)
			}
			if q.Kind == survey.KindCommune {
				if _, in := perimeter(x); !in {
					t.Fatalf("%s: commune %q outside", k, x)
				}
			}
		case []string:
			for _, o := range x {
				if !slices.Contains(q.Options, o) {
					t.Fatalf("%s: option %q", k, o)
				}
			}
		case float64:
			if q.Min != nil && x < *q.Min || q.Max != nil && x > *q.Max {
				t.Fatalf("%s: %v out of range", k, x)
			}
		default:
			t.Fatalf("%s: answer of type %T", k, v)
		}
	}
	if _, ok := a["age"]; !ok {
		t.Fatal("the required question has no answer")
	}
	// The answers, sent again as a form, read the same.
	form := url.Values{}
	for k, v := range a {
		switch x := v.(type) {
		case string:
			form.Set(k, x)
		case []string:
			form[k] = x
		case float64:
			form.Set(k, survey.FormatNumber(x))
		}
	}
	again, err := s.Check(form, perimeter)
	if err != nil || !reflect.DeepEqual(again, a) {
		t.Fatalf("answers %v, sent again as %v, read as %v (%v)", a, form, again, err)
	}
}

// FuzzCheck reads any body of the public form.
func FuzzCheck(f *testing.F) {
	for _, s := range []string{
		"age=25+%C3%A0+44+ans&commune=33473&modes=Cr%C3%A8che&modes=Famille&enfants=2&satisfaction=4&situation=En+couple&remarques=Plus+de+places",
		"age=Moins+de+25+ans&commune=33041&enfants=1%2C5&satisfaction=4.0",
		"age=&commune=99999&modes=Autre&enfants=abc&satisfaction=3.5&situation=En+couple&situation=Seul(e)",
		"age=45+ans+et+plus&enfants=-1&satisfaction=6&nonce=x&inconnue=1", "", "%zz", "age=25+%C3%A0+44+ans&enfants=1e400",
	} {
		f.Add(s)
	}
	s := fuzzSurvey(f)
	f.Fuzz(func(t *testing.T, body string) {
		form, err := url.ParseQuery(body)
		if err != nil {
			return // the server answers a form it cannot read as such
		}
		a, err := s.Check(form, perimeter)
		checkAnswers(t, s, a, err)
	})
}

// FuzzCheckJSON reads any body of POST /api/v1/surveys/{id}/responses.
func FuzzCheckJSON(f *testing.F) {
	for _, s := range []string{
		`{"age":"25 à 44 ans","commune":"33473","modes":["Crèche","Famille"],"enfants":2,"satisfaction":"4","remarques":"Plus de places"}`,
		`{"age":["Moins de 25 ans"],"enfants":"1,5","situation":null}`,
		`{"age":true,"modes":[1,{"a":2}],"inconnue":"x"}`, `{}`, `[]`, `null`, `{"age":"25 à 44 ans","enfants":1e308}`,
	} {
		f.Add([]byte(s))
	}
	s := fuzzSurvey(f)
	f.Fuzz(func(t *testing.T, body []byte) {
		var raw map[string]any
		if json.Unmarshal(body, &raw) != nil {
			return // the API refuses a body that is no JSON object before
		}
		a, err := s.CheckJSON(raw, perimeter)
		checkAnswers(t, s, a, err)
	})
}
