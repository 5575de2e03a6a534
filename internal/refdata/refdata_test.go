package refdata

import (
	"bufio"
	"compress/gzip"
	"io"
	"strconv"
	"strings"
	"testing"
)

// TestSource checks that the embedded files come from the package and
// version the constants announce, and that each file has the number of rows
// the generator recorded.
func TestSource(t *testing.T) {
	b, err := FS.ReadFile("data/source.tsv")
	if err != nil {
		t.Fatal(err)
	}
	source := make(map[string]string)
	for _, line := range strings.Split(strings.TrimSpace(string(b)), "\n")[1:] {
		k, v, _ := strings.Cut(line, "\t")
		source[k] = v
	}
	if source["package"] != Package || source["version"] != Version {
		t.Errorf("data/source.tsv: %s@%s, constants say %s@%s", source["package"], source["version"], Package, Version)
	}
	for _, tc := range []struct{ file, count string }{
		{"data/communes.tsv.gz", "communes"},
		{"data/epci.tsv.gz", "epcis"},
		{"data/ept.tsv", "epts"},
		{"data/departements.tsv", "departements"},
		{"data/regions.tsv", "regions"},
		{"data/anciens_codes.tsv.gz", "anciens_codes"},
	} {
		want, err := strconv.Atoi(source[tc.count])
		if err != nil {
			t.Fatalf("data/source.tsv: %s: %v", tc.count, err)
		}
		if got := countRows(t, tc.file); got != want {
			t.Errorf("%s: %d rows, data/source.tsv says %d", tc.file, got, want)
		}
	}
}

func countRows(t *testing.T, name string) int {
	t.Helper()
	f, err := FS.Open(name)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var r io.Reader = f
	if strings.HasSuffix(name, ".gz") {
		zr, err := gzip.NewReader(f)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		r = zr
	}
	n := -1 // the header
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		n++
	}
	if err := sc.Err(); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return n
}
