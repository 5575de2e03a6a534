package store

import (
	"context"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"

	"ctg/internal/account"
	"ctg/internal/app"
	"ctg/internal/publication"
)

// A convention's public page is published, changed and withdrawn by those
// who may change the convention, with a line of its history each time; it
// is read by anyone who knows its address.

var errNotPublished = app.Errorf(app.ENotFound, "Cette convention n'a pas de page publique : publiez-la d'abord.")

type publicationRow struct {
	Convention  string    `db:"convention_id"`
	Slug        string    `db:"slug"`
	ShowBudget  bool      `db:"show_budget"`
	ShowSurveys bool      `db:"show_surveys"`
	Summary     string    `db:"summary"`
	PublishedAt time.Time `db:"published_at"`
	UpdatedAt   time.Time `db:"updated_at"`
}

func loadPublication(ctx context.Context, q sqlx.QueryerContext, where, arg string) (*publication.Publication, error) {
	var r publicationRow
	if err := get(ctx, q, &r, `SELECT convention_id, slug, show_budget, show_surveys, summary, published_at, updated_at
		FROM publications WHERE `+where, arg); err != nil {
		return nil, mapError(err)
	}
	return &publication.Publication{Convention: r.Convention, Slug: r.Slug, PublicURL: publication.URL(r.Slug), ShowBudget: r.ShowBudget,
		ShowSurveys: r.ShowSurveys, Summary: r.Summary, PublishedAt: r.PublishedAt.UTC(), UpdatedAt: r.UpdatedAt.UTC()}, nil
}

// Publication returns the public page of a convention u may see; a
// convention without one is ENotFound.
func (db *DB) Publication(ctx context.Context, u *account.User, conventionID string) (*publication.Publication, error) {
	if _, err := seeConvention(ctx, db.x, u, conventionID, false); err != nil {
		return nil, fmt.Errorf("store.Publication: %w", err)
	}
	p, err := loadPublication(ctx, db.x, `convention_id = ?`, conventionID)
	if app.ErrorCode(err) == app.ENotFound {
		err = errNotPublished
	}
	if err != nil {
		return nil, fmt.Errorf("store.Publication: %w", err)
	}
	return p, nil
}

// PublicationBySlug returns a published page by its slug, without a user:
// the page is public. ENotFound when no convention publishes that slug.
func (db *DB) PublicationBySlug(ctx context.Context, slug string) (*publication.Publication, error) {
	p, err := loadPublication(ctx, db.x, `slug = ?`, slug)
	if err != nil {
		return nil, fmt.Errorf("store.PublicationBySlug: %w", err)
	}
	return p, nil
}

// Publish publishes the page of a convention u may change with what p
// chooses to show (ShowBudget, ShowSurveys, Summary), or changes those
// choices when it is published already. A first publication takes its
// slug from the convention's title (publication.BaseSlug), with a suffix
// when another convention has it; the slug then stays while the page is
// published, even if the title changes, so that printed addresses keep
// working.
func (db *DB) Publish(ctx context.Context, u *account.User, conventionID string, p publication.Publication) (*publication.Publication, error) {
	var out *publication.Publication
	err := db.Transact(ctx, func(t *tx) error {
		c, err := seeConvention(ctx, t, u, conventionID, true)
		if err != nil {
			return err
		}
		if err := p.Validate(); err != nil {
			return err
		}
		before, err := loadPublication(ctx, t, `convention_id = ?`, c.ID)
		if err != nil && app.ErrorCode(err) != app.ENotFound {
			return err
		}
		now := db.Now()
		after := p
		after.Convention, after.UpdatedAt = c.ID, now
		if before != nil {
			after.Slug, after.PublishedAt = before.Slug, before.PublishedAt
			after.PublicURL = publication.URL(after.Slug)
			changes := publication.Diff(before, &after)
			if len(changes) == 0 {
				out = before
				return nil
			}
			if _, err := exec(ctx, t, `UPDATE publications SET show_budget = ?, show_surveys = ?, summary = ?, updated_at = ? WHERE convention_id = ?`,
				after.ShowBudget, after.ShowSurveys, after.Summary, now, c.ID); err != nil {
				return err
			}
			out = &after
			return db.record(ctx, t, c.ID, u, "publication.update", c.ID, changes)
		}
		base := publication.BaseSlug(c.Title)
		var taken []string
		if err := sel(ctx, t, &taken, `SELECT slug FROM publications WHERE slug = ? OR slug LIKE ?`, base, base+"-%"); err != nil {
			return err
		}
		after.Slug, after.PublishedAt = publication.FirstFree(base, taken), now
		after.PublicURL = publication.URL(after.Slug)
		if _, err := exec(ctx, t, `INSERT INTO publications (convention_id, slug, show_budget, show_surveys, summary, published_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?)`, c.ID, after.Slug, after.ShowBudget, after.ShowSurveys, after.Summary, now, now); err != nil {
			return err
		}
		out = &after
		return db.record(ctx, t, c.ID, u, "publication.publish", c.ID, publication.Diff(nil, &after))
	})
	if err != nil {
		return nil, fmt.Errorf("store.Publish: %w", err)
	}
	return out, nil
}

// Unpublish withdraws the public page of a convention u may change; its
// address then answers 404. Withdrawing a page that is not published does
// nothing.
func (db *DB) Unpublish(ctx context.Context, u *account.User, conventionID string) error {
	err := db.Transact(ctx, func(t *tx) error {
		c, err := seeConvention(ctx, t, u, conventionID, true)
		if err != nil {
			return err
		}
		before, err := loadPublication(ctx, t, `convention_id = ?`, c.ID)
		if app.ErrorCode(err) == app.ENotFound {
			return nil
		} else if err != nil {
			return err
		}
		if _, err := exec(ctx, t, `DELETE FROM publications WHERE convention_id = ?`, c.ID); err != nil {
			return err
		}
		changes := publication.Diff(before, &publication.Publication{})
		return db.record(ctx, t, c.ID, u, "publication.unpublish", c.ID, changes)
	})
	if err != nil {
		return fmt.Errorf("store.Unpublish: %w", err)
	}
	return nil
}
