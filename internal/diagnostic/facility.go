package diagnostic

import (
	"encoding/json"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"ctg/internal/app"
	"ctg/internal/convention"
	"ctg/internal/territory"
)

// Facility kinds (équipements et services aux familles).
const (
	FacilityEAJE                = "eaje"
	FacilityAssistantsMaternels = "assistants_maternels"
	FacilityRPE                 = "rpe"
	FacilityLAEP                = "laep"
	FacilityALSH                = "alsh"
	FacilityCentreSocial        = "centre_social"
	FacilityEVS                 = "evs"
	FacilityFranceServices      = "france_services"
	FacilityPIJ                 = "pij"
	FacilityOther               = "other"
)

// FacilityKind is a kind of facility with its French names. Places tells
// whether the kind is counted in places (a crèche, a leisure centre), which
// then must be given; for the others places are optional.
type FacilityKind struct {
	Code   string `json:"code"`
	Label  string `json:"label"`
	Short  string `json:"short"`
	Places bool   `json:"places"`
	// aliases are other names files give the kind, folded by
	// territory.Normalize.
	aliases []string
}

// FacilityKinds lists the kinds in display order: early childhood first,
// then childhood and youth, then social life and access to rights.
var FacilityKinds = []FacilityKind{
	{FacilityEAJE, "Établissement d'accueil du jeune enfant (EAJE)", "EAJE", true,
		[]string{"creche", "creches", "multi accueil", "micro creche", "halte garderie", "creche familiale", "etablissement d accueil du jeune enfant"}},
	{FacilityAssistantsMaternels, "Assistants maternels", "Assistants maternels", true,
		[]string{"assistant maternel", "assistante maternelle", "assistantes maternelles", "assmat", "am", "accueil individuel"}},
	{FacilityRPE, "Relais petite enfance (RPE)", "RPE", false,
		[]string{"relais petite enfance", "ram", "relais assistants maternels", "relais d assistants maternels"}},
	{FacilityLAEP, "Lieu d'accueil enfants-parents (LAEP)", "LAEP", false,
		[]string{"lieu d accueil enfants parents", "lieu d accueil enfant parent"}},
	{FacilityALSH, "Accueil de loisirs sans hébergement (ALSH)", "ALSH", true,
		[]string{"accueil de loisirs", "accueil de loisirs sans hebergement", "centre de loisirs", "acm", "accueil collectif de mineurs"}},
	{FacilityCentreSocial, "Centre social", "Centre social", false,
		[]string{"centres sociaux", "cs"}},
	{FacilityEVS, "Espace de vie sociale (EVS)", "EVS", false,
		[]string{"espace de vie sociale"}},
	{FacilityFranceServices, "France services", "France services", false,
		[]string{"maison france services", "espace france services", "mfs"}},
	{FacilityPIJ, "Point information jeunesse (PIJ)", "PIJ", false,
		[]string{"point information jeunesse", "bij", "information jeunesse"}},
	{FacilityOther, "Autre équipement ou service", "Autre", false,
		[]string{"autre", "autres", "divers"}},
}

// FacilityKindOf returns the kind of the given code.
func FacilityKindOf(code string) (FacilityKind, bool) {
	for _, k := range FacilityKinds {
		if k.Code == code {
			return k, true
		}
	}
	return FacilityKind{}, false
}

// FacilityKindLabel returns the French name of a kind, or the code when unknown.
func FacilityKindLabel(code string) string {
	if k, ok := FacilityKindOf(code); ok {
		return k.Label
	}
	return code
}

// FacilityKindShort returns the short French name of a kind ("EAJE").
func FacilityKindShort(code string) string {
	if k, ok := FacilityKindOf(code); ok {
		return k.Short
	}
	return code
}

// ParseFacilityKind reads a kind as a file writes it: its code, its French
// name or abbreviation, or a common other name ("Crèche", "Accueil de
// loisirs", "RAM"), ignoring case, accents and punctuation.
func ParseFacilityKind(s string) (string, bool) {
	if _, ok := FacilityKindOf(s); ok {
		return s, true
	}
	n := territory.Normalize(s)
	if n == "" {
		return "", false
	}
	for _, k := range FacilityKinds {
		if n == territory.Normalize(k.Code) || n == territory.Normalize(k.Label) || n == territory.Normalize(k.Short) ||
			slices.Contains(k.aliases, n) {
			return k.Code, true
		}
	}
	return "", false
}

// Facility is a service to families in a commune: a crèche, a leisure
// centre, a social centre… Facilities are data about the territory, not
// about one convention: every convention whose perimeter holds the commune
// shows them.
type Facility struct {
	ID          string    `json:"id"`
	Kind        string    `json:"kind"`
	Name        string    `json:"name"`
	Commune     string    `json:"commune"`
	Departement string    `json:"departement"`
	Places      *int      `json:"places"`
	Manager     string    `json:"manager"`
	Version     int       `json:"version"`
	CreatedAt   time.Time `json:"created_at"`
	UpdatedAt   time.Time `json:"updated_at"`
}

// MaxNameLength bounds names, titles and managers, in characters.
const MaxNameLength = 200

// NameKey is what two facilities of the same kind in the same commune may
// not share: their name, ignoring case, accents and punctuation.
func (f *Facility) NameKey() string { return territory.Normalize(f.Name) }

// Validate checks f, resolves a former commune code to the current commune
// and fills Departement. It returns an EInvalid error with one French
// message per field.
func (f *Facility) Validate(ref *territory.Ref) error {
	f.Kind = strings.TrimSpace(f.Kind)
	f.Name = strings.Join(strings.Fields(f.Name), " ")
	f.Manager = strings.Join(strings.Fields(f.Manager), " ")
	bad := app.Fields{}
	kind, ok := FacilityKindOf(f.Kind)
	if !ok {
		bad.Add("kind", "Choisissez un type d'équipement : "+facilityCodes()+".")
	}
	if f.Name == "" {
		bad.Add("name", "Donnez le nom de l'équipement, par exemple « Multi-accueil Les Petits Pas ».")
	} else if utf8.RuneCountInString(f.Name) > MaxNameLength {
		bad.Add("name", "Le nom ne doit pas dépasser 200 caractères.")
	}
	code := strings.TrimSpace(f.Commune)
	if code == "" {
		bad.Add("commune", "Indiquez la commune de l'équipement (code INSEE).")
	} else if c, ok := ref.Commune(code); ok {
		f.Commune, f.Departement = c.Code, c.Departement
	} else {
		bad.Add("commune", "Commune inconnue du référentiel 2026 : "+code+".")
	}
	switch {
	case f.Places != nil && *f.Places < 0:
		bad.Add("places", "Le nombre de places ne peut pas être négatif.")
	case f.Places != nil && *f.Places > 100000:
		bad.Add("places", "Ce nombre de places est invraisemblable : vérifiez-le.")
	case f.Places == nil && ok && kind.Places:
		bad.Add("places", "Indiquez le nombre de places : il est attendu pour ce type d'équipement ("+kind.Short+").")
	}
	if utf8.RuneCountInString(f.Manager) > MaxNameLength {
		bad.Add("manager", "Le gestionnaire ne doit pas dépasser 200 caractères.")
	}
	return bad.Err()
}

func facilityCodes() string {
	codes := make([]string, len(FacilityKinds))
	for i, k := range FacilityKinds {
		codes[i] = k.Code
	}
	return strings.Join(codes, ", ")
}

// FacilityPatch is a partial change of a facility; absent fields stay.
type FacilityPatch struct {
	Kind    *string     `json:"kind"`
	Name    *string     `json:"name"`
	Commune *string     `json:"commune"`
	Places  OptionalInt `json:"places"`
	Manager *string     `json:"manager"`
}

// Apply copies the set fields of p onto f.
func (p FacilityPatch) Apply(f *Facility) {
	if p.Kind != nil {
		f.Kind = *p.Kind
	}
	if p.Name != nil {
		f.Name = *p.Name
	}
	if p.Commune != nil {
		f.Commune = *p.Commune
	}
	if p.Places.Set {
		f.Places = p.Places.Value
	}
	if p.Manager != nil {
		f.Manager = *p.Manager
	}
}

// DiffFacilities lists the fields that differ between two versions of a
// facility, for the history.
func DiffFacilities(a, b *Facility) map[string]convention.Change {
	d := map[string]convention.Change{}
	if a.Kind != b.Kind {
		d["kind"] = convention.Change{Before: a.Kind, After: b.Kind}
	}
	if a.Name != b.Name {
		d["name"] = convention.Change{Before: a.Name, After: b.Name}
	}
	if a.Commune != b.Commune {
		d["commune"] = convention.Change{Before: a.Commune, After: b.Commune}
	}
	if !equalInt(a.Places, b.Places) {
		d["places"] = convention.Change{Before: a.Places, After: b.Places}
	}
	if a.Manager != b.Manager {
		d["manager"] = convention.Change{Before: a.Manager, After: b.Manager}
	}
	return d
}

func equalInt(a, b *int) bool {
	return (a == nil && b == nil) || (a != nil && b != nil && *a == *b)
}

// FacilityCreated describes a new facility for the history; FacilityDeleted
// one that is gone.
func FacilityCreated(f *Facility) map[string]convention.Change {
	return onlyAfter(DiffFacilities(&Facility{}, f))
}

// FacilityDeleted describes a deleted facility: every field, with no value
// after.
func FacilityDeleted(f *Facility) map[string]convention.Change {
	return onlyBefore(DiffFacilities(f, &Facility{}))
}

func onlyAfter(d map[string]convention.Change) map[string]convention.Change {
	for k, ch := range d {
		d[k] = convention.Change{After: ch.After}
	}
	return d
}

func onlyBefore(d map[string]convention.Change) map[string]convention.Change {
	for k, ch := range d {
		d[k] = convention.Change{Before: ch.Before}
	}
	return d
}

// KindTotal is the number of facilities of a kind and their places.
type KindTotal struct {
	Count  int `json:"count"`
	Places int `json:"places"`
}

// Totals counts facilities and places per kind; facilities without places
// count for none.
func Totals(fs []Facility) map[string]KindTotal {
	out := map[string]KindTotal{}
	for _, f := range fs {
		t := out[f.Kind]
		t.Count++
		if f.Places != nil {
			t.Places += *f.Places
		}
		out[f.Kind] = t
	}
	return out
}

// SortFacilities orders facilities as the pages show them: by commune code,
// kind in display order, then name.
func SortFacilities(fs []Facility) {
	rank := map[string]int{}
	for i, k := range FacilityKinds {
		rank[k.Code] = i
	}
	slices.SortFunc(fs, func(a, b Facility) int {
		if a.Commune != b.Commune {
			return strings.Compare(a.Commune, b.Commune)
		}
		if rank[a.Kind] != rank[b.Kind] {
			return rank[a.Kind] - rank[b.Kind]
		}
		if c := strings.Compare(territory.Normalize(a.Name), territory.Normalize(b.Name)); c != 0 {
			return c
		}
		return strings.Compare(a.ID, b.ID)
	})
}

// OptionalInt is an integer field of a partial change that may be absent
// (Set is false), null (Set, Value nil) or a value.
type OptionalInt struct {
	Set   bool
	Value *int
}

// UnmarshalJSON records that the field was present, null or not.
func (o *OptionalInt) UnmarshalJSON(b []byte) error {
	o.Set = true
	if string(b) == "null" {
		o.Value = nil
		return nil
	}
	var n int
	if err := json.Unmarshal(b, &n); err != nil {
		return err
	}
	o.Value = &n
	return nil
}

// ParsePlaces reads a number of places typed in a form: empty is none.
func ParsePlaces(s string) (*int, bool) {
	s = strings.ReplaceAll(strings.TrimSpace(s), " ", "")
	s = strings.ReplaceAll(s, "\u00a0", "")
	if s == "" {
		return nil, true
	}
	n, err := strconv.Atoi(s)
	if err != nil {
		return nil, false
	}
	return &n, true
}
