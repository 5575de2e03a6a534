package convention_test

import (
	"slices"
	"testing"
	"time"

	"ctg/bench/dataset"
	"ctg/internal/convention"
	"ctg/internal/territory"
)

// BenchmarkComputeCoverage computes the coverage of all of France (every
// commune, with a row per département) and of one département, with 1,000
// signed conventions over real EPCIs: the computation behind
// GET /api/v1/coverage, without the database. Budget: 100 ms for all of
// France, store included; see docs/performance.md.
func BenchmarkComputeCoverage(b *testing.B) {
	ref, err := territory.Load()
	if err != nil {
		b.Fatal(err)
	}
	active := dataset.Active(ref, 1000)
	for _, bc := range []struct{ name, dep string }{{"France", ""}, {"Gironde", "33"}} {
		b.Run(bc.name, func(b *testing.B) {
			durations := make([]time.Duration, 0, 1024)
			b.ReportAllocs()
			for b.Loop() {
				start := time.Now()
				cv := convention.ComputeCoverage(ref, bc.dep, dataset.Date, active)
				durations = append(durations, time.Since(start))
				if cv.Communes == 0 || cv.Covered.Communes == 0 {
					b.Fatalf("coverage of %q counts nothing: %+v", bc.dep, cv)
				}
			}
			b.ReportMetric(float64(percentile(durations, 99).Nanoseconds()), "p99-ns/op")
		})
	}
}

// percentile returns the p-th percentile of d.
func percentile(d []time.Duration, p int) time.Duration {
	if len(d) == 0 {
		return 0
	}
	s := slices.Clone(d)
	slices.Sort(s)
	return s[min(len(s)-1, len(s)*p/100)]
}
