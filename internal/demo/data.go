package demo

import "ctg/internal/convention"

// The data set. Territories are real (reference of 2026); people,
// associations, conventions and their dates are invented. Dates are written
// as the day things happened; the loader plays them in date order.

// password is shared by every demo account.
const password = "demo-ctg-2026"

// orgSpec is an organisation of the data set. Name may be left empty for
// EPCIs, communes, départements and préfectures: it then comes from the
// reference.
type orgSpec struct {
	Kind, Territory, Name string
}

var orgs = map[string]orgSpec{
	// Gironde
	"cc-lng":             {Kind: "epci", Territory: "243301181"},
	"cc-montesquieu":     {Kind: "epci", Territory: "243301264"},
	"cc-cubzaguais":      {Kind: "epci", Territory: "243301223"},
	"cc-medoc-estuaire":  {Kind: "epci", Territory: "243301447"},
	"bordeaux-metropole": {Kind: "epci", Territory: "243300316"},
	"saint-savin":        {Kind: "commune", Territory: "33473"},
	"bordeaux":           {Kind: "commune", Territory: "33063"},
	"merignac":           {Kind: "commune", Territory: "33281"},
	"cenon":              {Kind: "commune", Territory: "33119"},
	"dep-33":             {Kind: "departement", Territory: "33"},
	"msa-33":             {Kind: "msa", Territory: "33", Name: "MSA Gironde"},
	"etat-33":            {Kind: "etat", Territory: "33"},
	"asso-cabanes":       {Kind: "association", Name: "Association Les Cabanes de Latitude"},
	"asso-quatre-vents":  {Kind: "association", Name: "Centre social Les Quatre Vents"},
	// La Réunion
	"saint-joseph":   {Kind: "commune", Territory: "97412"},
	"ca-sud":         {Kind: "epci", Territory: "249740085"},
	"dep-974":        {Kind: "departement", Territory: "974"},
	"asso-ti-marmay": {Kind: "association", Name: "Association Ti Marmay du Sud sauvage"},
	// Nord
	"ca-valenciennes": {Kind: "epci", Territory: "245901160"},
	"ca-maubeuge":     {Kind: "epci", Territory: "200043396"},
	"valenciennes":    {Kind: "commune", Territory: "59606"},
	"dep-59":          {Kind: "departement", Territory: "59"},
	"msa-59":          {Kind: "msa", Territory: "59", Name: "MSA Nord-Pas de Calais"},
	"etat-59":         {Kind: "etat", Territory: "59"},
}

// userSpec is an account of the data set; Org is a key of orgs or the id
// of a seeded CAF. On is the day the account was opened.
type userSpec struct {
	Key, Email, Name, Org, Role, On string
}

// adminEmail is the account created last: its presence means the data set
// is complete.
const adminEmail = "admin@demo.ctg.fr"

// loginKey is the account printed at start: a CAF advisor, for whom the
// home page is built.
const loginKey = "claire"

var users = []userSpec{
	{"claire", "conseillere@demo.ctg.fr", "Claire Fontaine (fictive)", "caf-33", "editor", "2017-09-01"},
	{"mickael", "reunion@demo.ctg.fr", "Mickaël Payet (fictif)", "caf-974", "editor", "2018-09-03"},
	{"julien", "coordinateur@demo.ctg.fr", "Julien Marchand (fictif)", "cc-lng", "editor", "2021-09-01"},
	{"sophie", "departement@demo.ctg.fr", "Sophie Lacombe (fictive)", "dep-33", "reader", "2022-02-01"},
	{"emilie", "association@demo.ctg.fr", "Émilie Roux (fictive)", "asso-cabanes", "reader", "2022-02-01"},
	{"thomas", "nord@demo.ctg.fr", "Thomas Vandamme (fictif)", "caf-59", "editor", "2022-09-05"},
}

var admin = userSpec{"admin", adminEmail, "Nathalie Berger (fictive)", "caf-33", "admin", "2017-08-28"}

// convSpec is a convention as first recorded, then the steps of its life.
type convSpec struct {
	Key, Kind, Title, CAF string
	EPCIs, Communes       []string
	Start, End            string
	Parties               []string // keys of orgs
	Renews                string   // key of another convSpec
	By, On                string   // creator (user key) and day of creation
	Steps                 []step
}

// step is one later event: a move to the next status, or a change of
// parties or perimeter.
type step struct {
	On, By   string
	Status   string
	Date     string // date of the status when it is not On (the end of a contract)
	Parties  []string
	Communes []string
	Excluded []string
}

func elaborate(on, by string) step { return step{On: on, By: by, Status: convention.StatusElaboration} }
func sign(on, by string) step      { return step{On: on, By: by, Status: convention.StatusSigned} }
func end(on, by, date string) step {
	return step{On: on, By: by, Status: convention.StatusEnded, Date: date}
}
func addParties(on, by string, keys ...string) step { return step{On: on, By: by, Parties: keys} }
func addCommunes(on, by string, codes ...string) step {
	return step{On: on, By: by, Communes: codes}
}
func exclude(on, by string, codes ...string) step { return step{On: on, By: by, Excluded: codes} }

var conventions = []convSpec{
	// Gironde. CC Latitude Nord Gironde: a CEJ, the CTG that replaced it
	// (it ends this year) and the renewal under diagnosis.
	{
		Key: "cej-lng", Kind: convention.KindCEJ, Title: "CEJ Latitude Nord Gironde 2018-2021", CAF: "caf-33",
		EPCIs: []string{"243301181"}, Start: "2018-01-01", End: "2021-12-31",
		Parties: []string{"cc-lng", "msa-33"}, By: "claire", On: "2017-09-12",
		Steps: []step{
			elaborate("2017-11-06", "claire"),
			sign("2018-03-06", "claire"),
			end("2022-01-04", "claire", "2021-12-31"),
		},
	},
	{
		Key: "ctg-lng", Kind: convention.KindCTG, Title: "CTG Latitude Nord Gironde 2022-2026", CAF: "caf-33",
		EPCIs: []string{"243301181"}, Start: "2022-11-01", End: "2026-12-31",
		Parties: []string{"cc-lng", "saint-savin", "msa-33"}, Renews: "cej-lng", By: "claire", On: "2021-10-05",
		Steps: []step{
			addParties("2022-01-18", "julien", "dep-33", "asso-cabanes"),
			elaborate("2022-04-12", "julien"),
			sign("2022-11-15", "claire"),
		},
	},
	{
		Key: "ctg-lng-2027", Kind: convention.KindCTG, Title: "CTG Latitude Nord Gironde 2027-2031", CAF: "caf-33",
		EPCIs: []string{"243301181"}, Start: "2027-01-01", End: "2031-12-31",
		Parties: []string{"cc-lng", "dep-33", "msa-33", "asso-cabanes"}, Renews: "ctg-lng", By: "julien", On: "2026-09-15",
	},
	{
		Key: "ctg-montesquieu", Kind: convention.KindCTG, Title: "CTG Montesquieu 2023-2027", CAF: "caf-33",
		EPCIs: []string{"243301264"}, Start: "2023-01-01", End: "2027-12-31",
		Parties: []string{"cc-montesquieu", "dep-33", "msa-33"}, By: "claire", On: "2022-09-20",
		Steps: []step{
			elaborate("2023-02-07", "claire"),
			sign("2023-06-29", "claire"),
		},
	},
	{
		Key: "ctg-bordeaux", Kind: convention.KindCTG, Title: "CTG Bordeaux 2023-2027", CAF: "caf-33",
		Communes: []string{"33063"}, Start: "2023-01-01", End: "2027-12-31",
		Parties: []string{"bordeaux", "dep-33"}, By: "claire", On: "2022-10-04",
		Steps: []step{
			elaborate("2023-03-21", "claire"),
			sign("2023-12-12", "claire"),
		},
	},
	{
		// One commune chose to stay out of the CTG of its intercommunalité.
		Key: "ctg-cubzaguais", Kind: convention.KindCTG, Title: "CTG Grand Cubzaguais 2024-2028", CAF: "caf-33",
		EPCIs: []string{"243301223"}, Start: "2024-01-01", End: "2028-12-31",
		Parties: []string{"cc-cubzaguais", "asso-quatre-vents"}, By: "claire", On: "2023-05-16",
		Steps: []step{
			elaborate("2023-10-03", "claire"),
			exclude("2023-11-21", "claire", "33067"),
			addParties("2024-01-09", "claire", "dep-33"),
			sign("2024-03-28", "claire"),
		},
	},
	{
		Key: "cdv-bordeaux-metropole", Kind: convention.KindContratDeVille, Title: "Contrat de ville Bordeaux Métropole 2024-2030", CAF: "caf-33",
		// The communes of the métropole with priority neighbourhoods (QPV).
		Communes: []string{"33032", "33039", "33063", "33119", "33162", "33167", "33249", "33281", "33318", "33522", "33550"},
		Start:    "2024-01-01", End: "2030-12-31",
		Parties: []string{"bordeaux-metropole", "etat-33", "dep-33", "bordeaux", "cenon"}, By: "claire", On: "2023-11-07",
		Steps: []step{
			elaborate("2024-01-16", "claire"),
			sign("2024-06-27", "claire"),
		},
	},
	{
		Key: "pedt-merignac", Kind: convention.KindPEDT, Title: "PEDT Mérignac 2024-2027", CAF: "caf-33",
		Communes: []string{"33281"}, Start: "2024-09-01", End: "2027-08-31",
		Parties: []string{"merignac", "etat-33"}, By: "claire", On: "2024-01-23",
		Steps: []step{
			elaborate("2024-03-12", "claire"),
			sign("2024-07-04", "claire"),
		},
	},
	{
		// A neighbouring commune whose children use the intercommunal
		// leisure centres joins the perimeter.
		Key: "ctg-medoc-estuaire", Kind: convention.KindCTG, Title: "CTG Médoc Estuaire 2027-2031", CAF: "caf-33",
		EPCIs: []string{"243301447"}, Start: "2027-01-01", End: "2031-12-31",
		Parties: []string{"cc-medoc-estuaire", "msa-33"}, By: "claire", On: "2025-11-04",
		Steps: []step{
			elaborate("2026-06-16", "claire"),
			addCommunes("2026-09-29", "claire", "33022"),
		},
	},

	// La Réunion: Saint-Joseph, its CEJ then its CTG.
	{
		Key: "cej-saint-joseph", Kind: convention.KindCEJ, Title: "CEJ Saint-Joseph 2019-2022", CAF: "caf-974",
		Communes: []string{"97412"}, Start: "2019-01-01", End: "2022-12-31",
		Parties: []string{"saint-joseph"}, By: "mickael", On: "2018-10-02",
		Steps: []step{
			elaborate("2018-11-20", "mickael"),
			sign("2019-04-16", "mickael"),
			end("2023-01-03", "mickael", "2022-12-31"),
		},
	},
	{
		Key: "ctg-saint-joseph", Kind: convention.KindCTG, Title: "CTG Saint-Joseph 2023-2027", CAF: "caf-974",
		Communes: []string{"97412"}, Start: "2023-01-01", End: "2027-12-31",
		Parties: []string{"saint-joseph", "ca-sud", "dep-974"}, Renews: "cej-saint-joseph", By: "mickael", On: "2022-06-14",
		Steps: []step{
			elaborate("2022-11-08", "mickael"),
			addParties("2023-02-14", "mickael", "asso-ti-marmay"),
			sign("2023-05-30", "mickael"),
		},
	},

	// Nord.
	{
		Key: "ctg-valenciennes", Kind: convention.KindCTG, Title: "CTG Valenciennes Métropole 2023-2027", CAF: "caf-59",
		EPCIs: []string{"245901160"}, Start: "2023-07-01", End: "2027-06-30",
		Parties: []string{"ca-valenciennes", "dep-59", "msa-59"}, By: "thomas", On: "2022-10-11",
		Steps: []step{
			elaborate("2023-02-21", "thomas"),
			sign("2023-10-17", "thomas"),
		},
	},
	{
		Key: "cdv-valenciennes", Kind: convention.KindContratDeVille, Title: "Contrat de ville Valenciennes Métropole 2024-2030", CAF: "caf-59",
		Communes: []string{"59014", "59079", "59112", "59153", "59253", "59447", "59544", "59606", "59616"},
		Start:    "2024-01-01", End: "2030-12-31",
		Parties: []string{"ca-valenciennes", "etat-59", "valenciennes"}, By: "thomas", On: "2023-12-05",
		Steps: []step{
			elaborate("2024-02-13", "thomas"),
			sign("2024-07-09", "thomas"),
		},
	},
	{
		Key: "ctg-maubeuge", Kind: convention.KindCTG, Title: "CTG Maubeuge Val de Sambre 2027-2031", CAF: "caf-59",
		EPCIs: []string{"200043396"}, Start: "2027-01-01", End: "2031-12-31",
		Parties: []string{"ca-maubeuge", "dep-59"}, By: "thomas", On: "2026-10-06",
	},
}
