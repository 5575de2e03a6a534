package cli_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"ctg/internal/store"
	"ctg/internal/testdb"
)

func TestImportIndicators(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		env := map[string]string{"CTG_DB": dsn}
		insee := filepath.Join("..", "diagnostic", "testdata", "insee_2021_w1252.csv")
		r := run(t, env, "", "import", "indicators", insee, "--source", "INSEE, recensement 2021")
		if r.code != 0 {
			t.Fatalf("exit %d: %s", r.code, r.stderr)
		}
		for _, want := range []string{
			"Import terminé : insee_2021_w1252.csv (CSV, séparateur point-virgule, Windows-1252), année 2021, source « INSEE, recensement 2021 ».",
			"Colonnes reconnues (sans --map) :",
			"  P21_POP2539 → pop_25_64",
			"Colonnes ignorées (2) : LIBGEO, Remarque",
			"17 lignes lues ; 13 communes ; 65 valeurs enregistrées, dont 1 secrète.",
			"  ligne 17 : 75101 — arrondissement municipal",
			"  ligne 18 : 97501 — collectivité d'outre-mer",
			"  33018 Val de Virvée ← 33018 (ligne 14) + 33371 (ligne 15) + 33495 (ligne 16)",
		} {
			if !strings.Contains(r.stdout, want) {
				t.Errorf("the summary lacks %q:\n%s", want, r.stdout)
			}
		}

		// --map chooses the columns; the others are ignored.
		caf := filepath.Join("..", "diagnostic", "testdata", "caf_2022_bom.csv")
		r = run(t, env, "", "import", "indicators", "--db", dsn, "--year", "2022", "--map", "NB_Allocataires=allocataires", caf)
		if r.code != 0 || !strings.Contains(r.stdout, "Colonnes importées :\n  NB_Allocataires → allocataires\n") ||
			!strings.Contains(r.stdout, "Colonnes ignorées (3) : Communes, ALL_bas_revenu, Date_Ref") {
			t.Errorf("exit %d\n%s%s", r.code, r.stdout, r.stderr)
		}

		// An XLSX file of a partner, with its own headers.
		f := excelize.NewFile()
		f.SetSheetRow("Sheet1", "A1", &[]any{"Code INSEE", "Commune", "Places en crèche", "Places chez les assistantes maternelles"})
		f.SetSheetRow("Sheet1", "A2", &[]any{"33114", "Cavignac", 24, 61})
		f.SetSheetRow("Sheet1", "A3", &[]any{"33473", "Saint-Savin", 36, "s"})
		xlsx := filepath.Join(t.TempDir(), "places.xlsx")
		if err := f.SaveAs(xlsx); err != nil {
			t.Fatal(err)
		}
		r = run(t, env, "", "import", "indicators", xlsx, "--year", "2024", "--source", "Conseil départemental",
			"--map", "Places en crèche=places_eaje", "--map", "Places chez les assistantes maternelles=places_assmat")
		if r.code != 0 || !strings.Contains(r.stdout, "(XLSX)") || !strings.Contains(r.stdout, "2 lignes lues ; 2 communes ; 4 valeurs enregistrées, dont 1 secrète.") {
			t.Errorf("XLSX: exit %d\n%s%s", r.code, r.stdout, r.stderr)
		}

		db, err := store.Open(context.Background(), dsn)
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		var by []string
		if err := db.SQL().Select(&by, `SELECT user_name FROM imports ORDER BY at`); err != nil || len(by) != 3 || by[0] != "ctg (ligne de commande)" {
			t.Errorf("imports by %v, %v", by, err)
		}
		var n int
		if err := db.SQL().Get(&n, `SELECT COUNT(*) FROM indicator_values`); err != nil || n != 65+12+4 {
			t.Errorf("%d values, %v", n, err)
		}

		// Bad input: exit 1, one French line, nothing stored.
		dir := t.TempDir()
		write := func(name, content string) string {
			p := filepath.Join(dir, name)
			if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
				t.Fatal(err)
			}
			return p
		}
		for _, tc := range []struct {
			name string
			args []string
			says string
		}{
			{"text for a number", []string{write("a.csv", "CODGEO;P21_POP0002\n33114;1\n33123;douze\n")}, "ligne 3, colonne P21_POP0002 : « douze » n'est pas un nombre."},
			{"empty", []string{write("vide.csv", "")}, "Le fichier est vide."},
			{"no geography", []string{write("b.csv", "LIBGEO;P21_POP0002\nCavignac;1\n")}, "Aucune colonne de codes commune"},
			{"a code twice", []string{write("c.csv", "CODGEO;P21_POP0002\n33114;1\n33114;2\n")}, "lignes 2 et 3"},
			{"no year", []string{write("d.csv", "CODGEO;pop_0_2\n33114;1\n")}, "Indiquez l'année"},
			{"bad --map", []string{write("e.csv", "CODGEO;x\n33114;1\n"), "--map", "x"}, "--map « x »"},
			{"missing file", []string{filepath.Join(dir, "absent.csv")}, "n'existe pas"},
			{"no file", nil, "indiquez le fichier à importer"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				r := run(t, env, "", append([]string{"import", "indicators"}, tc.args...)...)
				checkFailure(t, r, tc.says)
				var m int
				if err := db.SQL().Get(&m, `SELECT COUNT(*) FROM indicator_values`); err != nil || m != n {
					t.Errorf("%d values after a refused import, want %d", m, n)
				}
			})
		}
		checkFailure(t, run(t, env, "", "import", "facilities"), "ctg import indicators")
	})
}
