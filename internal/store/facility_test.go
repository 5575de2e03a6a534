package store_test

import (
	"context"
	"testing"

	"ctg/internal/app"
	"ctg/internal/diagnostic"
	"ctg/internal/store"
	"ctg/internal/testdb"
)

func places(n int) *int { return &n }

func TestFacilityStore(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		f := newFixture(t, dsn)
		ctx := context.Background()
		ref := mustRef(t)
		history := count(t, f.db, "history")

		crèche := &diagnostic.Facility{Kind: "eaje", Name: "  Multi-accueil   Les Petits Pas ", Commune: "33473", Places: places(24), Manager: "CC Latitude Nord Gironde"}
		if err := f.db.CreateFacility(ctx, ref, f.editor, crèche); err != nil {
			t.Fatal(err)
		}
		if crèche.Name != "Multi-accueil Les Petits Pas" || crèche.Departement != "33" || crèche.Version != 1 || crèche.ID == "" {
			t.Errorf("created %+v", crèche)
		}
		if n := count(t, f.db, "history"); n != history+1 {
			t.Errorf("history: %d lines after a creation, want %d", n, history+1)
		}

		// Readers may not change the inventory.
		if err := f.db.CreateFacility(ctx, ref, f.reader, &diagnostic.Facility{Kind: "rpe", Name: "RPE", Commune: "33473"}); app.ErrorCode(err) != app.EForbidden {
			t.Errorf("reader creates: %v", err)
		}
		// The same facility twice, spelt differently.
		twice := &diagnostic.Facility{Kind: "eaje", Name: "MULTI-ACCUEIL les petits pas", Commune: "33473", Places: places(10)}
		if err := f.db.CreateFacility(ctx, ref, f.editor, twice); app.ErrorFields(err)["name"] == "" {
			t.Errorf("duplicate: %v", err)
		}
		// A kind counted in places needs them; others do not.
		if err := f.db.CreateFacility(ctx, ref, f.editor, &diagnostic.Facility{Kind: "alsh", Name: "ALSH", Commune: "33473"}); app.ErrorFields(err)["places"] == "" {
			t.Errorf("ALSH without places: %v", err)
		}
		rpe := &diagnostic.Facility{Kind: "rpe", Name: "RPE Latitude Nord", Commune: "33123"}
		if err := f.db.CreateFacility(ctx, ref, f.editor, rpe); err != nil {
			t.Fatal(err)
		}
		// Another CAF's editor may add facilities anywhere: the inventory is
		// about the territory, not about a convention.
		other := &diagnostic.Facility{Kind: "centre_social", Name: "Centre social du Sud", Commune: "97412"}
		if err := f.db.CreateFacility(ctx, ref, f.other, other); err != nil {
			t.Fatal(err)
		}

		got, err := f.db.Facilities(ctx, store.FacilityFilter{Communes: latitude})
		if err != nil || len(got) != 2 || got[0].ID != rpe.ID || got[1].ID != crèche.ID {
			t.Fatalf("Facilities of Latitude = %+v, %v", got, err)
		}
		if got[0].Places != nil || *got[1].Places != 24 {
			t.Errorf("places: %v, %v", got[0].Places, got[1].Places)
		}
		if got, _ := f.db.Facilities(ctx, store.FacilityFilter{Departement: "974"}); len(got) != 1 || got[0].ID != other.ID {
			t.Errorf("Facilities of 974 = %+v", got)
		}
		if got, _ := f.db.Facilities(ctx, store.FacilityFilter{Kind: "eaje"}); len(got) != 1 {
			t.Errorf("Facilities of kind eaje = %+v", got)
		}
		if got, _ := f.db.Facilities(ctx, store.FacilityFilter{Communes: []string{}}); len(got) != 0 {
			t.Errorf("Facilities of no commune = %+v", got)
		}

		// Update: If-Match, no-op, validation, history.
		name := "Multi-accueil Les Petits Pas (Saint-Savin)"
		up, err := f.db.UpdateFacility(ctx, ref, f.editor, crèche.ID, 1, diagnostic.FacilityPatch{Name: &name, Places: diagnostic.OptionalInt{Set: true, Value: places(30)}})
		if err != nil || up.Version != 2 || *up.Places != 30 || up.Name != name {
			t.Fatalf("UpdateFacility = %+v, %v", up, err)
		}
		if _, err := f.db.UpdateFacility(ctx, ref, f.editor, crèche.ID, 1, diagnostic.FacilityPatch{Name: &name}); app.ErrorCode(err) != app.EPreconditionFailed {
			t.Errorf("stale update: %v", err)
		}
		if same, err := f.db.UpdateFacility(ctx, ref, f.editor, crèche.ID, 2, diagnostic.FacilityPatch{Name: &name}); err != nil || same.Version != 2 {
			t.Errorf("no-op update = %+v, %v", same, err)
		}
		former := "33041" // a former code: resolved to the current commune
		if _, err := f.db.UpdateFacility(ctx, ref, f.editor, rpe.ID, 0, diagnostic.FacilityPatch{Commune: &former}); err != nil {
			t.Errorf("former code: %v", err)
		}
		if _, err := f.db.UpdateFacility(ctx, ref, f.reader, rpe.ID, 0, diagnostic.FacilityPatch{Name: &name}); app.ErrorCode(err) != app.EForbidden {
			t.Errorf("reader updates: %v", err)
		}
		if _, err := f.db.UpdateFacility(ctx, ref, f.editor, "inconnu", 0, diagnostic.FacilityPatch{Name: &name}); app.ErrorCode(err) != app.ENotFound {
			t.Errorf("unknown: %v", err)
		}
		if err := f.db.DeleteFacility(ctx, f.editor, crèche.ID, 1); app.ErrorCode(err) != app.EPreconditionFailed {
			t.Errorf("stale delete: %v", err)
		}
		before := count(t, f.db, "history")
		if err := f.db.DeleteFacility(ctx, f.editor, crèche.ID, 2); err != nil {
			t.Fatal(err)
		}
		if _, err := f.db.Facility(ctx, crèche.ID); app.ErrorCode(err) != app.ENotFound {
			t.Errorf("after delete: %v", err)
		}
		if n := count(t, f.db, "history"); n != before+1 {
			t.Errorf("history: %d lines after a deletion, want %d", n, before+1)
		}
	})
}

func TestImportFacilities(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		f := newFixture(t, dsn)
		ctx := context.Background()
		ref := mustRef(t)
		known := &diagnostic.Facility{Kind: "eaje", Name: "Crèche Les Lucioles", Commune: "33473", Places: places(20)}
		if err := f.db.CreateFacility(ctx, ref, f.editor, known); err != nil {
			t.Fatal(err)
		}
		lines := []diagnostic.FacilityLine{
			{Line: 2, Facility: diagnostic.Facility{Kind: "eaje", Name: "Crèche Les Lucioles", Commune: "33473", Departement: "33", Places: places(24)}},
			{Line: 3, Facility: diagnostic.Facility{Kind: "rpe", Name: "RPE Latitude Nord", Commune: "33123", Departement: "33"}},
			{Line: 4, Facility: diagnostic.Facility{Kind: "alsh", Name: "ALSH de Saint-Savin", Commune: "33473", Departement: "33", Places: places(60)}},
		}
		if _, err := f.db.ImportFacilities(ctx, f.reader, lines); app.ErrorCode(err) != app.EForbidden {
			t.Errorf("reader imports: %v", err)
		}
		sum, err := f.db.ImportFacilities(ctx, f.editor, lines)
		if err != nil {
			t.Fatal(err)
		}
		if want := (diagnostic.FacilityImport{Rows: 3, Created: 2, Updated: 1, Communes: 2}); sum != want {
			t.Errorf("summary = %+v, want %+v", sum, want)
		}
		again, err := f.db.ImportFacilities(ctx, f.editor, lines)
		if err != nil || again.Unchanged != 3 || again.Created != 0 {
			t.Errorf("second import = %+v, %v", again, err)
		}
		got, _ := f.db.Facility(ctx, known.ID)
		if *got.Places != 24 || got.Version != 2 {
			t.Errorf("updated by the import: %+v", got)
		}
		if n := count(t, f.db, "facilities"); n != 3 {
			t.Errorf("%d facilities, want 3", n)
		}
	})
}
