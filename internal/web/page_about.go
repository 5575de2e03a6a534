package web

import (
	"bufio"
	"bytes"
	"net/http"
	"strings"
	"sync"

	"ctg/internal/refdata"
)

// vendorLib is one front-end library shipped in static/vendor.
type vendorLib struct {
	Package, Version, Licence, File string
	Name, Role, Home, LicenceURL    string
}

// vendorInfo describes, in French, what each vendored package is for; the
// versions and licences come from static/vendor/VERSIONS, which the update
// script writes, so that the page cannot drift from what is shipped.
var vendorInfo = map[string]struct{ Name, Role, Home, Licence string }{
	"@picocss/pico": {"Pico CSS", "feuille de style de base, sur laquelle s'appuie l'apparence de ctg", "https://picocss.com", "pico/LICENSE.md"},
	"htmx.org":      {"htmx", "mises à jour partielles des pages, comme les suggestions de recherche", "https://htmx.org", "htmx.org/LICENSE"},
	"echarts":       {"Apache ECharts", "graphiques, toujours accompagnés d'un tableau des mêmes chiffres", "https://echarts.apache.org", "echarts/LICENSE"},
	"axe-core":      {"axe-core", "contrôle automatique de l'accessibilité, dans les tests automatiques seulement : aucune page ne la charge", "https://github.com/dequelabs/axe-core", "axe-core/LICENSE"},
}

var vendorLibs = sync.OnceValue(func() []vendorLib {
	b, err := staticFS.ReadFile("static/vendor/VERSIONS")
	if err != nil {
		return nil
	}
	var out []vendorLib
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		f := strings.Fields(line) // package version licence sha256 file
		if len(f) < 5 {
			continue
		}
		l := vendorLib{Package: f[0], Version: f[1], Licence: f[2], File: f[4], Name: f[0]}
		if info, ok := vendorInfo[f[0]]; ok {
			l.Name, l.Role, l.Home = info.Name, info.Role, info.Home
			l.LicenceURL = "/static/vendor/licenses/" + info.Licence
		}
		out = append(out, l)
	}
	return out
})

type aboutData struct {
	Credit       string
	Package      string
	Version      string
	Vintage      int
	LicenceURL   string
	Communes     int
	EPCIs        int
	EPTs         int
	Departements int
	Regions      int
	CAFs         int
	Libraries    []vendorLib
}

func (s *Server) aboutPage(w http.ResponseWriter, r *http.Request) error {
	d := aboutData{
		Credit: refdata.Credit, Package: refdata.Package, Version: refdata.Version, Vintage: refdata.Vintage,
		LicenceURL: refdata.LicenceURL, Libraries: vendorLibs(),
	}
	if s.ref != nil {
		d.Communes, d.EPCIs, d.EPTs = s.ref.NumCommunes(), len(s.ref.EPCIs()), len(s.ref.EPTs())
		d.Departements, d.Regions, d.CAFs = len(s.ref.Departements()), len(s.ref.Regions()), len(s.ref.CAFs())
	}
	return s.render(w, r, "about", "À propos", "about", d)
}
