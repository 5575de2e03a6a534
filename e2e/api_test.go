package e2e

import (
	"net/http"
	"slices"
	"strings"
	"testing"

	"ctg/internal/territory"
)

// TestAuthentication checks that every route of the API wants a token or a
// session, and answers 401 with the JSON error of API.md otherwise.
func TestAuthentication(t *testing.T) {
	each(t, func(t *testing.T, s *server) {
		var scenarios []scenario
		for _, route := range []struct{ method, path string }{
			{"GET", "/api/v1/communes/33063"},
			{"GET", "/api/v1/epcis/" + latitudeNG},
			{"GET", "/api/v1/departements/33"},
			{"GET", "/api/v1/territories?q=bordeaux"},
			{"GET", "/api/v1/organisations?kind=caf"},
			{"POST", "/api/v1/organisations"},
			{"GET", "/api/v1/conventions"},
			{"POST", "/api/v1/conventions"},
			{"GET", "/api/v1/conventions/abc"},
			{"PATCH", "/api/v1/conventions/abc"},
			{"POST", "/api/v1/conventions/abc/status"},
			{"GET", "/api/v1/conventions/abc/history"},
			{"GET", "/api/v1/coverage?departement=33"},
		} {
			var body any
			if route.method != "GET" {
				body = map[string]any{}
			}
			scenarios = append(scenarios,
				scenario{name: "no token " + route.method + " " + route.path, method: route.method, path: route.path, who: anonymous, body: body,
					status: http.StatusUnauthorized, contains: []string{`"code":"unauthenticated"`}},
				scenario{name: "bad token " + route.method + " " + route.path, method: route.method, path: route.path, who: badToken, body: body,
					status: http.StatusUnauthorized, contains: []string{`"code":"unauthenticated"`}},
			)
		}
		scenarios = append(scenarios,
			scenario{name: "not a bearer", path: "/api/v1/communes/33063", headers: []string{"Authorization", "Basic dXNlcjpwYXNz"},
				status: http.StatusUnauthorized, contains: []string{`"code":"unauthenticated"`}},
			scenario{name: "empty bearer", path: "/api/v1/communes/33063", headers: []string{"Authorization", "Bearer "},
				status: http.StatusUnauthorized, contains: []string{`"code":"unauthenticated"`}},
			scenario{name: "a token is enough", path: "/api/v1/communes/33063", who: reader974, status: http.StatusOK},
			scenario{name: "healthz needs nobody", path: "/healthz", status: http.StatusOK},
			scenario{name: "unknown API route", path: "/api/v1/nothing-here", who: reader33, status: http.StatusNotFound,
				contains: []string{`"code":"not_found"`}},
		)
		s.runScenarios(t, scenarios)
	})
}

// TestSessionCookie checks that the browser session opens the API as a
// token does.
func TestSessionCookie(t *testing.T) {
	each(t, func(t *testing.T, s *server) {
		_, secret, err := s.run.DB.SignIn(t.Context(), "reader33@example.fr", password, 3600e9)
		if err != nil {
			t.Fatal(err)
		}
		st, _, body := s.do(t, "GET", "/api/v1/communes/33063", anonymous, nil, "Cookie", "ctg_session="+secret)
		if st != http.StatusOK || body["name"] != "Bordeaux" {
			t.Errorf("with the session cookie: %d %v", st, body)
		}
		st, _, _ = s.do(t, "GET", "/api/v1/communes/33063", anonymous, nil, "Cookie", "ctg_session=s_nothing")
		if st != http.StatusUnauthorized {
			t.Errorf("with a stale session cookie: %d, want 401", st)
		}
	})
}

func TestTerritories(t *testing.T) {
	each(t, func(t *testing.T, s *server) {
		ref := s.run.Ref
		gironde, _ := ref.Departement("33")
		s.runScenarios(t, []scenario{
			{name: "commune", path: "/api/v1/communes/33063", who: reader974, status: http.StatusOK,
				check: func(t *testing.T, r response) {
					want := map[string]any{"code": "33063", "name": "Bordeaux", "departement": "33", "region": "75",
						"epci": "243300316", "population": float64(267991)}
					for k, v := range want {
						if r.JSON[k] != v {
							t.Errorf("%s = %v, want %v", k, r.JSON[k], v)
						}
					}
				}},
			{name: "commune of La Réunion", path: "/api/v1/communes/97412", who: reader33, status: http.StatusOK,
				contains: []string{`"code":"97412"`, `"name":"Saint-Joseph"`, `"departement":"974"`}},
			{name: "Corsica", path: "/api/v1/communes/2A004", who: reader33, status: http.StatusOK,
				contains: []string{`"code":"2A004"`, `"name":"Ajaccio"`, `"departement":"2A"`}},
			{name: "former code answers the current commune", path: "/api/v1/communes/01340", who: reader33, status: http.StatusOK,
				contains: []string{`"code":"01015"`}},
			{name: "Paris arrondissement answers Paris", path: "/api/v1/communes/75101", who: reader33, status: http.StatusOK,
				contains: []string{`"code":"75056"`, `"name":"Paris"`}},
			{name: "Lyon arrondissement answers Lyon", path: "/api/v1/communes/69381", who: reader33, status: http.StatusOK,
				contains: []string{`"code":"69123"`}},
			{name: "unknown commune", path: "/api/v1/communes/00000", who: reader33, status: http.StatusNotFound,
				contains: []string{`"code":"not_found"`}},
			{name: "not a code", path: "/api/v1/communes/bordeaux", who: reader33, status: http.StatusNotFound},
			{name: "EPCI", path: "/api/v1/epcis/" + latitudeNG, who: reader974, status: http.StatusOK,
				check: func(t *testing.T, r response) {
					if str(t, r.JSON, "siren") != latitudeNG || str(t, r.JSON, "name") != "CC Latitude Nord Gironde" || str(t, r.JSON, "kind") != "CC" {
						t.Errorf("EPCI %s", r.Raw)
					}
					var codes []string
					sum := 0
					for _, v := range arr(t, r.JSON, "communes") {
						c := v.(map[string]any)
						codes = append(codes, str(t, c, "code"))
						if str(t, c, "name") == "" {
							t.Errorf("commune %v without a name", c)
						}
						sum += num(t, c, "population")
					}
					if !slices.Equal(sorted(codes...), latitudeCommunes) {
						t.Errorf("communes %v, want %v", codes, latitudeCommunes)
					}
					if got := num(t, r.JSON, "population"); got != latitudePop || sum != latitudePop {
						t.Errorf("population %d, sum of communes %d, want %d", got, sum, latitudePop)
					}
				}},
			{name: "unknown EPCI", path: "/api/v1/epcis/000000000", who: reader33, status: http.StatusNotFound,
				contains: []string{`"code":"not_found"`}},
			{name: "département", path: "/api/v1/departements/33", who: reader974, status: http.StatusOK,
				check: func(t *testing.T, r response) {
					if str(t, r.JSON, "code") != "33" || str(t, r.JSON, "name") != "Gironde" || str(t, r.JSON, "region") != "75" {
						t.Errorf("département %s", r.Raw)
					}
					if got := num(t, r.JSON, "communes"); got != len(gironde.Communes) || got != 534 {
						t.Errorf("communes %d, want %d (534)", got, len(gironde.Communes))
					}
					if got := num(t, r.JSON, "population"); got != gironde.Population || got != ref.Population(gironde.Communes) {
						t.Errorf("population %d, want %d", got, gironde.Population)
					}
					if str(t, r.JSON, "caf") != "caf-33" {
						t.Errorf("caf %v, want caf-33", r.JSON["caf"])
					}
				}},
			{name: "département of Corsica", path: "/api/v1/departements/2A", who: reader33, status: http.StatusOK,
				contains: []string{`"code":"2A"`, `"caf":"caf-2A"`}},
			{name: "département of La Réunion", path: "/api/v1/departements/974", who: reader33, status: http.StatusOK,
				contains: []string{`"caf":"caf-974"`}},
			{name: "unknown département", path: "/api/v1/departements/99", who: reader33, status: http.StatusNotFound,
				contains: []string{`"code":"not_found"`}},
			{name: "search ignoring hyphens", path: "/api/v1/territories?q=saint%20joseph", who: reader33, status: http.StatusOK,
				check: func(t *testing.T, r response) {
					list := items(t, r.JSON)
					if len(list) == 0 {
						t.Fatal("no match")
					}
					first := list[0]
					if first["kind"] != "commune" || first["code"] != "97412" || first["name"] != "Saint-Joseph" {
						t.Errorf("first match %v, want the commune Saint-Joseph 97412", first)
					}
					checkByPopulation(t, "saint joseph", list)
				}},
			{name: "search ignoring case and accents", path: "/api/v1/territories?q=SAINT-JOS%C3%88PH", who: reader33, status: http.StatusOK,
				check: func(t *testing.T, r response) {
					list := items(t, r.JSON)
					if len(list) == 0 || list[0]["code"] != "97412" {
						t.Errorf("first match %v, want 97412", list)
					}
				}},
			{name: "search finds every kind", path: "/api/v1/territories?q=gironde", who: reader33, status: http.StatusOK,
				check: func(t *testing.T, r response) {
					list := items(t, r.JSON)
					kinds := map[string]bool{}
					for _, it := range list {
						kinds[str(t, it, "kind")] = true
						if !slices.Contains([]string{"commune", "epci", "departement"}, str(t, it, "kind")) {
							t.Errorf("kind %v", it["kind"])
						}
						str(t, it, "code")
						str(t, it, "name")
						num(t, it, "population")
					}
					if !kinds["departement"] || !kinds["epci"] {
						t.Errorf("kinds %v: want the département and an EPCI", kinds)
					}
					checkByPopulation(t, "gironde", list)
				}},
		})
	})
}

// checkByPopulation checks that matches come most populous first; names
// equal to the query q come before the others (each group by population),
// as package territory ranks them.
func checkByPopulation(t *testing.T, q string, list []map[string]any) {
	t.Helper()
	exact := func(m map[string]any) bool { return territory.Normalize(str(t, m, "name")) == territory.Normalize(q) }
	for i := 1; i < len(list); i++ {
		if exact(list[i]) && !exact(list[i-1]) {
			t.Errorf("match %d (%v) equals the query but comes after %v", i, list[i]["name"], list[i-1]["name"])
		}
		if exact(list[i]) == exact(list[i-1]) && num(t, list[i-1], "population") < num(t, list[i], "population") {
			t.Errorf("match %d (%v, %v) after a less populous one (%v, %v)", i, list[i]["name"], list[i]["population"],
				list[i-1]["name"], list[i-1]["population"])
		}
	}
}

func TestOrganisations(t *testing.T) {
	each(t, func(t *testing.T, s *server) {
		s.runScenarios(t, []scenario{
			{name: "the 101 CAFs", path: "/api/v1/organisations?kind=caf", who: reader974, status: http.StatusOK,
				check: func(t *testing.T, r response) {
					list := items(t, r.JSON)
					if len(list) != 101 {
						t.Fatalf("%d CAFs, want 101", len(list))
					}
					names := map[string]string{}
					for _, o := range list {
						if str(t, o, "kind") != "caf" {
							t.Errorf("kind %v in %v", o["kind"], o)
						}
						id := str(t, o, "id")
						names[id] = str(t, o, "name")
						if want := strings.TrimPrefix(id, "caf-"); str(t, o, "territory") != want {
							t.Errorf("%s: territory %v, want %s", id, o["territory"], want)
						}
					}
					for id, name := range map[string]string{
						"caf-33": "Caf de la Gironde", "caf-01": "Caf de l'Ain", "caf-59": "Caf du Nord",
						"caf-13": "Caf des Bouches-du-Rhône", "caf-75": "Caf de Paris", "caf-974": "Caf de La Réunion",
						"caf-2A": "Caf de la Corse-du-Sud",
					} {
						if names[id] != name {
							t.Errorf("%s is named %q, want %q", id, names[id], name)
						}
					}
					if _, ok := names["caf-976"]; !ok {
						t.Error("no caf-976 (CSSM, Mayotte)")
					}
				}},
			{name: "create", method: "POST", path: "/api/v1/organisations", who: editor33,
				body:   map[string]any{"name": "Commune de Saint-Savin", "kind": "commune", "territory": "33473"},
				status: http.StatusCreated,
				check: func(t *testing.T, r response) {
					id := str(t, r.JSON, "id")
					if r.JSON["name"] != "Commune de Saint-Savin" || r.JSON["kind"] != "commune" || r.JSON["territory"] != "33473" {
						t.Errorf("created %s", r.Raw)
					}
					list := items(t, s.mustGet(t, reader974, "/api/v1/organisations?kind=commune"))
					if !slices.Contains(ids(t, list), id) {
						t.Errorf("%s is not in the list of communes", id)
					}
				}},
			{name: "create a partner without territory", method: "POST", path: "/api/v1/organisations", who: editorCC,
				body:   map[string]any{"name": "Centre social de Saint-Savin", "kind": "association"},
				status: http.StatusCreated, contains: []string{`"kind":"association"`}},
			{name: "invalid kind", method: "POST", path: "/api/v1/organisations", who: editor33,
				body:   map[string]any{"name": "Une mairie", "kind": "mairie", "territory": "33063"},
				status: http.StatusUnprocessableEntity, fields: []string{"kind"}},
			{name: "unknown territory", method: "POST", path: "/api/v1/organisations", who: editor33,
				body:   map[string]any{"name": "Une commune", "kind": "commune", "territory": "00000"},
				status: http.StatusUnprocessableEntity, fields: []string{"territory"}},
			{name: "no name", method: "POST", path: "/api/v1/organisations", who: editor33,
				body:   map[string]any{"name": " ", "kind": "association"},
				status: http.StatusUnprocessableEntity, fields: []string{"name"}},
			{name: "reader", method: "POST", path: "/api/v1/organisations", who: reader33,
				body:   map[string]any{"name": "Commune de Saint-Savin", "kind": "commune", "territory": "33473"},
				status: http.StatusForbidden, contains: []string{`"code":"forbidden"`}},
			{name: "malformed", method: "POST", path: "/api/v1/organisations", who: editor33, body: `{"name": `,
				status: http.StatusUnprocessableEntity, contains: []string{`"code":"invalid"`}},
		})
	})
}
