package web

import (
	"encoding/csv"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"ctg/internal/account"
	"ctg/internal/app"
	"ctg/internal/convention"
	"ctg/internal/territory"
)

type stepView struct {
	Code, Label, Date string
	State             string // done, current, todo
}

type perimeterEPCI struct {
	territory.EPCI
	Included int
	Excluded []territory.Commune
}

type conventionData struct {
	C          *convention.Convention
	CAFName    string
	Parties    []account.Organisation
	Steps      []stepView
	Next       *stepView
	EPCIs      []perimeterEPCI
	Singles    []territory.Commune
	Renews     *convention.Convention
	RenewedBy  *convention.Convention
	History    []convention.Entry
	CanEdit    bool
	StatusErr  string
	StatusDate string
	Today      string
	Labels     map[string]string
	Names      map[string]string
	Rows       []historyRow
	// Checks are what a partner would ask about before signing: the
	// plan's and the budget's warnings, while the convention is prepared.
	Checks     []checkView
	MoreChecks int // beyond the maxChecks listed
}

// checkView is a warning about a convention, with the page that shows
// what it is about.
type checkView struct{ Message, Link string }

// maxChecks bounds the warnings the convention page lists; the plan and
// budget pages list them all.
const maxChecks = 8

// conventionChecks gathers the warnings of the plan and of the budget of
// a convention being prepared; once signed, they are on those pages.
func (s *Server) conventionChecks(r *http.Request, c *convention.Convention) ([]checkView, error) {
	if c.Status != convention.StatusDiagnostic && c.Status != convention.StatusElaboration {
		return nil, nil
	}
	u := currentUser(r)
	warnings, err := s.db.PlanWarnings(r.Context(), u, c.ID)
	if err != nil {
		return nil, err
	}
	var out []checkView
	for _, w := range warnings {
		out = append(out, checkView{w.Message, w.Link})
	}
	totals, err := s.db.ConventionBudget(r.Context(), u, c.ID)
	if err != nil {
		return nil, err
	}
	for _, w := range totals.Warnings {
		link := w.Link
		if link == "" {
			link = "/conventions/" + c.ID + "/budget"
		}
		out = append(out, checkView{w.Message, link})
	}
	return out, nil
}

func (s *Server) conventionData(r *http.Request, id string) (*conventionData, error) {
	u := currentUser(r)
	c, err := s.db.ConventionHead(r.Context(), u, id)
	if err != nil {
		return nil, err
	}
	// The page counts the communes; the reference resolves the perimeter
	// as it did when the convention was saved.
	c.Communes = convention.Resolve(s.ref, c.Perimeter)
	d := &conventionData{C: c, CanEdit: convention.CheckEdit(u, c) == nil, Today: s.today(), Labels: fieldLabels}
	d.History, err = s.db.HistoryOf(r.Context(), c, 8)
	if err != nil {
		return nil, err
	}
	// One query names the CAF, the parties and what the history mentions.
	if d.Names, err = s.historyNames(r, d.History, append([]string{c.CAF}, c.Parties...)...); err != nil {
		return nil, err
	}
	d.CAFName = d.Names[c.CAF]
	d.Rows = historyRows(d.History, d.Names)
	for _, p := range c.Parties {
		if name, ok := d.Names[p]; ok {
			d.Parties = append(d.Parties, account.Organisation{ID: p, Name: name})
		}
	}
	done := map[string]string{}
	for _, t := range c.Timeline {
		done[t.Status] = t.Date
	}
	cur := convention.StatusIndex(c.Status)
	for i, st := range convention.Statuses {
		v := stepView{Code: st.Code, Label: st.Label, Date: done[st.Code]}
		switch {
		case i < cur:
			v.State = "done"
		case i == cur:
			v.State = "current"
		default:
			v.State = "todo"
		}
		if st.Code == convention.StatusEnded && v.Date == "" {
			v.Date = c.End
		}
		d.Steps = append(d.Steps, v)
		if i == cur+1 {
			n := v
			d.Next = &n
		}
	}
	d.StatusDate = d.Today
	excluded := map[string]bool{}
	for _, e := range c.Perimeter.Excluded {
		excluded[e] = true
	}
	for _, siren := range c.Perimeter.EPCIs {
		if e, ok := s.ref.EPCI(siren); ok {
			pe := perimeterEPCI{EPCI: e}
			for _, code := range e.Communes {
				if excluded[code] {
					cm, _ := s.ref.Commune(code)
					pe.Excluded = append(pe.Excluded, cm)
				} else {
					pe.Included++
				}
			}
			d.EPCIs = append(d.EPCIs, pe)
		}
	}
	for _, code := range c.Perimeter.Communes {
		if cm, ok := s.ref.Commune(code); ok {
			d.Singles = append(d.Singles, cm)
		}
	}
	if d.Checks, err = s.conventionChecks(r, c); err != nil {
		return nil, err
	}
	if len(d.Checks) > maxChecks {
		d.Checks, d.MoreChecks = d.Checks[:maxChecks], len(d.Checks)-maxChecks
	}
	if c.Renews != nil {
		if title, err := s.db.ConventionTitle(r.Context(), u, *c.Renews); err == nil {
			d.Renews = &convention.Convention{ID: *c.Renews, Title: title}
		}
	}
	if c.RenewedBy != nil {
		if title, err := s.db.ConventionTitle(r.Context(), u, *c.RenewedBy); err == nil {
			d.RenewedBy = &convention.Convention{ID: *c.RenewedBy, Title: title}
		}
	}
	return d, nil
}

func (s *Server) conventionPage(w http.ResponseWriter, r *http.Request) error {
	d, err := s.conventionData(r, r.PathValue("id"))
	if err != nil {
		return err
	}
	return s.render(w, r, "convention", d.C.Title, "conventions", d)
}

func (s *Server) conventionStatus(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return errForm
	}
	id := r.PathValue("id")
	version, _ := strconv.Atoi(r.PostFormValue("version"))
	date := r.PostFormValue("date")
	_, err := s.db.SetStatus(r.Context(), currentUser(r), id, version, r.PostFormValue("status"), date)
	if err != nil {
		code := app.ErrorCode(err)
		if code != app.EConflict && code != app.EInvalid && code != app.EPreconditionFailed {
			return err
		}
		d, derr := s.conventionData(r, id)
		if derr != nil {
			return derr
		}
		d.StatusErr = app.ErrorMessage(err)
		for _, m := range app.ErrorFields(err) {
			d.StatusErr = m
		}
		d.StatusDate = date
		return s.renderStatus(w, r, statusFor(code), "convention", d.C.Title, "conventions", d)
	}
	return s.redirectFlash(w, r, "/conventions/"+id, "status")
}

type historyData struct {
	C       *convention.Convention
	History []convention.Entry
	Labels  map[string]string
	Names   map[string]string
	Rows    []historyRow
}

func (s *Server) conventionHistoryPage(w http.ResponseWriter, r *http.Request) error {
	u := currentUser(r)
	c, err := s.db.Convention(r.Context(), u, r.PathValue("id"))
	if err != nil {
		return err
	}
	h, err := s.db.HistoryOf(r.Context(), c, 2000)
	if err != nil {
		return err
	}
	names, err := s.historyNames(r, h)
	if err != nil {
		return err
	}
	return s.render(w, r, "history", "Historique — "+c.Title, "conventions", historyData{C: c, History: h, Labels: fieldLabels, Names: names, Rows: historyRows(h, names)})
}

// fieldLabels names in French the fields and actions shown in the history.
var fieldLabels = map[string]string{
	"kind": "Type", "title": "Intitulé", "caf": "Caf", "start": "Début", "end": "Fin", "parties": "Parties",
	"perimeter": "Périmètre", "population": "Population", "renews": "Renouvelle", "status": "Statut",
	"signed_on": "Signée le", "date": "Date",
	"convention.create": "Création", "convention.update": "Modification", "convention.status": "Changement de statut",

	// What the convention contains: facilities, findings and stakes.
	"name": "Nom", "commune": "Commune", "places": "Places", "manager": "Gestionnaire",
	"field": "Champ d'intervention", "text": "Texte", "source": "Source",
	"fields": "Champs d'intervention", "priority": "Priorité", "findings": "Constats", "stakes": "Enjeux",
	"facility.create": "Équipement ajouté", "facility.update": "Équipement modifié", "facility.delete": "Équipement supprimé",
	"finding.create": "Constat ajouté", "finding.update": "Constat modifié", "finding.delete": "Constat supprimé",
	"stake.create": "Enjeu ajouté", "stake.update": "Enjeu modifié", "stake.delete": "Enjeu supprimé",

	// Workshops and their proposals.
	"workshop.create": "Atelier ajouté", "workshop.update": "Atelier modifié", "workshop.delete": "Atelier supprimé",
	"proposal.carry": "Proposition retenue comme constat",
	"place":          "Lieu", "minutes": "Compte rendu", "proposals": "Propositions", "proposal": "Proposition", "finding": "Constat",
	"elected": "Élus", "staff": "Professionnels", "associations": "Associations", "residents": "Habitants",

	// The plan of actions: axes, objectives, actions, their journal and follow-up indicators.
	"axis.create": "Axe ajouté", "axis.update": "Axe modifié", "axis.delete": "Axe supprimé",
	"objective.create": "Objectif ajouté", "objective.update": "Objectif modifié", "objective.delete": "Objectif supprimé",
	"action.create": "Action ajoutée", "action.update": "Action modifiée", "action.delete": "Action supprimée",
	"journal.create":          "Note de suivi ajoutée",
	"action_indicator.create": "Indicateur de suivi ajouté", "action_indicator.update": "Indicateur de suivi modifié",
	"action_indicator.values": "Valeurs d'un indicateur de suivi saisies", "action_indicator.delete": "Indicateur de suivi supprimé",
	"number": "Numéro", "description": "Description", "objectives": "Objectifs", "position": "Rang", "axis": "Axe",
	"ref": "Référence", "objective": "Objectif", "lead": "Porteur", "partners": "Partenaires", "public": "Public visé",
	"action": "Action", "indicator": "Indicateur", "label": "Libellé", "unit": "Unité", "baseline": "Valeur de départ",
	"targets": "Cibles", "values": "Valeurs",

	// The budget of the actions and the public page.
	"budget.update": "Budget d'une action modifié", "budget.import": "Budget importé d'un tableur",
	"publication.publish": "Page publique publiée", "publication.update": "Page publique modifiée", "publication.unpublish": "Page publique retirée",
	"lines": "Lignes de budget", "planned_cents": "Montant prévu", "actual_cents": "Montant réalisé", "actions": "Actions concernées",
	"slug": "Adresse publique", "show_budget": "Budget affiché", "show_surveys": "Résultats des questionnaires affichés", "summary": "Résumé",

	// Yearly reviews, the final evaluation and the renewal.
	"review.create": "Bilan annuel d'une action écrit", "review.update": "Bilan annuel d'une action modifié",
	"budget.actuals": "Montants réalisés d'une action saisis", "review_comment.create": "Commentaire sur un bilan annuel",
	"evaluation.update": "Évaluation finale modifiée", "convention.renewal": "Convention issue d'un renouvellement",
	"convention.renewed": "Renouvellement démarré", "year": "Année",
	"done": "Réalisé", "difficulties": "Difficultés", "next_steps": "Suites à donner",
	"author": "Auteur", "organisation": "Organisation", "subject": "Sujet", "results": "Résultats", "assessment": "Appréciation",
	"carry_on": "À reconduire", "renewal": "Nouvelle convention",

	// Committees, their meetings and decisions; amendments.
	"meeting.create": "Réunion ajoutée", "meeting.update": "Réunion modifiée", "meeting.delete": "Réunion supprimée",
	"decision.update": "Suite d'une décision", "amendment.create": "Avenant enregistré",
	"committee": "Instance", "attendees": "Participants", "agenda": "Ordre du jour", "decisions": "Décisions", "decision": "Décision",
	"decision_status": "Suite donnée", "outcome": "Ce qu'elle est devenue",
	"plan_changes": "Changements du plan d'actions", "budget_changes": "Changements du budget",
}

type communesData struct {
	C         *convention.Convention
	Communes  []territory.Commune
	EPCINames map[string]string
}

// conventionCommunesPage lists the communes of the perimeter, by name.
func (s *Server) conventionCommunesPage(w http.ResponseWriter, r *http.Request) error {
	c, err := s.db.Convention(r.Context(), currentUser(r), r.PathValue("id"))
	if err != nil {
		return err
	}
	d := communesData{C: c, EPCINames: map[string]string{}}
	for _, code := range c.Communes {
		if cm, ok := s.ref.Commune(code); ok {
			d.Communes = append(d.Communes, cm)
			if e, ok := s.ref.EPCI(cm.EPCI); ok {
				d.EPCINames[e.SIREN] = e.Name
			}
		}
	}
	slices.SortFunc(d.Communes, func(a, b territory.Commune) int {
		return strings.Compare(territory.Normalize(a.Name), territory.Normalize(b.Name))
	})
	if r.URL.Query().Get("format") == "csv" {
		w.Header().Set("Content-Type", "text/csv; charset=utf-8")
		w.Header().Set("Content-Disposition", `attachment; filename="communes.csv"`)
		_, _ = w.Write([]byte("\ufeff"))
		cw := csv.NewWriter(w)
		cw.Comma = ';'
		_ = cw.Write([]string{"code_insee", "commune", "epci", "intercommunalite", "population_municipale"})
		for _, cm := range d.Communes {
			_ = cw.Write([]string{cm.Code, cm.Name, cm.EPCI, d.EPCINames[cm.EPCI], strconv.Itoa(cm.Population)})
		}
		cw.Flush()
		return cw.Error()
	}
	return s.render(w, r, "convention_communes", "Communes — "+c.Title, "conventions", d)
}
