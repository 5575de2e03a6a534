// Command gen turns the npm tarball of @etalab/decoupage-administratif into
// the compact files that package refdata embeds. It reads the tarball as it
// is (gzip + tar), keeps metropolitan France and the DROM, and writes
// tab-separated files, the large ones gzipped, in a stable order so that
// running it twice on the same tarball gives the same bytes.
//
// Usage (see ../update.sh, which fetches the tarball):
//
//	go run ./internal/refdata/gen -tgz etalab-decoupage-administratif-6.0.0.tgz -out internal/refdata/data
package main

import (
	"archive/tar"
	"bytes"
	"cmp"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
)

func main() {
	log.SetFlags(0)
	log.SetPrefix("gen: ")
	tgz := flag.String("tgz", "", "path of the npm tarball (npm pack @etalab/decoupage-administratif@VERSION)")
	out := flag.String("out", "internal/refdata/data", "folder to write the data files into")
	want := flag.String("want", "", "expected package@version; the run fails if the tarball holds another")
	flag.Parse()
	if *tgz == "" {
		flag.Usage()
		os.Exit(2)
	}
	if err := run(*tgz, *out, *want); err != nil {
		log.Fatal(err)
	}
}

// The shapes of the package's JSON files, limited to the fields used.
type (
	pkgJSON struct {
		Name    string `json:"name"`
		Version string `json:"version"`
	}
	communeJSON struct {
		Code         string   `json:"code"`
		Nom          string   `json:"nom"`
		Type         string   `json:"type"`
		Zone         string   `json:"zone"`
		Departement  string   `json:"departement"`
		Region       string   `json:"region"`
		Population   *int     `json:"population"`
		CodesPostaux []string `json:"codesPostaux"`
		AnciensCodes []string `json:"anciensCodes"`
		ChefLieu     string   `json:"chefLieu"` // of a commune déléguée or associée
		Commune      string   `json:"commune"`  // of an arrondissement municipal
	}
	groupJSON struct { // an EPCI or an EPT
		Code            string `json:"code"`
		Nom             string `json:"nom"`
		Type            string `json:"type"`
		ModeFinancement string `json:"modeFinancement"`
		Membres         []struct {
			Code string `json:"code"`
		} `json:"membres"`
	}
	areaJSON struct { // a département or a région
		Code        string `json:"code"`
		Nom         string `json:"nom"`
		Region      string `json:"region"`
		ChefLieu    string `json:"chefLieu"`
		TypeLiaison *int   `json:"typeLiaison"`
		Zone        string `json:"zone"`
	}
)

// The commune types of the communes file.
const (
	typeActuelle       = "commune-actuelle"
	typeDeleguee       = "commune-deleguee"
	typeAssociee       = "commune-associee"
	typeArrondissement = "arrondissement-municipal"
)

func run(tgzPath, out, want string) error {
	raw, err := os.ReadFile(tgzPath)
	if err != nil {
		return err
	}
	sum := sha256.Sum256(raw)
	files, err := readTarball(raw)
	if err != nil {
		return fmt.Errorf("read %s: %w", tgzPath, err)
	}

	var pkg pkgJSON
	var communes []communeJSON
	var epcis, epts []groupJSON
	var deps, regions []areaJSON
	for name, dst := range map[string]any{
		"package.json":           &pkg,
		"data/communes.json":     &communes,
		"data/epci.json":         &epcis,
		"data/ept.json":          &epts,
		"data/departements.json": &deps,
		"data/regions.json":      &regions,
	} {
		b, ok := files[name]
		if !ok {
			return fmt.Errorf("%s: no package/%s in the tarball", tgzPath, name)
		}
		if err := json.Unmarshal(b, dst); err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
	}
	if got := pkg.Name + "@" + pkg.Version; want != "" && got != want {
		return fmt.Errorf("the tarball holds %s, want %s", got, want)
	}

	d, err := build(communes, epcis, epts, deps, regions)
	if err != nil {
		return err
	}
	d.source = [][]string{
		{"champ", "valeur"},
		{"package", pkg.Name},
		{"version", pkg.Version},
		{"tarball_sha256", hex.EncodeToString(sum[:])},
		{"communes", strconv.Itoa(len(d.communes) - 1)},
		{"epcis", strconv.Itoa(len(d.epcis) - 1)},
		{"epts", strconv.Itoa(len(d.epts) - 1)},
		{"departements", strconv.Itoa(len(d.deps) - 1)},
		{"regions", strconv.Itoa(len(d.regions) - 1)},
		{"anciens_codes", strconv.Itoa(len(d.former) - 1)},
	}
	return d.write(out)
}

// readTarball returns the regular files of an npm tarball by their path
// below "package/".
func readTarball(raw []byte) (map[string][]byte, error) {
	zr, err := gzip.NewReader(bytes.NewReader(raw))
	if err != nil {
		return nil, err
	}
	files := make(map[string][]byte)
	tr := tar.NewReader(zr)
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			return files, nil
		} else if err != nil {
			return nil, err
		}
		if h.Typeflag != tar.TypeReg {
			continue
		}
		name, ok := strings.CutPrefix(h.Name, "package/")
		if !ok {
			continue
		}
		b, err := io.ReadAll(tr)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", h.Name, err)
		}
		files[name] = b
	}
}

// tables holds the rows of every output file, header first.
type tables struct {
	communes, epcis, epts, deps, regions, former, source [][]string
}

// build filters and reshapes the package's data. It fails on anything that
// would make the embedded reference inconsistent rather than write it.
func build(communes []communeJSON, epcis, epts []groupJSON, deps, regions []areaJSON) (*tables, error) {
	t := &tables{
		communes: [][]string{{"code", "nom", "departement", "region", "epci", "population", "codes_postaux"}},
		epcis:    [][]string{{"siren", "nom", "nature", "mode_financement"}},
		epts:     [][]string{{"siren", "nom", "membres"}},
		deps:     [][]string{{"code", "nom", "region", "type_liaison", "chef_lieu"}},
		regions:  [][]string{{"code", "nom", "type_liaison", "chef_lieu"}},
		former:   [][]string{{"code", "commune", "nature", "nom"}},
	}

	// Départements and régions outside the COM (zones "metro" and "drom").
	keptDep := make(map[string]bool)
	keptRegion := make(map[string]bool)
	for _, d := range deps {
		if d.Zone == "com" {
			continue
		}
		if d.TypeLiaison == nil {
			return nil, fmt.Errorf("département %s has no typeLiaison", d.Code)
		}
		keptDep[d.Code] = true
		keptRegion[d.Region] = true
		t.deps = append(t.deps, []string{d.Code, d.Nom, d.Region, strconv.Itoa(*d.TypeLiaison), d.ChefLieu})
	}
	for _, r := range regions {
		if r.Zone == "com" {
			continue
		}
		if !keptRegion[r.Code] {
			return nil, fmt.Errorf("région %s has no département", r.Code)
		}
		if r.TypeLiaison == nil {
			return nil, fmt.Errorf("région %s has no typeLiaison", r.Code)
		}
		t.regions = append(t.regions, []string{r.Code, r.Nom, strconv.Itoa(*r.TypeLiaison), r.ChefLieu})
	}
	if len(t.regions)-1 != len(keptRegion) {
		return nil, fmt.Errorf("%d régions listed, %d referenced by départements", len(t.regions)-1, len(keptRegion))
	}

	// The package lists EPCI members on the EPCI side only: invert it.
	current := make(map[string]communeJSON)
	for _, c := range communes {
		if c.Type == typeActuelle && keptDep[c.Departement] {
			if _, dup := current[c.Code]; dup {
				return nil, fmt.Errorf("commune %s listed twice", c.Code)
			}
			current[c.Code] = c
		}
	}
	epciOf := make(map[string]string)
	for _, e := range epcis {
		if len(e.Membres) == 0 {
			return nil, fmt.Errorf("EPCI %s %s has no member", e.Code, e.Nom)
		}
		for _, m := range e.Membres {
			if _, ok := current[m.Code]; !ok {
				return nil, fmt.Errorf("EPCI %s: member %s is not a current commune", e.Code, m.Code)
			}
			if other, dup := epciOf[m.Code]; dup {
				return nil, fmt.Errorf("commune %s belongs to EPCIs %s and %s", m.Code, other, e.Code)
			}
			epciOf[m.Code] = e.Code
		}
		t.epcis = append(t.epcis, []string{e.Code, e.Nom, e.Type, e.ModeFinancement})
	}
	for _, e := range epts {
		var members []string
		for _, m := range e.Membres {
			if _, ok := current[m.Code]; !ok {
				return nil, fmt.Errorf("EPT %s: member %s is not a current commune", e.Code, m.Code)
			}
			members = append(members, m.Code)
		}
		slices.Sort(members)
		t.epts = append(t.epts, []string{e.Code, e.Nom, strings.Join(members, ",")})
	}

	var withoutEPCI []string
	for _, c := range current {
		if c.Population == nil {
			return nil, fmt.Errorf("commune %s has no population", c.Code)
		}
		if c.Region == "" || !keptRegion[c.Region] {
			return nil, fmt.Errorf("commune %s: unknown région %q", c.Code, c.Region)
		}
		if epciOf[c.Code] == "" {
			withoutEPCI = append(withoutEPCI, c.Code+" "+c.Nom)
		}
		t.communes = append(t.communes, []string{c.Code, c.Nom, c.Departement, c.Region, epciOf[c.Code],
			strconv.Itoa(*c.Population), strings.Join(c.CodesPostaux, ",")})
	}
	slices.Sort(withoutEPCI)
	log.Printf("%d current communes, %d without EPCI: %s", len(current), len(withoutEPCI), strings.Join(withoutEPCI, ", "))

	// Former codes. A commune déléguée or associée and an arrondissement
	// municipal name the commune they are part of today; anciensCodes records
	// past mergers, some of which were later undone, so the first kind wins
	// when both name a code.
	type former struct{ commune, nature, name string }
	formers := make(map[string]former)
	for _, c := range communes {
		var parent, nature string
		switch c.Type {
		case typeDeleguee, typeAssociee:
			parent, nature = c.ChefLieu, strings.TrimPrefix(c.Type, "commune-")
		case typeArrondissement:
			parent, nature = c.Commune, "arrondissement"
		default:
			continue
		}
		if !keptDep[c.Departement] {
			continue
		}
		if _, ok := current[parent]; !ok {
			return nil, fmt.Errorf("%s %s: parent %q is not a current commune", c.Type, c.Code, parent)
		}
		if _, ok := current[c.Code]; ok {
			continue // the commune déléguée that bears its parent's code
		}
		if f, dup := formers[c.Code]; dup && f.commune != parent {
			return nil, fmt.Errorf("code %s is part of both %s and %s", c.Code, f.commune, parent)
		}
		formers[c.Code] = former{parent, nature, c.Nom}
	}
	for _, code := range slices.Sorted(maps.Keys(current)) {
		for _, old := range current[code].AnciensCodes {
			f, seen := formers[old]
			switch {
			case current[old].Code != "":
				log.Printf("anciensCodes of %s holds %s, a current commune: ignored", code, old)
			case !seen:
				formers[old] = former{code, "ancien", ""}
			case f.commune == code:
				// the same code listed as commune déléguée too
			case f.nature == "ancien":
				return nil, fmt.Errorf("former code %s listed by both %s and %s", old, f.commune, code)
			default:
				log.Printf("anciensCodes of %s holds %s, today commune %s %s of %s: kept with %s",
					code, old, f.nature, f.name, f.commune, f.commune)
			}
		}
	}
	for code, f := range formers {
		t.former = append(t.former, []string{code, f.commune, f.nature, f.name})
	}

	for _, rows := range [][][]string{t.communes, t.epcis, t.epts, t.former} {
		slices.SortFunc(rows[1:], func(a, b []string) int { return cmp.Compare(a[0], b[0]) })
	}
	return t, nil
}

// write writes every table into dir, replacing what was there.
func (t *tables) write(dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	old, _ := filepath.Glob(filepath.Join(dir, "*.tsv*"))
	for _, f := range old {
		if err := os.Remove(f); err != nil {
			return err
		}
	}
	for _, f := range []struct {
		name string
		rows [][]string
	}{
		{"source.tsv", t.source},
		{"regions.tsv", t.regions},
		{"departements.tsv", t.deps},
		{"ept.tsv", t.epts},
		{"epci.tsv.gz", t.epcis},
		{"communes.tsv.gz", t.communes},
		{"anciens_codes.tsv.gz", t.former},
	} {
		b, err := encode(f.rows, strings.HasSuffix(f.name, ".gz"))
		if err != nil {
			return fmt.Errorf("%s: %w", f.name, err)
		}
		if err := os.WriteFile(filepath.Join(dir, f.name), b, 0o644); err != nil {
			return err
		}
		log.Printf("%-22s %6d rows %8d bytes", f.name, len(f.rows)-1, len(b))
	}
	return nil
}

// encode writes rows as tab-separated lines, gzipped if asked. The gzip
// header carries no name and no time, so the bytes depend on the rows only.
func encode(rows [][]string, gz bool) ([]byte, error) {
	var buf bytes.Buffer
	for _, row := range rows {
		for i, field := range row {
			if strings.ContainsAny(field, "\t\r\n") {
				return nil, fmt.Errorf("field %q holds a tab or a newline", field)
			}
			if i > 0 {
				buf.WriteByte('\t')
			}
			buf.WriteString(field)
		}
		buf.WriteByte('\n')
	}
	if !gz {
		return buf.Bytes(), nil
	}
	var out bytes.Buffer
	zw, err := gzip.NewWriterLevel(&out, gzip.BestCompression)
	if err != nil {
		return nil, err
	}
	if _, err := zw.Write(buf.Bytes()); err != nil {
		return nil, err
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return out.Bytes(), nil
}
