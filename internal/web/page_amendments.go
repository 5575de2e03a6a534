package web

import (
	"net/http"
	"slices"
	"strconv"
	"strings"

	"ctg/internal/account"
	"ctg/internal/amendment"
	"ctg/internal/app"
	"ctg/internal/convention"
)

// The amendments of a convention (/conventions/{id}/avenants): the
// timeline of its signed versions, each amendment with its summary and
// what it changed, the comparison of two versions in words, and a form
// for editors to record an amendment of a signed convention.

// blankParties is the number of "add a party" rows the form offers.
const blankParties = 1

// amendmentForm is the state of the amendment form, as typed.
type amendmentForm struct {
	// Version is the convention's, for If-Match.
	Version  int
	Date     string
	Summary  string
	End      string
	Added    []string // organisation ids, one per row
	Removed  []string
	EPCIs    string // SIREN codes, separated by spaces
	Communes string // commune codes, separated by spaces
	Plan     string
	Budget   string
	Errors   map[string]string
}

// versionView is a signed version on the timeline, with the amendment
// that made it (none for the signature) and what it says in French.
type versionView struct {
	amendment.Version
	Amendment *amendment.Amendment
	Actions   int
	Changes   []string
}

type amendmentsData struct {
	C        *convention.Convention
	CanEdit  bool
	Signed   bool
	Versions []versionView // latest first
	// Compare is the comparison shown, From and To its versions (-1 when
	// there are not two versions to compare).
	Compare      *amendment.Comparison
	From, To     int
	CompareError map[string]string
	// BudgetRows are the comparison's budget by funder, BudgetDiff its
	// total change, in cents.
	BudgetRows []fundingChange
	BudgetDiff int64
	Parties    []account.Organisation // the current parties, to remove
	Orgs       []account.Organisation // organisations that may join
	Perimeter  string                 // the current perimeter, named
	Form       amendmentForm
}

// fundingChange is a funder's planned money in two versions, in cents.
type fundingChange struct {
	Name                string
	Before, After, Diff int64
}

// joinCodes writes a list of codes for a text field; splitCodes reads
// them back, separated by spaces, commas or semicolons.
func joinCodes(list []string) string { return strings.Join(list, " ") }

func splitCodes(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool { return r == ' ' || r == ',' || r == ';' || r == '\n' || r == '\r' || r == '\t' })
}

func newAmendmentForm(c *convention.Convention) amendmentForm {
	f := amendmentForm{Version: c.Version, EPCIs: joinCodes(c.Perimeter.EPCIs), Communes: joinCodes(c.Perimeter.Communes)}
	for range blankParties {
		f.Added = append(f.Added, "")
	}
	return f
}

// describeAmendment says in French what an amendment changes, with the
// names of the organisations it adds or removes.
func (s *Server) describeAmendment(a *amendment.Amendment, names map[string]string) []string {
	var out []string
	ch := a.Changes
	if ch.End != nil {
		out = append(out, "Fin de la convention portée au "+frenchDate(*ch.End)+".")
	}
	if p := ch.Parties; p != nil {
		name := func(ids []string) string {
			n := make([]string, len(ids))
			for i, id := range ids {
				n[i] = names[id]
				if n[i] == "" {
					n[i] = id
				}
			}
			return strings.Join(n, ", ")
		}
		if len(p.Added) > 0 {
			out = append(out, "Parties ajoutées : "+name(p.Added)+".")
		}
		if len(p.Removed) > 0 {
			out = append(out, "Parties retirées : "+name(p.Removed)+".")
		}
	}
	if ch.Perimeter != nil {
		out = append(out, "Périmètre redéfini : "+s.perimeterText(*ch.Perimeter)+".")
	}
	if ch.Plan != "" {
		out = append(out, "Plan d'actions : "+ch.Plan)
	}
	if ch.Budget != "" {
		out = append(out, "Budget : "+ch.Budget)
	}
	return out
}

// perimeterText writes a perimeter as "CC Latitude Nord Gironde, Bordeaux".
func (s *Server) perimeterText(per convention.Perimeter) string {
	var parts []string
	for _, e := range per.EPCIs {
		if x, ok := s.ref.EPCI(e); ok {
			parts = append(parts, x.Name)
		} else {
			parts = append(parts, e)
		}
	}
	for _, code := range per.Communes {
		if cm, ok := s.ref.Commune(code); ok {
			parts = append(parts, cm.Name)
		} else {
			parts = append(parts, code)
		}
	}
	if len(parts) == 0 {
		return "aucune commune"
	}
	return strings.Join(parts, ", ")
}

// amendmentsData gathers the versions and amendments of a convention and
// compares versions from and to (the two latest when they are -1).
func (s *Server) amendmentsData(r *http.Request, id string, from, to int) (*amendmentsData, error) {
	u := currentUser(r)
	c, err := s.db.ConventionHead(r.Context(), u, id)
	if err != nil {
		return nil, err
	}
	vs, err := s.db.Versions(r.Context(), u, id)
	if err != nil {
		return nil, err
	}
	as, err := s.db.Amendments(r.Context(), u, id)
	if err != nil {
		return nil, err
	}
	d := &amendmentsData{C: c, Signed: c.Status == convention.StatusSigned, From: -1, To: -1, Form: newAmendmentForm(c)}
	d.CanEdit = d.Signed && convention.CheckEdit(u, c) == nil
	// One query names the parties of every version and amendment.
	ids := slices.Clone(c.Parties)
	for _, a := range as {
		if p := a.Changes.Parties; p != nil {
			ids = append(ids, p.Added...)
			ids = append(ids, p.Removed...)
		}
	}
	orgs, err := s.db.OrganisationsByID(r.Context(), ids)
	if err != nil {
		return nil, err
	}
	names := map[string]string{}
	for _, o := range orgs {
		names[o.ID] = o.Name
	}
	for _, p := range c.Parties {
		d.Parties = append(d.Parties, account.Organisation{ID: p, Name: names[p]})
	}
	for i := len(vs) - 1; i >= 0; i-- {
		v := versionView{Version: vs[i], Actions: len(vs[i].Snapshot.Actions())}
		if j := slices.IndexFunc(as, func(a amendment.Amendment) bool { return a.Number == vs[i].Number }); j >= 0 {
			v.Amendment = &as[j]
			v.Changes = s.describeAmendment(&as[j], names)
		}
		d.Versions = append(d.Versions, v)
	}
	if len(vs) >= 2 {
		last := len(vs) - 1
		if to < 0 {
			to = vs[last].Number
		}
		if from < 0 {
			from = max(to-1, 0)
		}
		d.From, d.To = from, to
		d.Compare, err = s.db.CompareVersions(r.Context(), s.ref, u, id, from, to)
		if app.ErrorCode(err) == app.EInvalid {
			d.CompareError, d.Compare, err = app.ErrorFields(err), nil, nil
		}
		if err != nil {
			return nil, err
		}
		if d.Compare != nil {
			for _, f := range d.Compare.Budget.ByFunder {
				d.BudgetRows = append(d.BudgetRows, fundingChange{Name: f.Name, Before: f.BeforeCents, After: f.AfterCents, Diff: f.AfterCents - f.BeforeCents})
			}
			d.BudgetDiff = d.Compare.Budget.AfterCents - d.Compare.Budget.BeforeCents
		}
	}
	if d.CanEdit {
		d.Perimeter = s.perimeterText(c.Perimeter)
		if d.Orgs, err = s.actionOrgs(r, c, nil); err != nil {
			return nil, err
		}
		d.Orgs = slices.DeleteFunc(d.Orgs, func(o account.Organisation) bool { return c.HasParty(o.ID) })
	}
	return d, nil
}

func amendmentsTitle(c *convention.Convention) string {
	return "Avenants et versions signées — " + c.Title
}

// versionParam reads a version number of the comparison form: -1 when
// absent, -2 when it is not a number.
func versionParam(s string) int {
	if s = strings.TrimSpace(s); s == "" {
		return -1
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 0 {
		return -2
	}
	return n
}

func (s *Server) amendmentsPage(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	from, to := versionParam(q.Get("de")), versionParam(q.Get("a"))
	bad := app.Fields{}
	if from == -2 {
		bad.Add("from", "Choisissez une version dans la liste.")
	}
	if to == -2 {
		bad.Add("to", "Choisissez une version dans la liste.")
	}
	d, err := s.amendmentsData(r, r.PathValue("id"), max(from, -1), max(to, -1))
	if err != nil {
		return err
	}
	if len(bad) > 0 {
		d.CompareError, d.Compare = bad, nil
	}
	status := http.StatusOK
	if d.CompareError != nil {
		status = http.StatusUnprocessableEntity
	}
	return s.renderStatus(w, r, status, "amendments", amendmentsTitle(d.C), "conventions", d)
}

// readAmendmentForm reads the posted form into what it shows and the
// amendment it asks for. The perimeter is a change only when its codes
// differ from the convention's; the communes left out of its EPCIs stay
// out.
func readAmendmentForm(r *http.Request, c *convention.Convention) (amendmentForm, *amendment.Amendment) {
	p := r.PostForm
	f := amendmentForm{Date: p.Get("date"), Summary: p.Get("summary"), End: p.Get("end"), Added: p["add_party"], Removed: p["remove_party"],
		EPCIs: p.Get("epcis"), Communes: p.Get("communes"), Plan: p.Get("plan"), Budget: p.Get("budget")}
	f.Version, _ = strconv.Atoi(p.Get("version"))
	a := &amendment.Amendment{Date: f.Date, Summary: f.Summary, Changes: amendment.Changes{Plan: f.Plan, Budget: f.Budget}}
	if strings.TrimSpace(f.End) != "" {
		end := f.End
		a.Changes.End = &end
	}
	var added []string
	for _, id := range f.Added {
		if id = strings.TrimSpace(id); id != "" {
			added = append(added, id)
		}
	}
	if len(added) > 0 || len(f.Removed) > 0 {
		a.Changes.Parties = &amendment.PartyChanges{Added: added, Removed: f.Removed}
	}
	epcis, communes := splitCodes(f.EPCIs), splitCodes(f.Communes)
	sorted := func(l []string) []string { l = slices.Clone(l); slices.Sort(l); return slices.Compact(l) }
	if !slices.Equal(sorted(epcis), sorted(c.Perimeter.EPCIs)) || !slices.Equal(sorted(communes), sorted(c.Perimeter.Communes)) {
		a.Changes.Perimeter = &convention.Perimeter{EPCIs: epcis, Communes: communes, Excluded: c.Perimeter.Excluded}
	}
	return f, a
}

func (s *Server) amendmentSave(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("id")
	if err := r.ParseForm(); err != nil {
		return errForm
	}
	c, err := s.editableConvention(r, id)
	if err != nil {
		return err // a reader is told so, whatever the form holds
	}
	form, a := readAmendmentForm(r, c)
	if r.PostForm.Get("op") == "add-party" {
		d, err := s.amendmentsData(r, id, -1, -1)
		if err != nil {
			return err
		}
		form.Added = append(form.Added, "")
		d.Form = form
		return s.render(w, r, "amendments", amendmentsTitle(d.C), "conventions", d)
	}
	err = s.db.CreateAmendment(r.Context(), s.ref, currentUser(r), id, form.Version, a)
	if err == nil {
		return s.redirectFlash(w, r, "/conventions/"+id+"/avenants#version-"+strconv.Itoa(a.Number), "amendment.created")
	}
	errs, status, ok := formRefusal(err, app.EInvalid, app.EPreconditionFailed, app.EConflict)
	if !ok {
		return err
	}
	d, derr := s.amendmentsData(r, id, -1, -1)
	if derr != nil {
		return derr
	}
	form.Errors = errs
	if len(form.Added) == 0 {
		form.Added = []string{""}
	}
	// The version the page now shows: once the message is read, saving
	// again applies the amendment to it.
	form.Version = d.C.Version
	d.Form = form
	return s.renderStatus(w, r, status, "amendments", amendmentsTitle(d.C), "conventions", d)
}
