package docgen

import (
	"cmp"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"ctg/internal/budget"
	"ctg/internal/convention"
	"ctg/internal/diagnostic"
	"ctg/internal/field"
	"ctg/internal/plan"
	"ctg/internal/territory"
)

// Convention is what the document of a convention says, gathered by the
// caller at the time it is asked for.
type Convention struct {
	Convention *convention.Convention
	// CAF is the convention's CAF; Parties are the other signatories, in
	// the convention's order.
	CAF     Party
	Parties []Party
	// Names names the organisations of the plan and the budget by id:
	// leads, partners, funders.
	Names map[string]string
	// Renews is the title of the convention this one renews, "" if none.
	Renews string
	// EPCIs are the intercommunalités of the perimeter; Communes are its
	// communes, with their population.
	EPCIs    []territory.EPCI
	Communes []territory.Commune
	// Diagnosis compares the perimeter with its département and France;
	// nil leaves the table out.
	Diagnosis *diagnostic.Diagnosis
	Findings  []diagnostic.Finding
	Stakes    []diagnostic.Stake
	Plan      *plan.Plan
	// Indicators are the follow-up indicators of the plan's actions.
	Indicators []plan.Indicator
	// Lines are the budget lines of the plan; Totals their totals, as the
	// budget page and the API give them.
	Lines  []budget.LineRef
	Totals *budget.Totals
	// Committees are the committees that steer the convention, with their
	// meetings; none writes the usual arrangements instead.
	Committees []Committee
	// Generated is when the document is written.
	Generated time.Time
}

// Party is a signatory of a convention.
type Party struct {
	ID, Name string
}

// Committee is a committee of a convention's governance and its meetings.
type Committee struct {
	// Name is its French name: "Comité de pilotage".
	Name     string
	Meetings []Meeting
}

// Meeting is a meeting of a committee.
type Meeting struct {
	// Date is YYYY-MM-DD.
	Date      string
	Attendees int
	Decisions int
}

// WriteDOCX writes the convention as a Word document.
func (c *Convention) WriteDOCX(w io.Writer) error { return writeDOCX(w, c.document()) }

// WritePDF writes the convention as PDF.
func (c *Convention) WritePDF(w io.Writer) error { return writePDF(w, c.document()) }

// name names an organisation of the plan by its id.
func (c *Convention) name(id string) string {
	if id == "" {
		return ""
	}
	if n, ok := c.Names[id]; ok && n != "" {
		return n
	}
	return id
}

func (c *Convention) names(ids []string) []string {
	out := make([]string, 0, len(ids))
	for _, id := range ids {
		out = append(out, c.name(id))
	}
	return out
}

// signatories are the CAF and the parties, in that order.
func (c *Convention) signatories() []string {
	out := []string{c.CAF.Name}
	for _, p := range c.Parties {
		out = append(out, p.Name)
	}
	return out
}

// period writes the period of the convention in words.
func (c *Convention) period() string {
	return "du " + longDate(c.Convention.Start) + " au " + longDate(c.Convention.End)
}

// document writes the convention: the cover, the contents, the articles,
// the signatures, and the fiches actions in annex.
func (c *Convention) document() *document {
	cv := c.Convention
	doc := &document{Title: cv.Title, Subject: convention.KindLabel(cv.Kind), Created: c.Generated}
	b := builder{doc}
	c.cover(b)
	b.add(pageBreak{}, contents{}, pageBreak{})
	c.preamble(b)
	c.parties(b)
	c.object(b)
	c.perimeter(b)
	c.diagnosis(b)
	c.stakes(b)
	c.planSummary(b)
	c.money(b)
	c.governance(b)
	c.evaluation(b)
	c.clauses(b)
	b.h1("Signatures")
	b.p("Fait en " + strconv.Itoa(len(c.Parties)+1) + " exemplaires originaux, un pour chaque signataire.")
	b.add(signatures{Parties: c.signatories()})
	if c.Plan != nil && len(c.Plan.Actions()) > 0 {
		b.add(pageBreak{})
		c.fiches(b)
	}
	return doc
}

func (c *Convention) cover(b builder) {
	cv := c.Convention
	b.add(paragraph{Style: styleTitle, Runs: []run{{Text: cv.Title}}})
	b.styled(styleSubtitle, convention.KindLabel(cv.Kind))
	b.styled(styleCover, c.period())
	b.styled(styleCover, " ")
	b.styled(styleCover, "entre")
	b.runs(styleCover, run{Text: c.CAF.Name, Bold: true})
	for i, p := range c.Parties {
		if i == len(c.Parties)-1 {
			b.styled(styleCover, "et")
		}
		b.runs(styleCover, run{Text: p.Name, Bold: true})
	}
	b.styled(styleCover, " ")
	if cv.Status == convention.StatusSigned || cv.Status == convention.StatusEnded {
		if cv.SignedOn != "" {
			b.styled(styleCover, "Signée le "+longDate(cv.SignedOn))
		}
	} else {
		b.styled(styleCover, "Projet de convention, état du "+dateWords(c.Generated.In(paris))+" (étape : "+strings.ToLower(convention.StatusLabel(cv.Status))+")")
	}
}

var paris = func() *time.Location {
	if loc, err := time.LoadLocation("Europe/Paris"); err == nil {
		return loc
	}
	return time.UTC
}()

// kindPreambles say what each kind of convention is for.
var kindPreambles = map[string]string{
	convention.KindCTG: "La convention territoriale globale (CTG) est une convention de partenariat entre la Caf et les collectivités d'un territoire. " +
		"Elle vise à renforcer l'efficacité, la cohérence et la coordination des services rendus aux familles et aux habitants. " +
		"Elle repose sur un diagnostic partagé du territoire et se traduit par un plan d'actions, cofinancé par les partenaires, piloté par des comités et évalué avant son renouvellement. " +
		"Elle couvre au moins la petite enfance, la jeunesse et la parentalité.",
	convention.KindCEJ: "Le contrat enfance jeunesse (CEJ) est un contrat d'objectifs et de cofinancement qui contribue au développement de l'accueil des enfants et des jeunes jusqu'à 17 ans révolus, " +
		"par un plan de développement sur quatre ans.",
	convention.KindPEDT: "Le projet éducatif de territoire (PEDT) formalise l'engagement des partenaires à proposer à chaque enfant un parcours éducatif cohérent et de qualité, " +
		"avant, pendant et après l'école, en articulant les temps scolaires et périscolaires.",
	convention.KindContratDeVille: "Le contrat de ville est le cadre de la politique de la ville : il engage l'État, les collectivités, la Caf et leurs partenaires " +
		"en faveur des habitants des quartiers prioritaires, pour la cohésion sociale, le cadre de vie et le développement économique.",
}

func (c *Convention) preamble(b builder) {
	cv := c.Convention
	b.h1("Préambule")
	b.p(kindPreambles[cv.Kind])
	territory := "Elle porte sur un territoire de " + plural(len(c.Communes), "commune", "communes") + " et " + plural(cv.Population, "habitant", "habitants")
	if len(c.EPCIs) > 0 {
		var names []string
		for _, e := range c.EPCIs {
			names = append(names, e.Name)
		}
		territory += " : " + list(names)
	}
	b.p(territory + ".")
	if c.Renews != "" {
		b.p("Elle prend la suite de la convention " + quote(c.Renews) + ", dont elle reprend et prolonge les engagements.")
	}
	b.p("Les partenaires conviennent de ce qui suit.")
}

func (c *Convention) parties(b builder) {
	b.h1("Article 1 — Les parties")
	b.p("La présente convention est conclue entre :")
	all := c.signatories()
	for i, name := range all {
		end := " ;"
		switch {
		case i == 0:
			end = ", ci-après " + quote("la Caf") + " ;"
		case i == len(all)-1:
			end = "."
		}
		b.bullets(name + end)
	}
	b.p("ci-après désignés ensemble " + quote("les partenaires") + ".")
}

func (c *Convention) object(b builder) {
	b.h1("Article 2 — Objet et durée")
	b.p("La présente convention a pour objet de définir le projet social de territoire partagé par les partenaires, " +
		"ses axes et ses actions, ainsi que les modalités de leur mise en œuvre, de leur financement, de leur suivi et de leur évaluation.")
	b.p("Elle est conclue pour la période " + c.period() + ".")
}

func (c *Convention) perimeter(b builder) {
	cv := c.Convention
	b.h1("Article 3 — Le territoire")
	var names []string
	for _, e := range c.EPCIs {
		names = append(names, e.Name+" ("+territory.KindLabel(e.Kind)+")")
	}
	if len(names) > 0 {
		b.p("Le périmètre de la convention comprend " + list(names) + ".")
	}
	b.p("Il compte " + plural(len(c.Communes), "commune", "communes") + " et " + plural(cv.Population, "habitant", "habitants") +
		" (population municipale " + strconv.Itoa(diagnostic.PopulationYear) + ").")
	epci := map[string]string{}
	for _, e := range c.EPCIs {
		for _, code := range e.Communes {
			epci[code] = e.Name
		}
	}
	t := table{Cols: []column{{Width: 45}, {Width: 18}, {Width: 45}, {Width: 20, Right: true}},
		Head: []string{"Commune", "Code INSEE", "Intercommunalité", "Population"}}
	total := 0
	for _, m := range c.Communes {
		t.Rows = append(t.Rows, []string{m.Name, m.Code, epci[m.Code], number(int64(m.Population))})
		total += m.Population
	}
	t.Foot = []string{"Total", "", plural(len(c.Communes), "commune", "communes"), number(int64(total))}
	b.add(t)
	b.styled(styleNote, "Source : "+diagnostic.PopulationSource+".")
}

// indicatorValue writes a value of the diagnosis as its page does: a count
// in units, a ratio with one decimal, a percentage with its sign.
func indicatorValue(l diagnostic.Line, v *float64) string {
	if v == nil {
		return "—"
	}
	if l.Aggregate != diagnostic.Ratio {
		return number(int64(math.Round(*v)))
	}
	s := decimal(*v, 1)
	if l.Unit == "%" {
		s += nbsp + "%"
	}
	return s
}

func (c *Convention) diagnosis(b builder) {
	b.h1("Article 4 — Le diagnostic partagé")
	b.p("Les partenaires ont établi ensemble un diagnostic du territoire : ses indicateurs comparés à ceux du département et de la France, " +
		"l'inventaire des équipements et services, la consultation des habitants et des acteurs. Il fonde les enjeux et le plan d'actions.")
	if d := c.Diagnosis; d != nil && len(d.Indicators) > 0 {
		dep := "Département"
		if d.DepartementName != "" {
			dep = d.DepartementName
		}
		t := table{Cols: []column{{Width: 52}, {Width: 11, Right: true}, {Width: 19, Right: true}, {Width: 19, Right: true}, {Width: 19, Right: true}},
			Head: []string{"Indicateur", "Année", "Territoire", dep, "France"}}
		sources := []string{}
		for _, l := range d.Indicators {
			label := l.Label
			if l.Unit != "" && l.Unit != "%" {
				label += " (" + l.Unit + ")"
			}
			t.Rows = append(t.Rows, []string{label, strconv.Itoa(l.Year), indicatorValue(l, l.Perimeter), indicatorValue(l, l.Departement), indicatorValue(l, l.France)})
			if l.Source != "" && !slices.Contains(sources, l.Source) {
				sources = append(sources, l.Source)
			}
		}
		b.add(t)
		if len(sources) > 0 {
			b.styled(styleNote, "Sources : "+strings.Join(sources, " ; ")+".")
		}
	}
	for _, k := range diagnostic.FindingKinds {
		first := true
		for _, f := range c.Findings {
			if f.Kind != k.Code {
				continue
			}
			if first {
				b.styled(styleLabel, k.Plural)
				first = false
			}
			var rs []run
			if f.Field != "" {
				rs = append(rs, run{Text: field.Label(f.Field) + " : ", Italic: true})
			}
			b.runs(styleBullet, append(rs, run{Text: oneLine(f.Text)})...)
		}
	}
}

func (c *Convention) stakes(b builder) {
	b.h1("Article 5 — Les enjeux")
	if len(c.Stakes) == 0 {
		b.p("Les enjeux du territoire sont ceux que le diagnostic partagé a mis en évidence.")
		return
	}
	b.p("Du diagnostic, les partenaires retiennent " + plural(len(c.Stakes), "enjeu", "enjeux") + " :")
	stakes := slices.Clone(c.Stakes)
	slices.SortStableFunc(stakes, func(a, b diagnostic.Stake) int { return cmp.Compare(a.Priority, b.Priority) })
	t := table{Cols: []column{{Width: 55}, {Width: 30}, {Width: 35}}, Head: []string{"Enjeu", "Priorité", "Champs d'intervention"}}
	for _, s := range stakes {
		t.Rows = append(t.Rows, []string{s.Title, diagnostic.PriorityLabel(s.Priority), fieldLabels(s.Fields)})
	}
	b.add(t)
}

func fieldLabels(codes []string) string {
	var out []string
	for _, f := range codes {
		out = append(out, field.Label(f))
	}
	return strings.Join(out, ", ")
}

// axisTitle is an axis's heading: "Axe 2 — Faciliter la vie des familles".
func axisTitle(a plan.Axis) string { return "Axe " + strconv.Itoa(a.Number) + " — " + a.Title }

// schedule writes an action's dates: "du 01/01/2023 au 31/12/2024".
func schedule(start, end string) string {
	switch {
	case start != "" && end != "":
		return "du " + shortDate(start) + " au " + shortDate(end)
	case start != "":
		return "à partir du " + shortDate(start)
	case end != "":
		return "jusqu'au " + shortDate(end)
	}
	return "à préciser"
}

func (c *Convention) planSummary(b builder) {
	b.h1("Article 6 — Le plan d'actions")
	p := c.Plan
	if p == nil || len(p.Axes) == 0 {
		b.p("Le plan d'actions sera arrêté par le comité de pilotage et annexé à la présente convention par avenant.")
		return
	}
	actions := p.Actions()
	b.p("Pour répondre à ces enjeux, les partenaires s'engagent sur un plan de " + plural(len(p.Axes), "axe", "axes") + " et " +
		plural(len(actions), "action", "actions") + ". Chaque action est décrite par sa fiche, en annexe : son porteur, ses partenaires, son public, " +
		"son calendrier, ses indicateurs de suivi et son budget.")
	for _, a := range p.Axes {
		b.h2(axisTitle(a))
		b.p(a.Description)
		if len(a.Objectives) > 0 {
			b.styled(styleLabel, "Objectifs")
			for _, o := range a.Objectives {
				b.bullets(o.Title)
			}
		}
		if len(a.Actions) == 0 {
			continue
		}
		t := table{Cols: []column{{Width: 27}, {Width: 55}, {Width: 38}, {Width: 30}}, Head: []string{"Référence", "Action", "Porteur", "Calendrier"}}
		for _, x := range a.Actions {
			t.Rows = append(t.Rows, []string{x.Ref, x.Title, c.name(x.Lead), schedule(x.Start, x.End)})
		}
		b.add(t)
	}
}

// yearChunks cuts the years of a table into groups that fit the width of
// a page beside the names and the totals.
func yearChunks(years []int, per int) [][]int {
	if len(years) == 0 {
		return [][]int{nil}
	}
	var out [][]int
	for len(years) > per {
		out = append(out, years[:per])
		years = years[per:]
	}
	return append(out, years)
}

func (c *Convention) money(b builder) {
	b.h1("Article 7 — Les engagements financiers")
	t := c.Totals
	if t == nil || len(t.ByFunder) == 0 {
		b.p("Le budget du plan d'actions sera précisé par avenant. Les financements de chaque partenaire restent soumis à la décision de ses instances.")
		return
	}
	years := make([]int, 0, len(t.ByYear))
	for _, y := range t.ByYear {
		years = append(years, y.Year)
	}
	span := ""
	if len(years) > 0 {
		span = " de " + strconv.Itoa(years[0]) + " à " + strconv.Itoa(years[len(years)-1])
	}
	b.p("Le budget prévisionnel du plan d'actions s'élève à " + money(t.PlannedCents) + span + ", réparti entre " +
		plural(len(t.ByFunder), "financeur", "financeurs") + " comme suit. Les montants sont des engagements prévisionnels : " +
		"chaque financement reste soumis à la décision des instances du financeur et à ses règles d'attribution, année par année.")

	b.h2("Par financeur")
	ft := table{Cols: []column{{Width: 60}, {Width: 25, Right: true}, {Width: 15, Right: true}}, Head: []string{"Financeur", "Montant prévu", "Part"}}
	for _, f := range t.ByFunder {
		ft.Rows = append(ft.Rows, []string{f.Name, money(f.PlannedCents), percent(f.Share)})
	}
	ft.Foot = []string{"Total", money(t.PlannedCents), percent(budget.Share(t.PlannedCents, t.PlannedCents))}
	b.add(ft)

	b.h2("Par année")
	yt := table{Cols: []column{{Width: 60}, {Width: 25, Right: true}, {Width: 15, Right: true}}, Head: []string{"Année", "Montant prévu", "Part"}}
	for _, y := range t.ByYear {
		yt.Rows = append(yt.Rows, []string{strconv.Itoa(y.Year), money(y.PlannedCents), percent(budget.Share(y.PlannedCents, t.PlannedCents))})
	}
	yt.Foot = []string{"Total", money(t.PlannedCents), percent(budget.Share(t.PlannedCents, t.PlannedCents))}
	b.add(yt)

	b.h2("Par financeur et par année")
	cells := map[string]map[int]int64{}
	for _, x := range t.ByFunderYear {
		if cells[x.Funder] == nil {
			cells[x.Funder] = map[int]int64{}
		}
		cells[x.Funder][x.Year] += x.PlannedCents
	}
	byYear := map[int]int64{}
	for _, y := range t.ByYear {
		byYear[y.Year] = y.PlannedCents
	}
	chunks := yearChunks(years, 4)
	for i, chunk := range chunks {
		last := i == len(chunks)-1
		mt := table{Cols: []column{{Width: 40}}, Head: []string{"Financeur"}}
		for _, y := range chunk {
			mt.Cols = append(mt.Cols, column{Width: 20, Right: true})
			mt.Head = append(mt.Head, strconv.Itoa(y))
		}
		if last {
			mt.Cols = append(mt.Cols, column{Width: 22, Right: true})
			mt.Head = append(mt.Head, "Total")
		}
		for _, f := range t.ByFunder {
			row := []string{f.Name}
			for _, y := range chunk {
				row = append(row, money(cells[f.Funder][y]))
			}
			if last {
				row = append(row, money(f.PlannedCents))
			}
			mt.Rows = append(mt.Rows, row)
		}
		mt.Foot = []string{"Total"}
		for _, y := range chunk {
			mt.Foot = append(mt.Foot, money(byYear[y]))
		}
		if last {
			mt.Foot = append(mt.Foot, money(t.PlannedCents))
		}
		b.add(mt)
	}

	if len(t.ByAxis) > 0 {
		b.h2("Par axe")
		at := table{Cols: []column{{Width: 60}, {Width: 25, Right: true}, {Width: 15, Right: true}}, Head: []string{"Axe", "Montant prévu", "Part"}}
		var sum int64
		for _, a := range t.ByAxis {
			at.Rows = append(at.Rows, []string{"Axe " + strconv.Itoa(a.Number) + " — " + a.Title, money(a.PlannedCents), percent(budget.Share(a.PlannedCents, t.PlannedCents))})
			sum += a.PlannedCents
		}
		at.Foot = []string{"Total", money(sum), percent(budget.Share(sum, t.PlannedCents))}
		b.add(at)
	}
}

// committeeRoles say what the usual committees do.
var committeeRoles = []struct{ name, role string }{
	{"Comité de pilotage", "Le comité de pilotage (COPIL) réunit les signataires au moins une fois par an. Il fixe les orientations, " +
		"suit la mise en œuvre du plan d'actions et son budget, décide de ses ajustements et valide le bilan annuel et l'évaluation."},
	{"Comité technique", "Le comité technique (COTECH) réunit les services des partenaires et les porteurs d'actions. " +
		"Il prépare les travaux du comité de pilotage, suit les actions et leurs indicateurs et propose les ajustements nécessaires."},
}

func (c *Convention) governance(b builder) {
	b.h1("Article 8 — La gouvernance")
	b.p("La mise en œuvre de la convention est suivie par des instances partenariales. La coordination est assurée par le chargé de coopération de la convention, " +
		"interlocuteur des partenaires et des porteurs d'actions.")
	if len(c.Committees) == 0 {
		for _, r := range committeeRoles {
			b.p(r.role)
		}
		return
	}
	for _, r := range committeeRoles {
		b.p(r.role)
	}
	t := table{Cols: []column{{Width: 40}, {Width: 20, Right: true}, {Width: 40}}, Head: []string{"Instance", "Réunions", "Dernière réunion"}}
	for _, cm := range c.Committees {
		last := ""
		for _, m := range cm.Meetings {
			if m.Date > last {
				last = m.Date
			}
		}
		t.Rows = append(t.Rows, []string{cm.Name, number(int64(len(cm.Meetings))), shortDate(last)})
	}
	b.p("À la date de ce document, les instances se sont réunies ainsi :")
	b.add(t)
}

func (c *Convention) evaluation(b builder) {
	b.h1("Article 9 — Le suivi et l'évaluation")
	n := len(c.Indicators)
	b.p("Chaque action est suivie par son porteur au moyen des indicateurs de sa fiche, avec leurs valeurs de référence et leurs cibles par année" +
		indicatorCount(n) + ".")
	b.p("Chaque année, un bilan rassemble pour chaque action ce qui a été réalisé, les valeurs des indicateurs, les dépenses réalisées au regard du budget prévu, " +
		"les difficultés rencontrées et les perspectives. Il est présenté au comité de pilotage.")
	b.p("Au cours de la dernière année, les partenaires conduisent une évaluation finale, qualitative, quantitative et financière, " +
		"qui mesure l'atteinte des objectifs et prépare le renouvellement de la convention.")
}

func indicatorCount(n int) string {
	if n == 0 {
		return ""
	}
	return " (" + plural(n, "indicateur", "indicateurs") + " au total)"
}

func (c *Convention) clauses(b builder) {
	b.h1("Article 10 — Révision, résiliation et litiges")
	b.p("Toute modification de la présente convention fait l'objet d'un avenant signé par l'ensemble des partenaires. " +
		"Le plan d'actions et son budget peuvent être ajustés chaque année sur décision du comité de pilotage.")
	b.p("Chacun des partenaires peut résilier la présente convention par lettre recommandée avec accusé de réception adressée aux autres partenaires, " +
		"moyennant un préavis de trois mois.")
	b.p("En cas de litige, les partenaires recherchent d'abord une solution amiable. À défaut, le litige est porté devant le tribunal administratif territorialement compétent.")
}

// fiches writes the annex: a fiche per action, axis by axis.
func (c *Convention) fiches(b builder) {
	b.h1("Annexe — Fiches actions")
	indicators := map[string][]plan.Indicator{}
	for _, ind := range c.Indicators {
		indicators[ind.Action] = append(indicators[ind.Action], ind)
	}
	lines := map[string][]budget.LineRef{}
	for _, l := range c.Lines {
		lines[l.Action] = append(lines[l.Action], l)
	}
	stakes := map[string]string{}
	for _, s := range c.Stakes {
		stakes[s.ID] = s.Title
	}
	first, last := budget.Years(c.Convention)
	var years []int
	for y := first; y > 0 && y <= last; y++ {
		years = append(years, y)
	}
	for _, a := range c.Plan.Axes {
		if len(a.Actions) == 0 {
			continue
		}
		b.h2(axisTitle(a))
		objectives := map[string]string{}
		for _, o := range a.Objectives {
			objectives[o.ID] = o.Title
		}
		for _, x := range a.Actions {
			b.h3(x.Ref + " — " + x.Title)
			var st []string
			for _, id := range x.Stakes {
				if t, ok := stakes[id]; ok {
					st = append(st, t)
				}
			}
			facts := [][]string{
				{"Objectif", objectives[x.Objective]},
				{"Porteur", c.name(x.Lead)},
				{"Partenaires", strings.Join(c.names(x.Partners), ", ")},
				{"Public visé", x.Public},
				{"Calendrier", schedule(x.Start, x.End)},
				{"Statut", plan.StatusLabel(x.Status)},
				{"Champs d'intervention", fieldLabels(x.Fields)},
				{"Enjeux", strings.Join(st, " ; ")},
			}
			t := table{Cols: []column{{Width: 30}, {Width: 70}}, Keys: true}
			for _, f := range facts {
				if f[1] == "" {
					f[1] = "—"
				}
				t.Rows = append(t.Rows, f)
			}
			b.add(t)
			if len(paragraphs(x.Description)) > 0 {
				b.styled(styleLabel, "Description")
				b.p(x.Description)
			}
			c.ficheIndicators(b, indicators[x.ID], years)
			c.ficheBudget(b, lines[x.ID])
		}
	}
}

func (c *Convention) ficheIndicators(b builder, inds []plan.Indicator, years []int) {
	if len(inds) == 0 {
		return
	}
	b.styled(styleLabel, "Indicateurs de suivi et cibles")
	for _, chunk := range yearChunks(years, 5) {
		t := table{Cols: []column{{Width: 40}, {Width: 14, Right: true}}, Head: []string{"Indicateur", "Référence"}}
		for _, y := range chunk {
			t.Cols = append(t.Cols, column{Width: 12, Right: true})
			t.Head = append(t.Head, "Cible "+strconv.Itoa(y))
		}
		for _, ind := range inds {
			label := ind.Label
			if ind.Unit != "" {
				label += " (" + ind.Unit + ")"
			}
			row := []string{label, "—"}
			if ind.Baseline != nil {
				row[1] = figure(*ind.Baseline)
			}
			for _, y := range chunk {
				v, ok := ind.Targets[strconv.Itoa(y)]
				if ok {
					row = append(row, figure(v))
				} else {
					row = append(row, "—")
				}
			}
			t.Rows = append(t.Rows, row)
		}
		b.add(t)
	}
}

// ficheBudget writes the planned money of an action by funder and year.
func (c *Convention) ficheBudget(b builder, lines []budget.LineRef) {
	if len(lines) == 0 {
		return
	}
	type key struct {
		funder string
		year   int
	}
	cells := map[key]int64{}
	byFunder := map[string]int64{}
	byYear := map[int]int64{}
	names := map[string]string{}
	var funders []string
	var years []int
	var total int64
	for _, l := range lines {
		if _, ok := byFunder[l.Funder]; !ok {
			funders = append(funders, l.Funder)
			names[l.Funder] = c.name(l.Funder)
		}
		if l.FunderName != "" {
			names[l.Funder] = l.FunderName
		}
		if _, ok := byYear[l.Year]; !ok {
			years = append(years, l.Year)
		}
		cells[key{l.Funder, l.Year}] += l.PlannedCents
		byFunder[l.Funder] += l.PlannedCents
		byYear[l.Year] += l.PlannedCents
		total += l.PlannedCents
	}
	slices.Sort(years)
	slices.SortStableFunc(funders, func(a, b string) int {
		return cmp.Or(cmp.Compare(byFunder[b], byFunder[a]), cmp.Compare(names[a], names[b]))
	})
	b.styled(styleLabel, "Budget prévisionnel")
	chunks := yearChunks(years, 4)
	for i, chunk := range chunks {
		last := i == len(chunks)-1
		t := table{Cols: []column{{Width: 40}}, Head: []string{"Financeur"}}
		for _, y := range chunk {
			t.Cols = append(t.Cols, column{Width: 20, Right: true})
			t.Head = append(t.Head, strconv.Itoa(y))
		}
		if last {
			t.Cols = append(t.Cols, column{Width: 22, Right: true})
			t.Head = append(t.Head, "Total")
		}
		for _, f := range funders {
			row := []string{names[f]}
			for _, y := range chunk {
				row = append(row, money(cells[key{f, y}]))
			}
			if last {
				row = append(row, money(byFunder[f]))
			}
			t.Rows = append(t.Rows, row)
		}
		t.Foot = []string{"Total"}
		for _, y := range chunk {
			t.Foot = append(t.Foot, money(byYear[y]))
		}
		if last {
			t.Foot = append(t.Foot, money(total))
		}
		b.add(t)
	}
}
