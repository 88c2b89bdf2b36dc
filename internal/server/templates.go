package server

import (
	"bytes"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"path"
	"strings"
	"time"

	"liaise"
	"liaise/web"
)

// templates holds every page parsed once at start: the layout and partials
// cloned with each page, so pages can define "content" independently.
type templates struct {
	pages map[string]*template.Template
}

var funcs = template.FuncMap{
	"join": strings.Join,
	// dict builds a map for passing named arguments to partials.
	"dict": func(kv ...any) (map[string]any, error) {
		if len(kv)%2 != 0 {
			return nil, fmt.Errorf("dict: odd arguments")
		}
		m := make(map[string]any, len(kv)/2)
		for i := 0; i < len(kv); i += 2 {
			k, ok := kv[i].(string)
			if !ok {
				return nil, fmt.Errorf("dict: key %v is not a string", kv[i])
			}
			m[k] = kv[i+1]
		}
		return m, nil
	},
	// when shows a stored time in Europe/London.
	"when": func(t liaise.Time) string {
		if t.IsZero() {
			return ""
		}
		return t.Local().Format("2 Jan 2006 15:04")
	},
	// date shows a calendar date the NHS way: 23 November 2026.
	"date": func(d liaise.Date) string {
		if d.IsZero() {
			return ""
		}
		return d.Time().Format("2 January 2006")
	},
	// choices marks which options of a field the form holds, in one call:
	// a comparison per option in the template cost a reflective call each,
	// a fifth of a caseload page's rendering.
	"choices":   choices,
	"capLabel":  liaise.CapabilityLabel,
	"siteLabel": liaise.SiteTypeLabel,
	"id":        func(id int64) string { return fmt.Sprint(id) },
	"since": func(t liaise.Time) string {
		return time.Since(t.Time).Round(time.Minute).String()
	},
}

// Choice is an option with whether the form holds it.
type Choice struct {
	Value, Label string
	Selected     bool
}

func choices(f *Form, id string, opts []Option) []Choice {
	out := make([]Choice, len(opts))
	val := ""
	if f != nil {
		val = f.Get(id)
	}
	for i, o := range opts {
		out[i] = Choice{Value: o.Value, Label: o.Label, Selected: o.Value == val || (f != nil && f.Has(id, o.Value))}
	}
	return out
}

func parseTemplates() (*templates, error) {
	base := template.New("").Funcs(funcs)
	base, err := base.ParseFS(web.Templates, "templates/layout.html", "templates/partials/*.html")
	if err != nil {
		return nil, err
	}
	t := &templates{pages: map[string]*template.Template{}}
	files, err := fs.Glob(web.Templates, "templates/pages/*.html")
	if err != nil {
		return nil, err
	}
	for _, f := range files {
		c, err := base.Clone()
		if err != nil {
			return nil, err
		}
		if _, err := c.ParseFS(web.Templates, f); err != nil {
			return nil, fmt.Errorf("%s: %w", f, err)
		}
		t.pages[strings.TrimSuffix(path.Base(f), ".html")] = c
	}
	return t, nil
}

// Page is what every page template gets: the shell's needs plus Data, the
// page's own typed view model.
type Page struct {
	Title      string
	Actor      *liaise.Actor
	TeamNames  []string
	Nav        []NavItem
	Errors     []FieldError
	Flash      string
	Form       *Form
	Data       any
	Version    string
	Production bool
	Path       string
}

// NavItem is one link in the header navigation.
type NavItem struct {
	Label, Href string
	Current     bool
}

// FieldError is one line of the error summary, linked to its field.
type FieldError struct {
	Field, Message string
}

// newPage starts a page for the signed-in user (if any), with navigation for
// what their role may do.
func (s *Server) newPage(r *http.Request, title string) *Page {
	p := &Page{Title: title, Version: s.Version, Production: s.Cfg.Production(), Path: r.URL.Path, Form: NewForm(nil)}
	a := liaise.ActorFrom(r.Context())
	if a == nil {
		return p
	}
	p.Actor = a
	p.TeamNames = a.TeamNames
	p.Nav = s.navFor(a, r.URL.Path)
	p.Flash = s.takeFlash(r)
	return p
}

// navFor lists the areas the actor may reach; areas still to come are listed
// so staff know where they will be, and say so on their page.
func (s *Server) navFor(a *liaise.Actor, current string) []NavItem {
	var nav []NavItem
	add := func(label, href string, ok bool) {
		if ok {
			cur := current == href || (href != "/" && strings.HasPrefix(current, href+"/"))
			nav = append(nav, NavItem{Label: label, Href: href, Current: cur})
		}
	}
	add("Home", "/", true)
	add("Caseload", "/caseload", a.Can(liaise.CapRecordRead))
	add("Boards", "/boards", a.Can(liaise.CapRecordRead))
	add("Tasks", "/tasks", a.Can(liaise.CapRecordRead))
	add("SLT queue", "/slt", a.Can(liaise.CapSLTQueue))
	add("People", "/people", a.Can(liaise.CapPersonSearch))
	add("Directory", "/directory", a.Can(liaise.CapRecordRead) || a.Can(liaise.CapOrgManage))
	add("Reports", "/reports", a.Can(liaise.CapReportAggregate))
	add("Reviews", "/reviews/break-glass", a.Can(liaise.CapDisclosureReview))
	add("Audit", "/audit", a.Can(liaise.CapAuditSearch))
	add("Admin", "/admin", a.Can(liaise.CapOrgManage) || a.Can(liaise.CapUserManage) || a.Can(liaise.CapRoleManage) || a.Can(liaise.CapServiceAccounts))
	return nav
}

// render writes the page template name with status. Rendering goes to a
// buffer first so a template error becomes a clean 500, not half a page.
func (s *Server) render(w http.ResponseWriter, r *http.Request, status int, name string, p *Page) {
	t, ok := s.tmpl.pages[name]
	if !ok {
		s.Log.Error("missing template", "name", name)
		http.Error(w, "Sorry, there is a problem with the service.", http.StatusInternalServerError)
		return
	}
	if p.Form != nil && len(p.Errors) == 0 {
		p.Errors = p.Form.Summary()
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout", p); err != nil {
		s.Log.Error("template", "name", name, "err", err)
		http.Error(w, "Sorry, there is a problem with the service.", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}

// flash messages travel in a short-lived cookie across Post/Redirect/Get.
const flashCookie = "liaise_flash"

func (s *Server) setFlash(w http.ResponseWriter, msg string) {
	http.SetCookie(w, &http.Cookie{Name: flashCookie, Value: encodeFlash(msg), Path: "/", HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: s.Cfg.Secure(), MaxAge: 60})
}

func (s *Server) takeFlash(r *http.Request) string {
	c, err := r.Cookie(flashCookie)
	if err != nil {
		return ""
	}
	if rw, ok := r.Context().Value(flashWriterKey{}).(http.ResponseWriter); ok {
		http.SetCookie(rw, &http.Cookie{Name: flashCookie, Path: "/", MaxAge: -1})
	}
	return decodeFlash(c.Value)
}

type flashWriterKey struct{}

// redirect sends the browser on after a successful POST, with a flash message.
func (s *Server) redirect(w http.ResponseWriter, r *http.Request, to, flash string) error {
	if flash != "" {
		s.setFlash(w, flash)
	}
	http.Redirect(w, r, to, http.StatusSeeOther)
	return nil
}
