package diagnostic

import (
	"strings"
	"sync"
	"testing"

	"ctg/internal/app"
	"ctg/internal/territory"
)

var loadRef = sync.OnceValues(territory.Load)

func mustRef(tb testing.TB) *territory.Ref {
	tb.Helper()
	ref, err := loadRef()
	if err != nil {
		tb.Fatal(err)
	}
	return ref
}

func intp(n int) *int { return &n }

func TestParseFacilityKind(t *testing.T) {
	for in, want := range map[string]string{
		"eaje": "eaje", "EAJE": "eaje", "Crèche": "eaje", "Multi-accueil": "eaje", "micro-crèche": "eaje",
		"Relais petite enfance (RPE)": "rpe", "RAM": "rpe", "Accueil de loisirs": "alsh", "ALSH": "alsh",
		"Lieu d'accueil enfants-parents": "laep", "Espace de vie sociale": "evs", "centre social": "centre_social",
		"France Services": "france_services", "Point Information Jeunesse": "pij", "Assistantes maternelles": "assistants_maternels",
		"Autre": "other",
	} {
		if got, ok := ParseFacilityKind(in); !ok || got != want {
			t.Errorf("ParseFacilityKind(%q) = %q, %v; want %q", in, got, ok, want)
		}
	}
	for _, in := range []string{"", "Garderie du coin", "école"} {
		if got, ok := ParseFacilityKind(in); ok {
			t.Errorf("ParseFacilityKind(%q) = %q, want none", in, got)
		}
	}
}

func TestFacilityValidate(t *testing.T) {
	ref := mustRef(t)
	tests := []struct {
		name   string
		f      Facility
		fields []string
	}{
		{"right", Facility{Kind: "eaje", Name: "Les Petits Pas", Commune: "33473", Places: intp(24)}, nil},
		{"no places where optional", Facility{Kind: "rpe", Name: "RPE", Commune: "33473"}, nil},
		{"former code", Facility{Kind: "rpe", Name: "RPE", Commune: "33041"}, nil},
		{"everything wrong", Facility{Kind: "crèche", Name: " ", Commune: "99999", Places: intp(-1), Manager: strings.Repeat("x", 201)},
			[]string{"kind", "name", "commune", "places", "manager"}},
		{"places needed", Facility{Kind: "alsh", Name: "ALSH", Commune: "33473"}, []string{"places"}},
		{"no commune", Facility{Kind: "pij", Name: "PIJ"}, []string{"commune"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.f.Validate(ref)
			got := app.ErrorFields(err)
			if len(got) != len(tt.fields) {
				t.Errorf("fields %v, want %v", got, tt.fields)
			}
			for _, k := range tt.fields {
				if got[k] == "" {
					t.Errorf("no message on %s: %v", k, got)
				}
			}
		})
	}
	f := Facility{Kind: "rpe", Name: "RPE", Commune: "33041"}
	if err := f.Validate(ref); err != nil || f.Commune == "33041" || f.Departement != "33" {
		t.Errorf("former code resolved to %q (%q), %v", f.Commune, f.Departement, err)
	}
}

func TestTotals(t *testing.T) {
	got := Totals([]Facility{
		{Kind: "eaje", Places: intp(20)}, {Kind: "eaje", Places: intp(12)}, {Kind: "rpe"}, {Kind: "laep", Places: intp(8)},
	})
	if got["eaje"] != (KindTotal{2, 32}) || got["rpe"] != (KindTotal{1, 0}) || got["laep"] != (KindTotal{1, 8}) || len(got) != 3 {
		t.Errorf("Totals = %v", got)
	}
}

func TestReadFacilities(t *testing.T) {
	ref := mustRef(t)
	read := func(t *testing.T, csv string) ([]FacilityLine, error) {
		t.Helper()
		tab, err := ReadTable(strings.NewReader(csv), "equipements.csv")
		if err != nil {
			t.Fatalf("ReadTable: %v", err)
		}
		return ReadFacilities(tab, ref)
	}

	t.Run("French headers", func(t *testing.T) {
		lines, err := read(t, "Type d'équipement;Nom;Code commune;Nombre de places;Gestionnaire\n"+
			"Crèche;Multi-accueil Les Petits Pas;33473;24;CC Latitude Nord Gironde\n"+
			"RPE;RPE Latitude Nord;33123;;CC Latitude Nord Gironde\n"+
			"Accueil de loisirs;ALSH de Saint-Savin;33041;1 20;Association Les Cabanes\n"+
			"LAEP;La Parenthèse;33473;s;\n")
		if err != nil {
			t.Fatal(err)
		}
		if len(lines) != 4 || lines[0].Kind != "eaje" || *lines[0].Places != 24 || lines[1].Places != nil ||
			lines[2].Commune == "33041" || *lines[2].Places != 120 || lines[3].Places != nil || lines[3].Line != 5 {
			t.Errorf("lines = %+v", lines)
		}
	})

	t.Run("English headers, commas", func(t *testing.T) {
		lines, err := read(t, "kind,name,commune,places,manager\neaje,Les Lucioles,33473,12,Commune\n")
		if err != nil || len(lines) != 1 || lines[0].Manager != "Commune" {
			t.Errorf("lines = %+v, %v", lines, err)
		}
	})

	t.Run("bad cells name line and column", func(t *testing.T) {
		_, err := read(t, "type;nom;CODGEO;places\n"+
			"Crèche;Les Petits Pas;33473;24\n"+
			"Garderie;La Cabane;33473;10\n"+
			"EAJE;;99999;douze\n"+
			"ALSH;Centre de loisirs;33473;\n"+
			"Crèche;LES PETITS PAS;33473;24\n")
		fields := app.ErrorFields(err)
		for _, k := range []string{"ligne 3, colonne type", "ligne 4, colonne nom", "ligne 4, colonne CODGEO", "ligne 4, colonne places",
			"ligne 5, colonne places", "ligne 6, colonne nom"} {
			if fields[k] == "" {
				t.Errorf("no message on %q: %v", k, fields)
			}
		}
		if len(fields) != 6 {
			t.Errorf("%d messages, want 6: %v", len(fields), fields)
		}
	})

	t.Run("missing columns", func(t *testing.T) {
		_, err := read(t, "intitulé;population\nx;3\n")
		if msg := app.ErrorFields(err)["fichier"]; !strings.Contains(msg, "« type »") || !strings.Contains(msg, "« code commune »") {
			t.Errorf("missing columns: %v", err)
		}
	})

	t.Run("places needed without a places column", func(t *testing.T) {
		_, err := read(t, "type;nom;code_commune\nALSH;Centre de loisirs;33473\n")
		if app.ErrorFields(err)["ligne 2, colonne type"] == "" {
			t.Errorf("ALSH without places column: %v", err)
		}
	})

	t.Run("many errors are capped", func(t *testing.T) {
		var b strings.Builder
		b.WriteString("type;nom;code_commune\n")
		for range 80 {
			b.WriteString("Garderie;X;33473\n")
		}
		_, err := read(t, b.String())
		if n := len(app.ErrorFields(err)); n != maxImportErrors || !strings.Contains(app.ErrorMessage(err), "80 cellules") {
			t.Errorf("%d messages, %q", n, app.ErrorMessage(err))
		}
	})
}
