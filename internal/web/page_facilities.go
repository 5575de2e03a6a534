package web

import (
	"net/http"
	"slices"
	"strconv"
	"strings"

	"ctg/internal/app"
	"ctg/internal/convention"
	"ctg/internal/diagnostic"
	"ctg/internal/store"
	"ctg/internal/territory"
)

// facilityForm is the state of the form that adds or changes a facility.
type facilityForm struct {
	ID      string
	Version int
	Kind    string
	Name    string
	Commune string
	Places  string
	Manager string
	Errors  map[string]string
}

// facilityRow is a facility as the page lists it.
type facilityRow struct {
	diagnostic.Facility
	KindLabel string
	// HasPlaces tells a facility without places from one with none.
	HasPlaces bool
	NPlaces   int
}

// facilityGroup is the facilities of one commune of the perimeter.
type facilityGroup struct {
	Commune territory.Commune
	Items   []facilityRow
}

// kindTotalRow is a line of the totals per kind.
type kindTotalRow struct {
	Kind diagnostic.FacilityKind
	diagnostic.KindTotal
}

type facilitiesData struct {
	C        *convention.Convention
	CanEdit  bool
	Groups   []facilityGroup
	Empty    []territory.Commune
	Totals   []kindTotalRow
	Count    int
	Places   int
	Chart    map[string]any
	Kinds    []diagnostic.FacilityKind
	Communes []territory.Commune // of the perimeter, by name
	Form     facilityForm
	// The outcome of an import: a summary, or why the file was refused.
	Import       *diagnostic.FacilityImport
	ImportError  string
	ImportFields map[string]string
}

// HasCharts tells the layout to load ECharts.
func (d *facilitiesData) HasCharts() bool { return d.Chart != nil }

// ImportLines lists the messages of a refused import in the order of the
// file: line by line, then column by column.
func (d *facilitiesData) ImportLines() []string {
	keys := make([]string, 0, len(d.ImportFields))
	for k := range d.ImportFields {
		keys = append(keys, k)
	}
	line := func(k string) int {
		n, _ := strconv.Atoi(strings.TrimPrefix(strings.SplitN(k, ",", 2)[0], "ligne "))
		return n
	}
	slices.SortFunc(keys, func(a, b string) int {
		if d := line(a) - line(b); d != 0 {
			return d
		}
		return strings.Compare(a, b)
	})
	out := make([]string, len(keys))
	for i, k := range keys {
		if k == "fichier" {
			out[i] = d.ImportFields[k]
		} else {
			out[i] = strings.ToUpper(k[:1]) + k[1:] + " : " + d.ImportFields[k]
		}
	}
	return out
}

// facilitiesData gathers the facilities of the convention's perimeter.
func (s *Server) facilitiesData(r *http.Request, id string) (*facilitiesData, error) {
	u := currentUser(r)
	c, err := s.db.Convention(r.Context(), u, id)
	if err != nil {
		return nil, err
	}
	fs, err := s.db.Facilities(r.Context(), store.FacilityFilter{Communes: c.Communes})
	if err != nil {
		return nil, err
	}
	d := &facilitiesData{C: c, CanEdit: u.CanEdit(), Kinds: diagnostic.FacilityKinds, Count: len(fs)}
	byCommune := map[string][]facilityRow{}
	for _, f := range fs {
		row := facilityRow{Facility: f, KindLabel: diagnostic.FacilityKindShort(f.Kind), HasPlaces: f.Places != nil}
		if f.Places != nil {
			row.NPlaces = *f.Places
		}
		byCommune[f.Commune] = append(byCommune[f.Commune], row)
	}
	for _, code := range c.Communes {
		cm, ok := s.ref.Commune(code)
		if !ok {
			continue
		}
		d.Communes = append(d.Communes, cm)
		if items := byCommune[code]; len(items) > 0 {
			d.Groups = append(d.Groups, facilityGroup{Commune: cm, Items: items})
		} else {
			d.Empty = append(d.Empty, cm)
		}
	}
	byName := func(a, b territory.Commune) int {
		return strings.Compare(territory.Normalize(a.Name), territory.Normalize(b.Name))
	}
	slices.SortFunc(d.Communes, byName)
	slices.SortFunc(d.Empty, byName)
	slices.SortFunc(d.Groups, func(a, b facilityGroup) int { return byName(a.Commune, b.Commune) })

	totals := diagnostic.Totals(fs)
	var labels []string
	var places []int
	for _, k := range diagnostic.FacilityKinds {
		t, ok := totals[k.Code]
		if !ok {
			continue
		}
		d.Totals = append(d.Totals, kindTotalRow{Kind: k, KindTotal: t})
		d.Places += t.Places
		if t.Places > 0 {
			labels = append(labels, k.Short)
			places = append(places, t.Places)
		}
	}
	if len(places) > 1 {
		slices.Reverse(labels) // ECharts draws the first category at the bottom.
		slices.Reverse(places)
		d.Chart = map[string]any{
			"valueFormat": "integer",
			"tooltip":     map[string]any{"trigger": "axis", "axisPointer": map[string]any{"type": "shadow"}},
			"grid":        map[string]any{"left": 8, "right": 24, "top": 8, "bottom": 8},
			"xAxis":       map[string]any{"type": "value"},
			"yAxis":       map[string]any{"type": "category", "data": labels},
			"series":      []map[string]any{{"name": "Places", "type": "bar", "data": places, "barMaxWidth": 22}},
		}
	}
	return d, nil
}

func (s *Server) facilitiesPage(w http.ResponseWriter, r *http.Request) error {
	d, err := s.facilitiesData(r, r.PathValue("id"))
	if err != nil {
		return err
	}
	if fid := r.URL.Query().Get("modifier"); fid != "" && d.CanEdit {
		f, err := s.db.Facility(r.Context(), fid)
		if err != nil {
			return err
		}
		d.Form = facilityForm{ID: f.ID, Version: f.Version, Kind: f.Kind, Name: f.Name, Commune: f.Commune, Manager: f.Manager}
		if f.Places != nil {
			d.Form.Places = strconv.Itoa(*f.Places)
		}
	}
	return s.render(w, r, "facilities", "Équipements et services — "+d.C.Title, "conventions", d)
}

// facilitySave adds a facility, or changes one when the form carries its
// id; a refused form comes back filled in, with the messages by the fields.
func (s *Server) facilitySave(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("id")
	if err := r.ParseForm(); err != nil {
		return errForm
	}
	p := r.PostForm
	form := facilityForm{ID: p.Get("id"), Kind: p.Get("kind"), Name: p.Get("name"), Commune: p.Get("commune"),
		Places: strings.TrimSpace(p.Get("places")), Manager: p.Get("manager")}
	form.Version, _ = strconv.Atoi(p.Get("version"))
	u := currentUser(r)
	c, err := s.db.Convention(r.Context(), u, id)
	if err != nil {
		return err
	}
	places, ok := diagnostic.ParsePlaces(form.Places)
	if !ok {
		err = app.Invalid("Certaines informations sont à corriger.", map[string]string{"places": "Indiquez le nombre de places en chiffres, par exemple 24."})
	} else if !slices.Contains(c.Communes, form.Commune) {
		err = app.Invalid("Certaines informations sont à corriger.", map[string]string{"commune": "Choisissez une commune du périmètre de la convention."})
	}
	flash := "facility.created"
	if err == nil && form.ID == "" {
		f := &diagnostic.Facility{Kind: form.Kind, Name: form.Name, Commune: form.Commune, Places: places, Manager: form.Manager}
		err = s.db.CreateFacility(r.Context(), s.ref, u, f)
	} else if err == nil {
		var before *diagnostic.Facility
		if before, err = s.db.Facility(r.Context(), form.ID); err == nil && !slices.Contains(c.Communes, before.Commune) {
			err = app.ErrNotFound // not a facility of this page
		}
		if err == nil {
			var after *diagnostic.Facility
			after, err = s.db.UpdateFacility(r.Context(), s.ref, u, form.ID, form.Version, diagnostic.FacilityPatch{
				Kind: &form.Kind, Name: &form.Name, Commune: &form.Commune, Manager: &form.Manager,
				Places: diagnostic.OptionalInt{Set: true, Value: places}})
			flash = "facility.updated"
			if err == nil && after.Version == before.Version {
				flash = "nochange"
			}
		}
	}
	if err == nil {
		return s.redirectFlash(w, r, "/conventions/"+id+"/equipements#commune-"+form.Commune, flash)
	}
	errs, status, ok := formRefusal(err, app.EInvalid, app.EPreconditionFailed)
	if !ok {
		return err
	}
	d, derr := s.facilitiesData(r, id)
	if derr != nil {
		return derr
	}
	form.Errors = errs
	d.Form = form
	return s.renderStatus(w, r, status, "facilities", "Équipements et services — "+d.C.Title, "conventions", d)
}

func (s *Server) facilityDelete(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("id")
	u := currentUser(r)
	c, err := s.db.Convention(r.Context(), u, id)
	if err != nil {
		return err
	}
	f, err := s.db.Facility(r.Context(), r.PathValue("fid"))
	if err != nil {
		return err
	}
	if !slices.Contains(c.Communes, f.Commune) {
		return app.ErrNotFound
	}
	version, _ := strconv.Atoi(r.PostFormValue("version"))
	if err := s.db.DeleteFacility(r.Context(), u, f.ID, version); err != nil {
		return err
	}
	return s.redirectFlash(w, r, "/conventions/"+id+"/equipements", "facility.deleted")
}

// facilitiesImport reads a spreadsheet sent from the page and shows the
// page again with a summary, or with the reasons the file was refused.
func (s *Server) facilitiesImport(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("id")
	if _, err := s.db.Convention(r.Context(), currentUser(r), id); err != nil {
		return err
	}
	sum, err := s.importFacilities(w, r)
	code := app.ErrorCode(err)
	if err != nil && code != app.EInvalid && code != app.ETooLarge {
		return err
	}
	d, derr := s.facilitiesData(r, id)
	if derr != nil {
		return derr
	}
	status := http.StatusOK
	if err != nil {
		status = statusFor(code)
		d.ImportError, d.ImportFields = app.ErrorMessage(err), app.ErrorFields(err)
	} else {
		d.Import = &sum
	}
	return s.renderStatus(w, r, status, "facilities", "Équipements et services — "+d.C.Title, "conventions", d)
}
