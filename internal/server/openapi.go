package server

import (
	"net/http"
	"reflect"
	"regexp"
	"sort"
	"strings"
	"time"

	"liaise"
)

// The OpenAPI document is generated from the route table, so it cannot drift
// from the routes; schemas are reflected from each route's Request and
// Response example values.

var pathParam = regexp.MustCompile(`\{([a-zA-Z_]+)(\.\.\.)?\}`)

func (s *Server) openAPIRoutes() []Route {
	return []Route{
		{Method: "GET", Pattern: "/api/v1/openapi.json", Public: true, Handler: s.openAPI, Summary: "This OpenAPI 3.1 document"},
	}
}

func (s *Server) openAPI(w http.ResponseWriter, r *http.Request) error {
	return writeJSON(w, http.StatusOK, s.OpenAPIDocument())
}

// OpenAPIDocument builds the OpenAPI 3.1 description of every /api/ route.
func (s *Server) OpenAPIDocument() map[string]any {
	paths := map[string]any{}
	schemas := map[string]any{
		"Problem": schemaOf(reflect.TypeOf(Problem{}), nil),
	}
	for _, rt := range s.routes {
		if !rt.API() {
			continue
		}
		item, _ := paths[rt.Pattern].(map[string]any)
		if item == nil {
			item = map[string]any{}
			paths[rt.Pattern] = item
		}
		op := map[string]any{
			"summary":     rt.Summary,
			"operationId": operationID(rt),
		}
		var params []any
		for _, m := range pathParam.FindAllStringSubmatch(rt.Pattern, -1) {
			params = append(params, map[string]any{"name": m[1], "in": "path", "required": true, "schema": map[string]any{"type": "string"}})
		}
		for _, q := range rt.Query {
			params = append(params, map[string]any{"name": q.Name, "in": "query", "required": false, "description": q.Description, "schema": map[string]any{"type": "string"}})
		}
		if rt.Method == "PATCH" || rt.Method == "PUT" {
			params = append(params, map[string]any{"name": "If-Match", "in": "header", "required": true, "description": "The version you last read (its ETag).", "schema": map[string]any{"type": "string"}})
		}
		if params != nil {
			op["parameters"] = params
		}
		if rt.Request != nil {
			op["requestBody"] = map[string]any{"required": true, "content": map[string]any{"application/json": map[string]any{"schema": schemaRef(rt.Request, schemas)}}}
		}
		status := rt.Status
		if status == 0 {
			status = http.StatusOK
		}
		ok := map[string]any{"description": http.StatusText(status)}
		if rt.Response != nil {
			ok["content"] = map[string]any{"application/json": map[string]any{"schema": schemaRef(rt.Response, schemas)}}
		}
		problem := map[string]any{"description": "Problem", "content": map[string]any{"application/problem+json": map[string]any{"schema": map[string]any{"$ref": "#/components/schemas/Problem"}}}}
		resp := map[string]any{itoa(status): ok, "default": problem}
		op["responses"] = resp
		if rt.Public {
			op["security"] = []any{}
		}
		if rt.Cap != "" {
			op["x-liaise-capability"] = rt.Cap
		}
		item[strings.ToLower(rt.Method)] = op
	}
	return map[string]any{
		"openapi": "3.1.0",
		"info": map[string]any{
			"title":       "Liaise API",
			"version":     "1",
			"description": "JSON API of Liaise. Authenticate with 'Authorization: Bearer <token>' (a personal API token from your account page, or a service-account token). Errors are RFC 9457 problem documents.",
		},
		"paths": paths,
		"components": map[string]any{
			"schemas": schemas,
			"securitySchemes": map[string]any{
				"bearer": map[string]any{"type": "http", "scheme": "bearer"},
			},
		},
		"security": []any{map[string]any{"bearer": []any{}}},
	}
}

func operationID(rt Route) string {
	p := pathParam.ReplaceAllString(strings.TrimPrefix(rt.Pattern, "/api/v1/"), "by_$1")
	p = strings.NewReplacer("/", "_", ".", "_", "-", "_").Replace(p)
	return strings.ToLower(rt.Method) + "_" + strings.Trim(p, "_")
}

func schemaRef(v any, schemas map[string]any) map[string]any {
	t := reflect.TypeOf(v)
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	return schemaOf(t, schemas)
}

var timeType = reflect.TypeOf(liaise.Time{})
var dateType = reflect.TypeOf(liaise.Date{})
var stdTimeType = reflect.TypeOf(time.Time{})

// schemaOf reflects a JSON schema from a Go type, following encoding/json's
// rules for tags. Named structs go into components/schemas.
func schemaOf(t reflect.Type, schemas map[string]any) map[string]any {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t {
	case timeType, stdTimeType:
		return map[string]any{"type": "string", "format": "date-time"}
	case dateType:
		return map[string]any{"type": "string", "format": "date"}
	}
	switch t.Kind() {
	case reflect.String:
		return map[string]any{"type": "string"}
	case reflect.Bool:
		return map[string]any{"type": "boolean"}
	case reflect.Int, reflect.Int32, reflect.Int64, reflect.Uint, reflect.Uint32, reflect.Uint64:
		return map[string]any{"type": "integer"}
	case reflect.Float32, reflect.Float64:
		return map[string]any{"type": "number"}
	case reflect.Slice, reflect.Array:
		return map[string]any{"type": "array", "items": schemaOf(t.Elem(), schemas)}
	case reflect.Map:
		return map[string]any{"type": "object", "additionalProperties": schemaOf(t.Elem(), schemas)}
	case reflect.Struct:
		name := t.Name()
		if name != "" && schemas != nil {
			if _, ok := schemas[name]; !ok {
				schemas[name] = map[string]any{} // an empty entry first stops recursion on self-referencing types
				schemas[name] = structSchema(t, schemas)
			}
			return map[string]any{"$ref": "#/components/schemas/" + name}
		}
		return structSchema(t, schemas)
	}
	return map[string]any{}
}

func structSchema(t reflect.Type, schemas map[string]any) map[string]any {
	props := map[string]any{}
	var names []string
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		if !f.IsExported() {
			continue
		}
		tag := f.Tag.Get("json")
		if tag == "-" {
			continue
		}
		name, opts, _ := strings.Cut(tag, ",")
		if name == "" {
			name = f.Name
		}
		var sch map[string]any
		if strings.Contains(opts, "string") {
			sch = map[string]any{"type": "string"}
		} else {
			sch = schemaOf(f.Type, schemas)
		}
		props[name] = sch
		names = append(names, name)
	}
	sort.Strings(names)
	return map[string]any{"type": "object", "properties": props}
}

// meResponse is who the token or session belongs to.
type meResponse struct {
	UserID       int64    `json:"user_id,string"`
	Username     string   `json:"username"`
	DisplayName  string   `json:"display_name"`
	Role         string   `json:"role"`
	ProviderID   int64    `json:"provider_id,string"`
	Teams        []string `json:"teams"`
	Capabilities []string `json:"capabilities"`
	Scopes       []string `json:"scopes"`
}

func (s *Server) apiMe(w http.ResponseWriter, r *http.Request) error {
	a := liaise.ActorFrom(r.Context())
	return writeJSON(w, http.StatusOK, meResponse{UserID: a.UserID, Username: a.Username, DisplayName: a.DisplayName, Role: a.RoleCode, ProviderID: a.ProviderID, Teams: a.TeamNames, Capabilities: a.Capabilities, Scopes: a.Scopes})
}
