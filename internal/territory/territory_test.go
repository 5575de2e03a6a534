package territory

import (
	"slices"
	"sync"
	"testing"
)

var loadOnce = sync.OnceValues(Load)

// mustLoad returns the reference, loaded once for all the tests.
func mustLoad(tb testing.TB) *Ref {
	tb.Helper()
	r, err := loadOnce()
	if err != nil {
		tb.Fatal(err)
	}
	return r
}

func TestCounts(t *testing.T) {
	r := mustLoad(t)
	for _, tc := range []struct {
		what      string
		got, want int
	}{
		{"communes", r.NumCommunes(), 34875},
		{"AllCommunes", len(r.AllCommunes()), 34875},
		{"EPCIs", len(r.EPCIs()), 1255},
		{"EPTs", len(r.EPTs()), 11},
		{"départements", len(r.Departements()), 101},
		{"régions", len(r.Regions()), 18},
		{"CAFs", len(r.CAFs()), 101},
	} {
		if tc.got != tc.want {
			t.Errorf("%s: %d, want %d", tc.what, tc.got, tc.want)
		}
	}
}

func TestCommune(t *testing.T) {
	r := mustLoad(t)
	for _, tc := range []struct {
		code string
		want Commune
	}{
		{"33063", Commune{Code: "33063", Name: "Bordeaux", Departement: "33", Region: "75", EPCI: "243300316", Population: 267991}},
		{"97412", Commune{Code: "97412", Name: "Saint-Joseph", Departement: "974", Region: "04", EPCI: "249740085", Population: 39207}},
		{"2A004", Commune{Code: "2A004", Name: "Ajaccio", Departement: "2A", Region: "94", EPCI: "242010056", Population: 76320}},
		// An island commune in no EPCI.
		{"85113", Commune{Code: "85113", Name: "L'Île-d'Yeu", Departement: "85", Region: "52", Population: 4883}},
	} {
		got, ok := r.Commune(tc.code)
		if !ok || got != tc.want {
			t.Errorf("Commune(%q) = %+v, %v; want %+v", tc.code, got, ok, tc.want)
		}
		if !r.IsCurrent(tc.code) {
			t.Errorf("IsCurrent(%q) = false", tc.code)
		}
	}
}

func TestFormerCodes(t *testing.T) {
	r := mustLoad(t)
	for _, tc := range []struct {
		code, want, why string
	}{
		{"01340", "01015", "anciensCodes of Arboys en Bugey"},
		{"01120", "01262", "commune associée Cordieux"},
		{"75101", "75056", "Paris 1er arrondissement"},
		{"75120", "75056", "Paris 20e arrondissement"},
		{"69381", "69123", "Lyon 1er arrondissement"},
		{"13216", "13055", "Marseille 16e arrondissement"},
		// Listed in the anciensCodes of 55245 and 60054, but today part of
		// another commune as commune associée or déléguée.
		{"55273", "55386", "Lamarche-en-Woëvre, associée to Nonsard-Lamarche"},
		{"60455", "60694", "La Neuville-Garnier, déléguée of Les Hauts-Talican"},
		// A commune déléguée bearing its parent's code stays the parent.
		{"01015", "01015", "Arbignieu, déléguée of Arboys en Bugey with the same code"},
		// Lenient forms.
		{"2a004", "2A004", "lower case"},
		{" 33063 ", "33063", "spaces"},
		{"1001", "01001", "leading zero lost by a spreadsheet"},
	} {
		got, ok := r.Commune(tc.code)
		if !ok || got.Code != tc.want {
			t.Errorf("Commune(%q) = %q, %v; want %q (%s)", tc.code, got.Code, ok, tc.want, tc.why)
		}
	}
	if r.IsCurrent("75101") {
		t.Error("IsCurrent(75101) = true")
	}
	for _, code := range []string{"", "00000", "97501", "98735", "75", "330630", "abcde"} {
		if c, ok := r.Commune(code); ok {
			t.Errorf("Commune(%q) = %+v, want none", code, c)
		}
	}
}

func TestEPCI(t *testing.T) {
	r := mustLoad(t)
	e, ok := r.EPCI("243301181")
	if !ok {
		t.Fatal("CC Latitude Nord Gironde 243301181 not found")
	}
	want := EPCI{
		SIREN: "243301181", Name: "CC Latitude Nord Gironde", Kind: "CC",
		Communes: []string{"33114", "33123", "33126", "33142", "33151", "33233",
			"33266", "33272", "33439", "33473", "33489", "33492"},
		Population: 21821,
	}
	if e.SIREN != want.SIREN || e.Name != want.Name || e.Kind != want.Kind ||
		!slices.Equal(e.Communes, want.Communes) || e.Population != want.Population {
		t.Errorf("EPCI(243301181) = %+v\nwant %+v", e, want)
	}

	bm, ok := r.EPCI("243300316")
	if !ok || bm.Name != "Bordeaux Métropole" || bm.Kind != "METRO" || len(bm.Communes) != 28 || bm.Population != 854334 {
		t.Errorf("EPCI(243300316) = %s %s, %d communes, population %d", bm.Name, bm.Kind, len(bm.Communes), bm.Population)
	}
	if _, ok := r.EPCI("000000000"); ok {
		t.Error("EPCI(000000000) found")
	}
}

// TestPopulations checks that every population is the sum of the communes'
// and that the EPCIs and départements partition the communes as they should.
func TestPopulations(t *testing.T) {
	r := mustLoad(t)
	total := 0
	for _, c := range r.AllCommunes() {
		total += c.Population
	}
	if total != 68350798 {
		t.Errorf("population of all communes %d, want 68350798", total)
	}
	sumDeps := 0
	for _, d := range r.Departements() {
		if got := r.Population(d.Communes); got != d.Population {
			t.Errorf("département %s: Population %d, sum of communes %d", d.Code, d.Population, got)
		}
		sumDeps += d.Population
	}
	if sumDeps != total {
		t.Errorf("départements sum to %d, communes to %d", sumDeps, total)
	}
	inEPCI := 0
	for _, e := range r.EPCIs() {
		if got := r.Population(e.Communes); got != e.Population {
			t.Errorf("EPCI %s: Population %d, sum of communes %d", e.SIREN, e.Population, got)
		}
		if !slices.IsSortedFunc(e.Communes, compareCodes) {
			t.Errorf("EPCI %s: communes not sorted", e.SIREN)
		}
		for _, code := range e.Communes {
			if c, _ := r.Commune(code); c.EPCI != e.SIREN {
				t.Errorf("EPCI %s lists %s, whose EPCI is %q", e.SIREN, code, c.EPCI)
			}
		}
		inEPCI += len(e.Communes)
	}
	if want := r.NumCommunes() - 4; inEPCI != want {
		t.Errorf("%d communes in an EPCI, want %d (all but four islands)", inEPCI, want)
	}
	for _, tc := range []struct {
		name  string
		codes []string
		want  int
	}{
		{"none", nil, 0},
		{"one", []string{"33063"}, 267991},
		{"a former code counts as its commune", []string{"75101"}, 2103778},
		{"a commune twice counts once", []string{"75056", "75101", "75056"}, 2103778},
		{"unknown codes count for nothing", []string{"33063", "99999"}, 267991},
	} {
		if got := r.Population(tc.codes); got != tc.want {
			t.Errorf("Population(%s) = %d, want %d", tc.name, got, tc.want)
		}
	}
}

func TestDepartements(t *testing.T) {
	r := mustLoad(t)
	deps := r.Departements()
	var codes []string
	for _, d := range deps {
		codes = append(codes, d.Code)
	}
	if i := slices.Index(codes, "2A"); i != 19 || codes[i-1] != "19" || codes[i+1] != "2B" || codes[i+2] != "21" {
		t.Errorf("Corsica out of place: %v", codes[17:23])
	}
	if got := codes[len(codes)-5:]; !slices.Equal(got, []string{"971", "972", "973", "974", "976"}) {
		t.Errorf("last départements %v", got)
	}
	for _, tc := range []struct {
		code, name, region string
		communes           int
		population         int
	}{
		{"33", "Gironde", "75", 534, 1690493},
		{"75", "Paris", "11", 1, 2103778},
		{"2A", "Corse-du-Sud", "94", 124, 168306},
		{"974", "La Réunion", "04", 24, 889679},
	} {
		d, ok := r.Departement(tc.code)
		if !ok || d.Name != tc.name || d.Region != tc.region || len(d.Communes) != tc.communes || d.Population != tc.population {
			t.Errorf("Departement(%s) = %s %s, %d communes, population %d", tc.code, d.Name, d.Region, len(d.Communes), d.Population)
		}
	}
	if d, ok := r.Departement("2b"); !ok || d.Code != "2B" {
		t.Errorf("Departement(2b) = %q, %v", d.Code, ok)
	}
	for _, code := range []string{"20", "96", "975", "977", "978", "987", ""} {
		if _, ok := r.Departement(code); ok {
			t.Errorf("Departement(%q) found", code)
		}
	}
	if reg, ok := r.Region("75"); !ok || reg.Name != "Nouvelle-Aquitaine" {
		t.Errorf("Region(75) = %+v, %v", reg, ok)
	}
}

func TestCommunesOfAndEPCIsOf(t *testing.T) {
	r := mustLoad(t)
	communes := r.CommunesOf("33")
	if len(communes) != 534 {
		t.Fatalf("CommunesOf(33): %d communes", len(communes))
	}
	names := make([]string, len(communes))
	for i, c := range communes {
		names[i] = Normalize(c.Name)
		if c.Departement != "33" {
			t.Errorf("CommunesOf(33) holds %s of %s", c.Code, c.Departement)
		}
	}
	if !slices.IsSorted(names) {
		t.Error("CommunesOf(33) not sorted by name")
	}
	// "Étauliers" sorts among the E, not after Z.
	if i := slices.Index(names, "etauliers"); i < 0 || names[i-1] > "etauliers" || names[len(names)-1] == "etauliers" {
		t.Errorf("Étauliers at %d", i)
	}

	epcis := r.EPCIsOf("33")
	var sirens []string
	for i, e := range epcis {
		sirens = append(sirens, e.SIREN)
		if i > 0 && Normalize(epcis[i-1].Name) > Normalize(e.Name) {
			t.Errorf("EPCIsOf(33): %q before %q", epcis[i-1].Name, e.Name)
		}
	}
	for _, want := range []string{"243300316", "243301181"} {
		if !slices.Contains(sirens, want) {
			t.Errorf("EPCIsOf(33) lacks %s", want)
		}
	}
	// Every EPCI of a département has a member there, and every commune's
	// EPCI is listed for its département.
	for _, d := range r.Departements() {
		of := r.EPCIsOf(d.Code)
		for _, e := range of {
			if !slices.ContainsFunc(e.Communes, func(code string) bool { c, _ := r.Commune(code); return c.Departement == d.Code }) {
				t.Errorf("EPCIsOf(%s) lists %s, which has no commune there", d.Code, e.SIREN)
			}
		}
		for _, c := range r.CommunesOf(d.Code) {
			if c.EPCI != "" && !slices.ContainsFunc(of, func(e EPCI) bool { return e.SIREN == c.EPCI }) {
				t.Errorf("EPCIsOf(%s) lacks %s, the EPCI of %s", d.Code, c.EPCI, c.Code)
			}
		}
	}
	if got := r.CommunesOf("99"); got != nil {
		t.Errorf("CommunesOf(99) = %d communes", len(got))
	}
}

func TestAllCommunesOrder(t *testing.T) {
	r := mustLoad(t)
	all := r.AllCommunes()
	if !slices.IsSortedFunc(all, func(a, b Commune) int { return compareCodes(a.Code, b.Code) }) {
		t.Error("AllCommunes not in code order")
	}
	for _, c := range all {
		if c2, ok := r.Commune(c.Code); !ok || c2 != c {
			t.Fatalf("Commune(%s) = %+v, AllCommunes has %+v", c.Code, c2, c)
		}
	}
}

func TestEPT(t *testing.T) {
	r := mustLoad(t)
	t1, ok := r.EPTOf("93066") // Saint-Denis
	if !ok || t1.Name != "Plaine Commune" || len(t1.Communes) != 8 {
		t.Errorf("EPTOf(93066) = %+v, %v", t1, ok)
	}
	if c, _ := r.Commune("93066"); c.EPCI != "200054781" {
		t.Errorf("Saint-Denis: EPCI %q, want the Métropole du Grand Paris", c.EPCI)
	}
	n := 0
	for _, e := range r.EPTs() {
		n += len(e.Communes)
		if got := r.Population(e.Communes); got != e.Population {
			t.Errorf("EPT %s: Population %d, sum %d", e.SIREN, e.Population, got)
		}
	}
	// The EPTs cover the Métropole du Grand Paris but Paris itself.
	if mgp, _ := r.EPCI("200054781"); n != len(mgp.Communes)-1 {
		t.Errorf("EPTs hold %d communes, the Métropole du Grand Paris %d", n, len(mgp.Communes))
	}
}

func TestCAFs(t *testing.T) {
	r := mustLoad(t)
	for _, tc := range []struct{ dep, id, name string }{
		{"01", "caf-01", "Caf de l'Ain"},
		{"02", "caf-02", "Caf de l'Aisne"},
		{"59", "caf-59", "Caf du Nord"},
		{"33", "caf-33", "Caf de la Gironde"},
		{"13", "caf-13", "Caf des Bouches-du-Rhône"},
		{"75", "caf-75", "Caf de Paris"},
		{"974", "caf-974", "Caf de La Réunion"},
		{"971", "caf-971", "Caf de la Guadeloupe"},
		{"972", "caf-972", "Caf de la Martinique"},
		{"973", "caf-973", "Caf de la Guyane"},
		{"95", "caf-95", "Caf du Val-d'Oise"},
		{"78", "caf-78", "Caf des Yvelines"},
		{"2A", "caf-2A", "Caf de la Corse-du-Sud"},
		{"2B", "caf-2B", "Caf de la Haute-Corse"},
		{"28", "caf-28", "Caf d'Eure-et-Loir"},
		{"35", "caf-35", "Caf d'Ille-et-Vilaine"},
		{"90", "caf-90", "Caf du Territoire de Belfort"},
		{"976", "caf-976", "CSSM (Caisse de sécurité sociale de Mayotte)"},
	} {
		c, ok := r.CAF(tc.dep)
		if !ok || c.ID != tc.id || c.Name != tc.name || c.Departement != tc.dep {
			t.Errorf("CAF(%s) = %+v, %v; want %s %q", tc.dep, c, ok, tc.id, tc.name)
		}
	}
	cafs := r.CAFs()
	ids := make(map[string]bool)
	deps := r.Departements()
	for i, c := range cafs {
		if ids[c.ID] {
			t.Errorf("CAF id %s twice", c.ID)
		}
		ids[c.ID] = true
		if c.Departement != deps[i].Code {
			t.Errorf("CAFs()[%d] is of %s, want %s", i, c.Departement, deps[i].Code)
		}
	}
	if len(ids) != 101 {
		t.Errorf("%d CAF ids, want 101", len(ids))
	}
	if _, ok := r.CAF("975"); ok {
		t.Error("CAF(975) found")
	}
}

func TestKindLabel(t *testing.T) {
	for kind, want := range map[string]string{
		"CC": "Communauté de communes", "CA": "Communauté d'agglomération",
		"CU": "Communauté urbaine", "METRO": "Métropole", "XYZ": "XYZ",
	} {
		if got := KindLabel(kind); got != want {
			t.Errorf("KindLabel(%s) = %q, want %q", kind, got, want)
		}
	}
	r := mustLoad(t)
	for _, e := range r.EPCIs() {
		if KindLabel(e.Kind) == e.Kind {
			t.Errorf("EPCI %s: kind %q has no label", e.SIREN, e.Kind)
		}
	}
}

func TestPostalCodes(t *testing.T) {
	r := mustLoad(t)
	if got := r.PostalCodes("33063"); !slices.Equal(got, []string{"33000", "33100", "33200", "33300", "33800"}) {
		t.Errorf("PostalCodes(33063) = %v", got)
	}
	if got := r.PostalCodes("99999"); got != nil {
		t.Errorf("PostalCodes(99999) = %v", got)
	}
}

func TestCompareCodes(t *testing.T) {
	sorted := []string{"01", "01001", "19", "19275", "2A", "2A004", "2B", "2B033", "21", "21231", "95", "971", "97101", "976", "97611"}
	for i := range sorted {
		for j := range sorted {
			want := 0
			if i < j {
				want = -1
			} else if i > j {
				want = 1
			}
			if got := compareCodes(sorted[i], sorted[j]); got != want {
				t.Errorf("compareCodes(%q, %q) = %d, want %d", sorted[i], sorted[j], got, want)
			}
		}
	}
}
