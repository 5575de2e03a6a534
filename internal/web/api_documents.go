package web

import (
	"context"
	"errors"
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"ctg/internal/account"
	"ctg/internal/committee"
	"ctg/internal/convention"
	"ctg/internal/docgen"
	"ctg/internal/publication"
	"ctg/internal/review"
	"ctg/internal/store"
	"ctg/internal/territory"
)

// The documents of a convention are written from the data when they are
// asked for: the handlers read everything first (where an error can still
// be answered as such), then stream the file.

const (
	mimeDOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
	mimePDF  = "application/pdf"
	mimeXLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
)

func init() {
	// GET /api/v1/conventions/{id}/reviews/{year}.pdf reaches the reviews'
	// handler, whose {year} is a whole path segment; it hands the PDF here.
	reviewPDF = func(s *Server, w http.ResponseWriter, r *http.Request, id string, year int) error {
		return s.yearReviewPDF(w, r, id, year)
	}
}

// documentName is the file name of a document of c:
// "ctg-latitude-nord-gironde-2022-2026-convention.docx". A title that
// starts with the kind's short name does not say it twice.
func documentName(c *convention.Convention, what, ext string) string {
	slug := strings.TrimPrefix(publication.BaseSlug(c.Title), "ctg-")
	return "ctg-" + slug + "-" + what + "." + ext
}

// sendDocument streams a document: once its first bytes are out, an error
// (most often the client gone) can only be logged.
func (s *Server) sendDocument(w http.ResponseWriter, r *http.Request, mime, name string, write func(io.Writer) error) error {
	w.Header().Set("Content-Type", mime)
	w.Header().Set("Content-Disposition", `attachment; filename="`+name+`"`)
	w.Header().Set("Cache-Control", "no-store")
	cw := &countingWriter{w: w}
	if err := write(cw); err != nil {
		if cw.n == 0 {
			w.Header().Del("Content-Disposition")
			return err
		}
		if !errors.Is(err, context.Canceled) {
			s.log.Warn("document interrupted", "path", r.URL.Path, "request_id", requestID(r.Context()), "err", err)
		}
	}
	return nil
}

type countingWriter struct {
	w io.Writer
	n int64
}

func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}

func (s *Server) apiConventionDOCX(w http.ResponseWriter, r *http.Request) error {
	d, err := s.conventionDocument(r, r.PathValue("id"))
	if err != nil {
		return err
	}
	return s.sendDocument(w, r, mimeDOCX, documentName(d.Convention, "convention", "docx"), d.WriteDOCX)
}

func (s *Server) apiConventionPDF(w http.ResponseWriter, r *http.Request) error {
	d, err := s.conventionDocument(r, r.PathValue("id"))
	if err != nil {
		return err
	}
	return s.sendDocument(w, r, mimePDF, documentName(d.Convention, "convention", "pdf"), d.WritePDF)
}

// apiPlanXLSX writes the plan and its budget as a workbook: the budget
// export's sheets (its lines, which the budget import reads back, and the
// table by funder and year) with the plan and the totals by funder and by
// year.
func (s *Server) apiPlanXLSX(w http.ResponseWriter, r *http.Request) error {
	d, err := s.conventionDocument(r, r.PathValue("id"))
	if err != nil {
		return err
	}
	f, err := budgetWorkbook(d.Convention, d.Lines, d.Totals)
	if err != nil {
		return err
	}
	defer f.Close()
	if err := d.AddPlanSheets(f); err != nil {
		return err
	}
	return s.sendDocument(w, r, mimeXLSX, documentName(d.Convention, "plan", "xlsx"), func(w io.Writer) error { return f.Write(w) })
}

func (s *Server) apiEvaluationPDF(w http.ResponseWriter, r *http.Request) error {
	ctx, u := r.Context(), currentUser(r)
	c, err := s.db.ConventionHead(ctx, u, r.PathValue("id"))
	if err != nil {
		return err
	}
	e, err := s.db.Evaluation(ctx, u, c.ID)
	if err != nil {
		return err
	}
	d := &docgen.Evaluation{Convention: c, Evaluation: e, Generated: s.clock()}
	if d.CAF, d.Parties, err = s.signatories(ctx, c); err != nil {
		return err
	}
	return s.sendDocument(w, r, mimePDF, documentName(c, "evaluation", "pdf"), d.WritePDF)
}

func (s *Server) yearReviewPDF(w http.ResponseWriter, r *http.Request, id string, year int) error {
	ctx, u := r.Context(), currentUser(r)
	c, err := s.db.ConventionHead(ctx, u, id)
	if err != nil {
		return err
	}
	y, err := s.db.YearReview(ctx, u, c.ID, year)
	if err != nil {
		return err
	}
	d := &docgen.YearReview{Convention: c, Review: y, Generated: s.clock()}
	if d.CAF, d.Parties, err = s.signatories(ctx, c); err != nil {
		return err
	}
	return s.sendDocument(w, r, mimePDF, documentName(c, "bilan-"+strconv.Itoa(year), "pdf"), d.WritePDF)
}

// clock is the time documents are dated with: the database's clock in
// tests, which set it.
func (s *Server) clock() time.Time {
	if s.db != nil && s.db.Now != nil {
		return s.db.Now()
	}
	return s.now()
}

// signatories names the CAF and the parties of c.
func (s *Server) signatories(ctx context.Context, c *convention.Convention) (docgen.Party, []docgen.Party, error) {
	orgs, err := s.db.OrganisationsByID(ctx, append([]string{c.CAF}, c.Parties...))
	if err != nil {
		return docgen.Party{}, nil, err
	}
	names := orgNames(orgs)
	caf := docgen.Party{ID: c.CAF, Name: cmpOr(names[c.CAF], c.CAF)}
	var parties []docgen.Party
	for _, p := range c.Parties {
		parties = append(parties, docgen.Party{ID: p, Name: cmpOr(names[p], p)})
	}
	return caf, parties, nil
}

func orgNames(orgs []account.Organisation) map[string]string {
	out := make(map[string]string, len(orgs))
	for _, o := range orgs {
		out[o.ID] = o.Name
	}
	return out
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// conventionDocument reads what the document of a convention says. Every
// reading checks that the user may see the convention: an outsider gets
// ENotFound from the first.
func (s *Server) conventionDocument(r *http.Request, id string) (*docgen.Convention, error) {
	ctx, u := r.Context(), currentUser(r)
	c, err := s.db.Convention(ctx, u, id)
	if err != nil {
		return nil, err
	}
	d := &docgen.Convention{Convention: c, Generated: s.clock()}
	if d.Diagnosis, err = s.db.Diagnosis(ctx, s.ref, c.Communes, c.Departement()); err != nil {
		return nil, err
	}
	if d.Findings, err = s.db.Findings(ctx, u, c.ID, store.FindingFilter{}); err != nil {
		return nil, err
	}
	if d.Stakes, err = s.db.Stakes(ctx, u, c.ID); err != nil {
		return nil, err
	}
	if d.Plan, err = s.db.Plan(ctx, u, c.ID); err != nil {
		return nil, err
	}
	if d.Indicators, err = s.db.ConventionActionIndicators(ctx, u, c.ID); err != nil {
		return nil, err
	}
	if d.Lines, err = s.db.ConventionBudgetLines(ctx, u, c.ID); err != nil {
		return nil, err
	}
	if d.Totals, err = s.db.ConventionBudget(ctx, u, c.ID); err != nil {
		return nil, err
	}
	meetings, err := s.db.Meetings(ctx, u, c.ID)
	if err != nil {
		return nil, err
	}
	d.Committees = committees(meetings)
	if c.Renews != nil {
		// The convention renewed may be one the user does not see.
		if t, err := s.db.ConventionTitle(ctx, u, *c.Renews); err == nil {
			d.Renews = t
		}
	}
	for _, e := range c.Perimeter.EPCIs {
		if epci, ok := s.ref.EPCI(e); ok {
			d.EPCIs = append(d.EPCIs, epci)
		}
	}
	for _, code := range c.Communes {
		if m, ok := s.ref.Commune(code); ok {
			d.Communes = append(d.Communes, m)
		}
	}
	slices.SortStableFunc(d.Communes, func(a, b territory.Commune) int {
		return strings.Compare(territory.Normalize(a.Name), territory.Normalize(b.Name))
	})

	// One query names every organisation the document mentions.
	ids := append([]string{c.CAF}, c.Parties...)
	for _, a := range d.Plan.Actions() {
		ids = append(ids, a.Lead)
		ids = append(ids, a.Partners...)
	}
	for _, l := range d.Lines {
		ids = append(ids, l.Funder)
	}
	slices.Sort(ids)
	orgs, err := s.db.OrganisationsByID(ctx, slices.Compact(ids))
	if err != nil {
		return nil, err
	}
	d.Names = orgNames(orgs)
	d.CAF = docgen.Party{ID: c.CAF, Name: cmpOr(d.Names[c.CAF], c.CAF)}
	for _, p := range c.Parties {
		d.Parties = append(d.Parties, docgen.Party{ID: p, Name: cmpOr(d.Names[p], p)})
	}
	return d, nil
}

// committees groups meetings by committee, in the committees' order.
func committees(meetings []committee.Meeting) []docgen.Committee {
	var out []docgen.Committee
	for _, k := range committee.Committees {
		cm := docgen.Committee{Name: k.Label}
		for _, m := range meetings {
			if m.Committee == k.Code {
				cm.Meetings = append(cm.Meetings, docgen.Meeting{Date: m.Date, Attendees: len(m.Attendees), Decisions: len(m.Decisions)})
			}
		}
		if len(cm.Meetings) > 0 {
			out = append(out, cm)
		}
	}
	return out
}

// documentFile answers the links of the documents page,
// /conventions/{id}/documents/{file}, with the same documents as the API
// but errors as pages.
func (s *Server) documentFile(w http.ResponseWriter, r *http.Request) error {
	file := r.PathValue("file")
	switch file {
	case "convention.docx":
		return s.apiConventionDOCX(w, r)
	case "convention.pdf":
		return s.apiConventionPDF(w, r)
	case "plan.xlsx":
		return s.apiPlanXLSX(w, r)
	case "evaluation.pdf":
		return s.apiEvaluationPDF(w, r)
	}
	if y, ok := strings.CutPrefix(file, "bilan-"); ok {
		if y, ok := strings.CutSuffix(y, ".pdf"); ok {
			if year, ok := review.YearOf(y); ok {
				return s.yearReviewPDF(w, r, r.PathValue("id"), year)
			}
		}
	}
	return errNoPage
}
