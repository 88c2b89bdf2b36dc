package server

import (
	"html/template"
	"strings"
	"testing"
)

// The caseload rows and the person's timeline are written in Go for speed.
// These are the html/template markup they replaced: the output must stay the
// same, escaping included, for awkward values.
const (
	oldCaseloadRows = `{{range .}}
    <tr class="nhsuk-table__row">
      <td class="nhsuk-table__cell"><a href="{{.Href}}">{{.Person}}</a></td>
      <td class="nhsuk-table__cell">{{.Age}}</td>
      <td class="nhsuk-table__cell">{{.Site}}</td>
      <td class="nhsuk-table__cell"><strong class="nhsuk-tag {{.Tag.Class}}">{{.Tag.Label}}</strong></td>
      <td class="nhsuk-table__cell">{{.Alerted}} ({{.Ago}}){{if .OutOfHours}}<br>Arrived out of hours{{end}}</td>
      <td class="nhsuk-table__cell">{{.Worker}}</td>
    </tr>{{end}}`
	oldTimeline = `{{range .}}
<h3 class="nhsuk-heading-s nhsuk-u-margin-bottom-2">{{.Heading}}</h3>
<dl class="nhsuk-summary-list">{{range .Items}}
  <div class="nhsuk-summary-list__row">
    <dt class="nhsuk-summary-list__key">{{.Time}}</dt>
    <dd class="nhsuk-summary-list__value">
      <p class="nhsuk-u-margin-bottom-1"><strong class="nhsuk-tag nhsuk-tag--grey">{{.Tag}}</strong>{{if .InError}} <strong class="nhsuk-tag nhsuk-tag--red">Entered in error</strong>{{end}}{{if .Late}} <strong class="nhsuk-tag nhsuk-tag--orange">Late entry</strong>{{end}}{{with .Flag}} <strong class="nhsuk-tag nhsuk-tag--yellow">{{.}}</strong>{{end}}{{if .BreakGlass}} <strong class="nhsuk-tag nhsuk-tag--purple">Opened by break-glass</strong>{{end}}</p>
      <p class="nhsuk-u-margin-bottom-1">{{if .InError}}<del><span class="nhsuk-u-visually-hidden">Entered in error: </span>{{end}}{{if .Href}}<a href="{{.Href}}">{{.Title}}</a>{{else}}{{.Title}}{{end}}{{if .InError}}</del>{{end}}</p>
      {{with .Detail}}<p class="nhsuk-body-s nhsuk-u-margin-bottom-1">{{.}}</p>{{end}}
      {{if .InError}}<p class="nhsuk-body-s nhsuk-u-margin-bottom-1">Marked as entered in error{{with .ErrorReason}}: {{.}}{{end}}</p>{{end}}
      <p class="nhsuk-body-s nhsuk-u-secondary-text-colour nhsuk-u-margin-bottom-0">{{.Where}}. Recorded by {{.By}}{{with .Recorded}} on {{.}}{{end}}.</p>
    </dd>
  </div>{{end}}
</dl>{{end}}`
)

const nasty = `<script>alert("x")</script> O'Neill & Sons`

func execOld(t *testing.T, text string, data any) string {
	t.Helper()
	var b strings.Builder
	if err := template.Must(template.New("old").Parse(text)).Execute(&b, data); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

func TestCaseloadRowsMatchTemplate(t *testing.T) {
	rows := []caseloadRow{
		{Href: "/episodes/7", Person: nasty, Age: "34", Site: "Preston <custody>", Tag: personTag{Label: "Identified", Class: `nhsuk-tag--grey" onclick="x`},
			Alerted: "7 Dec 01:00", Ago: "1h 2m ago", Worker: "Not allocated", OutOfHours: true},
		{Href: "/episodes/8", Person: "Zoë Smith", Age: "Not known", Site: "Blackpool", Tag: personTag{Label: "Screened", Class: "nhsuk-tag--blue"},
			Alerted: "6 Dec 23:10", Ago: "3h ago", Worker: "Sam Senior"},
	}
	want, got := execOld(t, oldCaseloadRows, rows), string(caseloadRowsHTML(rows))
	if got != want {
		t.Errorf("caseload rows differ from the template:\n got %s\nwant %s", got, want)
	}
	if strings.Contains(got, "<script>") || strings.Contains(got, `" onclick="`) {
		t.Errorf("unescaped: %s", got)
	}
	if caseloadRowsHTML(nil) != "" {
		t.Error("no rows should be no markup")
	}
}

func TestTimelineMatchesTemplate(t *testing.T) {
	days := []timelineDay{
		{Heading: "Monday 7 December 2026", Items: []timelineItem{
			{Time: "01:02", Tag: "Screening", Title: nasty, Detail: "Risk in custody: high", Href: "/episodes/3/screening", Where: "Preston, Preston custody suite",
				By: "Pat <Practitioner>", Flag: "High risk in custody", Late: true, Recorded: "7 Dec 2026 03:00", BreakGlass: true},
			{Time: "00:10", Tag: "Consent", Title: "Consent: sharing", Where: "Preston", By: "System", InError: true, ErrorReason: "Wrong person's record & more", Href: "/episodes/3/consent"},
			{Time: "00:01", Tag: "Record", Title: "Name changed", Where: "Person record", By: "Sam"},
		}},
		{Heading: "Sunday 6 December 2026", Items: []timelineItem{
			{Time: "23:59", Tag: "Case note", Title: "Note", InError: true, Where: "Preston", By: "Sam", Detail: "\"quoted\" text"},
		}},
	}
	want, got := execOld(t, oldTimeline, days), string(timelineHTML(days))
	if got != want {
		t.Errorf("timeline differs from the template:\n got %s\nwant %s", got, want)
	}
	if strings.Contains(got, "<script>") || strings.Contains(got, "<Practitioner>") {
		t.Errorf("unescaped: %s", got)
	}
	if timelineHTML(nil) != "" {
		t.Error("no days should be no markup")
	}
}
