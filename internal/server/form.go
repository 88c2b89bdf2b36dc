package server

import (
	"encoding/base64"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"liaise"
)

// Form carries submitted values and field errors back into a page, so a
// rejected form keeps what was typed and shows each error at its field.
type Form struct {
	Values url.Values
	Errors map[string]string
	order  []string
	// Draft is set on long forms that save as drafts (ui_drafts.go): the
	// banner of a restored draft and the draft controls read it.
	Draft *DraftState
}

// NewForm wraps submitted values.
func NewForm(v url.Values) *Form {
	if v == nil {
		v = url.Values{}
	}
	return &Form{Values: v, Errors: map[string]string{}}
}

// Get returns a trimmed value.
func (f *Form) Get(k string) string { return strings.TrimSpace(f.Values.Get(k)) }

// Set sets a value (used to prefill edit forms).
func (f *Form) Set(k, v string) { f.Values.Set(k, v) }

// Has reports whether a multi-value field holds v (checkboxes).
func (f *Form) Has(k, v string) bool { return slices.Contains(f.Values[k], v) }

// Error returns the error for a field.
func (f *Form) Error(k string) string { return f.Errors[k] }

// Int64 reads an id field; 0 if empty or not a number.
func (f *Form) Int64(k string) int64 {
	n, _ := strconv.ParseInt(f.Get(k), 10, 64)
	return n
}

// Int reads an integer field.
func (f *Form) Int(k string) int {
	n, _ := strconv.Atoi(f.Get(k))
	return n
}

// AddError records an error for a field.
func (f *Form) AddError(field, msg string) {
	if _, ok := f.Errors[field]; ok {
		return
	}
	f.order = append(f.order, field)
	f.Errors[field] = msg
}

// Absorb takes the field errors of a domain validation error into the form,
// in the order the domain found them. It reports whether err was a validation error.
func (f *Form) Absorb(err error, order ...string) bool {
	if liaise.ErrorCode(err) != liaise.EINVALID {
		return false
	}
	fields := liaise.ErrorFields(err)
	for _, k := range order {
		if m, ok := fields[k]; ok {
			f.AddError(k, m)
		}
	}
	keys := make([]string, 0, len(fields))
	for k := range fields {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		f.AddError(k, fields[k])
	}
	if len(fields) == 0 {
		f.AddError("", liaise.ErrorMessage(err))
	}
	return true
}

// Valid reports whether there are no errors.
func (f *Form) Valid() bool { return len(f.Errors) == 0 }

// Summary lists errors in order for the error summary.
func (f *Form) Summary() []FieldError {
	var out []FieldError
	for _, k := range f.order {
		out = append(out, FieldError{Field: k, Message: f.Errors[k]})
	}
	return out
}

// Option is one choice in a select, radios or checkboxes.
type Option struct {
	Value, Label string
}

func encodeFlash(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }
func decodeFlash(s string) string {
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return ""
	}
	return string(b)
}
