package territory

import (
	"fmt"
	"runtime"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"
)

func TestNormalize(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"Saint-Joseph", "saint joseph"},
		{"L'Île-d'Yeu", "l ile d yeu"},
		{"CC de l’Île de Ré", "cc de l ile de re"},
		{"  Bordeaux   Métropole ", "bordeaux metropole"},
		{"ÉCOLE", "ecole"},
		{"Œuilly", "oeuilly"},
		{"Cœur de Presqu'île", "coeur de presqu ile"},
		{"Lætitia", "laetitia"},
		{"CC du Cordais et du Causse (4 C)", "cc du cordais et du causse 4 c"},
		{"Provence-Alpes-Côte d'Azur", "provence alpes cote d azur"},
		{"Ÿ ç à ü ô", "y c a u o"},
		{"Saint\u00a0Denis", "saint denis"}, // no-break space
		{"Sai\u0301nt", "saint"},            // decomposed accent
		{"Marseille 1er, 2e / 3e", "marseille 1er 2e 3e"},
		{"---", ""},
		{"", ""},
	} {
		if got := Normalize(tc.in); got != tc.want {
			t.Errorf("Normalize(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// first returns "kind:code" of the first n matches.
func first(ms []Match, n int) []string {
	var out []string
	for i, m := range ms {
		if i == n {
			break
		}
		out = append(out, m.Kind+":"+m.Code)
	}
	return out
}

func TestSearch(t *testing.T) {
	r := mustLoad(t)
	for _, tc := range []struct {
		q     string
		first []string // the first matches, in order
		has   []string // matches expected anywhere in the first 20
	}{
		{q: "saint joseph", first: []string{"commune:97412", "commune:97224"}},
		{q: "Saint-Joseph", first: []string{"commune:97412", "commune:97224"}},
		{q: "ST JOSEPH", first: []string{"commune:97412", "commune:97224"}},
		{q: "bordeaux", first: []string{"commune:33063", "epci:243300316"}},
		{q: "ile de re", first: []string{"epci:241700459"}},
		{q: "île de ré", first: []string{"epci:241700459"}},
		{q: "l'ile d'yeu", first: []string{"commune:85113"}},
		{q: "cc latitude", first: []string{"epci:243301181"}},
		{q: "latitude nord gir", first: []string{"epci:243301181"}},
		{q: "gironde", first: []string{"departement:33"}, has: []string{"epci:243301181"}},
		// Codes.
		{q: "33", first: []string{"departement:33"}},
		{q: "2A", first: []string{"departement:2A"}},
		{q: "2b", first: []string{"departement:2B"}},
		{q: "974", first: []string{"departement:974"}},
		{q: "97412", first: []string{"commune:97412"}},
		{q: "33063", first: []string{"commune:33063"}},
		{q: "2A004", first: []string{"commune:2A004"}},
		{q: "75101", first: []string{"commune:75056"}},
		{q: "243301181", first: []string{"epci:243301181"}},
		{q: "243 301 181", first: []string{"epci:243301181"}},
		{q: "33000", first: []string{"commune:33063"}},                                                  // a postal code
		{q: "75116", first: []string{"commune:75056"}},                                                  // a postal code of Paris
		{q: "33390", first: []string{"commune:33390"}, has: []string{"commune:33058", "commune:33100"}}, // a commune's code, and the postal code of Blaye, Cars…
		// "St" and "Saint" are the same word, both ways.
		{q: "saint gildas des bois", has: []string{"commune:44161", "epci:200000438"}},
		{q: "paris", first: []string{"departement:75", "commune:75056", "epci:200054781"}},
	} {
		got := r.Search(tc.q, 20)
		if f := first(got, len(tc.first)); !slices.Equal(f, tc.first) {
			t.Errorf("Search(%q) starts with %v, want %v", tc.q, f, tc.first)
		}
		all := first(got, 20)
		for _, want := range tc.has {
			if !slices.Contains(all, want) {
				t.Errorf("Search(%q) = %v, lacks %s", tc.q, all, want)
			}
		}
	}
}

func TestSearchNothing(t *testing.T) {
	r := mustLoad(t)
	for _, q := range []string{"", "   ", "-'", "zzzzqx", "bordeaux zzzzqx", "99", "00000", "123456789"} {
		if got := r.Search(q, 20); len(got) != 0 {
			t.Errorf("Search(%q) = %v, want nothing", q, first(got, 5))
		}
	}
}

func TestSearchMatchesEveryWord(t *testing.T) {
	r := mustLoad(t)
	for _, q := range []string{"saint", "la", "mont", "ile", "saint jo", "val de", "cc du pays"} {
		words := strings.Fields(Normalize(q))
		for _, m := range r.Search(q, 100) {
			name := strings.Fields(Normalize(m.Name))
			for _, w := range words {
				if !slices.ContainsFunc(name, func(n string) bool {
					return strings.HasPrefix(n, w) || (w == "saint" && n == "st")
				}) {
					t.Errorf("Search(%q) returned %q, whose words do not start with %q", q, m.Name, w)
				}
			}
		}
	}
}

func TestSearchRanking(t *testing.T) {
	r := mustLoad(t)

	// "saint": the most populous first, whatever the kind; among communes,
	// the large towns come first.
	got := r.Search("saint", 50)
	if len(got) != 50 {
		t.Fatalf("Search(saint): %d matches", len(got))
	}
	var communes []string
	for i, m := range got {
		if i > 0 && m.Population > got[i-1].Population {
			t.Errorf("Search(saint): %s (%d) after %s (%d)", m.Name, m.Population, got[i-1].Name, got[i-1].Population)
		}
		if m.Kind == KindCommune {
			communes = append(communes, m.Code)
		}
	}
	// Saint-Étienne, Saint-Denis (La Réunion), Saint-Denis (Seine-Saint-Denis), Saint-Paul.
	if want := []string{"42218", "97411", "93066", "97415"}; len(communes) < 4 || !slices.Equal(communes[:4], want) {
		t.Errorf("Search(saint): communes start with %v, want %v", communes[:min(len(communes), 4)], want)
	}

	// An exact name comes before more populous partial matches: the three
	// communes named Mont before Montpellier.
	got = r.Search("mont", 10)
	for i := range 3 {
		if got[i].Name != "Mont" {
			t.Errorf("Search(mont)[%d] = %s", i, got[i].Name)
		}
	}
	if got[0].Population < got[1].Population || got[1].Population < got[2].Population {
		t.Errorf("Search(mont): exact matches not by population: %v", got[:3])
	}

	// The limit, and its default.
	if n := len(r.Search("la", 5)); n != 5 {
		t.Errorf("Search(la, 5): %d matches", n)
	}
	if n := len(r.Search("la", 0)); n != 20 {
		t.Errorf("Search(la, 0): %d matches", n)
	}
}

func TestSearchContext(t *testing.T) {
	r := mustLoad(t)
	for _, tc := range []struct {
		q    string
		want Match
	}{
		{"33063", Match{KindCommune, "33063", "Bordeaux", 267991, "Gironde (33)"}},
		{"243301181", Match{KindEPCI, "243301181", "CC Latitude Nord Gironde", 21821, "Communauté de communes"}},
		{"33", Match{KindDepartement, "33", "Gironde", 1690493, "Nouvelle-Aquitaine"}},
	} {
		got := r.Search(tc.q, 1)
		if len(got) != 1 || got[0] != tc.want {
			t.Errorf("Search(%q, 1) = %+v, want %+v", tc.q, got, tc.want)
		}
	}
}

var benchQueries = []string{"saint", "saint joseph", "bordeaux", "cc latitude", "33", "ile", "la", "mont",
	"ile de re", "val", "l", "saint martin de", "97412", "pays de la", "métropole", "sainte marie"}

// BenchmarkSearch runs realistic queries in turn and reports, besides the
// mean, the 50th and 99th percentiles of the time per query.
func BenchmarkSearch(b *testing.B) {
	r := mustLoad(b)
	durations := make([]time.Duration, 0, b.N)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		start := time.Now()
		r.Search(benchQueries[i%len(benchQueries)], 20)
		durations = append(durations, time.Since(start))
	}
	b.StopTimer()
	p50, p99 := percentiles(durations)
	b.ReportMetric(float64(p50.Nanoseconds()), "p50-ns/op")
	b.ReportMetric(float64(p99.Nanoseconds()), "p99-ns/op")
}

// BenchmarkSearchEach reports the time of each query on its own.
func BenchmarkSearchEach(b *testing.B) {
	r := mustLoad(b)
	for _, q := range benchQueries {
		b.Run(strings.ReplaceAll(q, " ", "_"), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				r.Search(q, 20)
			}
		})
	}
}

func percentiles(d []time.Duration) (p50, p99 time.Duration) {
	if len(d) == 0 {
		return 0, 0
	}
	s := slices.Clone(d)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	return s[len(s)*50/100], s[min(len(s)-1, len(s)*99/100)]
}

// BenchmarkLoad reports the time to load the reference and the heap it
// keeps once loaded.
func BenchmarkLoad(b *testing.B) {
	var heap uint64
	for b.Loop() {
		var before, after runtime.MemStats
		b.StopTimer() // the collections below are not part of loading
		runtime.GC()
		runtime.ReadMemStats(&before)
		b.StartTimer()
		r, err := Load()
		if err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		runtime.GC()
		runtime.ReadMemStats(&after)
		heap = after.HeapAlloc - before.HeapAlloc
		runtime.KeepAlive(r)
		b.StartTimer()
	}
	b.ReportMetric(float64(heap)/(1<<20), "heap-MB")
}

// TestLoadHeap checks the heap the reference keeps once loaded against
// its 60 MB budget. Its load time is a benchmark's (BenchmarkLoad,
// docs/performance.md), not a test's: a timed assertion would fail on a
// busy machine for nothing the code did.
func TestLoadHeap(t *testing.T) {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	r, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	runtime.GC()
	runtime.ReadMemStats(&after)
	heap := int64(after.HeapAlloc) - int64(before.HeapAlloc)
	runtime.KeepAlive(r)
	t.Logf("Load keeps %.1f MB of heap", float64(heap)/(1<<20))
	if heap > 60<<20 {
		t.Errorf("Load keeps %s of heap, budget 60 MB", fmt.Sprint(heap>>20, " MB"))
	}
}
