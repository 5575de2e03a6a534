package store_test

import (
	"bytes"
	"context"
	"slices"
	"testing"
	"time"

	"ctg/bench/importload/synth"
	"ctg/internal/diagnostic"
	"ctg/internal/store"
	"ctg/internal/testdb"
)

// diagnosisDB returns a database with 60 indicators imported for every
// commune of France.
func diagnosisDB(b *testing.B, dialect string) *store.DB {
	b.Helper()
	ctx := context.Background()
	ref := mustRef(b)
	db := testdb.Store(b, dialect)
	codes := synth.Indicators(60)
	for _, ind := range synth.Custom(codes) {
		if err := db.CreateIndicator(ctx, ref, nil, &ind); err != nil {
			b.Fatal(err)
		}
	}
	var buf bytes.Buffer
	if err := synth.Write(&buf, ref, codes, 1); err != nil {
		b.Fatal(err)
	}
	t, err := diagnostic.ReadTable(&buf, "france.csv")
	if err != nil {
		b.Fatal(err)
	}
	if _, err := db.ImportIndicators(ctx, ref, nil, t, diagnostic.ImportRequest{Filename: "france.csv", Year: synth.Year}, nil); err != nil {
		b.Fatal(err)
	}
	return db
}

// BenchmarkDiagnosis is the diagnosis, with 60 indicators next to the
// département and France, of the CC Latitude Nord Gironde (12 communes;
// budget 20 ms) and of a perimeter made of a whole département, the
// Pas-de-Calais (890 communes, the most of any; budget 100 ms).
func BenchmarkDiagnosis(b *testing.B) {
	ref := mustRef(b)
	pdc, _ := ref.Departement("62")
	for _, dialect := range []string{testdb.SQLite, testdb.Postgres} {
		b.Run(dialect, func(b *testing.B) {
			db := diagnosisDB(b, dialect)
			b.Run("epci", func(b *testing.B) { benchDiagnosis(b, db, latitude, "33") })
			b.Run("departement", func(b *testing.B) { benchDiagnosis(b, db, pdc.Communes, "62") })
		})
	}
}

func benchDiagnosis(b *testing.B, db *store.DB, communes []string, dep string) {
	ref := mustRef(b)
	ctx := context.Background()
	durations := make([]time.Duration, 0, 4096)
	b.ReportAllocs()
	for b.Loop() {
		start := time.Now()
		d, err := db.Diagnosis(ctx, ref, communes, dep)
		durations = append(durations, time.Since(start))
		if err != nil {
			b.Fatal(err)
		}
		// 60 imported counts, the 13 ratios built on them, and the
		// population of the reference.
		if len(d.Indicators) != 60+13 || d.Indicators[1].CommunesWithValue == 0 {
			b.Fatalf("%d lines", len(d.Indicators))
		}
	}
	b.StopTimer()
	slices.Sort(durations)
	at := func(p int) float64 {
		return float64(durations[min(len(durations)-1, len(durations)*p/100)].Nanoseconds())
	}
	b.ReportMetric(at(50), "p50-ns/op")
	b.ReportMetric(at(99), "p99-ns/op")
}
