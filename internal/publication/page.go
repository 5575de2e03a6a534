package publication

import (
	"ctg/internal/budget"
	"ctg/internal/convention"
	"ctg/internal/plan"
	"ctg/internal/survey"
)

// Page is everything the public page of a convention shows, and nothing
// more: the store fills it from a published convention and leaves out what
// the partners did not choose to publish, so that the page cannot show an
// unpublished field by mistake.
type Page struct {
	Publication
	Convention *convention.Convention
	Plan       *plan.Plan
	// Indicators are the follow-up indicators of the actions, by action id.
	Indicators map[string][]plan.Indicator
	// Budget is nil unless ShowBudget: the totals, never the lines, and
	// without the warnings meant for the partners.
	Budget *budget.Totals
	// Surveys are the closed questionnaires with their results, nil
	// unless ShowSurveys.
	Surveys []SurveyResult
}

// SurveyResult is a closed questionnaire on the public page: its title,
// the day it closed, and the results of its questions with counts. Free
// answers (text questions) are never there: they may name people.
type SurveyResult struct {
	Title   string
	Closes  string
	Results *survey.Results
}

// Public keeps of results what the public page may show: the questions
// with counts or a mean, not the free answers.
func Public(r *survey.Results) *survey.Results {
	out := *r
	out.Questions = nil
	for _, q := range r.Questions {
		if q.Kind != survey.KindText {
			out.Questions = append(out.Questions, q)
		}
	}
	return &out
}
