// Package field lists the fields of intervention (champs d'intervention)
// that findings, stakes and actions are tied to.
package field

// Field is a field of intervention.
type Field struct {
	Code  string `json:"code"`
	Label string `json:"label"`
}

// All lists the fields in display order. Petite enfance, jeunesse and
// parentalité are the ones every CTG must cover.
var All = []Field{
	{"petite_enfance", "Petite enfance"},
	{"enfance", "Enfance"},
	{"jeunesse", "Jeunesse"},
	{"parentalite", "Parentalité"},
	{"animation_vie_sociale", "Animation de la vie sociale"},
	{"acces_aux_droits", "Accès aux droits"},
	{"logement", "Logement"},
	{"handicap", "Handicap"},
	{"inclusion_numerique", "Inclusion numérique"},
	{"accompagnement_social", "Accompagnement social"},
	{"insertion", "Insertion"},
	{"sante", "Santé"},
	{"education", "Éducation"},
	{"emploi", "Économie et emploi"},
	{"cadre_de_vie", "Cadre de vie et renouvellement urbain"},
	{"autre", "Autre"},
}

// RequiredForCTG are the fields a CTG must cover.
var RequiredForCTG = []string{"petite_enfance", "jeunesse", "parentalite"}

// Valid reports whether code is a field of intervention.
func Valid(code string) bool {
	for _, f := range All {
		if f.Code == code {
			return true
		}
	}
	return false
}

// Label returns the French name of a field, or the code when unknown.
func Label(code string) string {
	for _, f := range All {
		if f.Code == code {
			return f.Label
		}
	}
	return code
}
