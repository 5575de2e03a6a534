// Package convention holds the conventions between a CAF and the local
// authorities of a territory: their kinds, perimeter, parties, life cycle,
// who may see and change them, and the coverage of the territory they give.
package convention

import (
	"encoding/json"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"ctg/internal/account"
	"ctg/internal/app"
	"ctg/internal/territory"
)

// Kinds of convention.
const (
	KindCTG            = "ctg"
	KindCEJ            = "cej"
	KindPEDT           = "pedt"
	KindContratDeVille = "contrat_de_ville"
)

// Kinds lists the kinds in display order with their French names.
var Kinds = []struct{ Code, Label, Short string }{
	{KindCTG, "Convention territoriale globale", "CTG"},
	{KindCEJ, "Contrat enfance jeunesse", "CEJ"},
	{KindPEDT, "Projet éducatif de territoire", "PEDT"},
	{KindContratDeVille, "Contrat de ville", "Contrat de ville"},
}

// KindLabel returns the French name of a kind.
func KindLabel(kind string) string {
	for _, k := range Kinds {
		if k.Code == kind {
			return k.Label
		}
	}
	return kind
}

// KindShort returns the short French name of a kind ("CTG").
func KindShort(kind string) string {
	for _, k := range Kinds {
		if k.Code == kind {
			return k.Short
		}
	}
	return kind
}

func validKind(kind string) bool {
	for _, k := range Kinds {
		if k.Code == kind {
			return true
		}
	}
	return false
}

// Statuses, in the order of the life cycle.
const (
	StatusDiagnostic  = "diagnostic"
	StatusElaboration = "elaboration"
	StatusSigned      = "signed"
	StatusEnded       = "ended"
)

// Statuses lists the life cycle in order with French names.
var Statuses = []struct{ Code, Label string }{
	{StatusDiagnostic, "Diagnostic"},
	{StatusElaboration, "Élaboration"},
	{StatusSigned, "Signée"},
	{StatusEnded, "Échue"},
}

// StatusLabel returns the French name of a status.
func StatusLabel(s string) string {
	for _, st := range Statuses {
		if st.Code == s {
			return st.Label
		}
	}
	return s
}

// StatusIndex returns the rank of s in the life cycle, -1 when unknown.
func StatusIndex(s string) int {
	for i, st := range Statuses {
		if st.Code == s {
			return i
		}
	}
	return -1
}

// Perimeter is what the partners chose: whole EPCIs, single communes, and
// communes of those EPCIs left out.
type Perimeter struct {
	EPCIs    []string `json:"epcis"`
	Communes []string `json:"communes"`
	Excluded []string `json:"excluded,omitempty"`
}

// StatusChange is one step of the life cycle, dated.
type StatusChange struct {
	Status string    `db:"status" json:"status"`
	Date   string    `db:"date" json:"date"`
	At     time.Time `db:"at" json:"at"`
}

// Convention is a partnership contract over a perimeter.
type Convention struct {
	ID         string         `json:"id"`
	Kind       string         `json:"kind"`
	Title      string         `json:"title"`
	CAF        string         `json:"caf"`
	Perimeter  Perimeter      `json:"perimeter"`
	Start      string         `json:"start"`
	End        string         `json:"end"`
	Parties    []string       `json:"parties"`
	Renews     *string        `json:"renews"`
	RenewedBy  *string        `json:"renewed_by"`
	Status     string         `json:"status"`
	SignedOn   string         `json:"signed_on,omitempty"`
	Version    int            `json:"version"`
	Communes   []string       `json:"communes"`
	Population int            `json:"population"`
	Timeline   []StatusChange `json:"timeline"`
	CreatedAt  time.Time      `json:"created_at"`
	UpdatedAt  time.Time      `json:"updated_at"`
}

// Departement is the département of the convention's CAF.
func (c *Convention) Departement() string { return strings.TrimPrefix(c.CAF, "caf-") }

// HasParty reports whether org is the CAF or one of the parties.
func (c *Convention) HasParty(org string) bool {
	return org != "" && (c.CAF == org || slices.Contains(c.Parties, org))
}

// Visible reports whether u may see c: an admin, or a user whose
// organisation is the convention's CAF or one of its parties.
func Visible(u *account.User, c *Convention) bool {
	if u == nil {
		return false
	}
	return u.IsAdmin() || c.HasParty(u.OrgID)
}

// CheckEdit returns nil when u may change c, a forbidden error when u sees c
// but may not change it, and not found when u does not see it.
func CheckEdit(u *account.User, c *Convention) error {
	if !Visible(u, c) {
		return app.ErrNotFound
	}
	if !u.CanEdit() {
		return app.Errorf(app.EForbidden, "Votre rôle (lecture) ne permet pas de modifier cette convention.")
	}
	return nil
}

// Lookup is what validation needs from the rest of the world.
type Lookup struct {
	Ref *territory.Ref
	// OrgKind returns the kind of an organisation, false when it does not exist.
	OrgKind func(id string) (string, bool)
	// Exists reports whether a convention exists and is visible.
	Exists func(id string) bool
}

// DateLayout is the layout of dates in the API.
const DateLayout = "2006-01-02"

// ParseDate parses a YYYY-MM-DD date.
func ParseDate(s string) (time.Time, bool) {
	t, err := time.Parse(DateLayout, s)
	return t, err == nil
}

// Normalize trims text fields, deduplicates and sorts code lists, and resolves
// former commune codes to the current ones.
func (c *Convention) Normalize(ref *territory.Ref) {
	c.Title = strings.TrimSpace(c.Title)
	c.Kind = strings.TrimSpace(c.Kind)
	c.Perimeter.EPCIs = uniq(c.Perimeter.EPCIs, nil)
	resolve := func(code string) string {
		if cm, ok := ref.Commune(code); ok {
			return cm.Code
		}
		return code
	}
	c.Perimeter.Communes = uniq(c.Perimeter.Communes, resolve)
	c.Perimeter.Excluded = uniq(c.Perimeter.Excluded, resolve)
	c.Parties = uniq(c.Parties, nil)
	// The CAF is the CAF, not also a party.
	c.Parties = slices.DeleteFunc(c.Parties, func(p string) bool { return p == c.CAF })
}

func uniq(in []string, f func(string) string) []string {
	out := make([]string, 0, len(in))
	for _, s := range in {
		s = strings.TrimSpace(s)
		if f != nil {
			s = f(s)
		}
		if s != "" {
			out = append(out, s)
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// Validate checks c and, when valid, fills Communes and Population from the
// perimeter. It returns an EInvalid error with one French message per field.
func (c *Convention) Validate(l Lookup) error {
	c.Normalize(l.Ref)
	f := app.Fields{}
	if !validKind(c.Kind) {
		f.Add("kind", "Choisissez un type de convention : ctg, cej, pedt ou contrat_de_ville.")
	}
	if c.Title == "" {
		f.Add("title", "Donnez un intitulé à la convention, par exemple « CTG Latitude Nord Gironde 2022-2026 ».")
	} else if utf8.RuneCountInString(c.Title) > 200 {
		f.Add("title", "L'intitulé ne doit pas dépasser 200 caractères.")
	}
	if kind, ok := l.OrgKind(c.CAF); !ok {
		f.Add("caf", "Choisissez la Caf signataire (par exemple caf-33).")
	} else if kind != "caf" {
		f.Add("caf", "L'organisation choisie comme Caf n'est pas une Caf.")
	}
	for _, e := range c.Perimeter.EPCIs {
		if _, ok := l.Ref.EPCI(e); !ok {
			f.Add("perimeter.epcis", "Intercommunalité inconnue du référentiel 2026 : "+e+".")
		}
	}
	for _, code := range c.Perimeter.Communes {
		if _, ok := l.Ref.Commune(code); !ok {
			f.Add("perimeter.communes", "Commune inconnue du référentiel 2026 : "+code+".")
		}
	}
	for _, code := range c.Perimeter.Excluded {
		if _, ok := l.Ref.Commune(code); !ok {
			f.Add("perimeter.excluded", "Commune inconnue du référentiel 2026 : "+code+".")
		}
	}
	start, okStart := ParseDate(c.Start)
	end, okEnd := ParseDate(c.End)
	if !okStart {
		f.Add("start", "Indiquez la date de début au format AAAA-MM-JJ.")
	}
	if !okEnd {
		f.Add("end", "Indiquez la date de fin au format AAAA-MM-JJ.")
	}
	if okStart && okEnd && !end.After(start) {
		f.Add("end", "La date de fin doit être postérieure à la date de début.")
	}
	for _, p := range c.Parties {
		if _, ok := l.OrgKind(p); !ok {
			f.Add("parties", "Organisation inconnue : "+p+".")
		}
	}
	if c.Renews != nil && *c.Renews == "" {
		c.Renews = nil
	}
	if c.Renews != nil {
		if *c.Renews == c.ID {
			f.Add("renews", "Une convention ne peut pas se renouveler elle-même.")
		} else if l.Exists == nil || !l.Exists(*c.Renews) {
			f.Add("renews", "La convention renouvelée est introuvable.")
		}
	}
	if _, bad := f["perimeter.epcis"]; !bad {
		if _, bad := f["perimeter.communes"]; !bad {
			c.Communes = Resolve(l.Ref, c.Perimeter)
			c.Population = l.Ref.Population(c.Communes)
			if len(c.Communes) == 0 {
				f.Add("perimeter", "Le périmètre doit compter au moins une commune : choisissez une intercommunalité ou des communes.")
			}
		}
	}
	return f.Err()
}

// Resolve returns the sorted communes of a perimeter: every member of its
// EPCIs plus its single communes, minus the excluded ones.
func Resolve(ref *territory.Ref, p Perimeter) []string {
	set := map[string]bool{}
	for _, e := range p.EPCIs {
		if epci, ok := ref.EPCI(e); ok {
			for _, c := range epci.Communes {
				set[c] = true
			}
		}
	}
	for _, code := range p.Communes {
		if cm, ok := ref.Commune(code); ok {
			set[cm.Code] = true
		}
	}
	for _, code := range p.Excluded {
		if cm, ok := ref.Commune(code); ok {
			delete(set, cm.Code)
		}
	}
	out := make([]string, 0, len(set))
	for c := range set {
		out = append(out, c)
	}
	slices.Sort(out)
	return out
}

// Patch is a partial change; nil fields stay as they are.
type Patch struct {
	Kind      *string    `json:"kind"`
	Title     *string    `json:"title"`
	CAF       *string    `json:"caf"`
	Perimeter *Perimeter `json:"perimeter"`
	Start     *string    `json:"start"`
	End       *string    `json:"end"`
	Parties   *[]string  `json:"parties"`
	Renews    Optional   `json:"renews"`
}

// Apply copies the set fields of p onto c.
func (p Patch) Apply(c *Convention) {
	if p.Kind != nil {
		c.Kind = *p.Kind
	}
	if p.Title != nil {
		c.Title = *p.Title
	}
	if p.CAF != nil {
		c.CAF = *p.CAF
	}
	if p.Perimeter != nil {
		c.Perimeter = *p.Perimeter
	}
	if p.Start != nil {
		c.Start = *p.Start
	}
	if p.End != nil {
		c.End = *p.End
	}
	if p.Parties != nil {
		c.Parties = *p.Parties
	}
	if p.Renews.Set {
		c.Renews = p.Renews.Value
	}
}

// Transition checks a move of c to status `to` on `date` and returns a
// conflict error, in French, when it is not allowed: the life cycle moves
// one step forward at a time, and signing needs its date, a CAF and at least
// one other party.
func Transition(c *Convention, to, date string) error {
	from := StatusIndex(c.Status)
	next := StatusIndex(to)
	if next < 0 {
		return &app.Error{Code: app.EInvalid, Message: "Statut inconnu.", Fields: map[string]string{
			"status": "Choisissez un statut parmi diagnostic, elaboration, signed, ended."}}
	}
	if next != from+1 {
		if next <= from {
			return app.Errorf(app.EConflict, "La convention est déjà au statut « %s » : on ne revient pas en arrière.", StatusLabel(c.Status))
		}
		return app.Errorf(app.EConflict, "Passage impossible de « %s » à « %s » : le statut avance d'une étape à la fois (prochaine étape : « %s »).",
			StatusLabel(c.Status), StatusLabel(to), StatusLabel(Statuses[from+1].Code))
	}
	if date != "" {
		if _, ok := ParseDate(date); !ok {
			return &app.Error{Code: app.EInvalid, Message: "Date invalide.", Fields: map[string]string{"date": "Indiquez la date au format AAAA-MM-JJ."}}
		}
	}
	if to == StatusSigned {
		if date == "" {
			return app.Errorf(app.EConflict, "Indiquez la date de signature pour passer la convention au statut « Signée ».")
		}
		if c.CAF == "" {
			return app.Errorf(app.EConflict, "Une convention signée doit avoir une Caf signataire.")
		}
		if len(c.Parties) == 0 {
			return app.Errorf(app.EConflict, "Ajoutez au moins une partie signataire en plus de la Caf avant la signature.")
		}
	}
	return nil
}

// Optional is a string field of a partial change that may be absent (Set is
// false), null (Set, Value nil) or a value.
type Optional struct {
	Set   bool
	Value *string
}

// UnmarshalJSON records that the field was present, null or not.
func (o *Optional) UnmarshalJSON(b []byte) error {
	o.Set = true
	if string(b) == "null" {
		o.Value = nil
		return nil
	}
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return err
	}
	o.Value = &s
	return nil
}
