package store_test

import (
	"context"
	"testing"

	"ctg/internal/app"
	"ctg/internal/publication"
	"ctg/internal/testdb"
)

func TestPublication(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		f := newFixture(t, dsn)
		ctx := context.Background()
		c := f.create(t, f.editor, ctgLatitude(f.cc))
		twin := f.create(t, f.editor, ctgLatitude(f.cc))

		if _, err := f.db.Publication(ctx, f.reader, c.ID); app.ErrorCode(err) != app.ENotFound {
			t.Errorf("not published yet: %v", err)
		}
		if _, err := f.db.Publish(ctx, f.reader, c.ID, publication.Publication{}); app.ErrorCode(err) != app.EForbidden {
			t.Errorf("reader publishes: %v", err)
		}
		if _, err := f.db.Publish(ctx, f.other, c.ID, publication.Publication{}); app.ErrorCode(err) != app.ENotFound {
			t.Errorf("another CAF publishes: %v", err)
		}
		p, err := f.db.Publish(ctx, f.editor, c.ID, publication.Publication{ShowBudget: true, Summary: " Le projet du territoire. "})
		if err != nil {
			t.Fatal(err)
		}
		if p.Slug != "ctg-latitude-nord-gironde-2022-2026" || p.PublicURL != "/p/ctg-latitude-nord-gironde-2022-2026" || !p.ShowBudget || p.ShowSurveys ||
			p.Summary != "Le projet du territoire." || p.PublishedAt.IsZero() {
			t.Errorf("published %+v", p)
		}
		p2, err := f.db.Publish(ctx, f.editor, twin.ID, publication.Publication{})
		if err != nil || p2.Slug != "ctg-latitude-nord-gironde-2022-2026-2" {
			t.Errorf("the same title: %+v, %v", p2, err)
		}
		// Publishing again changes the choices, not the address.
		up, err := f.db.Publish(ctx, f.editor, c.ID, publication.Publication{ShowSurveys: true})
		if err != nil || up.Slug != p.Slug || up.ShowBudget || !up.ShowSurveys || up.Summary != "" || !up.PublishedAt.Equal(p.PublishedAt) {
			t.Errorf("republished %+v, %v", up, err)
		}
		got, err := f.db.PublicationBySlug(ctx, p.Slug)
		if err != nil || got.Convention != c.ID || !got.ShowSurveys {
			t.Errorf("by slug %+v, %v", got, err)
		}
		if got, err := f.db.Publication(ctx, f.reader, c.ID); err != nil || got.Slug != p.Slug {
			t.Errorf("Publication %+v, %v", got, err)
		}

		if err := f.db.Unpublish(ctx, f.reader, c.ID); app.ErrorCode(err) != app.EForbidden {
			t.Errorf("reader withdraws: %v", err)
		}
		if err := f.db.Unpublish(ctx, f.editor, c.ID); err != nil {
			t.Fatal(err)
		}
		if err := f.db.Unpublish(ctx, f.editor, c.ID); err != nil {
			t.Errorf("withdrawn twice: %v", err)
		}
		if _, err := f.db.PublicationBySlug(ctx, p.Slug); app.ErrorCode(err) != app.ENotFound {
			t.Errorf("withdrawn page: %v", err)
		}
		if _, err := f.db.PublicationBySlug(ctx, p2.Slug); err != nil {
			t.Errorf("the other page: %v", err)
		}

		h, err := f.db.History(ctx, f.reader, c.ID, 100)
		if err != nil {
			t.Fatal(err)
		}
		actions := map[string]int{}
		for _, e := range h {
			actions[e.Action]++
		}
		if actions["publication.publish"] != 1 || actions["publication.update"] != 1 || actions["publication.unpublish"] != 1 {
			t.Errorf("history %v", actions)
		}
	})
}
