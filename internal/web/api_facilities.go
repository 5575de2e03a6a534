package web

import (
	"bytes"
	"errors"
	"io"
	"net/http"
	"slices"
	"strings"

	"ctg/internal/app"
	"ctg/internal/diagnostic"
	"ctg/internal/store"
)

// maxFacilityFile is the largest facilities spreadsheet accepted: a whole
// département's inventory fits many times over.
const maxFacilityFile = 20 << 20

// facilityInput is the body of POST /api/v1/facilities.
type facilityInput struct {
	Kind    string `json:"kind"`
	Name    string `json:"name"`
	Commune string `json:"commune"`
	Places  *int   `json:"places"`
	Manager string `json:"manager"`
}

func writeFacility(w http.ResponseWriter, status int, f *diagnostic.Facility) {
	w.Header().Set("ETag", etag(f.Version))
	writeJSON(w, status, f)
}

func (s *Server) apiCreateFacility(w http.ResponseWriter, r *http.Request) error {
	var in facilityInput
	if err := decode(r, &in); err != nil {
		return err
	}
	f := &diagnostic.Facility{Kind: in.Kind, Name: in.Name, Commune: in.Commune, Places: in.Places, Manager: in.Manager}
	if err := s.db.CreateFacility(r.Context(), s.ref, currentUser(r), f); err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/facilities/"+f.ID)
	writeFacility(w, http.StatusCreated, f)
	return nil
}

// facilityFilter reads ?commune=&epci=&departement=&kind=, checking each.
// A commune and an EPCI together keep the commune when it is a member.
func (s *Server) facilityFilter(r *http.Request) (store.FacilityFilter, error) {
	q := r.URL.Query()
	var f store.FacilityFilter
	bad := app.Fields{}
	if code := strings.TrimSpace(q.Get("commune")); code != "" {
		if c, ok := s.ref.Commune(code); ok {
			f.Communes = []string{c.Code}
		} else {
			bad.Add("commune", "Commune inconnue du référentiel 2026 : "+code+".")
		}
	}
	if siren := strings.TrimSpace(q.Get("epci")); siren != "" {
		if e, ok := s.ref.EPCI(siren); !ok {
			bad.Add("epci", "Intercommunalité inconnue du référentiel 2026 : "+siren+".")
		} else if f.Communes == nil {
			f.Communes = slices.Clone(e.Communes)
		} else {
			f.Communes = slices.DeleteFunc(f.Communes, func(c string) bool { return !slices.Contains(e.Communes, c) })
		}
	}
	if dep := strings.ToUpper(strings.TrimSpace(q.Get("departement"))); dep != "" {
		if _, ok := s.ref.Departement(dep); ok {
			f.Departement = dep
		} else {
			bad.Add("departement", "Département inconnu : "+dep+".")
		}
	}
	if kind := strings.TrimSpace(q.Get("kind")); kind != "" {
		if _, ok := diagnostic.FacilityKindOf(kind); ok {
			f.Kind = kind
		} else {
			bad.Add("kind", "Type d'équipement inconnu : "+kind+".")
		}
	}
	return f, bad.Err()
}

func (s *Server) apiFacilities(w http.ResponseWriter, r *http.Request) error {
	f, err := s.facilityFilter(r)
	if err != nil {
		return err
	}
	fs, err := s.db.Facilities(r.Context(), f)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, newList(fs))
	return nil
}

func (s *Server) apiFacility(w http.ResponseWriter, r *http.Request) error {
	f, err := s.db.Facility(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	writeFacility(w, http.StatusOK, f)
	return nil
}

func (s *Server) apiPatchFacility(w http.ResponseWriter, r *http.Request) error {
	version, err := ifMatch(r)
	if err != nil {
		return err
	}
	var p diagnostic.FacilityPatch
	if err := decode(r, &p); err != nil {
		return err
	}
	f, err := s.db.UpdateFacility(r.Context(), s.ref, currentUser(r), r.PathValue("id"), version, p)
	if err != nil {
		return err
	}
	writeFacility(w, http.StatusOK, f)
	return nil
}

func (s *Server) apiDeleteFacility(w http.ResponseWriter, r *http.Request) error {
	version, err := ifMatch(r)
	if err != nil {
		return err
	}
	if err := s.db.DeleteFacility(r.Context(), currentUser(r), r.PathValue("id"), version); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// conventionFacilities is the answer of GET /api/v1/conventions/{id}/facilities.
type conventionFacilities struct {
	Items  []diagnostic.Facility           `json:"items"`
	Total  int                             `json:"total"`
	Totals map[string]diagnostic.KindTotal `json:"totals"`
}

func (s *Server) apiConventionFacilities(w http.ResponseWriter, r *http.Request) error {
	c, err := s.db.Convention(r.Context(), currentUser(r), r.PathValue("id"))
	if err != nil {
		return err
	}
	fs, err := s.db.Facilities(r.Context(), store.FacilityFilter{Communes: c.Communes})
	if err != nil {
		return err
	}
	l := newList(fs)
	writeJSON(w, http.StatusOK, conventionFacilities{Items: l.Items, Total: l.Total, Totals: diagnostic.Totals(fs)})
	return nil
}

// uploadedFile reads the part named "file" of a multipart form, at most max
// bytes, and returns its content and file name.
func uploadedFile(r *http.Request, max int64) ([]byte, string, error) {
	mr, err := r.MultipartReader()
	if err != nil {
		return nil, "", app.Invalid("Aucun fichier reçu.", map[string]string{
			"file": "Envoyez le fichier dans un formulaire multipart/form-data, champ « file »."})
	}
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			return nil, "", app.Invalid("Aucun fichier reçu.", map[string]string{"file": "Choisissez un fichier CSV ou XLSX à importer."})
		}
		if err != nil {
			return nil, "", uploadError(err)
		}
		if part.FormName() != "file" {
			continue
		}
		var buf bytes.Buffer
		n, err := io.Copy(&buf, io.LimitReader(part, max+1))
		if err != nil {
			return nil, "", uploadError(err)
		}
		if n > max {
			return nil, "", app.Errorf(app.ETooLarge, "Le fichier dépasse la taille autorisée (%d Mo).", max>>20)
		}
		if n == 0 && part.FileName() == "" {
			return nil, "", app.Invalid("Aucun fichier reçu.", map[string]string{"file": "Choisissez un fichier CSV ou XLSX à importer."})
		}
		return buf.Bytes(), part.FileName(), nil
	}
}

func uploadError(err error) error {
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return app.Errorf(app.ETooLarge, "Le fichier dépasse la taille autorisée (%d Mo).", mbe.Limit>>20)
	}
	return app.Invalid("Le fichier n'a pas pu être lu.", map[string]string{"file": "L'envoi du fichier a échoué : réessayez."})
}

// importFacilities reads and stores the facilities of an uploaded file, all
// or nothing. The route caps its own body (see ownBodyLimit).
func (s *Server) importFacilities(w http.ResponseWriter, r *http.Request) (diagnostic.FacilityImport, error) {
	if !currentUser(r).CanEdit() {
		return diagnostic.FacilityImport{}, app.Errorf(app.EForbidden, "Votre rôle (lecture) ne permet pas de modifier l'inventaire des équipements.")
	}
	// The file, and room for the rest of the multipart form.
	r.Body = http.MaxBytesReader(w, r.Body, maxFacilityFile+1<<20)
	data, name, err := uploadedFile(r, maxFacilityFile)
	if err != nil {
		return diagnostic.FacilityImport{}, err
	}
	t, err := diagnostic.ReadTable(bytes.NewReader(data), name)
	if err != nil {
		return diagnostic.FacilityImport{}, err
	}
	lines, err := diagnostic.ReadFacilities(t, s.ref)
	if err != nil {
		return diagnostic.FacilityImport{}, err
	}
	return s.db.ImportFacilities(r.Context(), currentUser(r), lines)
}

func (s *Server) apiImportFacilities(w http.ResponseWriter, r *http.Request) error {
	sum, err := s.importFacilities(w, r)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, sum)
	return nil
}
