package survey

import (
	"encoding/json"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"ctg/internal/app"
)

// Channels a response comes by.
const (
	ChannelWeb   = "web"
	ChannelPaper = "paper"
)

// ValidChannel reports whether c is a channel.
func ValidChannel(c string) bool { return c == ChannelWeb || c == ChannelPaper }

// Answers are the checked answers of one response, by question key: a
// string for single, age, text and commune (the option's text, the text,
// the commune code), a []string for multiple, a float64 for scale and
// number. Unanswered questions have no key.
type Answers map[string]any

// Response is one stored response.
type Response struct {
	ID        int64     `json:"id"`
	Channel   string    `json:"channel"`
	CreatedAt time.Time `json:"created_at"`
	Answers   Answers   `json:"answers"`
}

// Commune is what checking answers needs to know about a commune code: the
// current code it stands for (a former code answers the current one), and
// whether that commune is in the convention's perimeter.
type Commune func(code string) (current string, inPerimeter bool)

// Check turns form values (field name = question key, a multiple-choice
// answer repeating the field) into typed answers. Fields that are no
// question key are ignored. It returns an EInvalid error with one French
// message per question key for a missing required answer, an option that
// does not exist, a number out of range or not a number, a text over 2,000
// characters, or a commune outside the perimeter.
func (s *Survey) Check(raw map[string][]string, commune Commune) (Answers, error) {
	out := Answers{}
	bad := app.Fields{}
	for i := range s.Questions {
		q := &s.Questions[i]
		var vals []string
		for _, v := range raw[q.Key] {
			if v = strings.TrimSpace(v); v != "" {
				vals = append(vals, v)
			}
		}
		if v, msg := q.check(vals, commune); msg != "" {
			bad.Add(q.Key, msg)
		} else if v != nil {
			out[q.Key] = v
		}
	}
	return out, bad.Err()
}

// CheckJSON checks answers given as JSON, {"key": value or [values]}:
// numbers may be JSON numbers or text ("3,5"). Keys that are no question
// key are refused, since a program sent them.
func (s *Survey) CheckJSON(raw map[string]any, commune Commune) (Answers, error) {
	form := map[string][]string{}
	bad := app.Fields{}
	for k, v := range raw {
		if _, ok := s.Question(k); !ok {
			bad.Add(k, "Ce questionnaire n'a pas de question « "+k+" ».")
			continue
		}
		var list []any
		switch x := v.(type) {
		case nil:
			continue
		case []any:
			list = x
		default:
			list = []any{x}
		}
		for _, e := range list {
			switch x := e.(type) {
			case string:
				form[k] = append(form[k], x)
			case float64:
				form[k] = append(form[k], strconv.FormatFloat(x, 'f', -1, 64))
			case int:
				form[k] = append(form[k], strconv.Itoa(x))
			case json.Number:
				form[k] = append(form[k], x.String())
			case bool:
				bad.Add(k, "Réponse inattendue : un texte ou un nombre est attendu.")
			default:
				bad.Add(k, "Réponse inattendue : un texte, un nombre ou une liste de textes est attendu.")
			}
		}
	}
	out, err := s.Check(form, commune)
	for k, m := range app.ErrorFields(err) {
		bad.Add(k, m)
	}
	if err := bad.Err(); err != nil {
		return nil, err
	}
	return out, nil
}

// check returns the typed answer of q from its non-empty values (nil when
// unanswered) or a French message.
func (q *Question) check(vals []string, commune Commune) (any, string) {
	if len(vals) == 0 {
		if q.Required {
			return nil, "Cette question demande une réponse."
		}
		return nil, ""
	}
	if q.Kind != KindMultiple && len(vals) > 1 {
		return nil, "Une seule réponse est attendue à cette question."
	}
	v := vals[0]
	switch q.Kind {
	case KindSingle, KindAge:
		if !slices.Contains(q.Options, v) {
			return nil, "« " + v + " » ne fait pas partie des réponses proposées."
		}
		return v, ""
	case KindMultiple:
		var out []string
		for _, v := range vals {
			if !slices.Contains(q.Options, v) {
				return nil, "« " + v + " » ne fait pas partie des réponses proposées."
			}
			if !slices.Contains(out, v) {
				out = append(out, v)
			}
		}
		// In the order of the options, so that equal answers read alike.
		slices.SortFunc(out, func(a, b string) int { return slices.Index(q.Options, a) - slices.Index(q.Options, b) })
		return out, ""
	case KindScale, KindNumber:
		n, ok := ParseNumber(v)
		if !ok {
			return nil, "« " + v + " » n'est pas un nombre."
		}
		if q.Kind == KindScale && n != math.Trunc(n) {
			return nil, "Choisissez un nombre entier de " + FormatNumber(*q.Min) + " à " + FormatNumber(*q.Max) + "."
		}
		switch {
		case q.Min != nil && q.Max != nil && (n < *q.Min || n > *q.Max):
			return nil, "La réponse doit être comprise entre " + FormatNumber(*q.Min) + " et " + FormatNumber(*q.Max) + "."
		case q.Min != nil && n < *q.Min:
			return nil, "La réponse doit être au moins " + FormatNumber(*q.Min) + "."
		case q.Max != nil && n > *q.Max:
			return nil, "La réponse doit être au plus " + FormatNumber(*q.Max) + "."
		}
		return n, ""
	case KindText:
		if n := utf8.RuneCountInString(v); n > MaxTextAnswer {
			return nil, "La réponse ne doit pas dépasser 2\u00a0000 caractères (elle en compte " + strconv.Itoa(n) + ")."
		}
		return v, ""
	case KindCommune:
		code, in := v, false
		if commune != nil {
			code, in = commune(v)
		}
		if !in {
			return nil, "La commune « " + v + " » ne fait pas partie du territoire de la convention."
		}
		return code, ""
	}
	return nil, "Type de question inconnu."
}

// ParseNumber reads a number as people write it: "3", "3,5", "3.5",
// "1 200".
func ParseNumber(s string) (float64, bool) {
	s = strings.NewReplacer(" ", "", "\u00a0", "", "\u202f", "", ",", ".").Replace(strings.TrimSpace(s))
	n, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(n) || math.IsInf(n, 0) {
		return 0, false
	}
	return n, true
}

// FormatNumber writes n the French way, with a decimal comma and no
// needless zeros: 3, 3,5.
func FormatNumber(n float64) string {
	return strings.Replace(strconv.FormatFloat(n, 'f', -1, 64), ".", ",", 1)
}

// Text returns the answer to q as text for an export: the option, the
// options joined by " ; ", the number written the French way.
func (a Answers) Text(key string) string {
	switch v := a[key].(type) {
	case string:
		return v
	case []string:
		return strings.Join(v, " ; ")
	case []any:
		parts := make([]string, 0, len(v))
		for _, x := range v {
			if s, ok := x.(string); ok {
				parts = append(parts, s)
			}
		}
		return strings.Join(parts, " ; ")
	case float64:
		return FormatNumber(v)
	}
	return ""
}

// Has reports whether the answer to a multiple-choice key holds option.
func (a Answers) Has(key, option string) bool {
	switch v := a[key].(type) {
	case []string:
		return slices.Contains(v, option)
	case []any:
		return slices.Contains(v, any(option))
	case string:
		return v == option
	}
	return false
}

// Value is one row of the table that makes results fast: one per
// (response, question, option or value). Option holds the chosen option
// of single, multiple and age, and the step of a scale ("4"); Number the
// value of scale and number; Commune the code of commune. A text answer
// has a row with none of them, to count it as answered.
type Value struct {
	Key     string
	Option  *string
	Number  *float64
	Commune *string
}

// Values spreads checked answers into rows, in the order of the questions.
func (s *Survey) Values(a Answers) []Value {
	var out []Value
	for _, q := range s.Questions {
		v, ok := a[q.Key]
		if !ok {
			continue
		}
		switch x := v.(type) {
		case []string:
			for _, o := range x {
				out = append(out, Value{Key: q.Key, Option: ptr(o)})
			}
		case float64:
			row := Value{Key: q.Key, Number: &x}
			if q.Kind == KindScale {
				row.Option = ptr(strconv.Itoa(int(x)))
			}
			out = append(out, row)
		case string:
			switch q.Kind {
			case KindCommune:
				out = append(out, Value{Key: q.Key, Commune: ptr(x)})
			case KindText:
				out = append(out, Value{Key: q.Key})
			default:
				out = append(out, Value{Key: q.Key, Option: ptr(x)})
			}
		}
	}
	return out
}

func ptr[T any](v T) *T { return &v }
