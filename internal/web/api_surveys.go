package web

import (
	"encoding/csv"
	"net/http"
	"strings"

	"github.com/xuri/excelize/v2"

	"ctg/internal/app"
	"ctg/internal/survey"
	"ctg/internal/territory"
)

// surveyInput is the body of POST /api/v1/conventions/{id}/surveys.
type surveyInput struct {
	Title     string            `json:"title"`
	Intro     string            `json:"intro"`
	Closes    string            `json:"closes"`
	Questions []survey.Question `json:"questions"`
}

// responseInput is the body of POST /api/v1/surveys/{id}/responses.
type responseInput struct {
	Answers map[string]any `json:"answers"`
	Channel string         `json:"channel"`
}

func writeSurvey(w http.ResponseWriter, status int, sv *survey.Survey) {
	w.Header().Set("ETag", etag(sv.Version))
	writeJSON(w, status, sv)
}

// writeGone answers an answer to a survey that takes no more: 410 Gone,
// with the error body of a conflict (API.md's codes have none of their
// own for 410).
func writeGone(w http.ResponseWriter, err error) {
	var b errorBody
	b.Error.Code = app.ErrorCode(err)
	b.Error.Message = app.ErrorMessage(err)
	writeJSON(w, http.StatusGone, b)
}

func (s *Server) apiCreateSurvey(w http.ResponseWriter, r *http.Request) error {
	var in surveyInput
	if err := decode(r, &in); err != nil {
		return err
	}
	sv := &survey.Survey{Title: in.Title, Intro: in.Intro, Closes: in.Closes, Questions: in.Questions}
	if err := s.db.CreateSurvey(r.Context(), currentUser(r), r.PathValue("id"), sv); err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/surveys/"+sv.ID)
	writeSurvey(w, http.StatusCreated, sv)
	return nil
}

func (s *Server) apiSurveys(w http.ResponseWriter, r *http.Request) error {
	list, err := s.db.Surveys(r.Context(), currentUser(r), r.PathValue("id"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, newList(list))
	return nil
}

func (s *Server) apiSurveyTemplates(w http.ResponseWriter, r *http.Request) error {
	writeJSON(w, http.StatusOK, map[string]any{"items": survey.Templates(), "total": len(survey.Templates()), "default_intro": survey.DefaultIntro})
	return nil
}

func (s *Server) apiSurvey(w http.ResponseWriter, r *http.Request) error {
	sv, err := s.db.Survey(r.Context(), currentUser(r), r.PathValue("id"))
	if err != nil {
		return err
	}
	writeSurvey(w, http.StatusOK, sv)
	return nil
}

func (s *Server) apiPatchSurvey(w http.ResponseWriter, r *http.Request) error {
	version, err := ifMatch(r)
	if err != nil {
		return err
	}
	var p survey.Patch
	if err := decode(r, &p); err != nil {
		return err
	}
	sv, err := s.db.UpdateSurvey(r.Context(), currentUser(r), r.PathValue("id"), version, p)
	if err != nil {
		return err
	}
	writeSurvey(w, http.StatusOK, sv)
	return nil
}

func (s *Server) apiOpenSurvey(w http.ResponseWriter, r *http.Request) error {
	sv, err := s.db.OpenSurvey(r.Context(), currentUser(r), r.PathValue("id"))
	if err != nil {
		return err
	}
	writeSurvey(w, http.StatusOK, sv)
	return nil
}

func (s *Server) apiCloseSurvey(w http.ResponseWriter, r *http.Request) error {
	sv, err := s.db.CloseSurvey(r.Context(), currentUser(r), r.PathValue("id"))
	if err != nil {
		return err
	}
	writeSurvey(w, http.StatusOK, sv)
	return nil
}

func (s *Server) apiAddSurveyResponse(w http.ResponseWriter, r *http.Request) error {
	var in responseInput
	if err := decode(r, &in); err != nil {
		return err
	}
	resp, err := s.db.AddPaperResponse(r.Context(), s.ref, currentUser(r), r.PathValue("id"), in.Answers, in.Channel)
	if survey.IsClosed(err) {
		writeGone(w, err)
		return nil
	} else if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, resp)
	return nil
}

// nameCommunes gives the results of commune questions the names of their
// communes, for people reading codes.
func (s *Server) nameCommunes(res *survey.Results) {
	if s.ref == nil {
		return
	}
	for i := range res.Questions {
		q := &res.Questions[i]
		if q.Kind != survey.KindCommune {
			continue
		}
		q.Names = map[string]string{}
		for _, code := range q.Options {
			if c, ok := s.ref.Commune(code); ok {
				q.Names[code] = c.Name
			}
		}
	}
}

// surveyFilter reads ?commune=CODE (a former code reads as the current
// one) and ?filter=KEY:OPTION.
func (s *Server) surveyFilter(r *http.Request, sv *survey.Survey) (survey.Filter, error) {
	q := r.URL.Query()
	commune := strings.TrimSpace(q.Get("commune"))
	if commune != "" && s.ref != nil {
		if c, ok := s.ref.Commune(commune); ok {
			commune = c.Code
		} else {
			return survey.Filter{}, app.Invalid("Certaines informations sont à corriger.", map[string]string{"commune": "Code de commune inconnu : " + commune + "."})
		}
	}
	return sv.ParseFilter(commune, q.Get("filter"))
}

func (s *Server) apiSurveyResults(w http.ResponseWriter, r *http.Request) error {
	sv, err := s.db.Survey(r.Context(), currentUser(r), r.PathValue("id"))
	if err != nil {
		return err
	}
	f, err := s.surveyFilter(r, sv)
	if err != nil {
		return err
	}
	res, err := s.db.Results(r.Context(), currentUser(r), sv.ID, f)
	if err != nil {
		return err
	}
	s.nameCommunes(res)
	writeJSON(w, http.StatusOK, res)
	return nil
}

func (s *Server) apiSurveyCrosstab(w http.ResponseWriter, r *http.Request) error {
	sv, err := s.db.Survey(r.Context(), currentUser(r), r.PathValue("id"))
	if err != nil {
		return err
	}
	f, err := s.surveyFilter(r, sv)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	ct, err := s.db.Crosstab(r.Context(), currentUser(r), sv.ID, strings.TrimSpace(q.Get("rows")), strings.TrimSpace(q.Get("cols")), f)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, ct)
	return nil
}

// surveyExportName is the file name of an export of responses.
func surveyExportName(sv *survey.Survey, ext string) string {
	slug := strings.ReplaceAll(territory.Normalize(sv.Title), " ", "-")
	if slug == "" {
		slug = sv.ID
	}
	return "reponses-" + slug + "." + ext
}

// apiSurveyCSV streams the responses as CSV for French spreadsheets: a
// BOM, semicolons, one line per response read in batches.
func (s *Server) apiSurveyCSV(w http.ResponseWriter, r *http.Request) error {
	u := currentUser(r)
	sv, err := s.db.Survey(r.Context(), u, r.PathValue("id"))
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="`+surveyExportName(sv, "csv")+`"`)
	w.Header().Set("Cache-Control", "no-store")
	_, _ = w.Write([]byte("\ufeff"))
	cw := csv.NewWriter(w)
	cw.Comma = ';'
	// Once the first bytes are sent an error can no longer be an error
	// body: it is logged, and the file ends short.
	if err := cw.Write(sv.ExportHeader()); err != nil {
		return err
	}
	err = s.db.EachResponse(r.Context(), u, sv.ID, func(resp *survey.Response) error {
		return cw.Write(sv.ExportRow(resp))
	})
	cw.Flush()
	if err == nil {
		err = cw.Error()
	}
	return err
}

// apiSurveyXLSX writes the responses as a workbook through excelize's
// stream writer, which keeps rows on disk rather than in memory.
func (s *Server) apiSurveyXLSX(w http.ResponseWriter, r *http.Request) error {
	u := currentUser(r)
	sv, err := s.db.Survey(r.Context(), u, r.PathValue("id"))
	if err != nil {
		return err
	}
	f := excelize.NewFile()
	defer f.Close()
	const sheet = "Réponses"
	if err := f.SetSheetName("Sheet1", sheet); err != nil {
		return err
	}
	sw, err := f.NewStreamWriter(sheet)
	if err != nil {
		return err
	}
	row := 1
	write := func(values []string) error {
		cells := make([]any, len(values))
		for i, v := range values {
			cells[i] = v
		}
		cell, err := excelize.CoordinatesToCellName(1, row)
		if err != nil {
			return err
		}
		row++
		return sw.SetRow(cell, cells)
	}
	if err := write(sv.ExportHeader()); err != nil {
		return err
	}
	if err := s.db.EachResponse(r.Context(), u, sv.ID, func(resp *survey.Response) error { return write(sv.ExportRow(resp)) }); err != nil {
		return err
	}
	if err := sw.Flush(); err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	w.Header().Set("Content-Disposition", `attachment; filename="`+surveyExportName(sv, "xlsx")+`"`)
	w.Header().Set("Cache-Control", "no-store")
	return f.Write(w)
}
