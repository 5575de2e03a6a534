// Package synth writes the France-wide commune file the import benchmarks
// read: one row per current commune (34,875), a CODGEO and a LIBGEO column,
// then one column per indicator, with the shapes of the files people
// download (integers, decimals with a dot or a comma, thousands spaces,
// about 1 % of secret values written "s").
package synth

import (
	"bufio"
	"fmt"
	"io"
	"math/rand/v2"

	"ctg/internal/diagnostic"
	"ctg/internal/territory"
)

// Year is the year of the synthetic values.
const Year = 2021

// Indicators returns n indicator codes: the counts of the built-in
// catalogue that can be imported for Year, then custom counts
// (bench_01, bench_02, …) to add to the catalogue first (see Custom).
func Indicators(n int) []string {
	var codes []string
	for _, ind := range diagnostic.BuiltIn() {
		if !ind.IsRatio() && len(codes) < n {
			codes = append(codes, ind.Code)
		}
	}
	for i := 1; len(codes) < n; i++ {
		codes = append(codes, fmt.Sprintf("bench_%02d", i))
	}
	return codes
}

// Custom returns the custom counts among codes, ready for CreateIndicator.
func Custom(codes []string) []diagnostic.Indicator {
	var out []diagnostic.Indicator
	for _, c := range codes {
		if len(c) > 6 && c[:6] == "bench_" {
			out = append(out, diagnostic.Indicator{Code: c, Label: "Mesure " + c[6:], Unit: "personnes", Aggregate: diagnostic.Sum})
		}
	}
	return out
}

// Write writes the file: a header line, then one line per commune of ref,
// semicolon-separated, UTF-8. The same seed gives the same file.
func Write(w io.Writer, ref *territory.Ref, codes []string, seed uint64) error {
	bw := bufio.NewWriterSize(w, 1<<20)
	rnd := rand.New(rand.NewPCG(seed, 42))
	bw.WriteString("CODGEO;LIBGEO")
	for _, c := range codes {
		bw.WriteString(";" + c)
	}
	bw.WriteString("\n")
	for _, c := range ref.AllCommunes() {
		bw.WriteString(c.Code)
		bw.WriteString(";")
		bw.WriteString(c.Name)
		for range codes {
			bw.WriteString(";")
			switch r := rnd.IntN(100); {
			case r == 0:
				bw.WriteString("s")
			case r < 60:
				fmt.Fprintf(bw, "%d", rnd.IntN(c.Population/4+2))
			case r < 80:
				fmt.Fprintf(bw, "%.6f", rnd.Float64()*float64(c.Population+1)/3)
			case r < 95:
				v := rnd.IntN(c.Population + 1)
				if v >= 1000 {
					fmt.Fprintf(bw, "%d %03d", v/1000, v%1000)
				} else {
					fmt.Fprintf(bw, "%d", v)
				}
			default:
				fmt.Fprintf(bw, "%d,%d", rnd.IntN(500), rnd.IntN(10))
			}
		}
		bw.WriteString("\n")
	}
	return bw.Flush()
}
