package web

import (
	"encoding/csv"
	"net/http"
	"strconv"

	"ctg/internal/app"
	"ctg/internal/convention"
	"ctg/internal/store"
)

type conventionsData struct {
	Filter      store.Filter
	Items       []*convention.Convention
	Population  int
	Errors      map[string]string
	Departement string
	CAFs        map[string]string
	Query       string
}

// sortLink returns the query of the list sorted by col, toggling the
// direction when it is already sorted by col.
func (d conventionsData) SortLink(col string) string {
	f := d.Filter
	if f.Sort == col {
		f.Sort = "-" + col
	} else {
		f.Sort = col
	}
	return "?" + filterQuery(f)
}

// SortState is the aria-sort value of a column.
func (d conventionsData) SortState(col string) string {
	switch d.Filter.Sort {
	case col:
		return "ascending"
	case "-" + col:
		return "descending"
	}
	if col == "end" && d.Filter.Sort == "" {
		return "ascending"
	}
	return "none"
}

func filterQuery(f store.Filter) string {
	q := make(map[string][]string)
	set := func(k, v string) {
		if v != "" {
			q[k] = []string{v}
		}
	}
	set("q", f.Query)
	set("departement", f.Departement)
	set("kind", f.Kind)
	set("status", f.Status)
	set("sort", f.Sort)
	set("party", f.Party)
	return encodeQuery(q)
}

func (s *Server) cafNames(r *http.Request) (map[string]string, error) {
	orgs, err := s.db.Organisations(r.Context(), "caf")
	if err != nil {
		return nil, err
	}
	m := make(map[string]string, len(orgs))
	for _, o := range orgs {
		m[o.ID] = o.Name
	}
	return m, nil
}

func (s *Server) conventionsPage(w http.ResponseWriter, r *http.Request) error {
	f, ferr := s.filterFrom(r)
	d := conventionsData{Filter: f, Errors: app.ErrorFields(ferr)}
	if ferr != nil && app.ErrorCode(ferr) != app.EInvalid {
		return ferr
	}
	names, err := s.cafNames(r)
	if err != nil {
		return err
	}
	d.CAFs = names
	status := http.StatusOK
	if ferr == nil {
		d.Items, err = s.db.Conventions(r.Context(), currentUser(r), f)
		if err != nil {
			return err
		}
	} else {
		status = http.StatusUnprocessableEntity
	}
	for _, c := range d.Items {
		d.Population += c.Population
	}
	if r.URL.Query().Get("format") == "csv" && ferr == nil {
		return writeConventionsCSV(w, d.Items, names)
	}
	d.Query = filterQuery(f)
	return s.renderStatus(w, r, status, "conventions", "Conventions", "conventions", d)
}

func writeConventionsCSV(w http.ResponseWriter, items []*convention.Convention, names map[string]string) error {
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="conventions.csv"`)
	_, _ = w.Write([]byte("\ufeff")) // so that spreadsheet software reads UTF-8
	cw := csv.NewWriter(w)
	cw.Comma = ';'
	_ = cw.Write([]string{"identifiant", "intitulé", "type", "statut", "caf", "début", "fin", "signée le", "communes", "population", "renouvelle", "renouvelée par"})
	for _, c := range items {
		_ = cw.Write([]string{c.ID, spreadsheetText(c.Title), convention.KindShort(c.Kind), convention.StatusLabel(c.Status), spreadsheetText(names[c.CAF]),
			c.Start, c.End, c.SignedOn, strconv.Itoa(len(c.Communes)), strconv.Itoa(c.Population), deref(c.Renews), deref(c.RenewedBy)})
	}
	cw.Flush()
	return cw.Error()
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}
