package web

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"time"

	"ctg/internal/app"
	"ctg/internal/diagnostic"
)

// indicatorJSON is an indicator as the API shows it: numerator, denominator
// and scale are null for a count.
type indicatorJSON struct {
	Code        string   `json:"code"`
	Label       string   `json:"label"`
	Unit        string   `json:"unit"`
	Aggregate   string   `json:"aggregate"`
	Numerator   *string  `json:"numerator"`
	Denominator *string  `json:"denominator"`
	Scale       *float64 `json:"scale"`
	Description string   `json:"description"`
	BuiltIn     bool     `json:"built_in"`
}

func toIndicatorJSON(i diagnostic.Indicator) indicatorJSON {
	out := indicatorJSON{Code: i.Code, Label: i.Label, Unit: i.Unit, Aggregate: i.Aggregate, Description: i.Description, BuiltIn: i.BuiltIn}
	if i.IsRatio() {
		num, den, scale := i.Numerator, i.Denominator, i.Scale
		out.Numerator, out.Denominator, out.Scale = &num, &den, &scale
	}
	return out
}

func (s *Server) apiIndicators(w http.ResponseWriter, r *http.Request) error {
	cat, err := s.db.Catalogue(r.Context())
	if err != nil {
		return err
	}
	all := cat.All()
	out := make([]indicatorJSON, len(all))
	for i, ind := range all {
		out[i] = toIndicatorJSON(ind)
	}
	writeJSON(w, http.StatusOK, newList(out))
	return nil
}

func (s *Server) apiCreateIndicator(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		Code        string   `json:"code"`
		Label       string   `json:"label"`
		Unit        string   `json:"unit"`
		Aggregate   string   `json:"aggregate"`
		Numerator   *string  `json:"numerator"`
		Denominator *string  `json:"denominator"`
		Scale       *float64 `json:"scale"`
		Description string   `json:"description"`
	}
	if err := decode(r, &in); err != nil {
		return err
	}
	ind := diagnostic.Indicator{Code: in.Code, Label: in.Label, Unit: in.Unit, Aggregate: in.Aggregate, Description: in.Description}
	if in.Numerator != nil {
		ind.Numerator = *in.Numerator
	}
	if in.Denominator != nil {
		ind.Denominator = *in.Denominator
	}
	if in.Scale != nil {
		ind.Scale = *in.Scale
	}
	if err := s.db.CreateIndicator(r.Context(), s.ref, currentUser(r), &ind); err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, toIndicatorJSON(ind))
	return nil
}

// importBodySlack is what a multipart body may carry besides the file: the
// year, the source, the mapping and the boundaries.
const importBodySlack = 1 << 20

// apiImport reads a multipart body (file, year, source, mapping) and imports
// it. It caps its own body (see ownBodyLimit): files must weigh less than
// diagnostic.MaxFileSize.
func (s *Server) apiImport(w http.ResponseWriter, r *http.Request) error {
	u := currentUser(r)
	if !u.CanEdit() {
		return app.Errorf(app.EForbidden, "Votre rôle (lecture) ne permet pas d'importer des indicateurs.")
	}
	if r.ContentLength >= diagnostic.MaxFileSize+importBodySlack {
		return diagnostic.TooLarge
	}
	// A large file over a slow link takes longer than the server's
	// default deadlines.
	rc := http.NewResponseController(w)
	_ = rc.SetReadDeadline(time.Now().Add(15 * time.Minute))
	_ = rc.SetWriteDeadline(time.Now().Add(20 * time.Minute))
	r.Body = http.MaxBytesReader(w, r.Body, diagnostic.MaxFileSize+importBodySlack)

	req, data, err := readImportForm(r)
	if err != nil {
		return err
	}
	table, err := diagnostic.ReadTable(bytes.NewReader(data), req.Filename)
	if err != nil {
		return err
	}
	data = nil
	sum, err := s.db.ImportIndicators(r.Context(), s.ref, u, table, req, nil)
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/imports/"+sum.ID)
	writeJSON(w, http.StatusCreated, sum)
	return nil
}

// readImportForm reads the parts of an import request, streaming: the file
// is read once, into memory, up to the size limit.
func readImportForm(r *http.Request) (diagnostic.ImportRequest, []byte, error) {
	var req diagnostic.ImportRequest
	mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if mt != "multipart/form-data" {
		return req, nil, app.Errorf(app.EInvalid, "Envoyez le fichier en multipart/form-data, dans un champ « file », avec les champs year, source et mapping s'il y a lieu.")
	}
	mr, err := r.MultipartReader()
	if err != nil {
		return req, nil, app.Errorf(app.EInvalid, "Le corps de la requête n'est pas un formulaire multipart lisible.")
	}
	bad := app.Fields{}
	var data []byte
	gotFile, gotMapping := false, false
	for {
		part, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			return req, nil, bodyError(err)
		}
		switch part.FormName() {
		case "file":
			gotFile = true
			req.Filename = part.FileName()
			data, err = io.ReadAll(io.LimitReader(part, diagnostic.MaxFileSize))
			if err != nil {
				return req, nil, bodyError(err)
			}
			if len(data) >= diagnostic.MaxFileSize {
				return req, nil, diagnostic.TooLarge
			}
		case "year":
			v, err := formValue(part)
			if err != nil {
				return req, nil, err
			}
			if v != "" {
				y, err := strconv.Atoi(v)
				if err != nil {
					bad.Add("year", "L'année s'écrit en chiffres, par exemple 2021.")
				}
				req.Year = y
			}
		case "source":
			v, err := formValue(part)
			if err != nil {
				return req, nil, err
			}
			req.Source = v
		case "mapping":
			v, err := formValue(part)
			if err != nil {
				return req, nil, err
			}
			gotMapping = true
			if v != "" {
				if err := json.Unmarshal([]byte(v), &req.Mapping); err != nil {
					bad.Add("mapping", `La correspondance s'écrit en JSON : {"titre de colonne": "code_indicateur", …}.`)
				}
			}
		default:
			_, _ = io.Copy(io.Discard, part)
		}
		part.Close()
	}
	if !gotFile {
		bad.Add("file", "Joignez le fichier à importer, dans le champ « file ».")
	}
	// Without a mapping, the headers INSEE and the CAF use are recognised,
	// as the command line does; the summary's columns say what was taken.
	req.Suggest = !gotMapping
	if err := bad.Err(); err != nil {
		return req, nil, err
	}
	return req, data, nil
}

// formValue reads a text field of a multipart form, of at most 64 Kio.
func formValue(part io.Reader) (string, error) {
	b, err := io.ReadAll(io.LimitReader(part, 64<<10+1))
	if err != nil {
		return "", bodyError(err)
	}
	if len(b) > 64<<10 {
		return "", app.Errorf(app.EInvalid, "Un champ du formulaire dépasse 64 Kio.")
	}
	return strings.TrimSpace(string(b)), nil
}

func bodyError(err error) error {
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return diagnostic.TooLarge
	}
	return app.Errorf(app.EInvalid, "Le fichier n'a pas pu être reçu en entier : recommencez l'envoi.")
}

func (s *Server) apiImports(w http.ResponseWriter, r *http.Request) error {
	list, err := s.db.Imports(r.Context(), limitParam(r, 100, 1000))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, newList(list))
	return nil
}

func (s *Server) apiImportByID(w http.ResponseWriter, r *http.Request) error {
	imp, err := s.db.Import(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, imp)
	return nil
}

func (s *Server) apiConventionDiagnostic(w http.ResponseWriter, r *http.Request) error {
	d, err := s.db.ConventionDiagnosis(r.Context(), s.ref, currentUser(r), r.PathValue("id"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, d)
	return nil
}

func (s *Server) apiConventionDiagnosticCommunes(w http.ResponseWriter, r *http.Request) error {
	var codes []string
	for _, c := range strings.Split(r.URL.Query().Get("indicators"), ",") {
		if c = strings.TrimSpace(c); c != "" {
			codes = append(codes, c)
		}
	}
	if len(codes) > 0 {
		cat, err := s.db.Catalogue(r.Context())
		if err != nil {
			return err
		}
		for _, c := range codes {
			if _, ok := cat.Get(c); !ok {
				return app.Invalid("Certaines informations sont à corriger.", map[string]string{"indicators": "Aucun indicateur du catalogue ne porte le code « " + c + " »."})
			}
		}
	}
	d, err := s.db.ConventionDetail(r.Context(), s.ref, currentUser(r), r.PathValue("id"), codes)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, d)
	return nil
}
