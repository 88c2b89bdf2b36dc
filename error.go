// Package liaise holds the domain of Liaise: its types, rules and error codes.
// It imports only the standard library so every other package can depend on it.
package liaise

import (
	"errors"
	"fmt"
	"sort"
	"strings"
)

// Error codes. One table in the server maps each to an HTTP status, so handlers
// never pick statuses themselves.
const (
	EINVALID         = "invalid"
	EUNAUTHENTICATED = "unauthenticated"
	EFORBIDDEN       = "forbidden"
	ENOTFOUND        = "not_found"
	ECONFLICT        = "conflict"
	ESTALE           = "stale"
	EPRECONDITION    = "precondition_required"
	ERATELIMITED     = "rate_limited"
	EINTERNAL        = "internal"
)

// Error is the one error type that carries a user-facing message. Anything
// else that reaches a handler is treated as internal and shown without detail.
type Error struct {
	Code    string
	Message string
	// Fields holds per-field messages keyed by the form field id, so pages can
	// link the error summary to the field and the API can return them.
	Fields map[string]string
}

func (e *Error) Error() string {
	if len(e.Fields) == 0 {
		return fmt.Sprintf("liaise: %s: %s", e.Code, e.Message)
	}
	keys := make([]string, 0, len(e.Fields))
	for k := range e.Fields {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, 0, len(keys))
	for _, k := range keys {
		parts = append(parts, k+": "+e.Fields[k])
	}
	return fmt.Sprintf("liaise: %s: %s (%s)", e.Code, e.Message, strings.Join(parts, "; "))
}

// Errorf builds an Error with a formatted message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// ErrorCode returns the code of err, EINTERNAL for foreign errors and "" for nil.
func ErrorCode(err error) string {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return EINTERNAL
}

// ErrorMessage returns the user-facing message of err; internal errors get a
// generic sentence so no detail leaks to the page.
func ErrorMessage(err error) string {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Message
	}
	return "Something went wrong on our side. Try again, and if it keeps happening tell your system administrator."
}

// ErrorFields returns the per-field messages of err, if any.
func ErrorFields(err error) map[string]string {
	var e *Error
	if errors.As(err, &e) {
		return e.Fields
	}
	return nil
}

// Validation collects field errors in the order they were found, so the error
// summary lists them in the order of the form.
type Validation struct {
	order  []string
	fields map[string]string
}

// Add records msg for field unless the field already has a message.
func (v *Validation) Add(field, msg string) {
	if v.fields == nil {
		v.fields = map[string]string{}
	}
	if _, ok := v.fields[field]; ok {
		return
	}
	v.order = append(v.order, field)
	v.fields[field] = msg
}

// Check adds msg for field when ok is false.
func (v *Validation) Check(ok bool, field, msg string) {
	if !ok {
		v.Add(field, msg)
	}
}

// Err returns an EINVALID *Error when any field failed, otherwise nil.
func (v *Validation) Err() error {
	if len(v.fields) == 0 {
		return nil
	}
	return &Error{Code: EINVALID, Message: "There is a problem with what was entered.", Fields: v.fields}
}

// Order returns field ids in the order their errors were added.
func (v *Validation) Order() []string { return v.order }
