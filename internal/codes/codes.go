// Package codes holds the national (MHSDS, NHS Data Dictionary) and local
// code lists Liaise records against, as versioned reference data: each code
// has the dates it is valid from and to, so a record made under an old
// version of a list still shows and exports correctly after the list changes.
//
// The lists live in data/*.csv beside this file (columns code, label,
// valid_from, valid_to, then any mapping columns) and are embedded in the
// binary; migrate copies them into the code_values table. Edit a CSV and
// rebuild to change a list: the files are the source, reviewable in a diff.
package codes

import (
	"bytes"
	"embed"
	"encoding/csv"
	"errors"
	"fmt"
	"maps"
	"path"
	"slices"
	"sync"

	"liaise"
)

//go:embed data/*.csv
var dataFS embed.FS

// ListInfo describes a code list.
type ListInfo struct {
	// Name is the list's identifier and URL path segment (lower case, hyphens).
	Name string `json:"name"`
	// Title is the plain-English name shown to staff.
	Title string `json:"title"`
	// Source says where the codes come from, so an analyst can check them.
	Source string `json:"source"`
	// Description explains what the list is for and any caveats.
	Description string `json:"description"`
}

// Code is one version of a code in a list. The same code may appear more than
// once with validity periods that do not overlap, when its label changed.
type Code struct {
	Code  string
	Label string
	// ValidFrom is the first day the code may be used.
	ValidFrom liaise.Date
	// ValidTo is the last day the code may be used (inclusive); zero means
	// the code is current.
	ValidTo liaise.Date
	// Extra holds a list's mapping columns, e.g. "mhsds_source" on
	// referrer-roles; nil when the list has none.
	Extra map[string]string
}

// ValidOn reports whether the code may be used on day d.
func (c Code) ValidOn(d liaise.Date) bool {
	if d.Before(c.ValidFrom) {
		return false
	}
	return c.ValidTo.IsZero() || !c.ValidTo.Before(d)
}

// Retired reports whether the code stopped being valid before today.
func (c Code) Retired(today liaise.Date) bool {
	return !c.ValidTo.IsZero() && c.ValidTo.Before(today)
}

// Source notes shared by several lists.
const (
	sourceMHSDS = "NHS Data Dictionary / MHSDS v6"
	sourceLocal = "Liaise local list"
	floorNote   = " Codes in use before 1 April 2019 (MHSDS v4.0) are shown as valid from that date."
)

// lists is the registry, in the order lists are shown. Every entry has a
// data/<name>.csv file (a test checks both ways).
var lists = []ListInfo{
	{"bank-holidays", "Bank holidays in England and Wales", "GOV.UK bank holidays; later years by the standard rules",
		"The days working-day clocks skip, as well as weekends. The code is the date. Years not yet announced follow the standard rules (substitute days when a holiday falls at a weekend) until GOV.UK publishes them."},
	{"ethnic-category", "Ethnic category", sourceMHSDS + " (ETHNIC CATEGORY, 2001 census categories)",
		"The person's own description of their ethnicity. Never derive it from a police-recorded ethnicity code, which is held separately." + floorNote},
	{"person-stated-gender", "Person stated gender", sourceMHSDS + " (PERSON STATED GENDER CODE)",
		"Gender as the person states it, reported in MHSDS as Gender." + floorNote},
	{"gender-identity", "Gender identity", sourceMHSDS + " (GENDER IDENTITY CODE, MHSDS v5 onwards)",
		"Recorded separately from stated gender and from sex in the Personal Demographics Service."},
	{"source-of-referral", "Source of referral (mental health)", sourceMHSDS + " (SOURCE OF REFERRAL FOR MENTAL HEALTH SERVICES)",
		"Who referred the person, as reported in MHSDS. Liaise records the more detailed referrer role and maps it to this code on export. Validity varies by MHSDS version: E6, M8 and Q1 are shown from MHSDS v5 (1 October 2021)." + floorNote},
	{"service-team-type", "Service or team type referred to (mental health)", sourceMHSDS + " (SERVICE OR TEAM TYPE REFERRED TO (MENTAL HEALTH))",
		"The type of team a referral is to. Liaison and Diversion is D02; there is no national code for RECONNECT." + floorNote},
	{"primary-reason-for-referral", "Primary reason for referral (mental health)", sourceMHSDS + " (PRIMARY REASON FOR REFERRAL (MENTAL HEALTH))",
		"The main reason for a referral; further reasons are recorded as other reasons. Code 17 is not used. Dates follow NHS England's MHSDS reference tables (v5 from 1 October 2021, code 31 from v6, 1 April 2024)."},
	{"referral-closure-reason", "Referral closure reason", sourceMHSDS + " (REFERRAL CLOSURE REASON)",
		"Why a referral was closed. The exact labels are to be confirmed against the NHS Data Dictionary (domain brief §2.3); the codes are certain." + floorNote},
	{"referral-rejection-reason", "Referral rejection reason", sourceMHSDS + " (REFERRAL REJECTION REASON)",
		"Why a referral was not accepted." + floorNote},
	{"attended-or-dna", "Attended or did not attend", sourceMHSDS + " (ATTENDED OR DID NOT ATTEND)",
		"Whether a planned contact took place." + floorNote},
	{"consultation-mechanism", "Consultation mechanism (mental health)", sourceMHSDS + " (CONSULTATION MECHANISM (MENTAL HEALTH), MHSDS v5 onwards)",
		"How a contact took place: in person in a cell or interview room, by telephone or by video (virtual custody screening)."},
	{"activity-location-type", "Activity location type", sourceMHSDS + " (ACTIVITY LOCATION TYPE CODE)",
		"Where a contact took place: the criminal justice codes and others L&D and RECONNECT staff commonly need. There is no code for a court; courts fall to N02 or X01 (to be confirmed against MHSDS guidance)." + floorNote},
	{"learning-disability-status", "Learning disability status", sourceMHSDS + " (MHS005 patient indicators, MHSDS v6)",
		"Whether the person has a diagnosed or suspected learning disability and whether they are on a diagnostic pathway."},
	{"autism-status", "Autism status", sourceMHSDS + " (MHS005 patient indicators, MHSDS v6)",
		"Whether the person has diagnosed or suspected autism and whether they are on a diagnostic pathway."},
	{"vulnerabilities", "Vulnerabilities and needs", sourceLocal + " (domain brief §1.8 and §9.1)",
		"The vulnerabilities and needs L&D screens for, each recorded as suspected or confirmed. Extensible: add codes here rather than in free text."},
	{"referrer-roles", "Referrer roles", sourceLocal + ", mapped to MHSDS source of referral",
		"Who made a referral, in more detail than MHSDS needs. The MHSDS source of referral column is the code used on export; the mappings for custody healthcare, defence solicitors and the CPS are Liaise's reading and are to be confirmed with the commissioner."},
	{"settings", "Settings", sourceLocal,
		"The criminal justice setting where a person was identified or seen."},
	{"rejection-reasons-local", "Reasons a referral is rejected", sourceLocal + ", mapped to MHSDS referral rejection reason",
		"Why L&D did not accept a referral. The mhsds column is the referral rejection reason used on export; an ineligible referral (for example under 10, or outside the area) is reported as 02, inappropriate for the services offered."},
	{"deferral-reasons", "Reasons screening is deferred", sourceLocal + " (issue 3 item 5)",
		"Why a person cannot be seen yet and the practitioner will try again later."},
	{"not-screened-reasons", "Reasons a person was not screened", sourceLocal + " (domain brief §9.1 and §9.3)",
		"Why screening could not be done."},
	{"not-assessed-reasons", "Reasons a person was not assessed", sourceLocal + " (domain brief §9.3)",
		"Why assessment could not be done."},
	{"closure-reasons-local", "Reasons an episode is closed", sourceLocal + ", mapped to MHSDS referral closure reason",
		"Why an episode was closed. The mhsds column is the referral closure reason used on export; the mappings are Liaise's reading, to be confirmed with the commissioner (domain brief §9.5)."},
	{"consent-scopes", "Consent scopes", sourceLocal + " (domain brief §9.1)",
		"What a person's consent is for. Consent is recorded separately for each scope: consent to share with the police does not cover the court."},
	{"disclosure-purposes", "Disclosure purposes", sourceLocal + " (domain brief §9.1)",
		"Why information was shared with a justice partner or another service."},
	{"disclosure-legal-bases", "Legal bases for sharing without consent", sourceLocal + " (domain brief §1.13 and §5.1)",
		"The exceptions to the duty of confidentiality that allow sharing without the person's consent. Every such disclosure is reviewed by the Caldicott Guardian or a manager on the next working day."},
	{"recommendation-types", "Recommendation types", sourceLocal + " (domain brief §9.1)",
		"Advice L&D gives to police, courts and probation; whether each was followed is recorded with the justice outcome."},
	{"custody-outcomes", "Custody outcomes", sourceLocal + " (domain brief §9.1 and §9.2)",
		"What the police decided. Diversionary and Community Cautions are the adult out-of-court resolutions of the Police, Crime, Sentencing and Courts Act 2022."},
	{"court-outcomes", "Court outcomes", sourceLocal + " (domain brief §9.1 and §9.2)",
		"Remand decisions and sentences. Treatment requirements of community orders and suspended sentences are recorded from the community order requirements list."},
	{"community-order-requirements", "Community sentence treatment requirements", sourceLocal + " (domain brief §1.10)",
		"The treatment requirements of a community order or suspended sentence order: mental health (MHTR), drug rehabilitation (DRR) and alcohol treatment (ATR)."},
}

// Lists returns every code list, in display order.
func Lists() []ListInfo { return slices.Clone(lists) }

// Info returns the description of the named list.
func Info(name string) (ListInfo, bool) {
	for _, l := range lists {
		if l.Name == name {
			return l, true
		}
	}
	return ListInfo{}, false
}

// parsed holds every list read from the embedded files. It is computed once
// and never changed, so it is safe to share.
var parsed = sync.OnceValues(func() (map[string][]Code, error) {
	out := make(map[string][]Code, len(lists))
	var errs []error
	for _, l := range lists {
		b, err := dataFS.ReadFile(path.Join("data", l.Name+".csv"))
		if err != nil {
			errs = append(errs, fmt.Errorf("code list %s: %w", l.Name, err))
			continue
		}
		cs, err := Parse(b)
		if err != nil {
			errs = append(errs, fmt.Errorf("code list %s: %w", l.Name, err))
			continue
		}
		out[l.Name] = cs
	}
	return out, errors.Join(errs...)
})

// Parse reads a code list CSV: a header "code,label,valid_from,valid_to"
// followed by any extra columns, then one row per code version. Lines
// starting with # are comments.
func Parse(b []byte) ([]Code, error) {
	r := csv.NewReader(bytes.NewReader(b))
	r.Comment = '#'
	rows, err := r.ReadAll()
	if err != nil {
		return nil, err
	}
	if len(rows) == 0 {
		return nil, errors.New("empty file")
	}
	head := rows[0]
	if len(head) < 4 || head[0] != "code" || head[1] != "label" || head[2] != "valid_from" || head[3] != "valid_to" {
		return nil, fmt.Errorf("header must start code,label,valid_from,valid_to; got %v", head)
	}
	extra := head[4:]
	var out []Code
	for i, row := range rows[1:] {
		line := i + 2
		c := Code{Code: row[0], Label: row[1]}
		if c.Code == "" || c.Label == "" {
			return nil, fmt.Errorf("line %d: code and label are required", line)
		}
		if c.ValidFrom, err = liaise.ParseDate(row[2]); err != nil {
			return nil, fmt.Errorf("line %d: valid_from: %w", line, err)
		}
		if row[3] != "" {
			if c.ValidTo, err = liaise.ParseDate(row[3]); err != nil {
				return nil, fmt.Errorf("line %d: valid_to: %w", line, err)
			}
			if c.ValidTo.Before(c.ValidFrom) {
				return nil, fmt.Errorf("line %d: valid_to %s is before valid_from %s", line, c.ValidTo, c.ValidFrom)
			}
		}
		if len(extra) > 0 {
			c.Extra = make(map[string]string, len(extra))
			for j, name := range extra {
				c.Extra[name] = row[4+j]
			}
		}
		out = append(out, c)
	}
	return out, nil
}

// List returns every version of every code in the named list, in the order
// the list is shown. The caller may modify the result.
func List(name string) ([]Code, error) {
	all, err := parsed()
	if err != nil {
		return nil, err
	}
	cs, ok := all[name]
	if !ok {
		return nil, liaise.Errorf(liaise.ENOTFOUND, "There is no code list called %q.", name)
	}
	out := make([]Code, len(cs))
	for i, c := range cs {
		c.Extra = maps.Clone(c.Extra)
		out[i] = c
	}
	return out, nil
}

// Lookup returns the version of code in list that is valid on day on.
func Lookup(list, code string, on liaise.Date) (Code, bool) {
	all, _ := parsed()
	for _, c := range all[list] {
		if c.Code == code && c.ValidOn(on) {
			c.Extra = maps.Clone(c.Extra)
			return c, true
		}
	}
	return Code{}, false
}

// Label returns the label of code in list for display: the label of its
// latest version, even if retired, so old records still read correctly. An
// unknown code is returned as it is, so a page never shows a blank.
func Label(list, code string) string {
	all, _ := parsed()
	label, latest := "", liaise.Date{}
	for _, c := range all[list] {
		if c.Code == code && (label == "" || latest.Before(c.ValidFrom)) {
			label, latest = c.Label, c.ValidFrom
		}
	}
	if label == "" {
		return code
	}
	return label
}

// Check returns an EINVALID error naming the list when code is not valid in
// list on day on, for domain validation of coded fields.
func Check(list, code string, on liaise.Date) error {
	if _, ok := Lookup(list, code, on); ok {
		return nil
	}
	title := list
	if l, ok := Info(list); ok {
		title = l.Title
	}
	return liaise.Errorf(liaise.EINVALID, "%q is not a valid code in the list %s on %s.", code, title, on.Time().Format("2 January 2006"))
}
