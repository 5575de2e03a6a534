package web

import (
	"net/http"
	"slices"
	"strconv"
	"strings"

	"ctg/internal/app"
	"ctg/internal/diagnostic"
)

// recentImports is how many imports the catalogue lists.
const recentImports = 20

// catalogueRow is an indicator as the catalogue lists it, with the years it
// has values for and the source of the latest.
type catalogueRow struct {
	diagnostic.Indicator
	// Formula says in words how a ratio is computed.
	Formula string
	Years   string
	Source  string
}

// indicatorForm is the state of the form that adds an indicator.
type indicatorForm struct {
	Code, Label, Unit, Aggregate, Numerator, Denominator, Scale, Description string
	Errors                                                                   map[string]string
}

type indicatorsData struct {
	CanEdit    bool
	Indicators []catalogueRow
	// Counts are the indicators a ratio may be built on.
	Counts  []diagnostic.Indicator
	Imports []diagnostic.Import
	Form    indicatorForm
}

// errImportRole refuses the import wizard and the new indicators to readers.
var errImportRole = app.Errorf(app.EForbidden, "Votre rôle (lecture) ne permet pas d'importer des indicateurs ni d'en ajouter au catalogue.")

// frNumber writes f the French way with only the decimals it needs:
// 100, 1 000, 0,5.
func frNumber(f float64) string {
	s := strconv.FormatFloat(f, 'f', -1, 64)
	_, fp, _ := strings.Cut(s, ".")
	return frDecimal(f, len(fp))
}

// formulaOf says how a ratio is computed, with the labels of its terms:
// "Places d'accueil du jeune enfant ÷ Enfants de 0 à 2 ans × 100".
func formulaOf(cat *diagnostic.Catalogue, i diagnostic.Indicator) string {
	if !i.IsRatio() {
		return ""
	}
	label := func(code string) string {
		if t, ok := cat.Get(code); ok {
			return t.Label
		}
		return code
	}
	f := label(i.Numerator) + " ÷ " + label(i.Denominator)
	if i.Scale != 1 && i.Scale != 0 {
		f += " × " + frNumber(i.Scale)
	}
	return f
}

// indicatorsData gathers the catalogue, the years with values and the
// recent imports.
func (s *Server) indicatorsData(r *http.Request) (*indicatorsData, error) {
	ctx := r.Context()
	cat, err := s.db.Catalogue(ctx)
	if err != nil {
		return nil, err
	}
	series, err := s.db.Series(ctx)
	if err != nil {
		return nil, err
	}
	imports, err := s.db.Imports(ctx, recentImports)
	if err != nil {
		return nil, err
	}
	years := map[string][]int{diagnostic.Population: {diagnostic.PopulationYear}}
	latest := diagnostic.Latest(cat, series)
	for _, si := range series {
		if !slices.Contains(years[si.Indicator], si.Year) {
			years[si.Indicator] = append(years[si.Indicator], si.Year)
		}
	}
	d := &indicatorsData{CanEdit: currentUser(r).CanEdit(), Imports: imports,
		Form: indicatorForm{Aggregate: diagnostic.Sum, Scale: "100"}}
	for _, ind := range cat.All() {
		row := catalogueRow{Indicator: ind, Formula: formulaOf(cat, ind)}
		ys := years[ind.Code]
		slices.Sort(ys)
		parts := make([]string, len(ys))
		for i, y := range ys {
			parts[i] = strconv.Itoa(y)
		}
		row.Years = strings.Join(parts, ", ")
		if l, ok := latest[ind.Code]; ok && len(ys) > 0 {
			row.Source = l.Source
		}
		d.Indicators = append(d.Indicators, row)
		if !ind.IsRatio() {
			d.Counts = append(d.Counts, ind)
		}
	}
	return d, nil
}

func (s *Server) indicatorsPage(w http.ResponseWriter, r *http.Request) error {
	d, err := s.indicatorsData(r)
	if err != nil {
		return err
	}
	return s.render(w, r, "indicators", "Indicateurs et imports", "", d)
}

// indicatorCreate adds an indicator to the catalogue; a refused form comes
// back filled in, with the messages by the fields.
func (s *Server) indicatorCreate(w http.ResponseWriter, r *http.Request) error {
	u := currentUser(r)
	if !u.CanEdit() {
		return errImportRole
	}
	if err := r.ParseForm(); err != nil {
		return errForm
	}
	p := r.PostForm
	form := indicatorForm{Code: strings.TrimSpace(p.Get("code")), Label: p.Get("label"), Unit: p.Get("unit"),
		Aggregate: p.Get("aggregate"), Numerator: p.Get("numerator"), Denominator: p.Get("denominator"),
		Scale: strings.TrimSpace(p.Get("scale")), Description: p.Get("description")}
	ind := diagnostic.Indicator{Code: form.Code, Label: form.Label, Unit: form.Unit, Aggregate: form.Aggregate, Description: form.Description}
	// Without JavaScript the fields of a ratio show for a count too: they
	// only count for a ratio.
	bad := app.Fields{}
	if form.Aggregate == diagnostic.Ratio {
		ind.Numerator, ind.Denominator = form.Numerator, form.Denominator
		if form.Scale != "" {
			v, secret, err := diagnostic.ParseNumber(form.Scale)
			if err != nil || secret {
				bad.Add("scale", "Le coefficient s'écrit en chiffres : 100 pour un pourcentage, 1000 pour un taux pour mille, 1 pour un rapport simple.")
			}
			ind.Scale = v
		}
	}
	var err error
	if len(bad) > 0 {
		// Say at once what else is to correct.
		cat, cerr := s.db.Catalogue(r.Context())
		if cerr != nil {
			return cerr
		}
		for k, v := range app.ErrorFields(ind.Validate(cat)) {
			bad.Add(k, v)
		}
		err = bad.Err()
	} else {
		err = s.db.CreateIndicator(r.Context(), s.ref, u, &ind)
	}
	if err == nil {
		return s.redirectFlash(w, r, "/indicateurs#indicateur-"+ind.Code, "indicator.created")
	}
	errs, status, ok := formRefusal(err, app.EInvalid, app.EConflict)
	if !ok {
		return err
	}
	d, derr := s.indicatorsData(r)
	if derr != nil {
		return derr
	}
	form.Errors = errs
	// The form offers the terms of a ratio in lists: say what to choose.
	if _, ok := form.Errors["numerator"]; ok && ind.Numerator == "" {
		form.Errors["numerator"] = "Choisissez le numérateur du ratio, un comptage du catalogue."
	}
	if _, ok := form.Errors["denominator"]; ok && ind.Denominator == "" {
		form.Errors["denominator"] = "Choisissez le dénominateur du ratio, un comptage du catalogue."
	}
	d.Form = form
	return s.renderStatus(w, r, status, "indicators", "Indicateurs et imports", "", d)
}
