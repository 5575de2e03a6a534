package dataset

import (
	"testing"

	"ctg/internal/convention"
	"ctg/internal/territory"
)

// TestActive checks the mix the package documents, on 1,000 conventions.
func TestActive(t *testing.T) {
	ref, err := territory.Load()
	if err != nil {
		t.Fatal(err)
	}
	as := Active(ref, 1000)
	window := convention.ExpiryWindowEnd(Date)
	var holds, expiring, communes int
	for _, a := range as {
		if len(a.Communes) == 0 {
			t.Fatalf("%s has no commune", a.Title)
		}
		communes += len(a.Communes)
		if a.Holds(Date) {
			holds++
			if a.End <= window {
				expiring++
			}
		}
	}
	t.Logf("1,000 conventions: %d hold %s, %d of them end within 12 months; %d commune rows", holds, Date, expiring, communes)
	if holds != 833 {
		t.Errorf("%d conventions hold %s, want 833 (five sixths)", holds, Date)
	}
	if expiring != 250 {
		t.Errorf("%d conventions expire within 12 months, want 250 (a quarter)", expiring)
	}
}
