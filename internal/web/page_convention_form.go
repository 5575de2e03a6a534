package web

import (
	"net/http"
	"slices"
	"strconv"
	"strings"

	"ctg/internal/account"
	"ctg/internal/app"
	"ctg/internal/convention"
	"ctg/internal/territory"
)

// conventionForm is the state of the convention form. The perimeter
// picker works without JavaScript: its buttons submit the whole form with
// an "op" that the server applies before showing the form again; htmx only
// swaps the picker instead of the page.
type conventionForm struct {
	ID      string
	Version int
	Kind    string
	Title   string
	CAF     string
	Start   string
	End     string
	Renews  string
	Parties []string

	EPCIs    []string
	Communes []string
	Excluded []string

	AddQ     string
	Results  []territory.Match
	Searched bool
	Errors   map[string]string

	// Views, filled by prepare.
	EPCIViews  []formEPCI
	Singles    []territory.Commune
	NCommunes  int
	Population int
	CAFs       []account.Organisation
	Orgs       []account.Organisation
	Renewable  []*convention.Convention
	DepEPCIs   []territory.EPCI
	DepName    string
}

type formEPCI struct {
	territory.EPCI
	Members []formMember
}

type formMember struct {
	territory.Commune
	Included bool
}

// Action is where the form posts.
func (f *conventionForm) Action() string {
	if f.ID == "" {
		return "/conventions/nouvelle"
	}
	return "/conventions/" + f.ID + "/modifier"
}

func (f *conventionForm) perimeter() convention.Perimeter {
	return convention.Perimeter{EPCIs: f.EPCIs, Communes: f.Communes, Excluded: f.Excluded}
}

// parseConventionForm reads the posted form and applies the picker's op.
// It reports whether the user asked to save.
func (s *Server) parseConventionForm(r *http.Request) (*conventionForm, bool, error) {
	if err := r.ParseForm(); err != nil {
		return nil, false, errForm
	}
	p := r.PostForm
	f := &conventionForm{
		Kind: p.Get("kind"), Title: p.Get("title"), CAF: p.Get("caf"), Start: p.Get("start"), End: p.Get("end"),
		Renews: p.Get("renews"), Parties: p["parties"], EPCIs: p["epci"], Communes: p["commune"], AddQ: strings.TrimSpace(p.Get("add_q")),
	}
	f.Version, _ = strconv.Atoi(p.Get("version"))
	// Communes of EPCIs shown with checkboxes and left unchecked are excluded.
	checked := map[string]bool{}
	for _, m := range p["member"] {
		checked[m] = true
	}
	for _, siren := range p["shown"] {
		if !slices.Contains(f.EPCIs, siren) {
			continue
		}
		if e, ok := s.ref.EPCI(siren); ok {
			for _, c := range e.Communes {
				if !checked[c] {
					f.Excluded = append(f.Excluded, c)
				}
			}
		}
	}
	op := p.Get("op")
	kind, code, _ := strings.Cut(op, ":")
	switch kind {
	case "search":
		f.Searched = true
		if f.AddQ != "" {
			for _, m := range s.ref.Search(f.AddQ, 12) {
				if m.Kind == "commune" || m.Kind == "epci" {
					f.Results = append(f.Results, m)
				}
			}
		}
	case "add-pick":
		code = p.Get("pick")
		fallthrough
	case "add-epci":
		if _, ok := s.ref.EPCI(code); ok && !slices.Contains(f.EPCIs, code) {
			f.EPCIs = append(f.EPCIs, code)
		}
	case "add-commune":
		if c, ok := s.ref.Commune(code); ok {
			f.Excluded = slices.DeleteFunc(f.Excluded, func(x string) bool { return x == c.Code })
			if !f.inEPCIs(s.ref, c.Code) && !slices.Contains(f.Communes, c.Code) {
				f.Communes = append(f.Communes, c.Code)
			}
		}
	case "remove-epci":
		f.EPCIs = slices.DeleteFunc(f.EPCIs, func(x string) bool { return x == code })
		if e, ok := s.ref.EPCI(code); ok {
			f.Excluded = slices.DeleteFunc(f.Excluded, func(x string) bool { return slices.Contains(e.Communes, x) })
		}
	case "remove-commune":
		f.Communes = slices.DeleteFunc(f.Communes, func(x string) bool { return x == code })
	}
	return f, op == "" || op == "save", nil
}

func (f *conventionForm) inEPCIs(ref *territory.Ref, code string) bool {
	for _, siren := range f.EPCIs {
		if e, ok := ref.EPCI(siren); ok && slices.Contains(e.Communes, code) {
			return true
		}
	}
	return false
}

// prepare fills what the form shows besides the values.
func (s *Server) prepare(r *http.Request, f *conventionForm) error {
	excluded := map[string]bool{}
	for _, x := range f.Excluded {
		excluded[x] = true
	}
	f.EPCIViews = nil
	for _, siren := range f.EPCIs {
		e, ok := s.ref.EPCI(siren)
		if !ok {
			continue
		}
		v := formEPCI{EPCI: e}
		for _, code := range e.Communes {
			c, _ := s.ref.Commune(code)
			v.Members = append(v.Members, formMember{Commune: c, Included: !excluded[code]})
		}
		slices.SortFunc(v.Members, func(a, b formMember) int { return strings.Compare(a.Name, b.Name) })
		f.EPCIViews = append(f.EPCIViews, v)
	}
	f.Singles = nil
	for _, code := range f.Communes {
		if c, ok := s.ref.Commune(code); ok {
			f.Singles = append(f.Singles, c)
		}
	}
	communes := convention.Resolve(s.ref, f.perimeter())
	f.NCommunes, f.Population = len(communes), s.ref.Population(communes)
	dep := strings.TrimPrefix(f.CAF, "caf-")
	if d, ok := s.ref.Departement(dep); ok {
		f.DepName = d.Name
		f.DepEPCIs = s.ref.EPCIsOf(dep)
	}
	if r == nil {
		return nil
	}
	orgs, err := s.db.Organisations(r.Context(), "")
	if err != nil {
		return err
	}
	f.CAFs, f.Orgs = nil, nil
	for _, o := range orgs {
		if o.Kind == "caf" {
			f.CAFs = append(f.CAFs, o)
		} else {
			f.Orgs = append(f.Orgs, o)
		}
	}
	all, err := s.db.Conventions(r.Context(), currentUser(r), storeFilterAll)
	if err != nil {
		return err
	}
	f.Renewable = slices.DeleteFunc(all, func(c *convention.Convention) bool {
		return c.ID == f.ID || (c.RenewedBy != nil && *c.RenewedBy != f.ID)
	})
	return nil
}

// defaultCAF guesses the CAF of the user's territory.
func (s *Server) defaultCAF(r *http.Request) string {
	u := currentUser(r)
	o, err := s.db.Organisation(r.Context(), u.OrgID)
	if err != nil {
		return ""
	}
	if o.Kind == "caf" {
		return o.ID
	}
	if c, ok := s.ref.Commune(o.Territory); ok {
		return "caf-" + c.Departement
	}
	if e, ok := s.ref.EPCI(o.Territory); ok && len(e.Communes) > 0 {
		if c, ok := s.ref.Commune(e.Communes[0]); ok {
			return "caf-" + c.Departement
		}
	}
	if _, ok := s.ref.Departement(o.Territory); ok {
		return "caf-" + o.Territory
	}
	return ""
}

func (s *Server) conventionNewPage(w http.ResponseWriter, r *http.Request) error {
	if !currentUser(r).CanEdit() {
		return app.Errorf(app.EForbidden, "Votre rôle (lecture) ne permet pas de créer une convention.")
	}
	q := r.URL.Query()
	f := &conventionForm{Kind: convention.KindCTG, CAF: s.defaultCAF(r), Renews: q.Get("renews")}
	if e, ok := s.ref.EPCI(q.Get("epci")); ok {
		f.EPCIs = []string{e.SIREN}
		if c, ok := s.ref.Commune(e.Communes[0]); ok && f.CAF == "" {
			f.CAF = "caf-" + c.Departement
		}
	}
	if c, ok := s.ref.Commune(q.Get("commune")); ok {
		f.Communes = []string{c.Code}
		if f.CAF == "" {
			f.CAF = "caf-" + c.Departement
		}
	}
	if org := currentUser(r).OrgID; !strings.HasPrefix(org, "caf-") {
		f.Parties = []string{org}
	}
	// Renewing starts from the convention renewed: its perimeter, parties
	// and CAF, as a CTG (the usual successor of a CEJ).
	if f.Renews != "" {
		if old, err := s.db.Convention(r.Context(), currentUser(r), f.Renews); err == nil {
			f.CAF, f.Parties = old.CAF, old.Parties
			f.EPCIs, f.Communes, f.Excluded = old.Perimeter.EPCIs, old.Perimeter.Communes, old.Perimeter.Excluded
			if t, ok := convention.ParseDate(old.End); ok {
				f.Start = t.AddDate(0, 0, 1).Format(convention.DateLayout)
			}
		} else {
			f.Renews = ""
		}
	}
	if err := s.prepare(r, f); err != nil {
		return err
	}
	return s.render(w, r, "convention_form", "Nouvelle convention", "conventions", f)
}

func (s *Server) conventionEditPage(w http.ResponseWriter, r *http.Request) error {
	u := currentUser(r)
	c, err := s.db.Convention(r.Context(), u, r.PathValue("id"))
	if err != nil {
		return err
	}
	if err := convention.CheckEdit(u, c); err != nil {
		return err
	}
	f := &conventionForm{ID: c.ID, Version: c.Version, Kind: c.Kind, Title: c.Title, CAF: c.CAF, Start: c.Start, End: c.End,
		Renews: deref(c.Renews), Parties: c.Parties, EPCIs: c.Perimeter.EPCIs, Communes: c.Perimeter.Communes, Excluded: c.Perimeter.Excluded}
	if err := s.prepare(r, f); err != nil {
		return err
	}
	return s.render(w, r, "convention_form", "Modifier « "+c.Title+" »", "conventions", f)
}

// formErrors gathers the perimeter's messages under one key, the picker.
func formErrors(err error) map[string]string {
	out := map[string]string{}
	for k, v := range app.ErrorFields(err) {
		if strings.HasPrefix(k, "perimeter") {
			k = "perimeter"
			if prev, ok := out[k]; ok {
				v = prev + " " + v
			}
		}
		out[k] = v
	}
	if len(out) == 0 {
		out["form"] = app.ErrorMessage(err)
	}
	return out
}

func (s *Server) conventionCreate(w http.ResponseWriter, r *http.Request) error {
	u := currentUser(r)
	f, save, err := s.parseConventionForm(r)
	if err != nil {
		return err
	}
	if save {
		var renews *string
		if f.Renews != "" {
			renews = &f.Renews
		}
		c := &convention.Convention{Kind: f.Kind, Title: f.Title, CAF: f.CAF, Perimeter: f.perimeter(), Start: f.Start, End: f.End,
			Parties: f.Parties, Renews: renews}
		err := s.db.CreateConvention(r.Context(), s.ref, u, c)
		if err == nil {
			return s.redirectFlash(w, r, "/conventions/"+c.ID, "created")
		}
		if code := app.ErrorCode(err); code != app.EInvalid {
			return err
		}
		f.Errors = formErrors(err)
	}
	if err := s.prepare(r, f); err != nil {
		return err
	}
	status := http.StatusOK
	if f.Errors != nil {
		status = http.StatusUnprocessableEntity
	}
	return s.renderStatus(w, r, status, "convention_form", "Nouvelle convention", "conventions", f)
}

func (s *Server) conventionUpdate(w http.ResponseWriter, r *http.Request) error {
	u := currentUser(r)
	id := r.PathValue("id")
	old, err := s.db.Convention(r.Context(), u, id)
	if err != nil {
		return err
	}
	if err := convention.CheckEdit(u, old); err != nil {
		return err
	}
	f, save, err := s.parseConventionForm(r)
	if err != nil {
		return err
	}
	f.ID = id
	if save {
		var renews *string
		if f.Renews != "" {
			renews = &f.Renews
		}
		per := f.perimeter()
		p := convention.Patch{Kind: &f.Kind, Title: &f.Title, CAF: &f.CAF, Perimeter: &per, Start: &f.Start, End: &f.End,
			Parties: &f.Parties, Renews: convention.Optional{Set: true, Value: renews}}
		if f.Parties == nil {
			empty := []string{}
			p.Parties = &empty
		}
		c, err := s.db.UpdateConvention(r.Context(), s.ref, u, id, f.Version, p)
		if err == nil {
			key := "updated"
			if c.Version == old.Version {
				key = "nochange"
			}
			return s.redirectFlash(w, r, "/conventions/"+id, key)
		}
		switch app.ErrorCode(err) {
		case app.EInvalid:
			f.Errors = formErrors(err)
		case app.EPreconditionFailed:
			f.Errors = map[string]string{"form": app.ErrorMessage(err)}
		default:
			return err
		}
	}
	if err := s.prepare(r, f); err != nil {
		return err
	}
	status := http.StatusOK
	if f.Errors != nil {
		status = http.StatusUnprocessableEntity
		if _, stale := f.Errors["form"]; stale {
			status = http.StatusPreconditionFailed
		}
	}
	return s.renderStatus(w, r, status, "convention_form", "Modifier « "+old.Title+" »", "conventions", f)
}

// perimeterPreview answers the picker alone, for htmx.
func (s *Server) perimeterPreview(w http.ResponseWriter, r *http.Request) error {
	f, _, err := s.parseConventionForm(r)
	if err != nil {
		return err
	}
	f.ID = r.PostFormValue("id")
	if err := s.prepare(nil, f); err != nil {
		return err
	}
	return s.renderFragment(w, r, "convention_form", "perimeter", f)
}
