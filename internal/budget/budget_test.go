package budget

import (
	"math"
	"strings"
	"testing"

	"ctg/internal/app"
	"ctg/internal/convention"
	"ctg/internal/diagnostic"
)

func ptr(n int64) *int64 { return &n }

func TestParseCents(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want int64
	}{
		{"1 234,56 €", 123456},
		{"1\u00a0234,56\u00a0€", 123456},
		{"1\u202f234,56\u202f€", 123456},
		{"1234.5", 123450},
		{"12 000", 1200000},
		{"12000", 1200000},
		{"0", 0},
		{"0,07", 7},
		{",5", 50},
		{"1.234.567,89", 123456789},
		{"1,234.50", 123450},
		{"1.234.567", 123456700},
		{"12,500", 1250},
		{"-12", -1200},
		{"−3,5", -350},
		{"+7", 700},
		{"22 246 000 EUR", 2224600000},
		{"€ 15", 1500},
		{"1'000", 100000},
		// Large amounts stay exact: a float64 of euros would round these.
		{"9 999 999 999 999,99", 999999999999999},
		{"92233720368547,75", 9223372036854775},
	} {
		got, err := ParseCents(tc.in)
		if err != nil || got != tc.want {
			t.Errorf("ParseCents(%q) = %d, %v; want %d", tc.in, got, err, tc.want)
		}
	}
	for _, tc := range []struct{ in, msg string }{
		{"", "vide"},
		{"   ", "vide"},
		{"douze", "n'est pas un montant"},
		{"12 €50", "n'est pas un montant"},
		{"1,2,3", "n'est pas un montant"},
		{"1,234", "plus de deux décimales"},
		{"1.234", "plus de deux décimales"},
		{"0,001", "plus de deux décimales"},
		{"12-3", "n'est pas un montant"},
		{"1e6", "n'est pas un montant"},
		{"-", "n'est pas un montant"},
		{"12345678901234567", "bien trop grand"},
	} {
		_, err := ParseCents(tc.in)
		if app.ErrorCode(err) != app.EInvalid || !strings.Contains(app.ErrorMessage(err), tc.msg) {
			t.Errorf("ParseCents(%q): %v, want a message with %q", tc.in, err, tc.msg)
		}
	}
}

func TestParseStoredCents(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want int64
	}{
		{"1234.56", 123456},
		{"1234.5599999999999", 123456},
		{"1234.5600000000001", 123456},
		{"0.29999999999999999", 30},
		{"-0.29999999999999999", -30},
		{"0.9999999999", 100},
		{"22246000", 2224600000},
	} {
		got, err := parseStoredCents(tc.in)
		if err != nil || got != tc.want {
			t.Errorf("parseStoredCents(%q) = %d, %v; want %d", tc.in, got, err, tc.want)
		}
	}
	for _, in := range []string{"1234.567", "1234.5612"} {
		if _, err := parseStoredCents(in); err == nil {
			t.Errorf("parseStoredCents(%q) read a third decimal", in)
		}
	}
}

func TestFormatCents(t *testing.T) {
	for _, tc := range []struct {
		in   int64
		want string
	}{
		{123456, "1 234,56 €"},
		{0, "0,00 €"},
		{7, "0,07 €"},
		{2224600000, "22 246 000,00 €"},
		{-150, "-1,50 €"},
		{100000, "1 000,00 €"},
		{math.MinInt64, "-92 233 720 368 547 758,08 €"},
	} {
		want := strings.ReplaceAll(tc.want, " ", "\u00a0")
		if got := FormatCents(tc.in); got != want {
			t.Errorf("FormatCents(%d) = %q, want %q", tc.in, got, want)
		}
		if tc.in != math.MinInt64 {
			if back, err := ParseCents(FormatCents(tc.in)); err != nil || back != tc.in {
				t.Errorf("ParseCents(FormatCents(%d)) = %d, %v", tc.in, back, err)
			}
		}
	}
}

func TestParseNature(t *testing.T) {
	for in, want := range map[string]string{"fonctionnement": NatureFonctionnement, "Fonctionnement": NatureFonctionnement,
		"FONCT.": NatureFonctionnement, "Investissement": NatureInvestissement, "invest": NatureInvestissement} {
		if got, ok := ParseNature(in); !ok || got != want {
			t.Errorf("ParseNature(%q) = %q, %v", in, got, ok)
		}
	}
	for _, in := range []string{"", "fon", "subvention", "inv"} {
		if got, ok := ParseNature(in); ok {
			t.Errorf("ParseNature(%q) = %q", in, got)
		}
	}
}

func TestValidate(t *testing.T) {
	lines := []Line{
		{Funder: " caf-974 ", Year: 2023, Nature: "fonctionnement", PlannedCents: 100000, ActualCents: ptr(90000)},
		{Funder: "", Year: 2023, Nature: "investissement", PlannedCents: 5},
		{Funder: "org-1", Year: 2031, Nature: "fonctionnement", PlannedCents: 1},
		{Funder: "org-1", Year: 2024, Nature: "subvention", PlannedCents: -250},
		{Funder: "org-1", Year: 2024, Nature: "fonctionnement", PlannedCents: MaxCents + 1, ActualCents: ptr(-1)},
		{Funder: "org-1", Nature: "fonctionnement", PlannedCents: MaxCents},
	}
	err := Validate(lines, 2022, 2026)
	if app.ErrorCode(err) != app.EInvalid {
		t.Fatalf("Validate: %v", err)
	}
	if lines[0].Funder != "caf-974" {
		t.Errorf("funder not trimmed: %q", lines[0].Funder)
	}
	want := map[string]string{
		"lines[1].funder":        "ligne 2 : indiquez le financeur.",
		"lines[2].year":          "ligne 3 : l'année 2031 est en dehors de la convention (2022-2026).",
		"lines[3].nature":        "ligne 4 : la nature « subvention » est inconnue : choisissez fonctionnement ou investissement.",
		"lines[3].planned_cents": "ligne 4 : le montant prévu ne peut pas être négatif (-2,50\u00a0€).",
		"lines[4].planned_cents": "ligne 5 : le montant prévu (10\u00a0000\u00a0000\u00a0000,01\u00a0€) dépasse 10 milliards d'euros : les montants s'écrivent en centimes, vérifiez-le.",
		"lines[4].actual_cents":  "ligne 5 : le montant réalisé ne peut pas être négatif (-0,01\u00a0€).",
		"lines[5].year":          "ligne 6 : indiquez l'année.",
	}
	got := app.ErrorFields(err)
	for k, msg := range want {
		if got[k] != msg {
			t.Errorf("%s = %q, want %q", k, got[k], msg)
		}
	}
	if len(got) != len(want) {
		t.Errorf("fields %v, want exactly %d", got, len(want))
	}
	if err := Validate(lines[:1], 2022, 2026); err != nil {
		t.Errorf("a right line: %v", err)
	}
	if err := Validate(make([]Line, MaxLines+1), 2022, 2026); app.ErrorFields(err)["lines"] == "" {
		t.Errorf("too many lines: %v", err)
	}
}

// The budget of the contrat of Saint-Joseph (La Réunion), 2003-2005:
// 22 246 000 € = 6 935 000 € from the commune + 10 761 000 € from the CAF +
// 4 550 000 € from other partners.
func TestTotalsSaintJoseph(t *testing.T) {
	cells := []Cell{
		{Funder: "commune", Name: "Commune de Saint-Joseph", Year: 2003, PlannedCents: 200000000},
		{Funder: "commune", Name: "Commune de Saint-Joseph", Year: 2004, PlannedCents: 250000000},
		{Funder: "commune", Name: "Commune de Saint-Joseph", Year: 2005, PlannedCents: 243500000},
		{Funder: "caf-974", Name: "Caf de La Réunion", Year: 2003, PlannedCents: 358700000, ActualCents: 300000000},
		{Funder: "caf-974", Name: "Caf de La Réunion", Year: 2004, PlannedCents: 358700000},
		{Funder: "caf-974", Name: "Caf de La Réunion", Year: 2005, PlannedCents: 358700000},
		{Funder: "autres", Name: "Autres partenaires", Year: 2004, PlannedCents: 455000000, ActualCents: 12345},
	}
	tt := NewTotals(cells, nil, nil, nil)
	if tt.PlannedCents != 693500000+1076100000+455000000 {
		t.Fatalf("planned %d, want 2224600000 cents (22 246 000 €)", tt.PlannedCents)
	}
	if FormatCents(tt.PlannedCents) != "22\u00a0246\u00a0000,00\u00a0€" {
		t.Errorf("total %s", FormatCents(tt.PlannedCents))
	}
	if tt.ActualCents != 300012345 {
		t.Errorf("actual %d: the sum of the known actual amounts", tt.ActualCents)
	}
	want := []struct {
		funder string
		cents  int64
		share  float64
	}{
		{"caf-974", 1076100000, 10761000.0 / 22246000},
		{"commune", 693500000, 6935000.0 / 22246000},
		{"autres", 455000000, 4550000.0 / 22246000},
	}
	if len(tt.ByFunder) != 3 {
		t.Fatalf("by funder %+v", tt.ByFunder)
	}
	sum := 0.0
	for i, w := range want {
		f := tt.ByFunder[i]
		if f.Funder != w.funder || f.PlannedCents != w.cents || math.Abs(f.Share-w.share) > 1e-12 {
			t.Errorf("funder %d = %+v, want %s %d %v", i, f, w.funder, w.cents, w.share)
		}
		sum += f.Share
	}
	if math.Abs(sum-1) > 1e-9 {
		t.Errorf("shares add up to %v", sum)
	}
	// Not rounded to 2 decimals: the CAF's part is 0.48372...
	if s := tt.ByFunder[0].Share; math.Abs(s-0.4837) > 0.0001 || s == 0.48 {
		t.Errorf("CAF share %v", s)
	}
	years := []int64{558700000, 1063700000, 602200000}
	for i, y := range tt.ByYear {
		if y.Year != 2003+i || y.PlannedCents != years[i] {
			t.Errorf("year %d = %+v", i, y)
		}
	}
	if len(tt.ByNature) != 2 || len(tt.ByAxis) != 0 || len(tt.ByField) != 0 {
		t.Errorf("empty parts: natures %v, axes %v, fields %v", tt.ByNature, tt.ByAxis, tt.ByField)
	}
}

func TestTotalsEmpty(t *testing.T) {
	tt := NewTotals(nil, nil, nil, nil)
	if tt.PlannedCents != 0 || tt.ByFunder == nil || tt.ByYear == nil || tt.ByAxis == nil || tt.ByField == nil || tt.Warnings == nil {
		t.Errorf("empty totals %+v: lists must be empty, not null", tt)
	}
	tt = NewTotals([]Cell{{Funder: "a", Year: 2024}}, nil, nil, nil)
	if tt.ByFunder[0].Share != 0 {
		t.Errorf("share of nothing: %v", tt.ByFunder[0].Share)
	}
}

func TestTotalsByField(t *testing.T) {
	tt := NewTotals(nil, nil, []ActionTotal{
		{Action: "a1", Fields: []string{"parentalite", "petite_enfance"}, PlannedCents: 1000, ActualCents: 10},
		{Action: "a2", Fields: []string{"petite_enfance"}, PlannedCents: 500},
		{Action: "a3", PlannedCents: 7},
	}, []NatureTotal{{Nature: NatureInvestissement, PlannedCents: 3}})
	want := []FieldTotal{
		{Field: "petite_enfance", Label: "Petite enfance", Actions: 2, PlannedCents: 1500, ActualCents: 10},
		{Field: "parentalite", Label: "Parentalité", Actions: 1, PlannedCents: 1000, ActualCents: 10},
		{Field: "", Label: NoField, Actions: 1, PlannedCents: 7},
	}
	if len(tt.ByField) != len(want) {
		t.Fatalf("by field %+v", tt.ByField)
	}
	for i := range want {
		if tt.ByField[i] != want[i] {
			t.Errorf("field %d = %+v, want %+v", i, tt.ByField[i], want[i])
		}
	}
	if tt.ByNature[0].Nature != NatureFonctionnement || tt.ByNature[0].PlannedCents != 0 || tt.ByNature[1].PlannedCents != 3 {
		t.Errorf("natures %+v", tt.ByNature)
	}
}

func TestCheck(t *testing.T) {
	c := &convention.Convention{ID: "c1", CAF: "caf-974", Parties: []string{"commune"}, Start: "2022-11-01", End: "2026-12-31"}
	ws := Check(c, []Line{
		{Funder: "caf-974", Year: 2023, PlannedCents: 100},
		{Funder: "commune", Year: 2031, PlannedCents: 250000},
		{Funder: "commune", Year: 2031, PlannedCents: 50000},
		{Funder: "dep", FunderName: "Département de La Réunion", Year: 2021, PlannedCents: 700},
		{Funder: "dep", Year: 2024, PlannedCents: 300},
		{Funder: "msa", Year: 2024, PlannedCents: 1},
	}, map[string]string{"msa": "MSA"})
	want := []Warning{
		{WarnYearOutside, "2021 : 7,00\u00a0€ prévus en dehors des années de la convention (2022-2026). Déplacez ces lignes vers une année de la convention ou modifiez ses dates.",
			"/api/v1/conventions/c1/budget/lines?year=2021"},
		{WarnYearOutside, "2031 : 3\u00a0000,00\u00a0€ prévus en dehors des années de la convention (2022-2026). Déplacez ces lignes vers une année de la convention ou modifiez ses dates.",
			"/api/v1/conventions/c1/budget/lines?year=2031"},
		{WarnFunderNotParty, "Département de La Réunion finance 10,00\u00a0€ sans être partie à la convention : ajoutez-le aux parties avant la signature, ou corrigez le financeur de ces lignes.",
			"/api/v1/conventions/c1/budget/lines?funder=dep"},
		{WarnFunderNotParty, "MSA finance 0,01\u00a0€ sans être partie à la convention : ajoutez-le aux parties avant la signature, ou corrigez le financeur de ces lignes.",
			"/api/v1/conventions/c1/budget/lines?funder=msa"},
	}
	if len(ws) != len(want) {
		t.Fatalf("warnings %+v", ws)
	}
	for i := range want {
		if ws[i] != want[i] {
			t.Errorf("warning %d = %+v\nwant %+v", i, ws[i], want[i])
		}
	}
	if ws := Check(c, []Line{{Funder: "commune", Year: 2022}}, nil); len(ws) != 0 {
		t.Errorf("a right budget warns %+v", ws)
	}
}

func TestParseRef(t *testing.T) {
	for in, want := range map[string][2]int{"Axe 2 / Action 4": {2, 4}, "2.4": {2, 4}, "A10-A12": {10, 12}, " axe 1 action 3 ": {1, 3}} {
		if a, n, ok := ParseRef(in); !ok || a != want[0] || n != want[1] {
			t.Errorf("ParseRef(%q) = %d, %d, %v", in, a, n, ok)
		}
	}
	for _, in := range []string{"", "Axe 2", "Action", "0.4", "1.2.3"} {
		if a, n, ok := ParseRef(in); ok {
			t.Errorf("ParseRef(%q) = %d, %d", in, a, n)
		}
	}
}

func TestReadSheet(t *testing.T) {
	csv := "Axe;Action;Financeur;Code financeur;Année;Nature;Prévu (€);Réalisé (€)\n" +
		"2;Axe 2 / Action 4;Caf de La Réunion;caf-974;2023;Fonctionnement;1 234,56;\n" +
		"2;Axe 2 / Action 4;Commune de Saint-Joseph;;2024;investissement;1234.5599999999999;1000\n"
	tb, err := diagnostic.ReadTable(strings.NewReader(csv), "budget.csv")
	if err != nil {
		t.Fatal(err)
	}
	lines, err := ReadSheet(tb)
	if err != nil {
		t.Fatal(err)
	}
	if len(lines) != 2 {
		t.Fatalf("lines %+v", lines)
	}
	l := lines[0]
	if l.Row != 2 || l.AxisNumber != 2 || l.ActionNumber != 4 || l.Funder != "caf-974" || l.Year != 2023 || l.Nature != NatureFonctionnement ||
		l.PlannedCents != 123456 || l.ActualCents != nil {
		t.Errorf("line 1 %+v", l)
	}
	l = lines[1]
	if l.Funder != "" || l.FunderName != "Commune de Saint-Joseph" || l.Nature != NatureInvestissement || l.PlannedCents != 123456 || l.ActualCents == nil || *l.ActualCents != 100000 {
		t.Errorf("line 2 %+v", l)
	}

	csv = "Action;Code financeur;Année;Nature;Prévu (€);Réalisé (€)\n" +
		"Axe 2 / Action 4;caf-974;deux mille;Fonctionnement;12,345;\n" +
		"rien;;2024;cadeau;;-x\n"
	tb, _ = diagnostic.ReadTable(strings.NewReader(csv), "budget.csv")
	lines, err = ReadSheet(tb)
	if err != nil || len(lines) != 2 || lines[0].Bad("action") || !lines[1].Bad("action") {
		t.Fatalf("lines with wrong cells: %+v, %v", lines, err)
	}
	var bad SheetErrors
	for _, l := range lines {
		bad.AddProblems(l)
	}
	err = bad.Err()
	want := map[string]string{
		"ligne 2, colonne Année":          "ligne 2, colonne Année : « deux mille » n'est pas une année.",
		"ligne 2, colonne Prévu (€)":      "ligne 2, colonne Prévu (€) : « 12,345 » a plus de deux décimales : un montant s'écrit en euros et centimes, par exemple 1 234,56.",
		"ligne 3, colonne Action":         "ligne 3, colonne Action : « rien » ne désigne pas une action : écrivez sa référence, par exemple « Axe 2 / Action 4 ».",
		"ligne 3, colonne Code financeur": "ligne 3, colonne Code financeur : indiquez le financeur.",
		"ligne 3, colonne Nature":         "ligne 3, colonne Nature : la nature « cadeau » est inconnue : choisissez fonctionnement ou investissement.",
		"ligne 3, colonne Prévu (€)":      "ligne 3, colonne Prévu (€) : indiquez le montant prévu, 0 s'il n'y en a pas.",
		"ligne 3, colonne Réalisé (€)":    "ligne 3, colonne Réalisé (€) : « -x » n'est pas un montant en euros (par exemple 1 234,56).",
	}
	got := app.ErrorFields(err)
	for k, msg := range want {
		if got[k] != msg {
			t.Errorf("%s = %q\nwant %q", k, got[k], msg)
		}
	}
	if len(got) != len(want) || !strings.Contains(app.ErrorMessage(err), "7 cellules") {
		t.Errorf("%v", err)
	}

	tb, _ = diagnostic.ReadTable(strings.NewReader("Axe;Intitulé\n1;x\n"), "budget.csv")
	if _, err := ReadSheet(tb); !strings.Contains(app.ErrorFields(err)["fichier"], "« Action », « Année », « Nature », « Prévu (€) », « Code financeur » ou « Financeur »") {
		t.Errorf("missing columns: %v", err)
	}
}
