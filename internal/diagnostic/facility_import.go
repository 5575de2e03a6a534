package diagnostic

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"ctg/internal/app"
	"ctg/internal/territory"
)

// facilityColumns are the headers each field of a facility goes by in a
// file, folded by foldHeader, in order of preference. The commune is found
// by FindGeoColumn first.
var facilityColumns = []struct {
	field    string
	label    string // what to call the column in a message
	required bool
	headers  []string
}{
	{"kind", "type", true, []string{"kind", "type", "typedequipement", "typeequipement", "typedestructure", "typestructure",
		"nature", "categorie", "typologie", "equipement"}},
	{"name", "nom", true, []string{"name", "nom", "nomdelequipement", "nomequipement", "nomdelastructure", "nomstructure",
		"libelle", "denomination", "intitule", "raisonsociale", "etablissement"}},
	{"commune", "code commune", true, []string{"commune", "communecode"}},
	{"places", "places", false, []string{"places", "nombredeplaces", "nbplaces", "nbdeplaces", "nombreplaces", "capacite",
		"capaciteaccueil", "capacitedaccueil", "placesagreees", "agrement"}},
	{"manager", "gestionnaire", false, []string{"manager", "gestionnaire", "gestion", "porteur", "operateur", "organisme",
		"organismegestionnaire"}},
}

// maxImportErrors bounds the messages of a rejected file: past them, the
// person has enough to fix before trying again.
const maxImportErrors = 50

// FacilityLine is a facility read from a file, with the line it was on.
type FacilityLine struct {
	Line int
	Facility
}

// ReadFacilities reads the facilities of a table (see ReadTable): one per
// line, with columns for the kind (code, French name or a common other name,
// see ParseFacilityKind), the name, the commune code (a former code reads as
// the current commune), the places and the manager, under English or French
// headers (kind/type, name/nom, code commune/CODGEO, places/capacité,
// manager/gestionnaire).
//
// Either every line is right, or it returns an EInvalid error whose fields
// name each wrong cell as "ligne N, colonne X" (at most 50), and a missing
// column as "fichier". Two lines for the same facility (kind, name and
// commune) are an error too.
func ReadFacilities(t *Table, ref *territory.Ref) ([]FacilityLine, error) {
	col := map[string]int{}
	if i, ok := FindGeoColumn(t.Headers); ok {
		col["commune"] = i
	}
	folded := make([]string, len(t.Headers))
	for i, h := range t.Headers {
		folded[i] = foldHeader(h)
	}
	var missing []string
	for _, c := range facilityColumns {
		if _, ok := col[c.field]; ok {
			continue
		}
		for _, h := range c.headers {
			if i := slices.Index(folded, h); i >= 0 {
				col[c.field] = i
				break
			}
		}
		if _, ok := col[c.field]; !ok && c.required {
			missing = append(missing, "« "+c.label+" »")
		}
	}
	if len(missing) > 0 {
		return nil, app.Invalid("Le fichier n'a pas les colonnes attendues.", map[string]string{
			"fichier": fmt.Sprintf("Colonne introuvable : %s. La ligne des titres (ligne %d) doit nommer au moins le type, le nom et le code commune (par exemple : type ; nom ; code_commune ; places ; gestionnaire).",
				strings.Join(missing, ", "), t.HeaderLine)})
	}

	bad := map[string]string{}
	errorsFound := 0
	fail := func(line int, field, msg string) {
		errorsFound++
		if len(bad) < maxImportErrors {
			bad[fmt.Sprintf("ligne %d, colonne %s", line, t.Headers[col[field]])] = msg
		}
	}
	cell := func(r Row, field string) string {
		i, ok := col[field]
		if !ok {
			return ""
		}
		return r.Cells[i]
	}
	out := make([]FacilityLine, 0, len(t.Rows))
	seen := map[string]int{}
	for _, r := range t.Rows {
		f := Facility{Name: cell(r, "name"), Commune: cell(r, "commune"), Manager: cell(r, "manager")}
		ok := true
		raw := cell(r, "kind")
		if kind, known := ParseFacilityKind(raw); known {
			f.Kind = kind
		} else {
			ok = false
			if raw == "" {
				fail(r.Line, "kind", "Indiquez le type de l'équipement.")
			} else {
				fail(r.Line, "kind", "Type d'équipement inconnu : « "+raw+" ». Types reconnus : "+facilityShorts()+".")
			}
		}
		placesBad := false
		if raw := cell(r, "places"); raw != "" {
			v, secret, err := ParseNumber(raw)
			switch {
			case err != nil:
				placesBad = true
				fail(r.Line, "places", "« "+raw+" » n'est pas un nombre de places.")
			case secret:
				// "s" or "nd": the places are not known, as if the cell were empty.
			case v != math.Trunc(v) || v < 0:
				placesBad = true
				fail(r.Line, "places", "Le nombre de places doit être un entier positif ou nul (lu : "+raw+").")
			default:
				n := int(v)
				f.Places = &n
			}
		}
		if err := f.Validate(ref); err != nil {
			for field, msg := range app.ErrorFields(err) {
				if field == "kind" || (field == "places" && placesBad) {
					continue // already said
				}
				ok = false
				if _, has := col[field]; !has {
					field = "kind" // places required by the kind, with no places column
					msg = "Ce type d'équipement demande un nombre de places : ajoutez une colonne « places »."
				}
				fail(r.Line, field, msg)
			}
		}
		if !ok || placesBad {
			continue
		}
		key := f.Commune + "|" + f.Kind + "|" + f.NameKey()
		if first, dup := seen[key]; dup {
			fail(r.Line, "name", "Cet équipement figure déjà ligne "+strconv.Itoa(first)+" (même type, même nom, même commune).")
			continue
		}
		seen[key] = r.Line
		out = append(out, FacilityLine{Line: r.Line, Facility: f})
	}
	if errorsFound > 0 {
		msg := "Le fichier n'a pas été importé : corrigez les cellules signalées, puis importez-le de nouveau. Rien n'a été enregistré."
		if errorsFound > len(bad) {
			msg = fmt.Sprintf("Le fichier n'a pas été importé : %d cellules sont à corriger (les %d premières sont détaillées). Rien n'a été enregistré.", errorsFound, len(bad))
		}
		return nil, app.Invalid(msg, bad)
	}
	return out, nil
}

func facilityShorts() string {
	s := make([]string, len(FacilityKinds))
	for i, k := range FacilityKinds {
		s[i] = k.Short
	}
	return strings.Join(s, ", ")
}

// FacilityImport is the outcome of an import: lines read, facilities
// created, updated (same kind, name and commune as one already known, with
// other places or manager) and left as they were.
type FacilityImport struct {
	Rows      int `json:"rows"`
	Created   int `json:"created"`
	Updated   int `json:"updated"`
	Unchanged int `json:"unchanged"`
	Communes  int `json:"communes"`
}
