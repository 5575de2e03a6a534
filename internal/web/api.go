package web

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"

	"ctg/internal/account"
	"ctg/internal/app"
)

var (
	errNoRoute = app.Errorf(app.ENotFound, "Cette adresse ne correspond à aucune ressource de l'API.")
	errNoPage  = app.Errorf(app.ENotFound, "Cette page n'existe pas. Vérifiez l'adresse, ou repartez du tableau de bord.")
	errMethod  = app.Errorf(eMethodNotAllowed, "Cette adresse existe, mais ne permet pas cette action. Repartez de la page qui y mène, ou du tableau de bord.")
	// errForm answers a form body that cannot be parsed.
	errForm = app.Errorf(app.EInvalid, "Le formulaire n'a pas pu être lu.")
)

// decode reads a JSON body into v, answering French errors for a body that
// is too large, malformed, or of the wrong shape.
func decode(r *http.Request, v any) error {
	dec := json.NewDecoder(r.Body)
	err := dec.Decode(v)
	if err == nil {
		if _, err2 := dec.Token(); err2 != io.EOF {
			return app.Errorf(app.EInvalid, "Le corps de la requête doit contenir un seul objet JSON.")
		}
		return nil
	}
	var mbe *http.MaxBytesError
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &mbe):
		return app.Errorf(app.ETooLarge, "Le corps de la requête dépasse la taille autorisée (%d Kio).", mbe.Limit/1024)
	case errors.Is(err, io.EOF):
		return app.Errorf(app.EInvalid, "Le corps de la requête est vide : un objet JSON est attendu.")
	case errors.As(err, &se), errors.Is(err, io.ErrUnexpectedEOF):
		return app.Errorf(app.EInvalid, "Le corps de la requête n'est pas du JSON valide.")
	case errors.As(err, &te):
		field := te.Field
		if field == "" {
			return app.Errorf(app.EInvalid, "Le corps de la requête doit être un objet JSON.")
		}
		return app.Invalid("Certaines informations sont à corriger.", map[string]string{field: "Type de valeur inattendu pour ce champ."})
	}
	return app.Errorf(app.EInvalid, "Le corps de la requête n'a pas pu être lu.")
}

func currentUser(r *http.Request) *account.User { return account.UserFrom(r.Context()) }

// ifMatch reads the version of an If-Match header: "3", W/"3" or 3. It
// returns 0 when absent, and an error for a value that names no version.
func ifMatch(r *http.Request) (int, error) {
	h := strings.TrimSpace(r.Header.Get("If-Match"))
	if h == "" || h == "*" {
		return 0, nil
	}
	h = strings.Trim(strings.TrimPrefix(h, "W/"), `"`)
	n, err := strconv.Atoi(h)
	if err != nil || n <= 0 {
		return -1, app.Errorf(app.EPreconditionFailed, "L'en-tête If-Match ne désigne aucune version de cette ressource.")
	}
	return n, nil
}

func etag(version int) string { return fmt.Sprintf(`"%d"`, version) }

type list[T any] struct {
	Items []T `json:"items"`
	Total int `json:"total"`
}

func newList[T any](items []T) list[T] {
	if items == nil {
		items = []T{}
	}
	return list[T]{Items: items, Total: len(items)}
}

func (s *Server) apiMe(w http.ResponseWriter, r *http.Request) error {
	writeJSON(w, http.StatusOK, currentUser(r))
	return nil
}
