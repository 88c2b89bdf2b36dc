// Package web embeds the HTML templates and static files the server serves.
package web

import "embed"

// Templates holds layout.html, partials/ and pages/.
//
//go:embed templates
var Templates embed.FS

// Static holds our CSS and JS, and the NHS.UK frontend files the build copies
// into static/nhsuk from node_modules.
//
//go:embed static
var Static embed.FS
