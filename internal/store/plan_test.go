package store_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"

	"ctg/internal/account"
	"ctg/internal/app"
	"ctg/internal/diagnostic"
	"ctg/internal/plan"
	"ctg/internal/store"
	"ctg/internal/testdb"
	"ctg/internal/workshop"
)

// planFixture is a fixture with a CTG whose plan the tests build.
type planFixture struct {
	*fixture
	cid string
}

func newPlanFixture(t *testing.T, dsn string) *planFixture {
	t.Helper()
	f := newFixture(t, dsn)
	return &planFixture{fixture: f, cid: f.create(t, f.editor, ctgLatitude(f.cc)).ID}
}

func (f *planFixture) axis(t *testing.T, conventionID, title string) *plan.Axis {
	t.Helper()
	a := &plan.Axis{Title: title}
	if err := f.db.CreateAxis(context.Background(), f.editor, conventionID, a); err != nil {
		t.Fatalf("CreateAxis %q: %v", title, err)
	}
	return a
}

func (f *planFixture) action(t *testing.T, axisID, title string) *plan.Action {
	t.Helper()
	a := &plan.Action{Title: title, Lead: f.cc, Fields: []string{"jeunesse"}}
	if err := f.db.CreateAction(context.Background(), f.editor, axisID, a); err != nil {
		t.Fatalf("CreateAction %q: %v", title, err)
	}
	return a
}

// layout writes a plan as a user reads it: "1:a,b 2:c" for axis 1 with
// the actions titled a then b, axis 2 with c. It fails when a number or a
// reference is not what its place says.
func layout(t *testing.T, p *plan.Plan) string {
	t.Helper()
	var parts []string
	for i, x := range p.Axes {
		if x.Number != i+1 {
			t.Errorf("axis %q numbered %d at place %d", x.Title, x.Number, i+1)
		}
		var titles []string
		for j, a := range x.Actions {
			if a.Number != j+1 || a.AxisNumber != x.Number || a.Axis != x.ID || a.Ref != plan.Ref(x.Number, j+1) {
				t.Errorf("action %q: number %d, ref %q at place %d of axis %d", a.Title, a.Number, a.Ref, j+1, x.Number)
			}
			titles = append(titles, a.Title)
		}
		parts = append(parts, fmt.Sprintf("%d:%s", x.Number, strings.Join(titles, ",")))
	}
	return strings.Join(parts, " ")
}

func (f *planFixture) layout(t *testing.T) string {
	t.Helper()
	p, err := f.db.Plan(context.Background(), f.reader, f.cid)
	if err != nil {
		t.Fatal(err)
	}
	return layout(t, p)
}

func TestPlanNumbering(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		f := newPlanFixture(t, dsn)
		ctx := context.Background()
		x1, x2, x3 := f.axis(t, f.cid, "Petite enfance"), f.axis(t, f.cid, "Jeunesse"), f.axis(t, f.cid, "Parentalité")
		if x1.Number != 1 || x2.Number != 2 || x3.Number != 3 {
			t.Fatalf("axes numbered %d, %d, %d", x1.Number, x2.Number, x3.Number)
		}
		a, b, c, d := f.action(t, x1.ID, "a"), f.action(t, x1.ID, "b"), f.action(t, x1.ID, "c"), f.action(t, x1.ID, "d")
		e := f.action(t, x2.ID, "e")
		if d.Ref != "Axe 1 / Action 4" || e.Ref != "Axe 2 / Action 1" || d.Status != plan.StatusPlanned {
			t.Fatalf("created %q %q %q", d.Ref, e.Ref, d.Status)
		}
		if got := f.layout(t); got != "1:a,b,c,d 2:e 3:" {
			t.Fatalf("plan %s", got)
		}

		// Reorder within the axis: d first; a, b, c move down and keep
		// their former references.
		one := 1
		moved, err := f.db.UpdateAction(ctx, f.editor, d.ID, d.Version, plan.ActionPatch{Number: &one})
		if err != nil {
			t.Fatal(err)
		}
		if moved.Ref != "Axe 1 / Action 1" || !slices.Equal(moved.FormerRefs, []string{"Axe 1 / Action 4"}) || moved.Version != 2 {
			t.Errorf("moved %q former %v version %d", moved.Ref, moved.FormerRefs, moved.Version)
		}
		if got := f.layout(t); got != "1:d,a,b,c 2:e 3:" {
			t.Fatalf("after reorder: %s", got)
		}
		got, _ := f.db.Action(ctx, f.reader, a.ID)
		if got.Ref != "Axe 1 / Action 2" || !slices.Equal(got.FormerRefs, []string{"Axe 1 / Action 1"}) || got.Version != 2 {
			t.Errorf("a pushed down: %q former %v version %d", got.Ref, got.FormerRefs, got.Version)
		}

		// Move b to the first place of axis 2: axis 1 closes the gap.
		to := x2.ID
		mb, err := f.db.UpdateAction(ctx, f.editor, b.ID, 0, plan.ActionPatch{Axis: &to, Number: &one})
		if err != nil {
			t.Fatal(err)
		}
		if mb.Ref != "Axe 2 / Action 1" || mb.Axis != x2.ID || !slices.Equal(mb.FormerRefs, []string{"Axe 1 / Action 2", "Axe 1 / Action 3"}) {
			t.Errorf("b moved: %q in %s, former %v", mb.Ref, mb.Axis, mb.FormerRefs)
		}
		if got := f.layout(t); got != "1:d,a,c 2:b,e 3:" {
			t.Fatalf("after the move: %s", got)
		}
		// To another axis without a number: last.
		three := x3.ID
		if mc, err := f.db.UpdateAction(ctx, f.editor, c.ID, 0, plan.ActionPatch{Axis: &three}); err != nil || mc.Ref != "Axe 3 / Action 1" {
			t.Fatalf("c moved: %+v, %v", mc, err)
		}
		// Out of range.
		five := 5
		if _, err := f.db.UpdateAction(ctx, f.editor, a.ID, 0, plan.ActionPatch{Number: &five}); app.ErrorFields(err)["number"] != "Choisissez un numéro entre 1 et 2." {
			t.Errorf("number 5 of 2: %v", err)
		}

		// Delete d: a moves up.
		dv, _ := f.db.Action(ctx, f.editor, d.ID)
		if err := f.db.DeleteAction(ctx, f.editor, d.ID, dv.Version); err != nil {
			t.Fatal(err)
		}
		if got := f.layout(t); got != "1:a 2:b,e 3:c" {
			t.Fatalf("after deleting d: %s", got)
		}

		// Axis 3 first: every action of axes 1 and 2 changes reference.
		ax, err := f.db.UpdateAxis(ctx, f.editor, x3.ID, 1, plan.AxisPatch{Number: &one})
		if err != nil || ax.Number != 1 || len(ax.Actions) != 1 || ax.Actions[0].Ref != "Axe 1 / Action 1" {
			t.Fatalf("axis 3 moved first: %+v, %v", ax, err)
		}
		if got := f.layout(t); got != "1:c 2:a 3:b,e" {
			t.Fatalf("after moving axis 3: %s", got)
		}
		ge, _ := f.db.Action(ctx, f.reader, e.ID)
		if !slices.Equal(ge.FormerRefs, []string{"Axe 2 / Action 1", "Axe 2 / Action 2"}) {
			t.Errorf("e former refs %v", ge.FormerRefs)
		}
		gx1, _ := f.db.Axis(ctx, f.reader, x1.ID)
		if gx1.Number != 2 || gx1.Version != 2 {
			t.Errorf("axis 1 pushed down: number %d version %d", gx1.Number, gx1.Version)
		}

		// An axis with actions stays; an empty one goes and the others close up.
		if err := f.db.DeleteAxis(ctx, f.editor, x1.ID, 0); app.ErrorCode(err) != app.EConflict || !strings.Contains(app.ErrorMessage(err), "1 action") {
			t.Errorf("delete an axis with an action: %v", err)
		}
		if err := f.db.DeleteAction(ctx, f.editor, a.ID, 0); err != nil {
			t.Fatal(err)
		}
		if err := f.db.DeleteAxis(ctx, f.editor, x1.ID, 0); err != nil {
			t.Fatal(err)
		}
		if got := f.layout(t); got != "1:c 2:b,e" {
			t.Fatalf("after deleting axis 1: %s", got)
		}
		if _, err := f.db.Axis(ctx, f.editor, x1.ID); app.ErrorCode(err) != app.ENotFound {
			t.Errorf("deleted axis: %v", err)
		}
	})
}

// TestPlanConcurrentWrites adds and moves actions of one axis from several
// editors at once: the numbers stay 1, 2, 3… without a gap or a double.
func TestPlanConcurrentWrites(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		f := newPlanFixture(t, dsn)
		ctx := context.Background()
		x := f.axis(t, f.cid, "Petite enfance")
		first := f.action(t, x.ID, "première")
		var wg sync.WaitGroup
		errs := make(chan error, 32)
		for i := range 8 {
			wg.Go(func() {
				for j := range 3 {
					a := &plan.Action{Title: fmt.Sprintf("action %d.%d", i, j)}
					if err := f.db.CreateAction(ctx, f.editor, x.ID, a); err != nil {
						errs <- err
						return
					}
					n := 1 + (i+j)%2
					if _, err := f.db.UpdateAction(ctx, f.editor, first.ID, 0, plan.ActionPatch{Number: &n}); err != nil {
						errs <- err
						return
					}
				}
			})
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Fatal(err)
		}
		p, err := f.db.Plan(ctx, f.reader, f.cid)
		if err != nil {
			t.Fatal(err)
		}
		layout(t, p) // fails on a gap or a double
		if n := len(p.Axes[0].Actions); n != 25 {
			t.Errorf("%d actions, want 25", n)
		}
	})
}

func TestPlanMoveAcrossConventions(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		f := newPlanFixture(t, dsn)
		ctx := context.Background()
		x := f.axis(t, f.cid, "Petite enfance")
		a := f.action(t, x.ID, "Relais petite enfance")
		other := f.create(t, f.editor, ctgLatitude(f.cc))
		foreign := f.axis(t, other.ID, "Ailleurs")
		_, err := f.db.UpdateAction(ctx, f.editor, a.ID, a.Version, plan.ActionPatch{Axis: &foreign.ID})
		if app.ErrorCode(err) != app.EInvalid || !strings.Contains(app.ErrorFields(err)["axis"], "une action ne passe pas d'une convention à une autre") {
			t.Fatalf("move to another convention's axis: %v", err)
		}
		unknown := "inconnu"
		if _, err := f.db.UpdateAction(ctx, f.editor, a.ID, a.Version, plan.ActionPatch{Axis: &unknown}); app.ErrorFields(err)["axis"] == "" {
			t.Errorf("move to no axis: %v", err)
		}
		got, _ := f.db.Action(ctx, f.reader, a.ID)
		if got.Axis != x.ID || got.Version != 1 || got.Convention != f.cid {
			t.Errorf("after the refused moves: %+v", got)
		}
		if p, _ := f.db.Plan(ctx, f.editor, other.ID); len(p.Axes[0].Actions) != 0 {
			t.Errorf("the other convention's axis holds %d actions", len(p.Axes[0].Actions))
		}
	})
}

func TestPlanConcurrentEditors(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		f := newPlanFixture(t, dsn)
		ctx := context.Background()
		second := mustUser(t, f.db, "coordinatrice@cc.fr", f.cc, account.RoleEditor)
		x := f.axis(t, f.cid, "Petite enfance")
		a := f.action(t, x.ID, "Relais petite enfance")
		// Both opened version 1; the first saves, the second is refused.
		status, title := plan.StatusInProgress, "Relais petite enfance itinérant"
		if _, err := f.db.UpdateAction(ctx, f.editor, a.ID, 1, plan.ActionPatch{Status: &status}); err != nil {
			t.Fatal(err)
		}
		_, err := f.db.UpdateAction(ctx, second, a.ID, 1, plan.ActionPatch{Title: &title})
		if app.ErrorCode(err) != app.EPreconditionFailed || !strings.Contains(app.ErrorMessage(err), "modifiée entre-temps") {
			t.Fatalf("second editor: %v", err)
		}
		got, _ := f.db.Action(ctx, f.reader, a.ID)
		if got.Title != "Relais petite enfance" || got.Status != status || got.Version != 2 {
			t.Errorf("after the refused change: %+v", got)
		}
		// The same for axes, objectives and indicators.
		axisTitle := "Accueil du jeune enfant"
		if _, err := f.db.UpdateAxis(ctx, f.editor, x.ID, 1, plan.AxisPatch{Title: &axisTitle}); err != nil {
			t.Fatal(err)
		}
		if _, err := f.db.UpdateAxis(ctx, second, x.ID, 1, plan.AxisPatch{Title: &title}); app.ErrorCode(err) != app.EPreconditionFailed {
			t.Errorf("stale axis: %v", err)
		}
		o := &plan.Objective{Title: "Développer l'offre"}
		if err := f.db.CreateObjective(ctx, f.editor, x.ID, o); err != nil {
			t.Fatal(err)
		}
		if _, err := f.db.UpdateObjective(ctx, f.editor, o.ID, 1, plan.ObjectivePatch{Title: &title}); err != nil {
			t.Fatal(err)
		}
		if _, err := f.db.UpdateObjective(ctx, second, o.ID, 1, plan.ObjectivePatch{Title: &axisTitle}); app.ErrorCode(err) != app.EPreconditionFailed {
			t.Errorf("stale objective: %v", err)
		}
		if err := f.db.DeleteAction(ctx, second, a.ID, 1); app.ErrorCode(err) != app.EPreconditionFailed {
			t.Errorf("stale delete: %v", err)
		}
		if _, err := f.db.Action(ctx, f.reader, a.ID); err != nil {
			t.Errorf("the action went with a stale delete: %v", err)
		}
	})
}

func TestPlanAccess(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		f := newPlanFixture(t, dsn)
		ctx := context.Background()
		x := f.axis(t, f.cid, "Petite enfance")
		a := f.action(t, x.ID, "Relais petite enfance")
		title := "X"
		for name, err := range map[string]error{
			"create axis":   f.db.CreateAxis(ctx, f.reader, f.cid, &plan.Axis{Title: "X"}),
			"update axis":   errOf(f.db.UpdateAxis(ctx, f.reader, x.ID, 0, plan.AxisPatch{Title: &title})),
			"create action": f.db.CreateAction(ctx, f.reader, x.ID, &plan.Action{Title: "X"}),
			"update action": errOf(f.db.UpdateAction(ctx, f.reader, a.ID, 0, plan.ActionPatch{Title: &title})),
			"delete action": f.db.DeleteAction(ctx, f.reader, a.ID, 0),
			"journal":       f.db.AddJournal(ctx, f.reader, a.ID, &plan.JournalEntry{Text: "X"}),
			"indicator":     f.db.CreateActionIndicator(ctx, f.reader, a.ID, &plan.Indicator{Label: "X"}),
		} {
			if app.ErrorCode(err) != app.EForbidden {
				t.Errorf("reader, %s: %v", name, err)
			}
		}
		for name, err := range map[string]error{
			"plan":          errOf(f.db.Plan(ctx, f.other, f.cid)),
			"axis":          errOf(f.db.Axis(ctx, f.other, x.ID)),
			"action":        errOf(f.db.Action(ctx, f.other, a.ID)),
			"actions":       errOf(f.db.Actions(ctx, f.other, f.cid, store.ActionFilter{})),
			"journal":       errOf(f.db.Journal(ctx, f.other, a.ID)),
			"indicators":    errOf(f.db.ActionIndicators(ctx, f.other, a.ID)),
			"trace":         errOf(f.db.Trace(ctx, f.other, f.cid)),
			"warnings":      errOf(f.db.PlanWarnings(ctx, f.other, f.cid)),
			"create axis":   f.db.CreateAxis(ctx, f.other, f.cid, &plan.Axis{Title: "X"}),
			"update action": errOf(f.db.UpdateAction(ctx, f.other, a.ID, 0, plan.ActionPatch{Title: &title})),
			"delete axis":   f.db.DeleteAxis(ctx, f.other, x.ID, 0),
		} {
			if app.ErrorCode(err) != app.ENotFound {
				t.Errorf("outsider, %s: %v", name, err)
			}
		}
		if p, err := f.db.Plan(ctx, f.reader, f.cid); err != nil || len(p.Axes) != 1 || len(p.Axes[0].Actions) != 1 {
			t.Errorf("reader reads the plan: %+v, %v", p, err)
		}
		if p, err := f.db.PublicPlan(ctx, f.cid); err != nil || len(p.Axes) != 1 {
			t.Errorf("public plan: %+v, %v", p, err)
		}
		if _, err := f.db.PublicPlan(ctx, "inconnue"); app.ErrorCode(err) != app.ENotFound {
			t.Errorf("public plan of nothing: %v", err)
		}
	})
}

// errOf keeps the error of a call that returns a value too.
func errOf[T any](_ T, err error) error { return err }

func TestPlanValidation(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		f := newPlanFixture(t, dsn)
		ctx := context.Background()
		x, y := f.axis(t, f.cid, "Petite enfance"), f.axis(t, f.cid, "Jeunesse")
		oy := &plan.Objective{Title: "Accompagner les jeunes"}
		if err := f.db.CreateObjective(ctx, f.editor, y.ID, oy); err != nil {
			t.Fatal(err)
		}
		other := f.create(t, f.editor, ctgLatitude(f.cc))
		foreignStake := &diagnostic.Stake{Title: "Ailleurs", Fields: []string{"jeunesse"}, Priority: 1}
		if err := f.db.CreateStake(ctx, f.editor, other.ID, foreignStake); err != nil {
			t.Fatal(err)
		}
		foreignFinding := &diagnostic.Finding{Kind: "need", Field: "jeunesse", Text: "Ailleurs.", Source: "data"}
		if err := f.db.CreateFinding(ctx, f.editor, other.ID, foreignFinding); err != nil {
			t.Fatal(err)
		}
		err := f.db.CreateAction(ctx, f.editor, x.ID, &plan.Action{Title: "Relais", Lead: "personne", Partners: []string{"caf-33", "nulle", "part"},
			Objective: oy.ID, Stakes: []string{foreignStake.ID}, Findings: []string{foreignFinding.ID}})
		fields := app.ErrorFields(err)
		for k, want := range map[string]string{
			"lead":      "Cette organisation n'existe pas : personne.",
			"partners":  "Ces organisations n'existent pas : nulle, part.",
			"objective": "Choisissez un objectif de l'axe de l'action, ou aucun.",
			"stakes":    "Cet enjeu n'appartient pas au diagnostic de cette convention : " + foreignStake.ID + ".",
			"findings":  "Ce constat n'appartient pas au diagnostic de cette convention : " + foreignFinding.ID + ".",
		} {
			if !strings.HasPrefix(fields[k], want) {
				t.Errorf("%s: %q, want %q", k, fields[k], want)
			}
		}
		err = f.db.CreateAction(ctx, f.editor, x.ID, &plan.Action{Title: " ", Status: "fini", Start: "2024-06-01", End: "2024-01-01"})
		for _, k := range []string{"title", "status", "end"} {
			if app.ErrorFields(err)[k] == "" {
				t.Errorf("no message on %s: %v", k, err)
			}
		}
		if err := f.db.CreateAxis(ctx, f.editor, f.cid, &plan.Axis{Title: ""}); app.ErrorFields(err)["title"] == "" {
			t.Errorf("axis without a title: %v", err)
		}
		if _, err := f.db.UpdateAxis(ctx, f.editor, x.ID, 0, plan.AxisPatch{Number: new(3)}); app.ErrorFields(err)["number"] == "" {
			t.Errorf("axis number 3 of 2: %v", err)
		}
		// Nothing was written but the two axes and the objective.
		if n := count(t, f.db, "actions"); n != 0 {
			t.Errorf("%d actions after refused ones", n)
		}
		// An objective of its axis is accepted; moving drops it.
		a := &plan.Action{Title: "Point information jeunesse", Objective: oy.ID, Lead: f.cc, Partners: []string{"caf-33", f.cc}}
		if err := f.db.CreateAction(ctx, f.editor, y.ID, a); err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(a.Partners, []string{"caf-33"}) {
			t.Errorf("partners %v: the lead is no partner of its own", a.Partners)
		}
		moved, err := f.db.UpdateAction(ctx, f.editor, a.ID, 0, plan.ActionPatch{Axis: &x.ID})
		if err != nil || moved.Objective != "" {
			t.Errorf("moved with its old axis's objective: %+v, %v", moved, err)
		}
		// Deleting an objective frees its actions.
		b := &plan.Action{Title: "Chantiers jeunes", Objective: oy.ID}
		if err := f.db.CreateAction(ctx, f.editor, y.ID, b); err != nil {
			t.Fatal(err)
		}
		if err := f.db.DeleteObjective(ctx, f.editor, oy.ID, 0); err != nil {
			t.Fatal(err)
		}
		if got, _ := f.db.Action(ctx, f.reader, b.ID); got.Objective != "" || got.Version != 2 {
			t.Errorf("action of a deleted objective: %+v", got)
		}
	})
}

func TestPlanObjectives(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		f := newPlanFixture(t, dsn)
		ctx := context.Background()
		x := f.axis(t, f.cid, "Petite enfance")
		var ids []string
		for _, title := range []string{"Premier", "Deuxième", "Troisième"} {
			o := &plan.Objective{Title: title}
			if err := f.db.CreateObjective(ctx, f.editor, x.ID, o); err != nil {
				t.Fatal(err)
			}
			ids = append(ids, o.ID)
		}
		if _, err := f.db.UpdateObjective(ctx, f.editor, ids[2], 0, plan.ObjectivePatch{Position: new(1)}); err != nil {
			t.Fatal(err)
		}
		if err := f.db.DeleteObjective(ctx, f.editor, ids[0], 0); err != nil {
			t.Fatal(err)
		}
		got, _ := f.db.Axis(ctx, f.reader, x.ID)
		var order []string
		for i, o := range got.Objectives {
			if o.Position != i+1 {
				t.Errorf("objective %q at position %d, place %d", o.Title, o.Position, i+1)
			}
			order = append(order, o.Title)
		}
		if strings.Join(order, ",") != "Troisième,Deuxième" {
			t.Errorf("objectives %v", order)
		}
	})
}

func TestPlanFollowUp(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		f := newPlanFixture(t, dsn)
		ctx := context.Background()
		x := f.axis(t, f.cid, "Petite enfance")
		a := f.action(t, x.ID, "Relais petite enfance")

		// Journal: dated notes, the latest first, signed.
		for _, e := range []plan.JournalEntry{{Date: "2023-02-01", Text: "Recrutement de l'animatrice."}, {Date: "2023-09-15", Text: "Ouverture du relais."}} {
			if err := f.db.AddJournal(ctx, f.editor, a.ID, &e); err != nil {
				t.Fatal(err)
			}
		}
		if err := f.db.AddJournal(ctx, f.editor, a.ID, &plan.JournalEntry{Date: "15/09/2023"}); app.ErrorFields(err)["date"] == "" || app.ErrorFields(err)["text"] == "" {
			t.Errorf("bad note: %v", err)
		}
		today := &plan.JournalEntry{Text: "Bilan d'étape."}
		if err := f.db.AddJournal(ctx, f.editor, a.ID, today); err != nil || today.Date != "2026-03-02" {
			t.Errorf("a note without a date: %q, %v", today.Date, err)
		}
		j, err := f.db.Journal(ctx, f.reader, a.ID)
		if err != nil || len(j) != 3 || j[0].Text != "Bilan d'étape." || j[2].Date != "2023-02-01" || j[1].User != f.editor.Name {
			t.Fatalf("journal %+v, %v", j, err)
		}

		// Indicators: years within the convention (2022 to 2026).
		base := 12.0
		bad := &plan.Indicator{Label: "Assistantes maternelles accompagnées", Targets: map[string]float64{"2021": 10, "2024": 30}}
		if err := f.db.CreateActionIndicator(ctx, f.editor, a.ID, bad); !strings.Contains(app.ErrorFields(err)["targets.2021"], "2022 à 2026") {
			t.Errorf("target before the convention: %v", err)
		}
		ind := &plan.Indicator{Label: "Assistantes maternelles accompagnées", Unit: "personnes", Baseline: &base,
			Targets: map[string]float64{"2023": 20, "2024": 30}}
		if err := f.db.CreateActionIndicator(ctx, f.editor, a.ID, ind); err != nil {
			t.Fatal(err)
		}
		up, err := f.db.SetActionIndicatorValues(ctx, f.editor, ind.ID, 1, map[string]float64{"2023": 22, "2024": 27.5})
		if err != nil || up.Version != 2 {
			t.Fatalf("values: %+v, %v", up, err)
		}
		if _, err := f.db.SetActionIndicatorValues(ctx, f.editor, ind.ID, 0, map[string]float64{"2027": 1}); app.ErrorFields(err)["2027"] == "" {
			t.Errorf("a value after the convention: %v", err)
		}
		list, err := f.db.ActionIndicators(ctx, f.reader, a.ID)
		if err != nil || len(list) != 1 {
			t.Fatalf("indicators %+v, %v", list, err)
		}
		got := list[0]
		if *got.Baseline != 12 || got.Targets["2024"] != 30 || got.Values["2024"] != 27.5 || got.Unit != "personnes" {
			t.Errorf("stored %+v", got)
		}
		pr := got.Progress()
		if len(pr) != 2 || !*pr[0].Met || *pr[1].Met {
			t.Errorf("progress %+v", pr)
		}
		label := "Assistantes maternelles accompagnées par le relais"
		if _, err := f.db.UpdateActionIndicator(ctx, f.editor, ind.ID, 1, plan.IndicatorPatch{Label: &label}); app.ErrorCode(err) != app.EPreconditionFailed {
			t.Errorf("stale indicator: %v", err)
		}
		changed, err := f.db.UpdateActionIndicator(ctx, f.editor, ind.ID, 2, plan.IndicatorPatch{Label: &label, Baseline: plan.NullableNumber{Set: true}})
		if err != nil || changed.Baseline != nil || changed.Values["2023"] != 22 || changed.Version != 3 {
			t.Errorf("patched %+v, %v", changed, err)
		}

		// Filters of the table of actions.
		b := &plan.Action{Title: "Ludothèque itinérante", Status: plan.StatusDone, Fields: []string{"parentalite"}, Partners: []string{f.cc},
			Start: "2023-01-01", End: "2023-12-31"}
		if err := f.db.CreateAction(ctx, f.editor, x.ID, b); err != nil {
			t.Fatal(err)
		}
		for _, tc := range []struct {
			f    store.ActionFilter
			want []string
		}{
			{store.ActionFilter{}, []string{a.ID, b.ID}},
			{store.ActionFilter{Status: "done"}, []string{b.ID}},
			{store.ActionFilter{Field: "jeunesse"}, []string{a.ID}},
			{store.ActionFilter{Lead: f.cc}, []string{a.ID}},
			{store.ActionFilter{Partner: f.cc}, []string{b.ID}},
			{store.ActionFilter{Year: 2023}, []string{a.ID, b.ID}},
			{store.ActionFilter{Year: 2025}, []string{a.ID}},
			{store.ActionFilter{Year: 2025, Status: "done"}, nil},
		} {
			got, err := f.db.Actions(ctx, f.reader, f.cid, tc.f)
			if err != nil {
				t.Fatal(err)
			}
			var ids []string
			for _, x := range got {
				ids = append(ids, x.ID)
			}
			if !slices.Equal(ids, tc.want) {
				t.Errorf("%+v: %v, want %v", tc.f, ids, tc.want)
			}
		}

		// Deleting the action takes its journal and indicators with it.
		if err := f.db.DeleteAction(ctx, f.editor, a.ID, 0); err != nil {
			t.Fatal(err)
		}
		for _, table := range []string{"action_journal", "action_indicators", "action_indicator_years"} {
			if n := count(t, f.db, table); n != 0 {
				t.Errorf("%s holds %d rows after the action went", table, n)
			}
		}
	})
}

func TestPlanTraceAndWarnings(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		f := newPlanFixture(t, dsn)
		ctx := context.Background()
		finding := func(kind, fieldCode, text string) *diagnostic.Finding {
			fd := &diagnostic.Finding{Kind: kind, Field: fieldCode, Text: text, Source: "data"}
			if err := f.db.CreateFinding(ctx, f.editor, f.cid, fd); err != nil {
				t.Fatal(err)
			}
			return fd
		}
		places := finding("weakness", "petite_enfance", "Peu de places d'accueil au nord.")
		isolated := finding("need", "petite_enfance", "Les assistantes maternelles se sentent isolées.")
		w := &workshop.Workshop{Title: "Atelier petite enfance", Date: "2022-03-10",
			Proposals: []workshop.Proposal{{Text: "Un relais itinérant.", Field: "petite_enfance"}}}
		if err := f.db.CreateWorkshop(ctx, f.editor, f.cid, w); err != nil {
			t.Fatal(err)
		}
		carried, err := f.db.CarryProposal(ctx, f.editor, w.Proposals[0].ID, "need")
		if err != nil {
			t.Fatal(err)
		}
		childcare := &diagnostic.Stake{Title: "Développer l'accueil du jeune enfant", Fields: []string{"petite_enfance"}, Priority: 1,
			Findings: []string{places.ID, carried.ID}}
		parents := &diagnostic.Stake{Title: "Soutenir les parents", Fields: []string{"parentalite"}, Priority: 2}
		for _, s := range []*diagnostic.Stake{childcare, parents} {
			if err := f.db.CreateStake(ctx, f.editor, f.cid, s); err != nil {
				t.Fatal(err)
			}
		}
		x := f.axis(t, f.cid, "Petite enfance")
		a := &plan.Action{Title: "Relais petite enfance", Fields: []string{"petite_enfance"}, Stakes: []string{childcare.ID}, Findings: []string{isolated.ID}}
		if err := f.db.CreateAction(ctx, f.editor, x.ID, a); err != nil {
			t.Fatal(err)
		}

		tr, err := f.db.Trace(ctx, f.reader, f.cid)
		if err != nil {
			t.Fatal(err)
		}
		if len(tr.Unanswered) != 1 || tr.Unanswered[0].ID != parents.ID {
			t.Errorf("unanswered %+v, want the parents' stake", tr.Unanswered)
		}
		if len(tr.Stakes) != 2 || len(tr.Stakes[0].Actions) != 1 || tr.Stakes[0].Actions[0].Ref != "Axe 1 / Action 1" {
			t.Errorf("stakes %+v", tr.Stakes)
		}
		at := tr.Actions[0]
		var fids []string
		for _, fr := range at.Findings {
			fids = append(fids, fr.ID)
		}
		if len(at.Stakes) != 1 || !slices.Equal(sorted(fids), sorted([]string{places.ID, isolated.ID, carried.ID})) {
			t.Errorf("action's stakes %+v, findings %v", at.Stakes, fids)
		}
		if len(at.Proposals) != 1 || at.Proposals[0].Text != "Un relais itinérant." || at.Proposals[0].WorkshopTitle != "Atelier petite enfance" ||
			at.Proposals[0].WorkshopDate != "2022-03-10" {
			t.Errorf("proposals %+v", at.Proposals)
		}

		warnings, err := f.db.PlanWarnings(ctx, f.reader, f.cid)
		if err != nil {
			t.Fatal(err)
		}
		var msgs []string
		for _, w := range warnings {
			msgs = append(msgs, w.Message)
		}
		want := []string{
			"Aucune action ne porte sur le champ « Jeunesse », que toute CTG doit couvrir.",
			"Aucune action ne porte sur le champ « Parentalité », que toute CTG doit couvrir.",
			"L'enjeu « Soutenir les parents » n'a encore aucune action qui y réponde.",
			"L'action « Axe 1 / Action 1 — Relais petite enfance » n'a pas de porteur.",
		}
		if !slices.Equal(msgs, want) {
			t.Errorf("warnings\n%s\nwant\n%s", strings.Join(msgs, "\n"), strings.Join(want, "\n"))
		}
	})
}

func sorted(in []string) []string {
	out := slices.Clone(in)
	slices.Sort(out)
	return out
}

func TestPlanHistory(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		f := newPlanFixture(t, dsn)
		ctx := context.Background()
		x, y := f.axis(t, f.cid, "Petite enfance"), f.axis(t, f.cid, "Jeunesse")
		o := &plan.Objective{Title: "Développer l'offre"}
		if err := f.db.CreateObjective(ctx, f.editor, x.ID, o); err != nil {
			t.Fatal(err)
		}
		a := f.action(t, x.ID, "Relais petite enfance")
		if _, err := f.db.UpdateAction(ctx, f.editor, a.ID, 0, plan.ActionPatch{Axis: &y.ID}); err != nil {
			t.Fatal(err)
		}
		if _, err := f.db.UpdateAxis(ctx, f.editor, y.ID, 0, plan.AxisPatch{Number: new(1)}); err != nil {
			t.Fatal(err)
		}
		if err := f.db.AddJournal(ctx, f.editor, a.ID, &plan.JournalEntry{Text: "Lancement."}); err != nil {
			t.Fatal(err)
		}
		ind := &plan.Indicator{Label: "Familles"}
		if err := f.db.CreateActionIndicator(ctx, f.editor, a.ID, ind); err != nil {
			t.Fatal(err)
		}
		if _, err := f.db.SetActionIndicatorValues(ctx, f.editor, ind.ID, 0, map[string]float64{"2024": 3}); err != nil {
			t.Fatal(err)
		}
		if err := f.db.DeleteObjective(ctx, f.editor, o.ID, 0); err != nil {
			t.Fatal(err)
		}
		if err := f.db.DeleteAction(ctx, f.editor, a.ID, 0); err != nil {
			t.Fatal(err)
		}
		if err := f.db.DeleteAxis(ctx, f.editor, x.ID, 0); err != nil {
			t.Fatal(err)
		}
		h, err := f.db.History(ctx, f.reader, f.cid, 100)
		if err != nil {
			t.Fatal(err)
		}
		actions := map[string]int{}
		for _, e := range h {
			actions[e.Action]++
		}
		for act, n := range map[string]int{"axis.create": 2, "axis.update": 1, "axis.delete": 1, "objective.create": 1, "objective.delete": 1,
			"action.create": 1, "action.update": 1, "action.delete": 1, "journal.create": 1, "action_indicator.create": 1, "action_indicator.values": 1} {
			if actions[act] != n {
				t.Errorf("%d lines %s, want %d (%v)", actions[act], act, n, actions)
			}
		}
		for _, e := range h {
			if e.Action == "action.update" {
				if ch := e.Changes["ref"]; ch.Before != "Axe 1 / Action 1" || ch.After != "Axe 2 / Action 1" {
					t.Errorf("the move's line %+v", e.Changes)
				}
			}
		}
	})
}
