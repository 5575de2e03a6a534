package web

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"slices"

	"ctg/internal/app"
	"ctg/internal/store"
)

// retryAfter is the Retry-After of a 503, in seconds: the time a database
// restart or a failover usually takes.
const retryAfter = "5"

// eMethodNotAllowed is the code of a request for a page whose path is
// routed under other methods only. It is the web's own: no domain service
// refuses a method, and the API answers not_found (docs/api.md).
const eMethodNotAllowed = "method_not_allowed"

// statusFor is the one place where the error vocabulary meets HTTP.
func statusFor(code string) int {
	switch code {
	case app.EInvalid:
		return http.StatusUnprocessableEntity
	case app.ENotFound:
		return http.StatusNotFound
	case app.EConflict:
		return http.StatusConflict
	case app.EForbidden:
		return http.StatusForbidden
	case app.EUnauthenticated:
		return http.StatusUnauthorized
	case app.EPreconditionFailed:
		return http.StatusPreconditionFailed
	case eMethodNotAllowed:
		return http.StatusMethodNotAllowed
	case app.ETooLarge:
		return http.StatusRequestEntityTooLarge
	case app.ETooManyRequests:
		return http.StatusTooManyRequests
	case app.EUnavailable:
		return http.StatusServiceUnavailable
	}
	return http.StatusInternalServerError
}

// formRefusal tells a handler whether err refuses what a form holds, so
// that the page comes back with the form filled in: when err's code is one
// of those the page shows on its form (shown), it returns the messages by
// field and the status to answer with. Other errors (not found, forbidden,
// internal) go to the error page, ok false.
func formRefusal(err error, shown ...string) (errs map[string]string, status int, ok bool) {
	code := app.ErrorCode(err)
	if !slices.Contains(shown, code) {
		return nil, 0, false
	}
	return formErrorsOf(err), statusFor(code), true
}

// formErrorsOf returns the messages of a refused form by field, or the
// error's message under "form" when it names no field.
func formErrorsOf(err error) map[string]string {
	errs := app.ErrorFields(err)
	if len(errs) == 0 {
		errs = map[string]string{"form": app.ErrorMessage(err)}
	}
	return errs
}

// errorBody is the JSON shape of every API error.
type errorBody struct {
	Error struct {
		Code    string            `json:"code"`
		Message string            `json:"message"`
		Fields  map[string]string `json:"fields,omitempty"`
	} `json:"error"`
}

// classify gives its code to a failure of the database that the store
// returned without mapping it (reads outside a transaction): one that does
// not answer is unavailable (503, try again), not an internal error.
func classify(err error) error {
	if app.ErrorCode(err) == app.EInternal && store.Unavailable(err) {
		return fmt.Errorf("%w: %w", app.ErrUnavailable, err)
	}
	return err
}

// setRetryAfter tells the client of a 503 when to try again.
func setRetryAfter(w http.ResponseWriter, status int) {
	if status == http.StatusServiceUnavailable {
		w.Header().Set("Retry-After", retryAfter)
	}
}

// logIfInternal logs errors that are not meant for users, once, and
// reports whether err was one. A database that does not answer is logged
// as a warning: the operator learns of it, the user is told to try again.
func (s *Server) logIfInternal(r *http.Request, err error) bool {
	switch app.ErrorCode(err) {
	case app.EInternal:
	case app.EUnavailable:
		s.log.Warn("database unavailable", "method", r.Method, "path", r.URL.Path, "request_id", requestID(r.Context()), "err", err)
		return false
	default:
		return false
	}
	if errors.Is(err, context.Canceled) {
		return true
	}
	s.log.Error("request failed", "method", r.Method, "path", r.URL.Path, "request_id", requestID(r.Context()), "err", err)
	return true
}

// apiError writes err as the JSON error body with its status.
func (s *Server) apiError(w http.ResponseWriter, r *http.Request, err error) {
	err = classify(err)
	s.logIfInternal(r, err)
	code := app.ErrorCode(err)
	var b errorBody
	b.Error.Code = code
	b.Error.Message = app.ErrorMessage(err)
	b.Error.Fields = app.ErrorFields(err)
	setRetryAfter(w, statusFor(code))
	writeJSON(w, statusFor(code), b)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(true)
	if err := enc.Encode(v); err != nil {
		slog.Debug("write json", "err", err)
	}
}

// pageError renders err as an HTML page with its status.
func (s *Server) pageError(w http.ResponseWriter, r *http.Request, err error) {
	err = classify(err)
	s.logIfInternal(r, err)
	code := app.ErrorCode(err)
	status := statusFor(code)
	setRetryAfter(w, status)
	if code == app.EUnauthenticated {
		http.Redirect(w, r, "/connexion?suite="+safeNext(r.URL.RequestURI()), http.StatusSeeOther)
		return
	}
	title := map[int]string{
		http.StatusNotFound:            "Page introuvable",
		http.StatusForbidden:           "Action non autorisée",
		http.StatusConflict:            "Action impossible",
		http.StatusMethodNotAllowed:    "Action non prévue à cette adresse",
		http.StatusUnprocessableEntity: "Informations à corriger",
		http.StatusTooManyRequests:     "Trop de tentatives",
		http.StatusPreconditionFailed:  "Modification concurrente",
		http.StatusServiceUnavailable:  "Service momentanément indisponible",
	}[status]
	if title == "" {
		title = "Erreur"
	}
	s.renderStatus(w, r, status, "error", title, "", map[string]any{"Message": app.ErrorMessage(err), "Status": status})
}
