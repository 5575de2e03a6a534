// Package refdata embeds the national reference of territories: the communes
// of metropolitan France and the DROM, their EPCIs, départements and régions,
// from the Code officiel géographique 2026 as published in the npm package
// @etalab/decoupage-administratif. The files are written by gen (see
// update.sh and README.md); package territory reads them.
package refdata

import "embed"

// FS holds the data files, under "data/". Their columns are described in
// README.md; each file's first line names them.
//
//go:embed data/*
var FS embed.FS

// The source of the data. Version must match the VERSION of update.sh; a test
// checks it against data/source.tsv.
const (
	Package = "@etalab/decoupage-administratif"
	Version = "6.0.0"
	// Vintage is the year of the Code officiel géographique the data follows.
	Vintage = 2026
)

// Credit is the attribution the Licence Ouverte asks for, in French, ready to
// be shown on the "about" page.
const Credit = "Découpage administratif : Code officiel géographique 2026 (Insee), " +
	"composition des EPCI à fiscalité propre 2026 (DGCL), populations municipales (Insee), " +
	"mis en forme par Etalab dans le paquet @etalab/decoupage-administratif 6.0.0. " +
	"Licence Ouverte 2.0."

// LicenceURL is the text of the Licence Ouverte 2.0.
const LicenceURL = "https://www.etalab.gouv.fr/licence-ouverte-open-licence"
