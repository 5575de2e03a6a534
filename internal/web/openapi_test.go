package web

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// openAPIDoc is the part of the description the tests read.
type openAPIDoc struct {
	OpenAPI    string                                `json:"openapi"`
	Paths      map[string]map[string]json.RawMessage `json:"paths"`
	Components map[string]map[string]json.RawMessage `json:"components"`
}

func mustOpenAPI(tb testing.TB) (openAPIDoc, any) {
	tb.Helper()
	var doc openAPIDoc
	if err := json.Unmarshal(openAPISpec, &doc); err != nil {
		tb.Fatalf("openapi.json is not valid JSON: %v", err)
	}
	var raw any
	if err := json.Unmarshal(openAPISpec, &raw); err != nil {
		tb.Fatal(err)
	}
	return doc, raw
}

func TestOpenAPIDocument(t *testing.T) {
	doc, raw := mustOpenAPI(t)
	if !strings.HasPrefix(doc.OpenAPI, "3.1.") {
		t.Errorf("openapi = %q, want 3.1.x", doc.OpenAPI)
	}
	// Every $ref must name something that exists, or tools reject the file.
	var walk func(v any, at string)
	walk = func(v any, at string) {
		switch v := v.(type) {
		case map[string]any:
			if ref, ok := v["$ref"].(string); ok {
				parts := strings.Split(strings.TrimPrefix(ref, "#/"), "/")
				if !strings.HasPrefix(ref, "#/components/") || len(parts) != 3 {
					t.Errorf("%s: $ref %q is not #/components/KIND/NAME", at, ref)
				} else if _, ok := doc.Components[parts[1]][parts[2]]; !ok {
					t.Errorf("%s: $ref %q names nothing", at, ref)
				}
			}
			for k, x := range v {
				walk(x, at+"/"+k)
			}
		case []any:
			for _, x := range v {
				walk(x, at+"/[]")
			}
		}
	}
	walk(raw, "")

	// Operation ids are unique, and every operation answers something.
	ids := map[string]string{}
	for path, item := range doc.Paths {
		for method, body := range item {
			if !isHTTPMethod(method) {
				continue
			}
			var op struct {
				OperationID string                     `json:"operationId"`
				Responses   map[string]json.RawMessage `json:"responses"`
			}
			if err := json.Unmarshal(body, &op); err != nil {
				t.Fatalf("%s %s: %v", method, path, err)
			}
			where := strings.ToUpper(method) + " " + path
			if op.OperationID == "" {
				t.Errorf("%s has no operationId", where)
			} else if other, dup := ids[op.OperationID]; dup {
				t.Errorf("%s and %s share the operationId %q", where, other, op.OperationID)
			}
			ids[op.OperationID] = where
			if len(op.Responses) == 0 {
				t.Errorf("%s has no responses", where)
			}
		}
	}
}

// routePattern finds the routes of routes.go: mux.Handle("GET /api/v1/x", …).
var routePattern = regexp.MustCompile(`mux\.Handle(?:Func)?\("([A-Z]+) (/[^"]*)"`)

// TestOpenAPIRoutes keeps the description and the routes together: a route
// added without its description, or a description left after its route
// went, fails here.
func TestOpenAPIRoutes(t *testing.T) {
	src, err := os.ReadFile("routes.go")
	if err != nil {
		t.Fatal(err)
	}
	routes := map[string]bool{}
	for _, m := range routePattern.FindAllStringSubmatch(string(src), -1) {
		routes[m[1]+" "+m[2]] = true
	}
	if !routes["GET /api/v1/conventions/{id}"] {
		t.Fatalf("found no API route in routes.go (pattern %s): has its form changed?", routePattern)
	}

	doc, _ := mustOpenAPI(t)
	described := map[string]bool{}
	for path, item := range doc.Paths {
		for method := range item {
			if isHTTPMethod(method) {
				described[strings.ToUpper(method)+" "+path] = true
			}
		}
	}

	var missing, extra []string
	for r := range routes {
		// Go's {id} and {$} wildcards: {id} is OpenAPI's own syntax, {$} ends
		// a pattern and only appears outside the API.
		if strings.HasPrefix(r[strings.Index(r, " ")+1:], "/api/v1/") && !described[r] {
			missing = append(missing, r)
		}
	}
	for d := range described {
		if !routes[d] {
			extra = append(extra, d)
		}
	}
	slices.Sort(missing)
	slices.Sort(extra)
	for _, r := range missing {
		t.Errorf("route %s is not described in openapi.json", r)
	}
	for _, d := range extra {
		t.Errorf("openapi.json describes %s, which routes.go does not register", d)
	}
}

func isHTTPMethod(s string) bool {
	switch s {
	case "get", "put", "post", "delete", "options", "head", "patch", "trace":
		return true
	}
	return false
}

func TestOpenAPIServed(t *testing.T) {
	// Through the whole handler, without credentials: the route is public.
	// No request here reaches the database, so the server needs none.
	s, err := New(Config{})
	if err != nil {
		t.Fatal(err)
	}
	h := s.Handler()
	w := httptest.NewRecorder()
	h.ServeHTTP(w, httptest.NewRequest("GET", "/api/v1/openapi.json", nil))
	if w.Code != http.StatusOK {
		t.Fatalf("status = %d, want 200", w.Code)
	}
	if ct := w.Header().Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Errorf("Content-Type = %q", ct)
	}
	if w.Header().Get("Cache-Control") == "" {
		t.Error("no Cache-Control")
	}
	if w.Body.String() != string(openAPISpec) {
		t.Error("the body is not the embedded description")
	}
	etag := w.Header().Get("ETag")
	if etag == "" {
		t.Fatal("no ETag")
	}

	r := httptest.NewRequest("GET", "/api/v1/openapi.json", nil)
	r.Header.Set("If-None-Match", etag)
	w = httptest.NewRecorder()
	h.ServeHTTP(w, r)
	if w.Code != http.StatusNotModified {
		t.Errorf("with If-None-Match: status = %d, want 304", w.Code)
	}
}
