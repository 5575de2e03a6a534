package survey

import (
	"strconv"
	"strings"
	"time"
)

// ExportHeader is the header line of an export of responses: the number,
// date and channel of the response, then one column per question headed by
// its label, and one per option of a multiple-choice question headed
// "label : option". A label that starts like a formula gets a leading
// apostrophe, as free answers do.
func (s *Survey) ExportHeader() []string {
	out := []string{"réponse", "date", "canal"}
	for _, q := range s.Questions {
		if q.Kind == KindMultiple {
			for _, o := range q.Options {
				out = append(out, defuse(q.Label+" : "+o))
			}
			continue
		}
		out = append(out, defuse(q.Label))
	}
	return out
}

// ExportRow is the line of a response in an export, as text: the date in
// French time (21/11/2026 14:05), "papier" or "web", each answer as text
// (numbers with a decimal comma) and "oui" in the columns of the chosen
// options. A free-text answer or an option that starts like a formula gets
// a leading apostrophe.
func (s *Survey) ExportRow(r *Response) []string {
	at := r.CreatedAt.In(paris)
	channel := "web"
	if r.Channel == ChannelPaper {
		channel = "papier"
	}
	out := []string{strconv.FormatInt(r.ID, 10), at.Format("02/01/2006 15:04"), channel}
	for _, q := range s.Questions {
		if q.Kind == KindMultiple {
			for _, o := range q.Options {
				if r.Answers.Has(q.Key, o) {
					out = append(out, "oui")
				} else {
					out = append(out, "")
				}
			}
			continue
		}
		v := r.Answers.Text(q.Key)
		if q.Kind == KindText || q.Kind == KindSingle || q.Kind == KindAge {
			v = defuse(v) // typed by a respondent, or an option typed by staff
		}
		out = append(out, v)
	}
	return out
}

// defuse keeps a free-text answer from reading as a formula in a
// spreadsheet: anyone may answer the public form, and a text such as
// "=HYPERLINK(…)" would otherwise run when staff open the export.
func defuse(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

// paris is French time, loaded once: loading it for every exported row was
// a third of the export's time.
var paris = func() *time.Location {
	if loc, err := time.LoadLocation("Europe/Paris"); err == nil {
		return loc
	}
	return time.UTC
}()
