package e2e

import (
	"context"
	"net/http"
	"slices"
	"strconv"
	"testing"

	"github.com/chromedp/chromedp"

	"ctg/internal/account"
	"ctg/internal/amendment"
	"ctg/internal/cli"
)

// amendmentBody is an amendment that extends the period, brings in the
// préfecture and adds Bordeaux to the perimeter.
func amendmentBody(party string) map[string]any {
	return map[string]any{"date": "2024-06-01", "summary": "Prolongation de six mois et entrée de la préfecture.",
		"changes": map[string]any{"end": "2027-06-30", "parties": map[string]any{"added": []string{party}},
			"perimeter": map[string]any{"epcis": []string{latitudeNG}, "communes": []string{"33063"}},
			"plan":      "Ajout de l'action 1.2.", "budget": "La préfecture apporte 20 000 € par an."}}
}

// withChanges returns an amendment body whose changes have the given
// keys replaced.
func withChanges(body map[string]any, kv ...any) map[string]any {
	return with(body, "changes", with(body["changes"].(map[string]any), kv...))
}

func TestAmendments(t *testing.T) {
	each(t, func(t *testing.T, s *server) {
		c := s.mustCreate(t, editor33, conventionBody(s.orgCC))
		cid := str(t, c, "id")
		base := "/api/v1/conventions/" + cid
		action := s.mustPlanAction(t, editorCC, cid, "Un relais petite enfance itinérant")
		if r := s.send(t, "PUT", "/api/v1/actions/"+action+"/budget", editorCC, map[string]any{"lines": []map[string]any{
			{"funder": "caf-33", "year": 2023, "nature": "fonctionnement", "planned_cents": 100_000_00}}}); r.Status != http.StatusOK {
			t.Fatalf("budget: %d %s", r.Status, r.Raw)
		}
		body := amendmentBody(s.orgEtat)

		// Not signed yet: no amendment, no version.
		s.runScenarios(t, []scenario{
			{name: "before the signature", method: "POST", path: base + "/amendments", who: editor33, body: body, status: 409},
			{name: "no version yet", path: base + "/versions", who: readerCC, status: 200, contains: []string{`"total":0`}},
			{name: "nothing to compare", path: base + "/versions/compare", who: readerCC, status: 422, fields: []string{"from", "to"}},
		})
		signed := s.mustSign(t, editor33, cid, "2022-11-15")
		version := strconv.Itoa(num(t, signed, "version"))

		vs := items(t, s.mustGet(t, readerCC, base+"/versions"))
		if len(vs) != 1 {
			t.Fatalf("versions after signing: %v", vs)
		}
		snap := obj(t, vs[0], "snapshot")
		axes := arr(t, snap, "axes")
		if vs[0]["number"] != 0.0 || vs[0]["label"] != "Convention signée" || vs[0]["date"] != "2022-11-15" || snap["population"] != float64(latitudePop) ||
			obj(t, snap, "caf")["name"] != "Caf de la Gironde" || len(axes) != 1 || snap["planned_cents"] != 100_000_00.0 {
			t.Errorf("version 0: %v", vs[0])
		}

		s.runScenarios(t, []scenario{
			{name: "anonymous", method: "POST", path: base + "/amendments", body: body, status: 401},
			{name: "reader of a party", method: "POST", path: base + "/amendments", who: readerCC, body: body, status: 403},
			{name: "outsider", method: "POST", path: base + "/amendments", who: editor974, body: body, status: 404},
			{name: "outsider lists", path: base + "/amendments", who: reader974, status: 404},
			{name: "outsider reads the versions", path: base + "/versions", who: reader974, status: 404},
			{name: "outsider compares", path: base + "/versions/compare", who: reader974, status: 404},
			{name: "stale", method: "POST", path: base + "/amendments", who: editor33, body: body, headers: []string{"If-Match", `"1"`}, status: 412},
			{name: "end before start, unknown commune, a date before the signature", method: "POST", path: base + "/amendments", who: editor33,
				body:   with(withChanges(body, "end", "2020-01-01", "perimeter", map[string]any{"communes": []string{"99999"}}), "date", "2022-01-01"),
				status: 422, fields: []string{"changes.end", "changes.perimeter.communes", "date"}},
			{name: "a change that has no field", method: "POST", path: base + "/amendments", who: editor33,
				body: withChanges(body, "start", "2023-01-01"), status: 422, fields: []string{"changes.start"}},
			{name: "a party removed that is none", method: "POST", path: base + "/amendments", who: editor33,
				body: withChanges(body, "parties", map[string]any{"removed": []string{s.orgStJoseph}}), status: 422, fields: []string{"changes.parties.removed"}},
			{name: "no party left", method: "POST", path: base + "/amendments", who: editor33,
				body: withChanges(body, "parties", map[string]any{"removed": []string{s.orgCC}}), status: 422, fields: []string{"changes.parties"}},
			{name: "no summary", method: "POST", path: base + "/amendments", who: editor33, body: with(body, "summary", ""), status: 422, fields: []string{"summary"}},
			{name: "an end that is a number", method: "POST", path: base + "/amendments", who: editor33, body: withChanges(body, "end", 2027), status: 422},
			{name: "nothing saved", path: base + "/amendments", who: readerCC, status: 200, contains: []string{`"total":0`}},
		})

		r := s.send(t, "POST", base+"/amendments", editorCC, body, "If-Match", `"`+version+`"`)
		if r.Status != http.StatusCreated {
			t.Fatalf("POST: %d %s", r.Status, r.Raw)
		}
		a := r.JSON
		if a["number"] != 1.0 || a["label"] != "Avenant n°\u00a01" || a["signed_version"] != 1.0 || a["convention"] != cid ||
			obj(t, a, "changes")["end"] != "2027-06-30" {
			t.Errorf("amendment %s", r.Raw)
		}
		amended := s.mustGet(t, readerCC, base)
		bordeaux, _ := s.run.Ref.Commune("33063")
		if amended["end"] != "2027-06-30" || !slices.Contains(strs(t, amended, "parties"), s.orgEtat) ||
			!slices.Contains(strs(t, amended, "communes"), "33063") || num(t, amended, "population") != latitudePop+bordeaux.Population ||
			amended["status"] != "signed" {
			t.Errorf("amended convention %v", amended)
		}

		// Avenant n° 2, in words: the plan changed before it.
		s.mustPost(t, editorCC, "/api/v1/axes/"+str(t, axes[0].(map[string]any), "id")+"/actions", map[string]any{"title": "Des chantiers jeunes l'été"})
		s.mustPost(t, editor33, base+"/amendments", map[string]any{"date": "2025-01-15", "summary": "Une action de plus.",
			"changes": map[string]any{"plan": "Ajout de l'action « Des chantiers jeunes l'été »."}})
		s.runScenarios(t, []scenario{
			{name: "list", path: base + "/amendments", who: readerCC, status: 200, contains: []string{`"total":2`, `"number":2`}},
			{name: "versions", path: base + "/versions", who: readerCC, status: 200, contains: []string{`"total":3`, `"label":"Avenant n°` + "\u00a0" + `2"`}},
			{name: "0 to 1", path: base + "/versions/compare?from=0&to=1", who: readerCC, status: 200,
				contains: []string{"Fin de la convention prolongée : le 31/12/2026 devient le 30/06/2027.", "Nouvelle partie signataire : Préfecture de la Gironde.",
					`"communes":{"added":[{"code":"33063","name":"Bordeaux"`, `"change":` + strconv.Itoa(bordeaux.Population)}},
			{name: "the latest two by default", path: base + "/versions/compare", who: readerCC, status: 200,
				contains: []string{`"from":1`, `"to":2`, "Action ajoutée au plan : Axe 1 / Action 2 — Des chantiers jeunes l'été."}, notContains: []string{`"end":`}},
			{name: "a version that is none", path: base + "/versions/compare?to=9", who: readerCC, status: 422, fields: []string{"to"}},
			{name: "a version that is no number", path: base + "/versions/compare?from=premiere", who: readerCC, status: 422, fields: []string{"from"}},
		})

		actions := map[string]int{}
		for _, e := range items(t, s.mustGet(t, readerCC, base+"/history")) {
			actions[str(t, e, "action")]++
		}
		if actions["amendment.create"] != 2 {
			t.Errorf("history %v", actions)
		}

		// An ended convention takes no amendment.
		s.mustStatus(t, editor33, cid, "ended", "2027-06-30")
		s.runScenarios(t, []scenario{
			{name: "ended", method: "POST", path: base + "/amendments", who: editor33, body: with(body, "date", "2027-07-01"), status: 409,
				contains: []string{"échue"}},
		})
	})
}

// amendmentAxePages are the amendments pages TestAxe checks: it records
// an amendment of the demonstration's signed CTG Latitude Nord Gironde
// 2022-2026 that brings in a new association.
func amendmentAxePages(t *testing.T, srv *cli.Running) []axePage {
	t.Helper()
	ctx := context.Background()
	admin := demoUser(t, srv.DB, demoAdmin)
	signed := demoConvention(t, srv.DB, "CTG Latitude Nord Gironde 2022-2026")
	diagnostic := demoConvention(t, srv.DB, "CTG Latitude Nord Gironde 2027-2031")
	asso := &account.Organisation{Name: "Association Les Petits Pas (fictive)", Kind: "association"}
	if err := srv.DB.CreateOrganisation(ctx, asso, nil); err != nil {
		t.Fatal(err)
	}
	a := &amendment.Amendment{Date: "2024-02-01", Summary: "Entrée de l'association Les Petits Pas.",
		Changes: amendment.Changes{Parties: &amendment.PartyChanges{Added: []string{asso.ID}}, Plan: "Un lieu d'accueil enfants-parents de plus."}}
	if err := srv.DB.CreateAmendment(ctx, srv.Ref, admin, signed.ID, 0, a); err != nil {
		t.Fatal(err)
	}
	page := "/conventions/" + signed.ID + "/avenants"
	return []axePage{
		{name: "amendments", who: demoAdvisor, path: page, act: func(t *testing.T, tb *tab) {
			tb.do("open the perimeter", chromedp.Evaluate[chromedp.Void](`document.querySelectorAll("details").forEach(d => d.open = true)`))
		}},
		{name: "amendments compared backwards", who: demoAdvisor, path: page + "?de=1&a=0"},
		{name: "amendments, comparison in error", who: demoAdvisor, path: page + "?a=9", status: 422},
		{name: "amendment form with errors", who: demoAdvisor, path: page, act: func(t *testing.T, tb *tab) {
			tb.do("type a perimeter", chromedp.Evaluate[chromedp.Void](`document.querySelectorAll("details").forEach(d => d.open = true)`),
				chromedp.Evaluate[chromedp.Void](`document.getElementById("fa-changes.perimeter.communes").value = "99999"`))
			tb.submit(`#formulaire-avenant button[value=save]`)
			tb.waitFor("the errors", `!!document.querySelector("#formulaire-avenant .error-summary")`)
		}},
		{name: "amendments of a reader", who: demoReader, path: page},
		{name: "amendments before the signature", who: demoAdvisor, path: "/conventions/" + diagnostic.ID + "/avenants"},
	}
}
