package web

import (
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"ctg/internal/app"
	"ctg/internal/convention"
	"ctg/internal/diagnostic"
	"ctg/internal/field"
	"ctg/internal/store"
)

// findingForm is the state of the form that adds or changes a finding.
type findingForm struct {
	ID      string
	Version int
	Kind    string
	Field   string
	Source  string
	Text    string
	Errors  map[string]string
}

// stakeForm is the state of the form that adds or changes a stake.
type stakeForm struct {
	ID       string
	Version  int
	Title    string
	Priority int
	Fields   []string
	Findings []string
	Errors   map[string]string
}

// findingView is a finding with what the page writes of it in French.
type findingView struct {
	diagnostic.Finding
	KindLabel   string
	FieldLabel  string
	SourceLabel string
	StakeLinks  []stakeLink
	// Short is the beginning of the text, for lists of checkboxes.
	Short string
}

type stakeLink struct{ ID, Title string }

// findingGroup is the findings of one kind: the strengths, the weaknesses
// or the needs.
type findingGroup struct {
	Code, Heading string
	Items         []findingView
}

// stakeView is a stake with its findings spelt out.
type stakeView struct {
	diagnostic.Stake
	PriorityLabel string
	FieldLabels   []string
	Items         []findingView
}

type findingsData struct {
	C       *convention.Convention
	CanEdit bool
	// Filter is the field of intervention the findings are filtered by.
	Filter     string
	Groups     []findingGroup
	Count      int
	All        []findingView // every finding, for the stake form
	Stakes     []stakeView
	Fields     []field.Field
	Kinds      []struct{ Code, Label, Plural string }
	Sources    []struct{ Code, Label string }
	Priorities []struct {
		Level int
		Label string
	}
	Finding findingForm
	Stake   stakeForm
}

// diagnosticChange writes a history value of a facility, finding or stake.
func diagnosticChange(name string, v any) (string, bool) {
	switch x := v.(type) {
	case string:
		switch name {
		case "kind":
			if _, ok := diagnostic.FacilityKindOf(x); ok {
				return diagnostic.FacilityKindShort(x), true
			}
			if diagnostic.ValidFindingKind(x) {
				return diagnostic.FindingKindLabel(x), true
			}
		case "field":
			return field.Label(x), true
		case "source":
			return diagnostic.SourceLabel(x), true
		}
	case float64:
		if name == "priority" {
			return diagnostic.PriorityLabel(int(x)), true
		}
	case []any:
		switch name {
		case "fields":
			labels := make([]string, len(x))
			for i, c := range x {
				labels[i] = field.Label(fmt.Sprint(c))
			}
			if len(labels) == 0 {
				return "aucun", true
			}
			return strings.Join(labels, ", "), true
		case "findings":
			return countOf(len(x), "constat", "constats"), true
		case "stakes":
			return countOf(len(x), "enjeu", "enjeux"), true
		}
	}
	return "", false
}

func countOf(n int, one, many string) string {
	if n == 0 {
		return "aucun"
	}
	if n == 1 {
		return "1 " + one
	}
	return strconv.Itoa(n) + " " + many
}

func (s *Server) viewFinding(f diagnostic.Finding, titles map[string]string) findingView {
	v := findingView{Finding: f, KindLabel: diagnostic.FindingKindLabel(f.Kind), FieldLabel: field.Label(f.Field),
		SourceLabel: diagnostic.SourceLabel(f.Source), Short: f.Text}
	if r := []rune(f.Text); len(r) > 140 {
		v.Short = strings.TrimSpace(string(r[:140])) + "…"
	}
	for _, id := range f.Stakes {
		v.StakeLinks = append(v.StakeLinks, stakeLink{ID: id, Title: titles[id]})
	}
	return v
}

// findingsData gathers the findings and stakes of a convention; filter is
// a field of intervention, or "" for all.
func (s *Server) findingsData(r *http.Request, id, filter string) (*findingsData, error) {
	u := currentUser(r)
	c, err := s.db.ConventionHead(r.Context(), u, id)
	if err != nil {
		return nil, err
	}
	all, err := s.db.Findings(r.Context(), u, id, store.FindingFilter{})
	if err != nil {
		return nil, err
	}
	stakes, err := s.db.Stakes(r.Context(), u, id)
	if err != nil {
		return nil, err
	}
	d := &findingsData{C: c, CanEdit: convention.CheckEdit(u, c) == nil, Filter: filter, Fields: field.All,
		Kinds: diagnostic.FindingKinds, Sources: diagnostic.Sources, Priorities: diagnostic.Priorities,
		Stake: stakeForm{Priority: 0}}
	titles := make(map[string]string, len(stakes))
	for _, st := range stakes {
		titles[st.ID] = st.Title
	}
	byID := make(map[string]findingView, len(all))
	for _, f := range all {
		v := s.viewFinding(f, titles)
		byID[f.ID] = v
		d.All = append(d.All, v)
	}
	for _, k := range diagnostic.FindingKinds {
		g := findingGroup{Code: k.Code, Heading: k.Plural}
		for _, v := range d.All {
			if v.Kind == k.Code && (filter == "" || v.Field == filter) {
				g.Items = append(g.Items, v)
			}
		}
		d.Count += len(g.Items)
		d.Groups = append(d.Groups, g)
	}
	for _, st := range stakes {
		if filter != "" && !slices.Contains(st.Fields, filter) {
			continue
		}
		v := stakeView{Stake: st, PriorityLabel: diagnostic.PriorityLabel(st.Priority)}
		for _, f := range st.Fields {
			v.FieldLabels = append(v.FieldLabels, field.Label(f))
		}
		for _, fid := range st.Findings {
			if f, ok := byID[fid]; ok {
				v.Items = append(v.Items, f)
			}
		}
		d.Stakes = append(d.Stakes, v)
	}
	return d, nil
}

// fieldFilter reads ?champ=, a field of intervention.
func fieldFilter(r *http.Request) (string, error) {
	f := strings.TrimSpace(r.URL.Query().Get("champ"))
	if f != "" && !field.Valid(f) {
		return "", app.Invalid("Filtre inconnu.", map[string]string{"champ": "Champ d'intervention inconnu : " + f + "."})
	}
	return f, nil
}

func (s *Server) findingsPage(w http.ResponseWriter, r *http.Request) error {
	filter, ferr := fieldFilter(r)
	d, err := s.findingsData(r, r.PathValue("id"), filter)
	if err != nil {
		return err
	}
	if ferr != nil {
		return ferr
	}
	q := r.URL.Query()
	if fid := q.Get("modifier-constat"); fid != "" && d.CanEdit {
		f, err := s.db.Finding(r.Context(), currentUser(r), fid)
		if err != nil || f.Convention != d.C.ID {
			return app.ErrNotFound
		}
		d.Finding = findingForm{ID: f.ID, Version: f.Version, Kind: f.Kind, Field: f.Field, Source: f.Source, Text: f.Text}
	}
	if sid := q.Get("modifier-enjeu"); sid != "" && d.CanEdit {
		st, err := s.db.Stake(r.Context(), currentUser(r), sid)
		if err != nil || st.Convention != d.C.ID {
			return app.ErrNotFound
		}
		d.Stake = stakeForm{ID: st.ID, Version: st.Version, Title: st.Title, Priority: st.Priority, Fields: st.Fields, Findings: st.Findings}
	}
	return s.render(w, r, "findings", "Constats et enjeux — "+d.C.Title, "conventions", d)
}

// findingsBack shows the page again with a refused form, with the status
// of the error; errors that are not about the form's content go to the
// error page.
func (s *Server) findingsBack(w http.ResponseWriter, r *http.Request, id string, err error, set func(d *findingsData, errs map[string]string)) error {
	errs, status, ok := formRefusal(err, app.EInvalid, app.EPreconditionFailed)
	if !ok {
		return err
	}
	d, derr := s.findingsData(r, id, "")
	if derr != nil {
		return derr
	}
	set(d, errs)
	return s.renderStatus(w, r, status, "findings", "Constats et enjeux — "+d.C.Title, "conventions", d)
}

func (s *Server) findingSave(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("id")
	if err := r.ParseForm(); err != nil {
		return errForm
	}
	p := r.PostForm
	form := findingForm{ID: p.Get("id"), Kind: p.Get("kind"), Field: p.Get("field"), Source: p.Get("source"), Text: p.Get("text")}
	form.Version, _ = strconv.Atoi(p.Get("version"))
	u := currentUser(r)
	var err error
	flash := "finding.created"
	if form.ID == "" {
		err = s.db.CreateFinding(r.Context(), u, id, &diagnostic.Finding{Kind: form.Kind, Field: form.Field, Source: form.Source, Text: form.Text})
	} else {
		before, ferr := s.db.Finding(r.Context(), u, form.ID)
		if err = ferr; err == nil && before.Convention != id {
			err = app.ErrNotFound // not a finding of this page's convention
		}
		if err == nil {
			var after *diagnostic.Finding
			after, err = s.db.UpdateFinding(r.Context(), u, form.ID, form.Version, diagnostic.FindingPatch{
				Kind: &form.Kind, Field: &form.Field, Source: &form.Source, Text: &form.Text})
			flash = "finding.updated"
			if err == nil && after.Version == before.Version {
				flash = "nochange"
			}
		}
	}
	if err == nil {
		return s.redirectFlash(w, r, "/conventions/"+id+"/constats#constats-"+form.Kind, flash)
	}
	return s.findingsBack(w, r, id, err, func(d *findingsData, errs map[string]string) {
		form.Errors = errs
		d.Finding = form
	})
}

func (s *Server) findingDelete(w http.ResponseWriter, r *http.Request) error {
	id, u := r.PathValue("id"), currentUser(r)
	f, err := s.db.Finding(r.Context(), u, r.PathValue("fid"))
	if err != nil {
		return err
	}
	if f.Convention != id {
		return app.ErrNotFound
	}
	version, _ := strconv.Atoi(r.PostFormValue("version"))
	if err := s.db.DeleteFinding(r.Context(), u, f.ID, version); err != nil {
		return err
	}
	return s.redirectFlash(w, r, "/conventions/"+id+"/constats", "finding.deleted")
}

func (s *Server) stakeSave(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("id")
	if err := r.ParseForm(); err != nil {
		return errForm
	}
	p := r.PostForm
	form := stakeForm{ID: p.Get("id"), Title: p.Get("title"), Fields: p["fields"], Findings: p["findings"]}
	form.Version, _ = strconv.Atoi(p.Get("version"))
	form.Priority, _ = strconv.Atoi(p.Get("priority"))
	u := currentUser(r)
	var err error
	var saved string
	flash := "stake.created"
	if form.ID == "" {
		st := &diagnostic.Stake{Title: form.Title, Fields: form.Fields, Priority: form.Priority, Findings: form.Findings}
		err = s.db.CreateStake(r.Context(), u, id, st)
		saved = st.ID
	} else {
		before, serr := s.db.Stake(r.Context(), u, form.ID)
		if err = serr; err == nil && before.Convention != id {
			err = app.ErrNotFound // not a stake of this page's convention
		}
		if err == nil {
			fields, findings := append([]string{}, form.Fields...), append([]string{}, form.Findings...)
			var after *diagnostic.Stake
			after, err = s.db.UpdateStake(r.Context(), u, form.ID, form.Version, diagnostic.StakePatch{
				Title: &form.Title, Fields: &fields, Priority: &form.Priority, Findings: &findings})
			saved, flash = form.ID, "stake.updated"
			if err == nil && after.Version == before.Version {
				flash = "nochange"
			}
		}
	}
	if err == nil {
		return s.redirectFlash(w, r, "/conventions/"+id+"/constats#enjeu-"+saved, flash)
	}
	return s.findingsBack(w, r, id, err, func(d *findingsData, errs map[string]string) {
		form.Errors = errs
		d.Stake = form
	})
}

func (s *Server) stakeDelete(w http.ResponseWriter, r *http.Request) error {
	id, u := r.PathValue("id"), currentUser(r)
	st, err := s.db.Stake(r.Context(), u, r.PathValue("sid"))
	if err != nil {
		return err
	}
	if st.Convention != id {
		return app.ErrNotFound
	}
	version, _ := strconv.Atoi(r.PostFormValue("version"))
	if err := s.db.DeleteStake(r.Context(), u, st.ID, version); err != nil {
		return err
	}
	return s.redirectFlash(w, r, "/conventions/"+id+"/constats", "stake.deleted")
}
