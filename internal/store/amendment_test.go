package store_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	"ctg/internal/account"
	"ctg/internal/amendment"
	"ctg/internal/app"
	"ctg/internal/budget"
	"ctg/internal/convention"
	"ctg/internal/plan"
	"ctg/internal/testdb"
)

func TestAmendments(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		f := newPlanFixture(t, dsn)
		ctx := context.Background()
		ref := mustRef(t)
		dep := &account.Organisation{Name: "Département de la Gironde", Kind: "departement", Territory: "33"}
		if err := f.db.CreateOrganisation(ctx, dep, nil); err != nil {
			t.Fatal(err)
		}
		axis := f.axis(t, f.cid, "Faciliter la vie des familles")
		a1 := f.action(t, axis.ID, "Un relais petite enfance itinérant")
		if _, err := f.db.SetBudget(ctx, f.editor, a1.ID, 0, []budget.Line{
			{Funder: "caf-33", Year: 2023, Nature: "fonctionnement", PlannedCents: 1_000_000_00},
			{Funder: f.cc, Year: 2023, Nature: "fonctionnement", PlannedCents: 500_000_00}}); err != nil {
			t.Fatal(err)
		}
		body := func() *amendment.Amendment {
			return &amendment.Amendment{Date: "2024-06-01", Summary: "Prolongation et entrée du Département.",
				Changes: amendment.Changes{End: ptr("2027-06-30"), Parties: &amendment.PartyChanges{Added: []string{dep.ID}},
					Perimeter: &convention.Perimeter{EPCIs: []string{"243301181"}, Communes: []string{"33063"}}}}
		}

		// Not signed yet: no amendment, no version.
		if err := f.db.CreateAmendment(ctx, ref, f.editor, f.cid, 0, body()); app.ErrorCode(err) != app.EConflict {
			t.Errorf("amendment before signing: %v", err)
		}
		if vs, err := f.db.Versions(ctx, f.reader, f.cid); err != nil || len(vs) != 0 {
			t.Errorf("versions before signing: %v %v", vs, err)
		}
		if _, err := f.db.SetStatus(ctx, f.editor, f.cid, 0, convention.StatusElaboration, ""); err != nil {
			t.Fatal(err)
		}
		signed, err := f.db.SetStatus(ctx, f.editor, f.cid, 0, convention.StatusSigned, "2022-11-15")
		if err != nil {
			t.Fatal(err)
		}

		// The signature is version 0, a snapshot of what was signed.
		vs, err := f.db.Versions(ctx, f.reader, f.cid)
		if err != nil || len(vs) != 1 {
			t.Fatalf("versions after signing: %v %v", vs, err)
		}
		s := vs[0].Snapshot
		if vs[0].Number != 0 || vs[0].Date != "2022-11-15" || vs[0].Label != "Convention signée" || s.Title != signed.Title ||
			s.End != "2026-12-31" || s.CAF.Name != "Caf de la Gironde" || len(s.Parties) != 1 || s.Parties[0].Name != "CC Latitude Nord Gironde" ||
			!slices.Equal(s.Communes, latitude) || s.Population != 21821 || len(s.Axes) != 1 || s.Axes[0].Actions[0].Ref != "Axe 1 / Action 1" ||
			s.Axes[0].Actions[0].LeadName != "CC Latitude Nord Gironde" || s.PlannedCents != 1_500_000_00 || len(s.Budget) != 2 {
			t.Errorf("version 0: %+v", vs[0])
		}

		// Access and refusals: nothing saved.
		if err := f.db.CreateAmendment(ctx, ref, f.reader, f.cid, 0, body()); app.ErrorCode(err) != app.EForbidden {
			t.Errorf("reader: %v", err)
		}
		if err := f.db.CreateAmendment(ctx, ref, f.other, f.cid, 0, body()); app.ErrorCode(err) != app.ENotFound {
			t.Errorf("other CAF: %v", err)
		}
		if _, err := f.db.Amendments(ctx, f.other, f.cid); app.ErrorCode(err) != app.ENotFound {
			t.Errorf("other CAF lists: %v", err)
		}
		if err := f.db.CreateAmendment(ctx, ref, f.editor, f.cid, 1, body()); app.ErrorCode(err) != app.EPreconditionFailed {
			t.Errorf("stale: %v", err)
		}
		for _, c := range []struct {
			name  string
			edit  func(a *amendment.Amendment)
			field string
		}{
			{"end before start", func(a *amendment.Amendment) { a.Changes.End = ptr("2020-01-01") }, "changes.end"},
			{"end not a date", func(a *amendment.Amendment) { a.Changes.End = ptr("fin 2027") }, "changes.end"},
			{"unknown commune", func(a *amendment.Amendment) { a.Changes.Perimeter.Communes = []string{"99999"} }, "changes.perimeter.communes"},
			{"remove a stranger", func(a *amendment.Amendment) { a.Changes.Parties.Removed = []string{"caf-974"} }, "changes.parties.removed"},
			{"add a party twice", func(a *amendment.Amendment) { a.Changes.Parties.Added = []string{f.cc} }, "changes.parties.added"},
			{"no party left", func(a *amendment.Amendment) {
				a.Changes.Parties = &amendment.PartyChanges{Removed: []string{f.cc}}
			}, "changes.parties"},
			{"unknown organisation", func(a *amendment.Amendment) { a.Changes.Parties.Added = []string{"inconnue"} }, "changes.parties"},
			{"before the signature", func(a *amendment.Amendment) { a.Date = "2022-11-01" }, "date"},
			{"no summary", func(a *amendment.Amendment) { a.Summary = " " }, "summary"},
		} {
			a := body()
			c.edit(a)
			if err := f.db.CreateAmendment(ctx, ref, f.editor, f.cid, 0, a); app.ErrorFields(err)[c.field] == "" {
				t.Errorf("%s: no message on %s: %v", c.name, c.field, err)
			}
		}
		if got, _ := f.db.Convention(ctx, f.reader, f.cid); got.Version != signed.Version || got.End != "2026-12-31" {
			t.Errorf("a refused amendment changed the convention: %+v", got)
		}
		if as, _ := f.db.Amendments(ctx, f.reader, f.cid); len(as) != 0 {
			t.Errorf("amendments after refusals: %+v", as)
		}

		// Avenant n° 1: the end, a new party, Bordeaux in the perimeter.
		a := body()
		if err := f.db.CreateAmendment(ctx, ref, f.editor, f.cid, signed.Version, a); err != nil {
			t.Fatal(err)
		}
		if a.Number != 1 || a.Label != "Avenant n°\u00a01" || a.SignedVersion != 1 || a.ID == "" {
			t.Errorf("amendment %+v", a)
		}
		c, _ := f.db.Convention(ctx, f.reader, f.cid)
		bordeaux, _ := ref.Commune("33063")
		if c.End != "2027-06-30" || !slices.Contains(c.Parties, dep.ID) || !slices.Contains(c.Communes, "33063") ||
			c.Population != 21821+bordeaux.Population || c.Version != signed.Version+1 || c.Status != convention.StatusSigned {
			t.Errorf("amended convention %+v", c)
		}

		// Avenant n° 2: the plan changed first (a new action, more money),
		// then recorded with words only.
		a2 := f.action(t, axis.ID, "Des accueils de loisirs le mercredi")
		if _, err := f.db.UpdateAction(ctx, f.editor, a1.ID, 0, plan.ActionPatch{Title: ptr("Un relais petite enfance itinérant et un LAEP")}); err != nil {
			t.Fatal(err)
		}
		if _, err := f.db.SetBudget(ctx, f.editor, a2.ID, 0, []budget.Line{{Funder: dep.ID, Year: 2024, Nature: "fonctionnement", PlannedCents: 200_000_00}}); err != nil {
			t.Fatal(err)
		}
		second := &amendment.Amendment{Date: "2024-05-01", Summary: "Nouvelle action.", Changes: amendment.Changes{Plan: "Ajout de l'action 1.2."}}
		if err := f.db.CreateAmendment(ctx, ref, f.editor, f.cid, 0, second); app.ErrorFields(err)["date"] == "" {
			t.Errorf("an amendment before the previous one: %v", err)
		}
		second.Date = "2025-01-15"
		if err := f.db.CreateAmendment(ctx, ref, f.editor, f.cid, 0, second); err != nil {
			t.Fatal(err)
		}
		if got, _ := f.db.Convention(ctx, f.reader, f.cid); got.Version != c.Version {
			t.Errorf("an amendment in words changed the convention's version: %d, want %d", got.Version, c.Version)
		}
		as, err := f.db.Amendments(ctx, f.reader, f.cid)
		if err != nil || len(as) != 2 || as[1].Number != 2 || as[1].Changes.Plan != "Ajout de l'action 1.2." || as[0].Changes.End == nil ||
			*as[0].Changes.End != "2027-06-30" || as[0].Changes.Parties.Added[0] != dep.ID {
			t.Errorf("amendments %+v %v", as, err)
		}

		// Comparisons.
		cmp01, err := f.db.CompareVersions(ctx, ref, f.reader, f.cid, 0, 1)
		if err != nil {
			t.Fatal(err)
		}
		if cmp01.End == nil || cmp01.End.After != "2027-06-30" || len(cmp01.Parties.Added) != 1 || cmp01.Parties.Added[0].Name != dep.Name ||
			len(cmp01.Communes.Added) != 1 || cmp01.Communes.Added[0].Name != "Bordeaux" || cmp01.Population.Change != bordeaux.Population ||
			len(cmp01.Actions.Added) != 0 || cmp01.Budget.BeforeCents != cmp01.Budget.AfterCents {
			t.Errorf("0 → 1: %+v", cmp01)
		}
		want := []string{"Fin de la convention prolongée : le 31/12/2026 devient le 30/06/2027.", "Nouvelle partie signataire : Département de la Gironde.",
			"Commune entrée dans le périmètre : Bordeaux (33063"}
		for _, w := range want {
			if !slices.ContainsFunc(cmp01.Lines, func(l string) bool { return strings.HasPrefix(l, w) }) {
				t.Errorf("0 → 1 lacks %q: %q", w, cmp01.Lines)
			}
		}
		cmp12, err := f.db.CompareVersions(ctx, ref, f.reader, f.cid, 1, 2)
		if err != nil {
			t.Fatal(err)
		}
		if len(cmp12.Actions.Added) != 1 || cmp12.Actions.Added[0].Ref != "Axe 1 / Action 2" || len(cmp12.Actions.Renamed) != 1 ||
			cmp12.Budget.AfterCents != 1_700_000_00 || cmp12.End != nil || len(cmp12.Communes.Added) != 0 {
			t.Errorf("1 → 2: %+v", cmp12)
		}
		if !slices.Contains(cmp12.Lines, "Budget prévu de Département de la Gironde : 0\u00a0€ → 200\u00a0000\u00a0€.") {
			t.Errorf("1 → 2 lines %q", cmp12.Lines)
		}
		same, _ := f.db.CompareVersions(ctx, ref, f.reader, f.cid, 2, 2)
		if len(same.Lines) != 0 {
			t.Errorf("2 → 2: %q", same.Lines)
		}
		if _, err := f.db.CompareVersions(ctx, ref, f.reader, f.cid, 0, 7); app.ErrorFields(err)["to"] == "" {
			t.Errorf("unknown version: %v", err)
		}

		h, err := f.db.History(ctx, f.reader, f.cid, 0)
		if err != nil {
			t.Fatal(err)
		}
		var lines []map[string]convention.Change
		for _, e := range h {
			if e.Action == "amendment.create" {
				lines = append(lines, e.Changes)
			}
		}
		if len(lines) != 2 || lines[1]["end"].After != "2027-06-30" || lines[1]["number"].After != 1.0 || lines[0]["plan_changes"].After == nil {
			t.Errorf("history %+v", lines)
		}
	})
}
