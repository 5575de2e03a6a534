package publication

import (
	"strings"
	"testing"

	"ctg/internal/app"
)

func TestBaseSlug(t *testing.T) {
	for title, want := range map[string]string{
		"CTG Latitude Nord Gironde 2022-2026":           "ctg-latitude-nord-gironde-2022-2026",
		"Contrat de ville de Saint-Joseph (La Réunion)": "contrat-de-ville-de-saint-joseph-la-reunion",
		"L'Île-d'Yeu : enfance & jeunesse":              "l-ile-d-yeu-enfance-jeunesse",
		"Œuvres sociales":                               "oeuvres-sociales",
		"« »":                                           "convention",
		strings.Repeat("abcdefghij ", 10):               "abcdefghij-abcdefghij-abcdefghij-abcdefghij-abcdefghij",
		strings.Repeat("x", 80):                         strings.Repeat("x", 60),
	} {
		if got := BaseSlug(title); got != want {
			t.Errorf("BaseSlug(%q) = %q, want %q", title, got, want)
		}
	}
}

func TestFirstFree(t *testing.T) {
	if got := FirstFree("ctg", nil); got != "ctg" {
		t.Errorf("nothing taken: %q", got)
	}
	if got := FirstFree("ctg", []string{"ctg", "ctg-2", "ctg-4"}); got != "ctg-3" {
		t.Errorf("ctg, ctg-2 taken: %q", got)
	}
	if URL("ctg-3") != "/p/ctg-3" {
		t.Error(URL("ctg-3"))
	}
}

func TestValidate(t *testing.T) {
	p := &Publication{Summary: "  Notre projet\r\npour les familles.  "}
	if err := p.Validate(); err != nil || p.Summary != "Notre projet\npour les familles." {
		t.Errorf("%q, %v", p.Summary, err)
	}
	p.Summary = strings.Repeat("é", MaxSummary+1)
	if err := p.Validate(); app.ErrorFields(err)["summary"] == "" {
		t.Errorf("long summary: %v", err)
	}
	d := Diff(nil, &Publication{Slug: "ctg", ShowBudget: true})
	if len(d) != 2 || d["slug"].After != "ctg" || d["show_budget"].After != true {
		t.Errorf("diff %+v", d)
	}
}
