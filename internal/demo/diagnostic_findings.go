package demo

import (
	"context"
	"fmt"

	"ctg/internal/diagnostic"
	"ctg/internal/store"
)

// The diagnosis of the CTG Latitude Nord Gironde 2027-2031, under way: the
// inventory of facilities of its communes, what the data, interviews, the
// questionnaire and the workshops found, and the stakes drawn from it. Names
// of facilities and associations are invented.

// diagnosisOf is the convention these belong to.
const diagnosisOf = "ctg-lng-2027"

type facilitySpec struct {
	Kind, Name, Commune string
	Places              int // -1: none given
	Manager             string
}

var lngFacilities = []facilitySpec{
	{"eaje", "Multi-accueil Les Petits Pas", "33473", 30, "Communauté de communes Latitude Nord Gironde"},
	{"eaje", "Multi-accueil Les Lucioles", "33233", 24, "Communauté de communes Latitude Nord Gironde"},
	{"eaje", "Micro-crèche Les P'tits Loups", "33114", 10, "SAS Les P'tits Loups"},
	{"eaje", "Multi-accueil Pirouette", "33492", 20, "Association Pirouette"},
	{"assistants_maternels", "Assistants maternels de Saint-Savin", "33473", 68, ""},
	{"assistants_maternels", "Assistants maternels de Cézac", "33123", 41, ""},
	{"assistants_maternels", "Assistants maternels de Laruscade", "33233", 39, ""},
	{"rpe", "RPE Latitude Nord", "33473", -1, "Communauté de communes Latitude Nord Gironde"},
	{"laep", "LAEP La Parenthèse", "33114", -1, "Association Les Cabanes de Latitude"},
	{"alsh", "ALSH de Saint-Savin", "33473", 120, "Communauté de communes Latitude Nord Gironde"},
	{"alsh", "ALSH Les Cabanes", "33233", 80, "Association Les Cabanes de Latitude"},
	{"alsh", "ALSH de Saint-Yzan-de-Soudiac", "33492", 60, "Commune de Saint-Yzan-de-Soudiac"},
	{"evs", "Espace de vie sociale La Passerelle", "33142", -1, "Association La Passerelle"},
	{"france_services", "France services Latitude Nord", "33473", -1, "Communauté de communes Latitude Nord Gironde"},
	{"pij", "Point information jeunesse de Cavignac", "33114", -1, "Commune de Cavignac"},
	{"other", "Ludothèque itinérante Ludi'Nord", "33272", -1, "Association Les Cabanes de Latitude"},
}

// findingSpec is a finding; Key names it for the stakes.
type findingSpec struct {
	Key, On, Kind, Field, Source, Text string
}

var lngFindings = []findingSpec{
	// The data: inventory, CAF and INSEE figures.
	{"s-accueil", "2026-10-06", "strength", "petite_enfance", "data",
		"Une offre d'accueil collectif dans les trois principaux bourgs (Saint-Savin, Laruscade, Cavignac), complétée par un réseau dense d'assistants maternels."},
	{"w-nord", "2026-10-06", "weakness", "petite_enfance", "data",
		"Aucune place d'accueil collectif dans les communes du nord du territoire (Donnezac, Civrac-de-Blaye, Saint-Vivien-de-Blaye) : les familles font plus de 15 km."},
	{"w-centre-social", "2026-10-06", "weakness", "animation_vie_sociale", "data",
		"Aucun centre social sur le territoire ; un seul espace de vie sociale, à Cubnezais."},
	// Interviews of elected officials and partners.
	{"s-associations", "2026-10-13", "strength", "animation_vie_sociale", "interview",
		"Un tissu associatif actif, porté notamment par l'association Les Cabanes de Latitude (accueil de loisirs, LAEP, ludothèque itinérante)."},
	{"s-france-services", "2026-10-13", "strength", "acces_aux_droits", "interview",
		"L'espace France services de Saint-Savin est connu des familles et bien fréquenté."},
	{"w-numerique", "2026-10-13", "weakness", "inclusion_numerique", "interview",
		"Une partie des familles n'a pas d'accès fiable à internet, ce qui freine les démarches en ligne (inscriptions, prestations)."},
	{"n-permanence", "2026-10-13", "need", "acces_aux_droits", "interview",
		"Une permanence d'accès aux droits itinérante dans les communes les plus éloignées de Saint-Savin."},
	// The residents' questionnaire.
	{"w-ados", "2026-10-27", "weakness", "jeunesse", "questionnaire",
		"Peu d'activités pour les 11-17 ans en dehors des vacances scolaires : 58 % des parents qui ont répondu jugent l'offre insuffisante."},
	{"n-horaires", "2026-10-27", "need", "petite_enfance", "questionnaire",
		"Des horaires d'accueil plus larges (avant 7 h 30 et après 18 h 30) pour les parents qui travaillent dans la métropole bordelaise."},
	{"n-inscription", "2026-10-27", "need", "enfance", "questionnaire",
		"Une inscription en ligne aux accueils de loisirs, demandée par 7 parents sur 10."},
	// The mixed working groups.
	{"s-reseau", "2026-11-05", "strength", "parentalite", "workshop",
		"Le LAEP La Parenthèse est apprécié des parents qui le fréquentent, et les professionnels de la petite enfance travaillent déjà en réseau avec le RPE."},
	{"n-lieu-ados", "2026-11-05", "need", "jeunesse", "workshop",
		"Un lieu d'accueil pour les adolescents, avec un animateur, ouvert les mercredis et les samedis."},
	{"n-parents", "2026-11-05", "need", "parentalite", "workshop",
		"Des temps d'échange entre parents et des actions de soutien à la parentalité dans chaque secteur du territoire."},
}

type stakeSpec struct {
	Title    string
	Priority int
	Fields   []string
	Findings []string // keys of findings
}

var lngStakes = []stakeSpec{
	{"Développer et rééquilibrer l'accueil du jeune enfant", 1, []string{"petite_enfance"}, []string{"s-accueil", "w-nord", "n-horaires"}},
	{"Offrir aux adolescents des lieux et des activités toute l'année", 1, []string{"jeunesse"}, []string{"w-ados", "n-lieu-ados"}},
	{"Soutenir les parents dans chaque secteur du territoire", 2, []string{"parentalite"}, []string{"s-reseau", "n-parents"}},
	{"Faciliter l'accès aux droits et les démarches en ligne", 2, []string{"acces_aux_droits", "inclusion_numerique", "enfance"},
		[]string{"s-france-services", "w-numerique", "n-permanence", "n-inscription"}},
	{"Renforcer l'animation de la vie sociale", 3, []string{"animation_vie_sociale"}, []string{"s-associations", "w-centre-social"}},
}

// facilitiesAndFindings are the events of the diagnosis: the coordinator
// takes the inventory, records what each step of the consultation found,
// then the stakes the steering committee drew from them. Each finds what a
// stopped load stored already and leaves it.
func (l *loader) facilitiesAndFindings() []event {
	events := []event{{"2026-09-22", l.storeFacilities}}
	days := map[string]bool{}
	for _, f := range lngFindings {
		if !days[f.On] {
			days[f.On] = true
			on := f.On
			events = append(events, event{on, func(ctx context.Context) error { return l.storeFindings(ctx, on) }})
		}
	}
	return append(events, event{"2026-11-17", l.storeStakes})
}

func (l *loader) storeFacilities(ctx context.Context) error {
	by, err := l.actor("julien")
	if err != nil {
		return err
	}
	codes := make([]string, 0, len(lngFacilities))
	for _, f := range lngFacilities {
		codes = append(codes, f.Commune)
	}
	stored, err := l.db.Facilities(ctx, store.FacilityFilter{Communes: codes})
	if err != nil {
		return err
	}
	have := map[string]bool{}
	for _, f := range stored {
		have[f.Commune+"|"+f.Kind+"|"+f.NameKey()] = true
	}
	for _, s := range lngFacilities {
		f := &diagnostic.Facility{Kind: s.Kind, Name: s.Name, Commune: s.Commune, Manager: s.Manager}
		if s.Places >= 0 {
			n := s.Places
			f.Places = &n
		}
		if have[f.Commune+"|"+f.Kind+"|"+f.NameKey()] {
			continue
		}
		if err := l.db.CreateFacility(ctx, l.ref, by, f); err != nil {
			return fmt.Errorf("facility %s: %w", s.Name, err)
		}
	}
	return nil
}

// storedFindings returns the findings of the diagnosis by text.
func (l *loader) storedFindings(ctx context.Context) (map[string]diagnostic.Finding, error) {
	c, ok := l.convs[diagnosisOf]
	if !ok {
		return nil, fmt.Errorf("convention %s has findings before it exists", diagnosisOf)
	}
	by, err := l.actor("julien")
	if err != nil {
		return nil, err
	}
	list, err := l.db.Findings(ctx, by, c.ID, store.FindingFilter{})
	if err != nil {
		return nil, err
	}
	out := make(map[string]diagnostic.Finding, len(list))
	for _, f := range list {
		out[f.Text] = f
	}
	return out, nil
}

func (l *loader) storeFindings(ctx context.Context, on string) error {
	have, err := l.storedFindings(ctx)
	if err != nil {
		return err
	}
	by, _ := l.actor("julien")
	for _, s := range lngFindings {
		if s.On != on {
			continue
		}
		if _, ok := have[s.Text]; ok {
			continue
		}
		f := &diagnostic.Finding{Kind: s.Kind, Field: s.Field, Source: s.Source, Text: s.Text}
		if err := l.db.CreateFinding(ctx, by, l.convs[diagnosisOf].ID, f); err != nil {
			return fmt.Errorf("finding %s: %w", s.Key, err)
		}
	}
	return nil
}

func (l *loader) storeStakes(ctx context.Context) error {
	have, err := l.storedFindings(ctx)
	if err != nil {
		return err
	}
	by, _ := l.actor("julien")
	c := l.convs[diagnosisOf]
	stored, err := l.db.Stakes(ctx, by, c.ID)
	if err != nil {
		return err
	}
	titles := map[string]bool{}
	for _, s := range stored {
		titles[s.Title] = true
	}
	text := map[string]string{}
	for _, f := range lngFindings {
		text[f.Key] = f.Text
	}
	for _, s := range lngStakes {
		if titles[s.Title] {
			continue
		}
		st := &diagnostic.Stake{Title: s.Title, Priority: s.Priority, Fields: s.Fields}
		for _, k := range s.Findings {
			f, ok := have[text[k]]
			if !ok {
				return fmt.Errorf("stake %q: finding %s is not stored", s.Title, k)
			}
			st.Findings = append(st.Findings, f.ID)
		}
		if err := l.db.CreateStake(ctx, by, c.ID, st); err != nil {
			return fmt.Errorf("stake %q: %w", s.Title, err)
		}
	}
	return nil
}
