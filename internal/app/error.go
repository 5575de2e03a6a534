// Package app holds what every part of ctg shares: the error vocabulary and
// the clock. It imports nothing from the rest of the project.
package app

import (
	"errors"
	"fmt"
)

// Error codes. They are the "code" of the JSON error body (see docs/api.md)
// and are mapped to HTTP statuses in exactly one place, web.statusFor.
const (
	EInvalid            = "invalid"
	ENotFound           = "not_found"
	EConflict           = "conflict"
	EForbidden          = "forbidden"
	EUnauthenticated    = "unauthenticated"
	EPreconditionFailed = "precondition_failed"
	ETooLarge           = "too_large"
	ETooManyRequests    = "too_many_requests"
	EUnavailable        = "unavailable"
	EInternal           = "internal"
)

// Error is an error meant for a person: Message is French and may be shown as
// it is; Fields holds one French message per offending field.
type Error struct {
	Code    string
	Message string
	Fields  map[string]string
}

// Error implements the error interface.
func (e *Error) Error() string {
	if len(e.Fields) > 0 {
		return fmt.Sprintf("%s: %s %v", e.Code, e.Message, e.Fields)
	}
	return e.Code + ": " + e.Message
}

// Errorf returns an *Error with the given code and a formatted French message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// Invalid returns an EInvalid error carrying per-field messages.
func Invalid(message string, fields map[string]string) *Error {
	return &Error{Code: EInvalid, Message: message, Fields: fields}
}

// ErrNotFound is the generic "does not exist or is not visible" error.
var ErrNotFound = &Error{Code: ENotFound, Message: "Cette ressource n'existe pas ou ne vous est pas accessible."}

// ErrUnavailable is what a person is told while the database does not
// answer (stopped, restarting, unreachable, or every connection busy): the
// request may succeed if sent again a little later.
var ErrUnavailable = &Error{Code: EUnavailable, Message: "Le service est momentanément indisponible. Réessayez dans quelques instants."}

// ErrorCode returns the code of the first *Error in err's chain, EInternal for
// any other non-nil error, and "" for nil.
func ErrorCode(err error) string {
	var e *Error
	if err == nil {
		return ""
	} else if errors.As(err, &e) {
		return e.Code
	}
	return EInternal
}

// ErrorMessage returns the French message of the first *Error in err's
// chain, or a generic message that reveals nothing for any other error.
func ErrorMessage(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Message
	}
	return "Une erreur interne est survenue. Réessayez dans un instant ; si elle persiste, prévenez l'administrateur."
}

// ErrorFields returns the per-field messages of the first *Error in err's chain.
func ErrorFields(err error) map[string]string {
	var e *Error
	if errors.As(err, &e) {
		return e.Fields
	}
	return nil
}

// Fields collects per-field validation messages.
type Fields map[string]string

// Add records msg for field unless a message is already there.
func (f Fields) Add(field, msg string) {
	if _, ok := f[field]; !ok {
		f[field] = msg
	}
}

// Err returns an EInvalid error when messages were collected, nil otherwise.
func (f Fields) Err() error {
	if len(f) == 0 {
		return nil
	}
	return Invalid("Certaines informations sont à corriger.", f)
}
