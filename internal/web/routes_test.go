package web

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
)

// TestUnrouted checks what no route takes: a page's path asked with
// another method answers 405 with Allow and the French error page, the
// same whether the resource exists or not, so that it tells nothing a 404
// would hide; an unknown path answers 404; under /api/ both answer the
// API's 404, as docs/api.md says.
func TestUnrouted(t *testing.T) {
	_, _, c, h, who := newEditorSite(t)
	for _, tc := range []struct {
		name, method, path, who string
		status                  int
		allow                   string
		contains                string
	}{
		{"page, POST on a GET route", "POST", "/conventions", who, 405, "GET, HEAD", "Action non prévue à cette adresse"},
		{"page, DELETE on a convention", "DELETE", "/conventions/" + c.ID, who, 405, "GET, HEAD", "Action non prévue à cette adresse"},
		{"page, DELETE on no convention", "DELETE", "/conventions/c-inconnue", who, 405, "GET, HEAD", "Action non prévue à cette adresse"},
		{"page, GET on a POST route", "GET", "/conventions/" + c.ID + "/statut", who, 405, "POST", "Action non prévue à cette adresse"},
		{"page, anonymous", "PUT", "/connexion", "", 405, "GET, HEAD, POST", "Action non prévue à cette adresse"},
		{"page, unknown path", "GET", "/nulle-part", who, 404, "", "Vérifiez l&#39;adresse"},
		{"page, unknown path and method", "DELETE", "/nulle-part", who, 404, "", "Vérifiez l&#39;adresse"},
		{"page, GET of no convention", "GET", "/conventions/c-inconnue", who, 404, "", "Page introuvable"},
		{"API, DELETE on a collection", "DELETE", "/api/v1/conventions", who, 404, "", `"code":"not_found"`},
		{"API, PUT on a convention", "PUT", "/api/v1/conventions/" + c.ID, who, 404, "", `"code":"not_found"`},
		{"API, anonymous", "DELETE", "/api/v1/conventions", "", 401, "", `"code":"unauthenticated"`},
		{"API, unknown path", "GET", "/api/v1/nulle-part", who, 404, "", `"code":"not_found"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res := serve(h, renderCase{who: tc.who, method: tc.method, path: tc.path})
			body := res.Body.String()
			if res.Code != tc.status {
				t.Fatalf("status %d, want %d\n%s", res.Code, tc.status, excerpt(body))
			}
			if got := res.Header().Get("Allow"); got != tc.allow {
				t.Errorf("Allow %q, want %q", got, tc.allow)
			}
			if !strings.Contains(body, tc.contains) {
				t.Errorf("the answer lacks %s\n%s", tc.contains, excerpt(body))
			}
			if strings.HasPrefix(tc.path, "/api/") {
				var b errorBody
				if err := json.Unmarshal(res.Body.Bytes(), &b); err != nil || b.Error.Message == "" {
					t.Errorf("not the API's error body (%v): %s", err, body)
				}
			} else {
				if ct := res.Header().Get("Content-Type"); !strings.HasPrefix(ct, "text/html") {
					t.Errorf("Content-Type %q, want the HTML error page", ct)
				}
				checkFullPage(t, body)
			}
		})
	}
	// HEAD is answered where GET is, as before.
	if res := serve(h, renderCase{who: who, method: http.MethodHead, path: "/conventions"}); res.Code != 200 {
		t.Errorf("HEAD /conventions: %d", res.Code)
	}
}
