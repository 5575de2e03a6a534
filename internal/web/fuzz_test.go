package web

import (
	"context"
	"encoding/json"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"ctg/internal/account"
	"ctg/internal/app"
	"ctg/internal/convention"
	"ctg/internal/plan"
	"ctg/internal/testdb"
)

// FuzzAPIBodies sends any body to the JSON API's creations and changes,
// through the whole handler, as an editor who may make them (see .ci/run):
// decoding and validation answer the French error JSON with the status of
// its code, never 500, and what is accepted is JSON.
func FuzzAPIBodies(f *testing.F) {
	ctx := context.Background()
	ref := testdb.Ref(f)
	db := testdb.Open(f, testdb.DSN(f, testdb.SQLite))
	cc := &account.Organisation{Name: "CC Latitude Nord Gironde", Kind: "epci", Territory: "243301181"}
	if err := db.CreateOrganisation(ctx, cc, nil); err != nil {
		f.Fatal(err)
	}
	u, err := db.CreateUser(ctx, account.NewUser{Email: "coordination@cc.fr", Name: "Coordination", OrgID: cc.ID, Role: account.RoleEditor,
		Password: "motdepasse-de-test"}, nil)
	if err != nil {
		f.Fatal(err)
	}
	c := &convention.Convention{Kind: "ctg", Title: "CTG Latitude Nord Gironde 2027-2031", CAF: "caf-33", Start: "2027-01-01", End: "2031-12-31",
		Perimeter: convention.Perimeter{EPCIs: []string{"243301181"}}, Parties: []string{cc.ID}}
	if err := db.CreateConvention(ctx, ref, u, c); err != nil {
		f.Fatal(err)
	}
	axis := &plan.Axis{Title: "Petite enfance"}
	if err := db.CreateAxis(ctx, u, c.ID, axis); err != nil {
		f.Fatal(err)
	}
	action := &plan.Action{Title: "Un relais itinérant", Lead: cc.ID}
	if err := db.CreateAction(ctx, u, axis.ID, action); err != nil {
		f.Fatal(err)
	}
	_, session, err := db.SignIn(ctx, "coordination@cc.fr", "motdepasse-de-test", time.Hour)
	if err != nil {
		f.Fatal(err)
	}
	s, err := New(Config{DB: db, Ref: ref, Log: discardLog()})
	if err != nil {
		f.Fatal(err)
	}
	h := s.Handler()
	routes := []struct{ method, path string }{
		{"POST", "/api/v1/conventions"},
		{"PATCH", "/api/v1/conventions/" + c.ID},
		{"POST", "/api/v1/conventions/" + c.ID + "/status"},
		{"POST", "/api/v1/conventions/" + c.ID + "/findings"},
		{"POST", "/api/v1/conventions/" + c.ID + "/stakes"},
		{"POST", "/api/v1/conventions/" + c.ID + "/surveys"},
		{"POST", "/api/v1/conventions/" + c.ID + "/workshops"},
		{"POST", "/api/v1/conventions/" + c.ID + "/meetings"},
		{"POST", "/api/v1/conventions/" + c.ID + "/amendments"},
		{"POST", "/api/v1/conventions/" + c.ID + "/axes"},
		{"POST", "/api/v1/axes/" + axis.ID + "/actions"},
		{"PATCH", "/api/v1/actions/" + action.ID},
		{"PUT", "/api/v1/actions/" + action.ID + "/budget"},
		{"POST", "/api/v1/actions/" + action.ID + "/indicators"},
		{"PUT", "/api/v1/actions/" + action.ID + "/reviews/2028"},
		{"POST", "/api/v1/organisations"},
		{"POST", "/api/v1/facilities"},
		{"POST", "/api/v1/indicators"},
	}
	for i, body := range []string{
		`{"kind":"ctg","title":"CTG Montesquieu 2028-2032","caf":"caf-33","perimeter":{"epcis":["243301264"],"communes":[]},"start":"2028-01-01","end":"2032-12-31","parties":[],"renews":null}`,
		`{"title":"Titre changé","perimeter":{"communes":["33473","99999"]},"renews":"x"}`,
		`{"status":"elaboration","date":"2027-01-10"}`,
		`{"kind":"need","field":"petite_enfance","text":"Peu de places.","source":"data"}`,
		`{"title":"Un enjeu","fields":["petite_enfance"],"priority":1,"findings":["x"]}`,
		`{"title":"Questionnaire","closes":"2027-12-31","questions":[{"key":"q","kind":"scale","label":"Note","min":1,"max":5}]}`,
		`{"title":"Atelier","date":"2026-10-01","participants":{"residents":3},"proposals":[{"text":"Une idée","field":"jeunesse"}]}`,
		`{"committee":"copil","date":"2026-10-01","attendees":["Anne",{"name":"Paul","organisation":"caf-33"}],"decisions":[{"text":"x","actions":[]}]}`,
		`{"date":"2026-10-15","summary":"Avenant","changes":{"end":"2032-12-31","start":"x"}}`,
		`{"title":"Axe 2"}`,
		`{"title":"Action","status":"planned","start":"2027-01-01","end":"2026-01-01","public":"Familles"}`,
		`{"title":"","status":"nimporte","stakes":null}`,
		`{"lines":[{"funder":"caf-33","year":2027,"nature":"fonctionnement","planned_cents":120000,"actual_cents":null}]}`,
		`{"label":"Places","unit":"places","baseline":1,"targets":{"2028":4,"x":1}}`,
		`{"status":"in_progress","done":"Fait","difficulties":"","next_steps":""}`,
		`{"name":"Association","kind":"association"}`,
		`{"kind":"eaje","name":"Crèche","commune":"33473","places":-12}`,
		`{"code":"places_eaje","label":"Places","unit":"places","aggregate":"ratio","numerator":"a","denominator":"b","scale":0}`,
	} {
		f.Add(uint8(i), []byte(body))
	}
	for _, odd := range []string{``, `null`, `[]`, `"x"`, `{"title":1}`, `{}{}`, `{"a":` + strings.Repeat("[", 5000)} {
		f.Add(uint8(0), []byte(odd))
	}
	goText := regexp.MustCompile(`json: |strconv\.|runtime error|invalid character|unexpected end|cannot unmarshal|%!|<nil>|sql: |SQLSTATE`)
	f.Fuzz(func(t *testing.T, which uint8, body []byte) {
		r := routes[int(which)%len(routes)]
		res := send(h, accessRequest{method: r.method, path: r.path, session: session, body: body, contentType: "application/json"})
		if res.Code >= 500 {
			t.Fatalf("%s %s %q: status %d\n%s", r.method, r.path, body, res.Code, res.Body.String())
		}
		if !strings.HasPrefix(res.Header().Get("Content-Type"), "application/json") && res.Code != http.StatusNoContent {
			t.Fatalf("%s %s: Content-Type %q", r.method, r.path, res.Header().Get("Content-Type"))
		}
		if res.Code < 400 {
			if res.Code != http.StatusNoContent && !json.Valid(res.Body.Bytes()) {
				t.Fatalf("%s %s: %d with a body that is no JSON", r.method, r.path, res.Code)
			}
			return
		}
		var e errorBody
		if err := json.Unmarshal(res.Body.Bytes(), &e); err != nil {
			t.Fatalf("%s %s: %d %q is not the error JSON", r.method, r.path, res.Code, res.Body.String())
		}
		if statusFor(e.Error.Code) != res.Code || e.Error.Code == app.EInternal {
			t.Fatalf("%s %s: status %d for the code %q", r.method, r.path, res.Code, e.Error.Code)
		}
		msgs := []string{e.Error.Message}
		for _, m := range e.Error.Fields {
			msgs = append(msgs, m)
		}
		for _, m := range msgs {
			m = regexp.MustCompile(`(?s)«.*»`).ReplaceAllString(m, "« »")
			if strings.TrimSpace(m) == "" || goText.MatchString(m) {
				t.Fatalf("%s %s %q: the message %q is not for a person\n%s", r.method, r.path, body, m, res.Body.String())
			}
		}
	})
}
