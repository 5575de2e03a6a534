package web

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"ctg/internal/account"
	"ctg/internal/convention"
	"ctg/internal/diagnostic"
	"ctg/internal/store"
	"ctg/internal/testdb"
)

// diagnosticRenderCases are the requests of TestEveryTemplateRenders for
// the diagnosis pages, over the demonstration data.
func diagnosticRenderCases(t *testing.T, db *store.DB, advisor, reader string) []renderCase {
	t.Helper()
	page := "/conventions/" + demoConventionID(t, db, "CTG Latitude Nord Gironde 2027-2031")
	bordeaux := "/conventions/" + demoConventionID(t, db, "CTG Bordeaux 2023-2027")
	return []renderCase{
		{name: "diagnosis", who: advisor, path: page + "/diagnostic", status: 200, renders: []string{"diagnostic.html"},
			contains: []string{`id="chart-ages"`, `id="chart-coverage"`, `id="chart-ages-table"`, `id="val-taux_couverture_jeune_enfant"`,
				"Données fictives de démonstration", "Accueil du jeune enfant", "1\u00a0205 communes sur 34\u00a0875", "1 au secret"}},
		{name: "diagnosis of the reader", who: reader, path: page + "/diagnostic", status: 200, renders: []string{"diagnostic.html"}},
		{name: "diagnosis, communes", who: advisor, path: page + "/diagnostic/communes", status: 200, renders: []string{"diagnostic_communes.html"},
			contains: []string{`<option value="taux_couverture_jeune_enfant" selected>`, `id="chart-communes"`, "Saint-Savin", `aria-sort="ascending"`}},
		{name: "diagnosis, communes by value", who: advisor, path: page + "/diagnostic/communes?indicateur=beneficiaires_aah&sort=-valeur", status: 200,
			renders: []string{"diagnostic_communes.html"}, contains: []string{"secret", `aria-sort="descending"`}},
		{name: "diagnosis, unknown indicator", who: advisor, path: page + "/diagnostic/communes?indicateur=nulle_part", status: 422, renders: []string{"error.html"}},
		{name: "diagnosis CSV", who: advisor, path: page + "/diagnostic.csv", status: 200, kind: "text/csv", contains: []string{"taux_couverture_jeune_enfant"}},
		{name: "diagnosis of another", who: reader, path: bordeaux + "/diagnostic", status: 404, renders: []string{"error.html"}},
	}
}

// The communes of the test: the 12 of CC Latitude Nord Gironde, two
// other communes of the Gironde and one of the Nord.
var (
	lngCommunes = []string{"33114", "33123", "33126", "33142", "33151", "33233", "33266", "33272", "33439", "33473", "33489", "33492"}
	girondeMore = []string{"33063", "33281"}
	nordCommune = "59606"
)

// censusFile is an INSEE-like file of 2021: the seven age bands of each
// commune, Bordeaux and Mérignac, then Valenciennes.
func censusFile() (string, [][7]int) {
	var rows [][7]int
	var b strings.Builder
	b.WriteString("CODGEO;pop_0_2;pop_3_5;pop_6_10;pop_11_17;pop_18_24;pop_25_64;pop_65_plus\n")
	for i, code := range append(append(slices.Clone(lngCommunes), girondeMore...), nordCommune) {
		r := [7]int{50 + 7*i, 60 + 5*i, 100 + 3*i, 150 + 2*i, 90 + i, 900 + 11*i, 400 + 13*i}
		rows = append(rows, r)
		fmt.Fprintf(&b, "%s;%d;%d;%d;%d;%d;%d;%d\n", code, r[0], r[1], r[2], r[3], r[4], r[5], r[6])
	}
	return b.String(), rows
}

// cafFile is a CAF-like file of 2023: places of childcare and AAH. The
// first commune of the perimeter is not in it; the second has a secret
// AAH count.
func cafFile() (string, map[string][2]string) {
	values := map[string][2]string{}
	var b strings.Builder
	b.WriteString("CODGEO;places_accueil_jeune_enfant;beneficiaires_aah\n")
	for i, code := range append(append(slices.Clone(lngCommunes[1:]), girondeMore...), nordCommune) {
		v := [2]string{strconv.Itoa(20 + 3*i), strconv.Itoa(5 + i)}
		if i == 0 {
			v[1] = "s"
		}
		values[code] = v
		fmt.Fprintf(&b, "%s;%s;%s\n", code, v[0], v[1])
	}
	return b.String(), values
}

func mustImport(t *testing.T, db *store.DB, u *account.User, name, content, source string, year int) {
	t.Helper()
	table, err := diagnostic.ReadTable(strings.NewReader(content), name)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.ImportIndicators(context.Background(), testdb.Ref(t), u, table,
		diagnostic.ImportRequest{Filename: name, Year: year, Source: source}, nil); err != nil {
		t.Fatal(err)
	}
}

// TestDiagnosticPages imports a small known data set and reads the
// diagnosis of a convention through the pages and the exports: the sums of
// the perimeter, of the Gironde and of France computed here by hand, the
// coverage ratio, the communes with a value, the CSV lines, the XLSX
// workbook, the values of each commune; and 404 for an outsider.
func TestDiagnosticPages(t *testing.T) {
	ctx := context.Background()
	ref := testdb.Ref(t)
	db := testdb.Store(t, testdb.SQLite)
	cc := &account.Organisation{Name: "CC Latitude Nord Gironde", Kind: "epci", Territory: "243301181"}
	if err := db.CreateOrganisation(ctx, cc, nil); err != nil {
		t.Fatal(err)
	}
	const password = "motdepasse-de-test"
	u, err := db.CreateUser(ctx, account.NewUser{Email: "coordination@cc.fr", Name: "Coordination", OrgID: cc.ID, Role: account.RoleEditor, Password: password}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.CreateUser(ctx, account.NewUser{Email: "nord@caf.fr", Name: "Caf du Nord", OrgID: "caf-59", Role: account.RoleEditor, Password: password}, nil); err != nil {
		t.Fatal(err)
	}
	c := &convention.Convention{Kind: "ctg", Title: "CTG Latitude Nord Gironde 2027-2031", CAF: "caf-33", Start: "2027-01-01", End: "2031-12-31",
		Perimeter: convention.Perimeter{EPCIs: []string{"243301181"}}, Parties: []string{cc.ID}}
	if err := db.CreateConvention(ctx, ref, u, c); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(c.Communes, lngCommunes) {
		t.Fatalf("communes of the perimeter: %v", c.Communes)
	}
	s, err := New(Config{DB: db, Ref: ref, Log: discardLog()})
	if err != nil {
		t.Fatal(err)
	}
	h := s.Handler()
	who := signInThroughForm(t, h, "coordination@cc.fr", password)
	outsider := signInThroughForm(t, h, "nord@caf.fr", password)
	page := "/conventions/" + c.ID + "/diagnostic"
	get := func(path string) string {
		t.Helper()
		res := serve(h, renderCase{who: who, path: path})
		if res.Code != http.StatusOK {
			t.Fatalf("GET %s: %d\n%s", path, res.Code, excerpt(res.Body.String()))
		}
		return res.Body.String()
	}
	row := func(body, code string) string {
		t.Helper()
		i := strings.Index(body, `<tr id="indicateur-`+code+`">`)
		if i < 0 {
			t.Fatalf("no row %s", code)
		}
		return body[i : i+strings.Index(body[i:], "</tr>")]
	}

	// Nothing imported: the page says so and leads to the import.
	body := get(page)
	for _, want := range []string{"Aucun indicateur importé", `href="/imports/nouveau?convention=` + c.ID + `"`, `href="/indicateurs"`, "21\u00a0821"} {
		if !strings.Contains(body, want) {
			t.Errorf("the empty diagnosis lacks %q\n%s", want, excerpt(body))
		}
	}

	census, ages := censusFile()
	mustImport(t, db, u, "recensement.csv", census, "INSEE, recensement 2021", 2021)
	caf, places := cafFile()
	mustImport(t, db, u, "caf.csv", caf, "Caf, données ouvertes", 2023)

	// By hand: the perimeter is the first 12 rows, the Gironde the first
	// 14, France all 15.
	sum := func(band, n int) (s int) {
		for _, r := range ages[:n] {
			s += r[band]
		}
		return s
	}
	under3 := [3]int{sum(0, 12), sum(0, 14), sum(0, 15)}
	if under3 != [3]int{1062, 1337, 1485} {
		t.Fatalf("children under 3: %v", under3)
	}
	// Places over children under 3, over the communes with both: all but
	// the first commune of the perimeter.
	var pl, ch [3]int
	for i, code := range append(append(slices.Clone(lngCommunes), girondeMore...), nordCommune) {
		v, ok := places[code]
		if !ok {
			continue
		}
		n, _ := strconv.Atoi(v[0])
		for k, upto := range []int{12, 14, 15} {
			if i < upto {
				pl[k] += n
				ch[k] += ages[i][0]
			}
		}
	}
	rate := func(k int) string { return frDecimal(float64(pl[k])/float64(ch[k])*100, 1) }
	if pl != [3]int{385, 494, 553} || ch != [3]int{1012, 1287, 1435} {
		t.Fatalf("places %v, children %v", pl, ch)
	}

	body = get(page)
	r := row(body, "pop_0_2")
	for _, want := range []string{"id=\"val-pop_0_2\">1\u00a0062<", ">1\u00a0337<", ">1\u00a0485<", ">12 sur 12</a>",
		"INSEE, recensement 2021"} {
		if !strings.Contains(r, want) {
			t.Errorf("row pop_0_2 lacks %q\n%s", want, r)
		}
	}
	r = row(body, "taux_couverture_jeune_enfant")
	for _, want := range []string{"id=\"val-taux_couverture_jeune_enfant\">" + rate(0) + "<", ">" + rate(1) + "<", ">" + rate(2) + "<span class=\"cover\">14 communes sur 34\u00a0875</span>", ">11 sur 12</a>", "1 sans valeur",
		"places pour 100 enfants de moins de 3 ans"} {
		if !strings.Contains(r, want) {
			t.Errorf("row taux_couverture_jeune_enfant lacks %q\n%s", want, r)
		}
	}
	if rate(0) != "38,0" {
		t.Errorf("coverage rate of the perimeter: %s", rate(0))
	}
	r = row(body, "beneficiaires_aah")
	for _, want := range []string{">10 sur 12</a>", "1 au secret", "1 sans valeur", "12 communes sur 534"} {
		if !strings.Contains(r, want) {
			t.Errorf("row beneficiaires_aah lacks %q\n%s", want, r)
		}
	}
	// The shares of the age chart: each band over the sum of the bands.
	total := 0
	for b := range 7 {
		total += sum(b, 12)
	}
	for _, want := range []string{`id="chart-ages"`, `id="chart-coverage"`, "<th scope=\"row\">0-2 ans</th><td class=\"num\">1\u00a0062</td><td class=\"num\">" + frDecimal(float64(under3[0])/float64(total)*100, 1) + "\u00a0%</td>",
		"Allocataires et précarité", "Accueil du jeune enfant", "Population et âges", `href="` + page + `.xlsx"`,
		"15 communes sur 34\u00a0875, sauf mention sous la valeur"} {
		if !strings.Contains(body, want) {
			t.Errorf("the diagnosis lacks %q", want)
		}
	}
	if strings.Contains(body, "Aucun indicateur importé") {
		t.Error("the diagnosis still says nothing is imported")
	}

	// The CSV export.
	res := serve(h, renderCase{who: who, path: page + ".csv"})
	if res.Code != http.StatusOK || !strings.HasPrefix(res.Header().Get("Content-Type"), "text/csv") ||
		!strings.Contains(res.Header().Get("Content-Disposition"), "diagnostic-ctg-latitude-nord-gironde-2027-2031.csv") {
		t.Fatalf("CSV: %d %v", res.Code, res.Header())
	}
	text := res.Body.String()
	if !strings.HasPrefix(text, "\ufeff") {
		t.Error("the CSV has no byte order mark")
	}
	lines := strings.Split(strings.TrimSuffix(strings.TrimPrefix(text, "\ufeff"), "\n"), "\n")
	rateCSV := func(k int) string {
		return strings.Replace(strconv.FormatFloat(float64(int64(float64(pl[k])/float64(ch[k])*100*1e6+0.5))/1e6, 'f', -1, 64), ".", ",", 1)
	}
	for _, want := range []string{
		"thème;code;indicateur;unité;année;source;périmètre;département;France;communes du périmètre avec une valeur;communes du périmètre au secret;communes du périmètre;communes du département avec une valeur;communes du département;communes de France avec une valeur;communes de France",
		"Population et âges;population;Population municipale;habitants;2023;INSEE, populations légales (Code officiel géographique 2026);21821;1690493;68350798;12;0;12;534;534;34875;34875",
		"Population et âges;pop_0_2;Enfants de 0 à 2 ans;enfants;2021;INSEE, recensement 2021;1062;1337;1485;12;0;12;14;534;15;34875",
		"Accueil du jeune enfant;taux_couverture_jeune_enfant;Taux de couverture de l'accueil du jeune enfant;places pour 100 enfants de moins de 3 ans;2023;\"Caf, données ouvertes ; INSEE, recensement 2021\";" +
			rateCSV(0) + ";" + rateCSV(1) + ";" + rateCSV(2) + ";11;0;12;13;534;14;34875",
		"Allocataires et précarité;beneficiaires_aah;Bénéficiaires de l'AAH;foyers;2023;Caf, données ouvertes;" + strconv.Itoa(6+7+8+9+10+11+12+13+14+15) + ";" +
			strconv.Itoa(6+7+8+9+10+11+12+13+14+15+16+17) + ";" + strconv.Itoa(6+7+8+9+10+11+12+13+14+15+16+17+18) + ";10;1;12;12;534;13;34875",
	} {
		if !slices.Contains(lines, want) {
			t.Errorf("the CSV lacks the line\n%s\nin\n%s", want, strings.Join(lines, "\n"))
		}
	}
	// The XLSX export.
	res = serve(h, renderCase{who: who, path: page + ".xlsx"})
	if res.Code != http.StatusOK || res.Header().Get("Content-Type") != "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" {
		t.Fatalf("XLSX: %d %v", res.Code, res.Header())
	}
	f, err := excelize.OpenReader(bytes.NewReader(res.Body.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if got := f.GetSheetList(); !slices.Equal(got, []string{"Diagnostic", "Communes"}) {
		t.Fatalf("sheets %v", got)
	}
	rows, err := f.GetRows("Diagnostic", excelize.Options{RawCellValue: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != len(lines) || rows[0][6] != "Périmètre" || rows[0][7] != "Gironde" {
		t.Fatalf("sheet Diagnostic: %d rows for %d CSV lines; header %q", len(rows), len(lines), rows[0])
	}
	found := false
	for i, x := range rows {
		if len(x) < 9 || x[1] != "pop_0_2" {
			continue
		}
		found = true
		cell := fmt.Sprintf("G%d", i+1)
		if typ, _ := f.GetCellType("Diagnostic", cell); typ != excelize.CellTypeNumber && typ != excelize.CellTypeUnset {
			t.Errorf("%s is of type %v, not a number", cell, typ)
		}
		if x[6] != "1062" || x[7] != "1337" || x[8] != "1485" {
			t.Errorf("pop_0_2 in the workbook: %q", x)
		}
		id, _ := f.GetCellStyle("Diagnostic", cell)
		st, _ := f.GetStyle(id)
		if st == nil || st.CustomNumFmt == nil || *st.CustomNumFmt != "#,##0" {
			t.Errorf("%s has style %+v", cell, st)
		}
	}
	if !found {
		t.Error("no pop_0_2 row in the workbook")
	}
	id, _ := f.GetCellStyle("Diagnostic", "A1")
	if st, _ := f.GetStyle(id); st == nil || st.Font == nil || !st.Font.Bold {
		t.Errorf("the header is not bold: %+v", st)
	}
	if p, err := f.GetPanes("Diagnostic"); err != nil || !p.Freeze || p.YSplit != 1 {
		t.Errorf("panes %+v, %v", p, err)
	}
	crows, err := f.GetRows("Communes", excelize.Options{RawCellValue: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(crows) != 13 {
		t.Fatalf("sheet Communes: %d rows", len(crows))
	}
	aah := slices.Index(crows[0], "Bénéficiaires de l'AAH (2023)")
	under := slices.Index(crows[0], "Enfants de 0 à 2 ans (2021)")
	if aah < 0 || under < 0 {
		t.Fatalf("header of the sheet Communes: %q", crows[0])
	}
	for _, x := range crows[1:] {
		i := slices.Index(lngCommunes, x[0])
		if i < 0 || x[under] != strconv.Itoa(ages[i][0]) {
			t.Errorf("commune row %q", x)
		}
		switch {
		case i == 0 && len(x) > aah && x[aah] != "":
			t.Errorf("%s has no AAH value, the sheet says %q", x[0], x[aah])
		case i == 1 && x[aah] != "secret":
			t.Errorf("%s has a secret AAH count, the sheet says %q", x[0], x[aah])
		case i > 1 && x[aah] != places[x[0]][1]:
			t.Errorf("%s: AAH %q, want %s", x[0], x[aah], places[x[0]][1])
		}
	}

	// The values of each commune, by value, largest first; those without
	// one last.
	body = get(page + "/communes?indicateur=beneficiaires_aah&sort=-valeur")
	var order []string
	for _, part := range strings.Split(body, `<tr id="commune-`)[1:] {
		order = append(order, part[:5])
	}
	want := append(slices.Clone(lngCommunes[2:]), lngCommunes[0], lngCommunes[1])
	slices.Reverse(want[:10])
	// Without a value, by name: Cavignac (none), Cézac (secret).
	if !slices.Equal(order, want) {
		t.Errorf("communes by AAH: %v, want %v", order, want)
	}
	for _, want := range []string{`<option value="beneficiaires_aah" selected>`, ">secret<", ">—<", `aria-sort="descending"`,
		`href="?indicateur=beneficiaires_aah&amp;sort=valeur#communes"`} {
		if !strings.Contains(body, want) {
			t.Errorf("the communes page lacks %q", want)
		}
	}
	body = get(page + "/communes?indicateur=taux_couverture_jeune_enfant")
	for _, want := range []string{"Places d&#39;accueil du jeune enfant (2023)", "Enfants de 0 à 2 ans (2021)", `id="detail-perimeter">` + rate(0) + "<", `id="chart-communes"`} {
		if !strings.Contains(body, want) {
			t.Errorf("the coverage by commune lacks %q", want)
		}
	}
	if res := serve(h, renderCase{who: who, path: page + "/communes?indicateur=pop_0_3"}); res.Code != http.StatusUnprocessableEntity {
		t.Errorf("unknown indicator: %d", res.Code)
	}
	if res := serve(h, renderCase{who: who, path: page + "/communes?sort=hasard"}); res.Code != http.StatusUnprocessableEntity {
		t.Errorf("unknown order: %d", res.Code)
	}

	// Another CAF's editor sees none of it.
	for _, p := range []string{page, page + "/communes", page + ".csv", page + ".xlsx", "/conventions/inconnue/diagnostic"} {
		if res := serve(h, renderCase{who: outsider, path: p}); res.Code != http.StatusNotFound {
			t.Errorf("outsider, %s: %d", p, res.Code)
		}
	}
}
