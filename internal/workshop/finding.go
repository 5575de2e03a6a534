package workshop

import (
	"math"
	"strconv"
	"strings"

	"ctg/internal/app"
	"ctg/internal/survey"
)

// What the consultation brings to the diagnosis: a workshop's proposal or a
// questionnaire's result becomes a finding in one step. The finding of a
// result says it in a sentence that the coordinator may rewrite.

// ResultSentence writes in French what the answers to question q say,
// from its results r: the share of respondents who chose option (the most
// chosen one when option is empty), or the mean of a scale or a number.
// It answers an EInvalid error on "question" for a free-text question and
// on "option" for an option the question does not offer.
func ResultSentence(q *survey.Question, r *survey.QuestionResult, option string) (string, error) {
	option = strings.TrimSpace(option)
	label := "« " + strings.TrimSuffix(strings.TrimSpace(q.Label), " ?") + " »"
	n := "(n = " + thousands(r.Answered) + ")"
	if q.Kind == survey.KindText {
		return "", app.Invalid("Certaines informations sont à corriger.", map[string]string{
			"question": "Les réponses libres ne se résument pas en un chiffre : écrivez le constat dans « text »."})
	}
	if r.Answered == 0 {
		return "", app.Invalid("Certaines informations sont à corriger.", map[string]string{
			"question": "Personne n'a encore répondu à cette question : il n'y a pas de résultat à retenir."})
	}
	if q.Kind == survey.KindNumber || (q.Kind == survey.KindScale && option == "") {
		if r.Mean == nil {
			return "", app.Invalid("Certaines informations sont à corriger.", map[string]string{"question": "Cette question n'a pas de moyenne."})
		}
		s := "En moyenne, les répondants " + n + " indiquent " + decimal(*r.Mean, 1)
		if q.Kind == survey.KindScale && q.Max != nil {
			s += " sur " + decimal(*q.Max, 0)
		}
		return s + " à la question " + label + ".", nil
	}
	if option == "" {
		best := -1
		for _, o := range r.Options {
			if c := r.Counts[o]; c > best {
				best, option = c, o
			}
		}
	}
	count, ok := r.Counts[option]
	if !ok {
		return "", app.Invalid("Certaines informations sont à corriger.", map[string]string{
			"option": "La question " + label + " ne propose pas la réponse « " + option + " »."})
	}
	shown := option
	if name, ok := r.Names[option]; ok {
		shown = name
	}
	share := decimal(survey.Percent(count, r.Answered), 1) + "\u00a0% des répondants " + n
	switch q.Kind {
	case survey.KindMultiple:
		return share + " citent « " + shown + " » à la question " + label + ".", nil
	case survey.KindScale:
		s := share + " donnent la note " + shown
		if q.Max != nil {
			s += " sur " + decimal(*q.Max, 0)
		}
		return s + " à la question " + label + ".", nil
	}
	return share + " répondent « " + shown + " » à la question " + label + ".", nil
}

// decimal writes f with d decimals, a comma before them: 68,2.
func decimal(f float64, d int) string {
	p := math.Pow(10, float64(d))
	s := strconv.FormatFloat(math.Round(f*p)/p, 'f', d, 64)
	return strings.Replace(s, ".", ",", 1)
}

// thousands writes n with a no-break space between thousands: 1 204.
func thousands(n int) string {
	s := strconv.Itoa(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "\u00a0" + s[i:]
	}
	return s
}
