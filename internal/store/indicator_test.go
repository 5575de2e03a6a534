package store_test

import (
	"context"
	"fmt"
	"math"
	"slices"
	"strings"
	"testing"

	"ctg/internal/account"
	"ctg/internal/app"
	"ctg/internal/diagnostic"
	"ctg/internal/store"
	"ctg/internal/testdb"
)

// latitudeNG are the 12 communes of the CC Latitude Nord Gironde (EPCI
// 243301181).
var latitudeNG = []string{"33114", "33123", "33126", "33142", "33151", "33233",
	"33266", "33272", "33439", "33473", "33489", "33492"}

func mustTable(tb testing.TB, content string) *diagnostic.Table {
	tb.Helper()
	t, err := diagnostic.ReadTable(strings.NewReader(content), "test.csv")
	if err != nil {
		tb.Fatalf("ReadTable: %v", err)
	}
	return t
}

func mustImport(tb testing.TB, db *store.DB, u *account.User, content string, req diagnostic.ImportRequest) *diagnostic.ImportSummary {
	tb.Helper()
	if req.Filename == "" {
		req.Filename = "test.csv"
	}
	s, err := db.ImportIndicators(context.Background(), mustRef(tb), u, mustTable(tb, content), req, nil)
	if err != nil {
		tb.Fatalf("ImportIndicators: %v", err)
	}
	return s
}

// valueCounts counts what an import may change.
func valueCounts(tb testing.TB, db *store.DB) [5]int {
	tb.Helper()
	return [5]int{count(tb, db, "indicator_values"), count(tb, db, "indicator_series"), count(tb, db, "indicator_aggregates"),
		count(tb, db, "imports"), count(tb, db, "history")}
}

func line(tb testing.TB, d *diagnostic.Diagnosis, code string) diagnostic.Line {
	tb.Helper()
	for _, l := range d.Indicators {
		if l.Code == code {
			return l
		}
	}
	tb.Fatalf("no line %s in the diagnosis", code)
	return diagnostic.Line{}
}

func num(p *float64) float64 {
	if p == nil {
		return math.NaN()
	}
	return *p
}

func near(a, b float64) bool { return math.Abs(a-b) <= 1e-9*math.Max(1, math.Abs(b)) }

func TestImportIndicatorsSmoke(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		db := mustOpen(t, dsn)
		var b strings.Builder
		b.WriteString("CODGEO;LIBGEO;P21_POP0002;P21_POP2539;P21_POP4054\n")
		for i, c := range latitudeNG {
			fmt.Fprintf(&b, "%s;X;%d;%d;%d\n", c, 10+i, 100, 1000+i)
		}
		s := mustImport(t, db, nil, b.String(), diagnostic.ImportRequest{Suggest: true})
		if s.Year != 2021 || s.Values != 24 || s.Communes != 12 {
			t.Fatalf("summary %+v", s)
		}
		d, err := db.Diagnosis(context.Background(), mustRef(t), latitudeNG, "33")
		if err != nil {
			t.Fatal(err)
		}
		l := line(t, d, "pop_0_2")
		if num(l.Perimeter) != 12*10+66 || num(l.Departement) != 186 || num(l.France) != 186 || l.CommunesWithValue != 12 {
			t.Errorf("pop_0_2 %+v", l)
		}
		_ = app.EInvalid
		_ = slices.Contains[[]string]
	})
}
