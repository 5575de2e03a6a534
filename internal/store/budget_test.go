package store_test

import (
	"context"
	"math"
	"strings"
	"testing"

	"ctg/internal/account"
	"ctg/internal/app"
	"ctg/internal/budget"
	"ctg/internal/convention"
	"ctg/internal/diagnostic"
	"ctg/internal/store"
	"ctg/internal/testdb"
)

// mustBudgetAxis inserts an axis straight into the database: the budget's
// tests need a plan, not the plan's rules.
func mustBudgetAxis(tb testing.TB, db *store.DB, conventionID string, number int, title string) string {
	tb.Helper()
	id := account.NewID()
	now := db.Now()
	if _, err := db.SQL().Exec(db.SQL().Rebind(`INSERT INTO axes (id, convention_id, number, title, version, created_at, updated_at)
		VALUES (?, ?, ?, ?, 1, ?, ?)`), id, conventionID, number, title, now, now); err != nil {
		tb.Fatalf("insert axis: %v", err)
	}
	return id
}

// mustBudgetAction inserts an action of an axis straight into the database.
func mustBudgetAction(tb testing.TB, db *store.DB, conventionID, axisID string, number int, title string, fields ...string) string {
	tb.Helper()
	id := account.NewID()
	now := db.Now()
	if _, err := db.SQL().Exec(db.SQL().Rebind(`INSERT INTO actions (id, convention_id, axis_id, number, title, fields, status, version, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, 'planned', 1, ?, ?)`), id, conventionID, axisID, number, title, strings.Join(fields, ","), now, now); err != nil {
		tb.Fatalf("insert action: %v", err)
	}
	return id
}

func centsOf(n int64) *int64 { return &n }

// budgetLine is a shorthand: funder, year, nature and planned cents.
func budgetLine(funder string, year int, nature string, planned int64) budget.Line {
	return budget.Line{Funder: funder, Year: year, Nature: nature, PlannedCents: planned}
}

func TestBudget(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		f := newFixture(t, dsn)
		ctx := context.Background()
		c := f.create(t, f.editor, ctgLatitude(f.cc))
		dep := &account.Organisation{Name: "Département de la Gironde", Kind: "departement", Territory: "33"}
		if err := f.db.CreateOrganisation(ctx, dep, nil); err != nil {
			t.Fatal(err)
		}
		ax1 := mustBudgetAxis(t, f.db, c.ID, 1, "Accueillir les jeunes enfants")
		ax2 := mustBudgetAxis(t, f.db, c.ID, 2, "Accompagner les jeunes")
		ax3 := mustBudgetAxis(t, f.db, c.ID, 3, "Animer la vie sociale")
		a11 := mustBudgetAction(t, f.db, c.ID, ax1, 1, "Micro-crèche de Saint-Savin", "petite_enfance", "parentalite")
		a12 := mustBudgetAction(t, f.db, c.ID, ax1, 2, "Relais petite enfance itinérant", "petite_enfance")
		a21 := mustBudgetAction(t, f.db, c.ID, ax2, 1, "Réservation en ligne des accueils de loisirs")

		lines := []budget.Line{
			{Funder: "caf-33", Year: 2023, Nature: "fonctionnement", PlannedCents: 12000000, ActualCents: centsOf(11500000)},
			budgetLine(f.cc, 2023, "investissement", 30000000),
			budgetLine(f.cc, 2024, "fonctionnement", 5000000),
		}
		got, err := f.db.SetBudget(ctx, f.editor, a11, 1, lines)
		if err != nil {
			t.Fatal(err)
		}
		if got.Version != 2 || len(got.Lines) != 3 || got.Lines[0].ID == "" || got.Lines[0].FunderName != "Caf de la Gironde" ||
			got.PlannedCents != 47000000 || got.ActualCents != 11500000 || got.Lines[1].ActualCents != nil || len(got.Warnings) != 0 {
			t.Fatalf("SetBudget = %+v", got)
		}

		// Stale, invalid, or by someone who may not: 412, 422, 403, 404, and nothing changes.
		if _, err := f.db.SetBudget(ctx, f.editor, a11, 1, lines[:1]); app.ErrorCode(err) != app.EPreconditionFailed {
			t.Errorf("stale version: %v", err)
		}
		_, err = f.db.SetBudget(ctx, f.editor, a11, 2, []budget.Line{
			budgetLine("caf-33", 2023, "fonctionnement", -5),
			budgetLine("caf-33", 2031, "fonctionnement", 5),
			budgetLine("org-inconnue", 2024, "fonctionnement", budget.MaxCents+1),
		})
		want := map[string]string{
			"lines[0].planned_cents": "ligne 1 : le montant prévu ne peut pas être négatif (-0,05\u00a0€).",
			"lines[1].year":          "ligne 2 : l'année 2031 est en dehors de la convention (2022-2026).",
			"lines[2].planned_cents": "ligne 3 : le montant prévu (10\u00a0000\u00a0000\u00a0000,01\u00a0€) dépasse 10 milliards d'euros : les montants s'écrivent en centimes, vérifiez-le.",
		}
		for k, msg := range want {
			if app.ErrorFields(err)[k] != msg {
				t.Errorf("%s = %q, want %q (%v)", k, app.ErrorFields(err)[k], msg, err)
			}
		}
		_, err = f.db.SetBudget(ctx, f.editor, a11, 2, []budget.Line{budgetLine("caf-33", 2023, "fonctionnement", 5), budgetLine("org-inconnue", 2024, "fonctionnement", 5)})
		if msg := app.ErrorFields(err)["lines[1].funder"]; !strings.HasPrefix(msg, "ligne 2 : le financeur « org-inconnue » n'est pas une organisation connue") {
			t.Errorf("unknown funder: %v", err)
		}
		if _, err := f.db.SetBudget(ctx, f.reader, a11, 0, lines); app.ErrorCode(err) != app.EForbidden {
			t.Errorf("reader: %v", err)
		}
		if _, err := f.db.SetBudget(ctx, f.other, a11, 0, lines); app.ErrorCode(err) != app.ENotFound {
			t.Errorf("another CAF: %v", err)
		}
		if _, err := f.db.SetBudget(ctx, f.editor, "inconnue", 0, lines); app.ErrorCode(err) != app.ENotFound {
			t.Errorf("unknown action: %v", err)
		}
		if _, err := f.db.Budget(ctx, f.other, a11); app.ErrorCode(err) != app.ENotFound {
			t.Errorf("another CAF reads: %v", err)
		}
		read, err := f.db.Budget(ctx, f.reader, a11)
		if err != nil || read.Version != 2 || !budget.SameLines(read.Lines, got.Lines) {
			t.Fatalf("after refused changes: %+v, %v", read, err)
		}
		// The same lines again change nothing, not even the version.
		if again, err := f.db.SetBudget(ctx, f.editor, a11, 2, lines); err != nil || again.Version != 2 {
			t.Errorf("same lines: %+v, %v", again, err)
		}

		if _, err := f.db.SetBudget(ctx, f.editor, a12, 0, []budget.Line{budgetLine("caf-33", 2024, "fonctionnement", 3000000)}); err != nil {
			t.Fatal(err)
		}
		if _, err := f.db.SetBudget(ctx, f.admin, a21, 0, []budget.Line{
			{Funder: "caf-33", Year: 2025, Nature: "fonctionnement", PlannedCents: 1000000, ActualCents: centsOf(0)},
			budgetLine(dep.ID, 2025, "fonctionnement", 2000000),
		}); err != nil {
			t.Fatal(err)
		}

		tot, err := f.db.ConventionBudget(ctx, f.reader, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		if tot.PlannedCents != 53000000 || tot.ActualCents != 11500000 {
			t.Errorf("totals %d / %d", tot.PlannedCents, tot.ActualCents)
		}
		type ft struct {
			id, name string
			planned  int64
		}
		wantFunders := []ft{{f.cc, "CC Latitude Nord Gironde", 35000000}, {"caf-33", "Caf de la Gironde", 16000000}, {dep.ID, "Département de la Gironde", 2000000}}
		share := 0.0
		for i, w := range wantFunders {
			g := tot.ByFunder[i]
			if g.Funder != w.id || g.Name != w.name || g.PlannedCents != w.planned || math.Abs(g.Share-float64(w.planned)/53000000) > 1e-12 {
				t.Errorf("funder %d = %+v, want %+v", i, g, w)
			}
			share += g.Share
		}
		if len(tot.ByFunder) != 3 || math.Abs(share-1) > 1e-9 {
			t.Errorf("by funder %+v (shares %v)", tot.ByFunder, share)
		}
		wantYears := []budget.YearTotal{{Year: 2023, PlannedCents: 42000000, ActualCents: 11500000}, {Year: 2024, PlannedCents: 8000000}, {Year: 2025, PlannedCents: 3000000}}
		if len(tot.ByYear) != 3 {
			t.Fatalf("by year %+v", tot.ByYear)
		}
		for i, w := range wantYears {
			if tot.ByYear[i] != w {
				t.Errorf("year %d = %+v, want %+v", i, tot.ByYear[i], w)
			}
		}
		wantAxes := []budget.AxisTotal{
			{Axis: ax1, Number: 1, Title: "Accueillir les jeunes enfants", PlannedCents: 50000000, ActualCents: 11500000},
			{Axis: ax2, Number: 2, Title: "Accompagner les jeunes", PlannedCents: 3000000},
			{Axis: ax3, Number: 3, Title: "Animer la vie sociale"},
		}
		if len(tot.ByAxis) != 3 {
			t.Fatalf("by axis %+v", tot.ByAxis)
		}
		for i, w := range wantAxes {
			if tot.ByAxis[i] != w {
				t.Errorf("axis %d = %+v, want %+v", i, tot.ByAxis[i], w)
			}
		}
		wantFields := []budget.FieldTotal{
			{Field: "petite_enfance", Label: "Petite enfance", Actions: 2, PlannedCents: 50000000, ActualCents: 11500000},
			{Field: "parentalite", Label: "Parentalité", Actions: 1, PlannedCents: 47000000, ActualCents: 11500000},
			{Field: "", Label: budget.NoField, Actions: 1, PlannedCents: 3000000},
		}
		if len(tot.ByField) != 3 {
			t.Fatalf("by field %+v", tot.ByField)
		}
		for i, w := range wantFields {
			if tot.ByField[i] != w {
				t.Errorf("field %d = %+v, want %+v", i, tot.ByField[i], w)
			}
		}
		if tot.ByNature[0].PlannedCents != 23000000 || tot.ByNature[1].PlannedCents != 30000000 {
			t.Errorf("by nature %+v", tot.ByNature)
		}
		if len(tot.Warnings) != 1 || tot.Warnings[0].Code != budget.WarnFunderNotParty || !strings.HasPrefix(tot.Warnings[0].Message, "Département de la Gironde finance 20\u00a0000,00\u00a0€") {
			t.Errorf("warnings %+v", tot.Warnings)
		}
		if _, err := f.db.ConventionBudget(ctx, f.other, c.ID); app.ErrorCode(err) != app.ENotFound {
			t.Errorf("another CAF: %v", err)
		}

		refs, err := f.db.ConventionBudgetLines(ctx, f.reader, c.ID)
		if err != nil || len(refs) != 6 {
			t.Fatalf("lines %+v, %v", refs, err)
		}
		if r := refs[0]; r.Ref != "Axe 1 / Action 1" || r.Axis != ax1 || r.AxisTitle != "Accueillir les jeunes enfants" || r.ActionTitle != "Micro-crèche de Saint-Savin" ||
			r.Funder != "caf-33" || r.Action != a11 {
			t.Errorf("first line %+v", r)
		}
		if refs[3].Ref != "Axe 1 / Action 2" || refs[5].Ref != "Axe 2 / Action 1" || refs[5].FunderName != "Département de la Gironde" {
			t.Errorf("order %s %s %+v", refs[3].Ref, refs[5].Ref, refs[5])
		}

		// Shortening the convention puts money outside its years.
		end := "2024-12-31"
		if _, err := f.db.UpdateConvention(ctx, mustRef(t), f.editor, c.ID, 0, convention.Patch{End: &end}); err != nil {
			t.Fatal(err)
		}
		tot, _ = f.db.ConventionBudget(ctx, f.reader, c.ID)
		if len(tot.Warnings) != 2 || tot.Warnings[0].Code != budget.WarnYearOutside || !strings.HasPrefix(tot.Warnings[0].Message, "2025 : 30\u00a0000,00\u00a0€ prévus") {
			t.Errorf("warnings after the end moved %+v", tot.Warnings)
		}

		h, err := f.db.History(ctx, f.reader, c.ID, 100)
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, e := range h {
			if e.Action == "budget.update" {
				n++
				if e.Subject == a11 && (e.Changes["planned_cents"].After != float64(47000000) || e.Changes["lines"].After != float64(3)) {
					t.Errorf("history of a11: %+v", e.Changes)
				}
			}
		}
		if n != 3 {
			t.Errorf("%d budget.update lines in the history, want 3", n)
		}
	})
}

// The contrat of Saint-Joseph (La Réunion) for 2003-2005: 22 246 000 € =
// 6 935 000 € from the commune + 10 761 000 € from the CAF + 4 550 000 € from
// other partners.
func TestBudgetSaintJoseph(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		db, ctx, c, orgs := saintJoseph(t, dsn)
		u := mustUser(t, db, "coordination@saint-joseph.re", orgs[0], account.RoleEditor)
		tot, err := db.ConventionBudget(ctx, u, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		if tot.PlannedCents != 2224600000 || budget.FormatCents(tot.PlannedCents) != "22\u00a0246\u00a0000,00\u00a0€" {
			t.Errorf("total %d", tot.PlannedCents)
		}
		sum := 0.0
		for _, f := range tot.ByFunder {
			sum += f.Share
		}
		if math.Abs(sum-1) > 1e-9 || tot.ByFunder[0].Funder != "caf-974" || tot.ByFunder[0].PlannedCents != 1076100000 ||
			math.Abs(tot.ByFunder[0].Share-10761000.0/22246000) > 1e-12 {
			t.Errorf("by funder %+v (shares add up to %v)", tot.ByFunder, sum)
		}
		if len(tot.Warnings) != 0 {
			t.Errorf("warnings %+v", tot.Warnings)
		}
	})
}

// saintJoseph is a database with the contrat of Saint-Joseph and its
// budget; orgs are the commune and the other partners.
func saintJoseph(t *testing.T, dsn string) (*store.DB, context.Context, *convention.Convention, [2]string) {
	t.Helper()
	db := mustOpen(t, dsn)
	ctx := context.Background()
	commune := &account.Organisation{Name: "Commune de Saint-Joseph", Kind: "commune", Territory: "97412"}
	others := &account.Organisation{Name: "Autres partenaires", Kind: "other"}
	for _, o := range []*account.Organisation{commune, others} {
		if err := db.CreateOrganisation(ctx, o, nil); err != nil {
			t.Fatal(err)
		}
	}
	admin := mustUser(t, db, "admin@cnaf.fr", "caf-75", account.RoleAdmin)
	c := &convention.Convention{Kind: "cej", Title: "Contrat enfance jeunesse de Saint-Joseph 2003-2005", CAF: "caf-974",
		Perimeter: convention.Perimeter{Communes: []string{"97412"}}, Start: "2003-01-01", End: "2005-12-31", Parties: []string{commune.ID, others.ID}}
	if err := db.CreateConvention(ctx, mustRef(t), admin, c); err != nil {
		t.Fatal(err)
	}
	ax := mustBudgetAxis(t, db, c.ID, 1, "Enfance et jeunesse")
	a := mustBudgetAction(t, db, c.ID, ax, 1, "Plan de développement enfance jeunesse", "enfance", "jeunesse")
	var lines []budget.Line
	for _, f := range []struct {
		id    string
		years [3]int64
	}{
		{commune.ID, [3]int64{231200000, 231200000, 231100000}},
		{"caf-974", [3]int64{358700000, 358700000, 358700000}},
		{others.ID, [3]int64{151700000, 151700000, 151600000}},
	} {
		for i, y := range f.years {
			lines = append(lines, budgetLine(f.id, 2003+i, "fonctionnement", y))
		}
	}
	if _, err := db.SetBudget(ctx, admin, a, 0, lines); err != nil {
		t.Fatal(err)
	}
	return db, ctx, c, [2]string{commune.ID, others.ID}
}

func TestImportBudget(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		f := newFixture(t, dsn)
		ctx := context.Background()
		c := f.create(t, f.editor, ctgLatitude(f.cc))
		ax1 := mustBudgetAxis(t, f.db, c.ID, 1, "Petite enfance")
		a11 := mustBudgetAction(t, f.db, c.ID, ax1, 1, "Micro-crèche")
		a12 := mustBudgetAction(t, f.db, c.ID, ax1, 2, "Relais")
		a13 := mustBudgetAction(t, f.db, c.ID, ax1, 3, "LAEP")
		if _, err := f.db.SetBudget(ctx, f.editor, a13, 0, []budget.Line{budgetLine("caf-33", 2023, "fonctionnement", 100)}); err != nil {
			t.Fatal(err)
		}
		read := func(csv string) []budget.SheetLine {
			t.Helper()
			tb, err := diagnostic.ReadTable(strings.NewReader(csv), "budget.csv")
			if err != nil {
				t.Fatal(err)
			}
			rows, err := budget.ReadSheet(tb)
			if err != nil {
				t.Fatal(err)
			}
			return rows
		}
		head := "Action;Financeur;Code financeur;Année;Nature;Prévu (€);Réalisé (€)\n"

		bad := read(head +
			"Axe 1 / Action 1;;caf-33;2023;fonctionnement;100;\n" +
			"Axe 4 / Action 1;;caf-33;2023;fonctionnement;100;\n" +
			"Axe 1 / Action 2;Mairie inconnue;;2023;fonctionnement;100;\n" +
			"Axe 1 / Action 2;;org-x;2030;fonctionnement;-1;\n" +
			"rien;;caf-33;deux mille;fonctionnement;100;\n")
		_, err := f.db.ImportBudget(ctx, f.editor, c.ID, bad)
		want := map[string]string{
			"ligne 3, colonne Action":         "ligne 3, colonne Action : le plan de cette convention n'a pas d'action « Axe 4 / Action 1 ».",
			"ligne 4, colonne Financeur":      "ligne 4, colonne Financeur : « Mairie inconnue » n'est ni la Caf, ni une partie, ni un financeur du budget de cette convention : indiquez l'identifiant de l'organisation dans la colonne « Code financeur ».",
			"ligne 5, colonne Code financeur": "ligne 5, colonne Code financeur : « org-x » n'est l'identifiant d'aucune organisation enregistrée.",
			"ligne 5, colonne Année":          "ligne 5, colonne Année : l'année 2030 est en dehors de la convention (2022-2026).",
			"ligne 5, colonne Prévu (€)":      "ligne 5, colonne Prévu (€) : le montant prévu ne peut pas être négatif (-1,00\u00a0€).",
			// Cells that do not read come with the others.
			"ligne 6, colonne Action": "ligne 6, colonne Action : « rien » ne désigne pas une action : écrivez sa référence, par exemple « Axe 2 / Action 4 ».",
			"ligne 6, colonne Année":  "ligne 6, colonne Année : « deux mille » n'est pas une année.",
		}
		got := app.ErrorFields(err)
		for k, msg := range want {
			if got[k] != msg {
				t.Errorf("%s = %q\nwant %q", k, got[k], msg)
			}
		}
		if len(got) != len(want) {
			t.Errorf("errors %v", got)
		}
		if b, _ := f.db.Budget(ctx, f.editor, a13); len(b.Lines) != 1 || b.Version != 2 {
			t.Errorf("a refused import changed a budget: %+v", b)
		}

		good := read(head +
			"Axe 1 / Action 1;;caf-33;2023;fonctionnement;1 000,50;900\n" +
			"Axe 1 / Action 2;cc latitude nord gironde;;2024;Investissement;2000;\n" +
			"Axe 1 / Action 1;Caf de la Gironde;;2024;fonctionnement;10;\n")
		if _, err := f.db.ImportBudget(ctx, f.reader, c.ID, good); app.ErrorCode(err) != app.EForbidden {
			t.Errorf("reader imports: %v", err)
		}
		sum, err := f.db.ImportBudget(ctx, f.editor, c.ID, good)
		if err != nil {
			t.Fatal(err)
		}
		if *sum != (budget.ImportSummary{Lines: 3, Actions: 2, Changed: 3, PlannedCents: 301050, ActualCents: 90000}) {
			t.Errorf("summary %+v", sum)
		}
		b11, _ := f.db.Budget(ctx, f.editor, a11)
		if len(b11.Lines) != 2 || b11.Lines[0].PlannedCents != 100050 || *b11.Lines[0].ActualCents != 90000 || b11.Lines[1].Year != 2024 || b11.Version != 2 {
			t.Errorf("action 1 %+v", b11)
		}
		b12, _ := f.db.Budget(ctx, f.editor, a12)
		if len(b12.Lines) != 1 || b12.Lines[0].Funder != f.cc || b12.Lines[0].Nature != "investissement" {
			t.Errorf("action 2 %+v", b12)
		}
		if b13, _ := f.db.Budget(ctx, f.editor, a13); len(b13.Lines) != 0 || b13.Version != 3 {
			t.Errorf("action 3, left out of the file: %+v", b13)
		}
		// The same file again changes nothing.
		if sum, err := f.db.ImportBudget(ctx, f.editor, c.ID, good); err != nil || sum.Changed != 0 {
			t.Errorf("again: %+v, %v", sum, err)
		}
	})
}

func TestCAFCommitments(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		f := newFixture(t, dsn)
		ctx := context.Background()
		withCC := f.create(t, f.editor, ctgLatitude(f.cc))
		without := f.create(t, f.editor, ctgLatitude())
		for i, c := range []*convention.Convention{withCC, without} {
			ax := mustBudgetAxis(t, f.db, c.ID, 1, "Axe")
			a := mustBudgetAction(t, f.db, c.ID, ax, 1, "Action")
			if _, err := f.db.SetBudget(ctx, f.editor, a, 0, []budget.Line{
				{Funder: "caf-33", Year: 2023, Nature: "fonctionnement", PlannedCents: int64(1000 * (i + 1)), ActualCents: centsOf(int64(900 * (i + 1)))},
				budgetLine("caf-33", 2024, "fonctionnement", 500),
				budgetLine(f.cc, 2024, "fonctionnement", 7777), // not the CAF's money
			}); err != nil {
				t.Fatal(err)
			}
		}
		all := []budget.YearTotal{{Year: 2023, PlannedCents: 3000, ActualCents: 2700, Conventions: 2}, {Year: 2024, PlannedCents: 1000, Conventions: 2}}
		mine := []budget.YearTotal{{Year: 2023, PlannedCents: 1000, ActualCents: 900, Conventions: 1}, {Year: 2024, PlannedCents: 500, Conventions: 1}}
		for _, tc := range []struct {
			who  *account.User
			want []budget.YearTotal
		}{{f.admin, all}, {f.editor, all}, {f.reader, mine}, {f.other, nil}} {
			got, err := f.db.CAFCommitments(ctx, tc.who, "caf-33")
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != len(tc.want) {
				t.Errorf("%s: %+v, want %+v", tc.who.Email, got, tc.want)
				continue
			}
			for i := range got {
				if got[i] != tc.want[i] {
					t.Errorf("%s: %+v, want %+v", tc.who.Email, got[i], tc.want[i])
				}
			}
		}
		if _, err := f.db.CAFCommitments(ctx, f.admin, f.cc); app.ErrorCode(err) != app.EInvalid {
			t.Errorf("not a CAF: %v", err)
		}
		if _, err := f.db.CAFCommitments(ctx, f.admin, "caf-00"); app.ErrorCode(err) != app.ENotFound {
			t.Errorf("unknown: %v", err)
		}
	})
}
