package store

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"

	"ctg/internal/account"
	"ctg/internal/app"
	"ctg/internal/convention"
	"ctg/internal/diagnostic"
	"ctg/internal/plan"
	"ctg/internal/review"
	"ctg/internal/territory"
)

// StartRenewal creates, in one transaction, the convention that renews a
// convention u may change: same CAF, perimeter and parties, the title and
// period of in, in status diagnostic and renewing it. It copies the
// stakes of the diagnosis with the findings they rest on, so that the new
// diagnosis starts from them, and the actions the final evaluation marks
// to carry on into a new plan: their axes with the same titles (numbered
// from 1 in the order of the old plan), their objectives, the actions in
// status planned without dates or budget, tied to the copied stakes and
// findings. Every copy is a line of the new convention's history, and the
// renewal one line on each convention.
//
// Only a signed or ended convention that nothing renews yet is renewed
// (EConflict otherwise); the new convention is checked as any new one
// (EInvalid with fields "title", "start", "end"…).
func (db *DB) StartRenewal(ctx context.Context, ref *territory.Ref, u *account.User, conventionID string, in review.Renewal) (*convention.Convention, error) {
	var out *convention.Convention
	err := db.Transact(ctx, func(t *tx) error {
		old, err := db.editPlan(ctx, t, u, conventionID)
		if err != nil {
			return err
		}
		if old.RenewedBy != nil {
			var title string
			if err := get(ctx, t, &title, `SELECT title FROM conventions WHERE id = ?`, *old.RenewedBy); err != nil {
				return err
			}
			return app.Errorf(app.EConflict, "Cette convention est déjà renouvelée par « %s ».", title)
		}
		if !review.Renewable(old) {
			return app.Errorf(app.EConflict, "Seule une convention signée ou échue se renouvelle ; celle-ci est au statut « %s ».",
				convention.StatusLabel(old.Status))
		}
		c := &convention.Convention{Kind: cmp.Or(strings.TrimSpace(in.Kind), review.RenewalKind(old.Kind)), Title: in.Title,
			CAF: old.CAF, Perimeter: old.Perimeter, Start: strings.TrimSpace(in.Start), End: strings.TrimSpace(in.End),
			Parties: slices.Clone(old.Parties), Renews: &old.ID}
		if err := db.insertConvention(ctx, t, ref, u, c); err != nil {
			return err
		}
		stakes, findings, err := db.copyDiagnosis(ctx, t, u, old.ID, c.ID)
		if err != nil {
			return err
		}
		carried, err := db.carryActions(ctx, t, u, old.ID, c.ID, stakes, findings)
		if err != nil {
			return err
		}
		var titles, was, now []string
		for _, s := range stakes {
			titles = append(titles, s.title)
		}
		for _, a := range carried {
			was = append(was, a.was)
			now = append(now, a.is)
		}
		if err := db.record(ctx, t, c.ID, u, "convention.renewal", c.ID, map[string]convention.Change{
			"renews": {After: old.ID}, "stakes": {After: orNone(titles)}, "actions": {After: orNone(now)}}); err != nil {
			return err
		}
		if err := db.record(ctx, t, old.ID, u, "convention.renewed", c.ID, map[string]convention.Change{
			"renewal": {After: c.Title}, "actions": {After: orNone(was)}}); err != nil {
			return err
		}
		out, err = loadConvention(ctx, t, c.ID)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("store.StartRenewal: %w", err)
	}
	return out, nil
}

func orNone(list []string) []string {
	if list == nil {
		return []string{}
	}
	return list
}

// copiedStake is a stake of the old convention and its copy.
type copiedStake struct{ id, title string }

// copyDiagnosis copies the stakes of convention from into convention to,
// with the findings they rest on, in t. It returns the copies of the
// stakes and of the findings, by the ids of the originals.
func (db *DB) copyDiagnosis(ctx context.Context, t *tx, u *account.User, from, to string) (map[string]copiedStake, map[string]string, error) {
	var rows []stakeRow
	if err := sel(ctx, t, &rows, `SELECT `+stakeColumns+` FROM stakes s WHERE s.convention_id = ?`, from); err != nil {
		return nil, nil, err
	}
	pairs, err := links(ctx, t, `s.convention_id = ?`, from)
	if err != nil {
		return nil, nil, err
	}
	old := make([]diagnostic.Stake, len(rows))
	at := map[string]*diagnostic.Stake{}
	for i, r := range rows {
		old[i] = r.stake()
		at[r.ID] = &old[i]
	}
	var needed []string
	for _, p := range pairs {
		at[p.Stake].Findings = append(at[p.Stake].Findings, p.Finding)
		needed = append(needed, p.Finding)
	}
	diagnostic.SortStakes(old)
	findings := map[string]string{}
	slices.Sort(needed)
	for _, id := range slices.Compact(needed) {
		f, err := loadFinding(ctx, t, id)
		if err != nil {
			return nil, nil, err
		}
		copied := diagnostic.Finding{Kind: f.Kind, Field: f.Field, Text: f.Text, Source: f.Source}
		if err := db.insertFinding(ctx, t, u, to, &copied); err != nil {
			return nil, nil, err
		}
		findings[id] = copied.ID
	}
	stakes := map[string]copiedStake{}
	for _, s := range old {
		copied := diagnostic.Stake{Title: s.Title, Fields: s.Fields, Priority: s.Priority}
		for _, f := range s.Findings {
			copied.Findings = append(copied.Findings, findings[f])
		}
		if err := db.insertStake(ctx, t, u, to, &copied); err != nil {
			return nil, nil, err
		}
		stakes[s.ID] = copiedStake{id: copied.ID, title: copied.Title}
	}
	return stakes, findings, nil
}

// carriedAction is an action carried on: its reference in the old plan
// and in the new one.
type carriedAction struct{ was, is string }

// carryActions copies into the plan of convention to the actions of
// convention from that its evaluation marks to carry on, in t, with the
// axes and objectives they belong to, tied to the copies of their stakes
// and findings (those not copied are dropped).
func (db *DB) carryActions(ctx context.Context, t *tx, u *account.User, from, to string, stakes map[string]copiedStake, findings map[string]string) ([]carriedAction, error) {
	var marked []string
	if err := sel(ctx, t, &marked, `SELECT subject FROM evaluations WHERE convention_id = ? AND carry_on = ?`, from, true); err != nil {
		return nil, err
	}
	if len(marked) == 0 {
		return nil, nil
	}
	p, err := loadPlan(ctx, t, from)
	if err != nil {
		return nil, err
	}
	var out []carriedAction
	for _, x := range p.Axes {
		var actions []plan.Action
		for _, a := range x.Actions {
			if slices.Contains(marked, a.ID) {
				actions = append(actions, a)
			}
		}
		if len(actions) == 0 {
			continue
		}
		axis := plan.Axis{Title: x.Title, Description: x.Description}
		if err := db.insertAxis(ctx, t, u, to, &axis); err != nil {
			return nil, err
		}
		objectives := map[string]string{}
		for _, o := range x.Objectives {
			if !slices.ContainsFunc(actions, func(a plan.Action) bool { return a.Objective == o.ID }) {
				continue
			}
			copied := plan.Objective{Title: o.Title}
			if err := db.insertObjective(ctx, t, u, to, &axis, &copied); err != nil {
				return nil, err
			}
			objectives[o.ID] = copied.ID
		}
		for _, a := range actions {
			copied := review.Carried(a)
			copied.Objective = objectives[a.Objective]
			copied.Stakes, copied.Findings = nil, nil
			for _, s := range a.Stakes {
				if cs, ok := stakes[s]; ok {
					copied.Stakes = append(copied.Stakes, cs.id)
				}
			}
			for _, f := range a.Findings {
				if cf, ok := findings[f]; ok {
					copied.Findings = append(copied.Findings, cf)
				}
			}
			if err := db.insertAction(ctx, t, u, &axis, &copied); err != nil {
				return nil, err
			}
			out = append(out, carriedAction{was: a.Ref + " — " + a.Title, is: copied.Ref + " — " + copied.Title})
		}
	}
	return out, nil
}
