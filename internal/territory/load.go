package territory

import (
	"bytes"
	"cmp"
	"compress/gzip"
	"fmt"
	"io"
	"io/fs"
	"slices"
	"strconv"
	"strings"

	"ctg/internal/refdata"
)

// Ref is the reference of territories. It is read-only once loaded and safe
// for concurrent use. Slices it returns may share its memory: callers must
// not modify them.
type Ref struct {
	communes  []Commune        // current communes in code order
	postal    []string         // postal codes of communes[i], comma-separated
	byCode    map[string]int32 // current code → index in communes
	former    map[string]int32 // former, delegated or arrondissement code → index
	byPostal  map[string][]int32
	epcis     []EPCI // by SIREN
	epciIdx   map[string]int32
	epts      []EPT
	eptOf     map[string]int32 // commune code → index in epts
	deps      []Departement    // in code order
	depIdx    map[string]int32
	depEPCIs  [][]int32 // per département: EPCIs with a member in it, by name
	depByName [][]int32 // per département: communes by name
	regions   []Region
	regionIdx map[string]int32
	cafs      []CAF
	index     index
}

// Load reads the reference from the files embedded by package refdata.
// Each call builds a new Ref; callers keep the one they need.
func Load() (*Ref, error) {
	r, err := load(refdata.FS)
	if err != nil {
		return nil, fmt.Errorf("territory.Load: %w", err)
	}
	return r, nil
}

func load(fsys fs.FS) (*Ref, error) {
	r := &Ref{
		regionIdx: make(map[string]int32),
		depIdx:    make(map[string]int32),
		epciIdx:   make(map[string]int32),
	}

	err := readTable(fsys, "data/regions.tsv", "code\tnom\ttype_liaison\tchef_lieu", func(f []string) error {
		r.regionIdx[f[0]] = int32(len(r.regions))
		r.regions = append(r.regions, Region{Code: f[0], Name: f[1]})
		return nil
	})
	if err != nil {
		return nil, err
	}

	err = readTable(fsys, "data/departements.tsv", "code\tnom\tregion\ttype_liaison\tchef_lieu", func(f []string) error {
		tncc, err := strconv.Atoi(f[3])
		if err != nil {
			return fmt.Errorf("département %s: type_liaison %q", f[0], f[3])
		}
		if _, ok := r.regionIdx[f[2]]; !ok {
			return fmt.Errorf("département %s: unknown région %q", f[0], f[2])
		}
		r.deps = append(r.deps, Departement{Code: f[0], Name: f[1], Region: f[2], TNCC: tncc})
		return nil
	})
	if err != nil {
		return nil, err
	}
	slices.SortFunc(r.deps, func(a, b Departement) int { return compareCodes(a.Code, b.Code) })
	for i, d := range r.deps {
		r.depIdx[d.Code] = int32(i)
	}

	err = readTable(fsys, "data/epci.tsv.gz", "siren\tnom\tnature\tmode_financement", func(f []string) error {
		r.epciIdx[f[0]] = int32(len(r.epcis))
		r.epcis = append(r.epcis, EPCI{SIREN: f[0], Name: f[1], Kind: f[2]})
		return nil
	})
	if err != nil {
		return nil, err
	}

	r.communes = make([]Commune, 0, 36000)
	r.postal = make([]string, 0, 36000)
	err = readTable(fsys, "data/communes.tsv.gz", "code\tnom\tdepartement\tregion\tepci\tpopulation\tcodes_postaux", func(f []string) error {
		pop, err := strconv.Atoi(f[5])
		if err != nil {
			return fmt.Errorf("commune %s: population %q", f[0], f[5])
		}
		r.communes = append(r.communes, Commune{Code: f[0], Name: f[1], Departement: f[2], Region: f[3], EPCI: f[4], Population: pop})
		r.postal = append(r.postal, f[6])
		return nil
	})
	if err != nil {
		return nil, err
	}
	// The file is in plain string order; INSEE's puts Corsica after 19.
	order := make([]int32, len(r.communes))
	for i := range order {
		order[i] = int32(i)
	}
	slices.SortFunc(order, func(a, b int32) int { return compareCodes(r.communes[a].Code, r.communes[b].Code) })
	communes := make([]Commune, len(r.communes))
	postal := make([]string, len(r.communes))
	for i, j := range order {
		communes[i], postal[i] = r.communes[j], r.postal[j]
	}
	r.communes, r.postal = communes, postal

	r.byCode = make(map[string]int32, len(r.communes))
	r.byPostal = make(map[string][]int32, 7000)
	for i := range r.communes {
		c := &r.communes[i]
		if _, dup := r.byCode[c.Code]; dup {
			return nil, fmt.Errorf("commune %s listed twice", c.Code)
		}
		r.byCode[c.Code] = int32(i)
		di, ok := r.depIdx[c.Departement]
		if !ok {
			return nil, fmt.Errorf("commune %s: unknown département %q", c.Code, c.Departement)
		}
		d := &r.deps[di]
		if c.Region != d.Region {
			return nil, fmt.Errorf("commune %s: région %s, its département's is %s", c.Code, c.Region, d.Region)
		}
		d.Communes = append(d.Communes, c.Code)
		d.Population += c.Population
		if c.EPCI != "" {
			ei, ok := r.epciIdx[c.EPCI]
			if !ok {
				return nil, fmt.Errorf("commune %s: unknown EPCI %q", c.Code, c.EPCI)
			}
			e := &r.epcis[ei]
			e.Communes = append(e.Communes, c.Code)
			e.Population += c.Population
		}
		for cp := range strings.SplitSeq(r.postal[i], ",") {
			if cp != "" {
				r.byPostal[cp] = append(r.byPostal[cp], int32(i))
			}
		}
	}
	for _, e := range r.epcis {
		if len(e.Communes) == 0 {
			return nil, fmt.Errorf("EPCI %s has no commune", e.SIREN)
		}
	}

	r.former = make(map[string]int32, 4500)
	err = readTable(fsys, "data/anciens_codes.tsv.gz", "code\tcommune\tnature\tnom", func(f []string) error {
		i, ok := r.byCode[f[1]]
		if !ok {
			return fmt.Errorf("former code %s: unknown commune %q", f[0], f[1])
		}
		if _, ok := r.byCode[f[0]]; ok {
			return fmt.Errorf("former code %s is a current commune", f[0])
		}
		r.former[f[0]] = i
		return nil
	})
	if err != nil {
		return nil, err
	}

	r.eptOf = make(map[string]int32)
	err = readTable(fsys, "data/ept.tsv", "siren\tnom\tmembres", func(f []string) error {
		t := EPT{SIREN: f[0], Name: f[1], Communes: strings.Split(f[2], ",")}
		for _, code := range t.Communes {
			i, ok := r.byCode[code]
			if !ok {
				return fmt.Errorf("EPT %s: unknown commune %q", t.SIREN, code)
			}
			t.Population += r.communes[i].Population
			r.eptOf[code] = int32(len(r.epts))
		}
		slices.SortFunc(t.Communes, compareCodes)
		r.epts = append(r.epts, t)
		return nil
	})
	if err != nil {
		return nil, err
	}

	// Names folded once, for sorting by name and for the search index.
	n := names{communes: make([]string, len(r.communes)), epcis: make([]string, len(r.epcis)), deps: make([]string, len(r.deps))}
	for i := range r.communes {
		n.communes[i] = Normalize(r.communes[i].Name)
	}
	for i := range r.epcis {
		n.epcis[i] = Normalize(r.epcis[i].Name)
	}
	for i := range r.deps {
		n.deps[i] = Normalize(r.deps[i].Name)
	}
	r.byDepartement(n)
	for _, d := range r.deps {
		r.cafs = append(r.cafs, cafOf(d))
	}
	r.index = buildIndex(r, n)
	return r, nil
}

// names holds Normalize of every name, by index in Ref's slices.
type names struct{ communes, epcis, deps []string }

// byDepartement lists, for each département, its communes and the EPCIs with
// a member in it, sorted by name.
func (r *Ref) byDepartement(n names) {
	r.depByName = make([][]int32, len(r.deps))
	r.depEPCIs = make([][]int32, len(r.deps))
	for i, c := range r.communes {
		d := r.depIdx[c.Departement]
		r.depByName[d] = append(r.depByName[d], int32(i))
		if c.EPCI != "" {
			e := r.epciIdx[c.EPCI]
			if !slices.Contains(r.depEPCIs[d], e) {
				r.depEPCIs[d] = append(r.depEPCIs[d], e)
			}
		}
	}
	for _, list := range r.depByName {
		slices.SortFunc(list, func(a, b int32) int {
			return cmp.Or(strings.Compare(n.communes[a], n.communes[b]),
				strings.Compare(r.communes[a].Name, r.communes[b].Name),
				compareCodes(r.communes[a].Code, r.communes[b].Code))
		})
	}
	for _, list := range r.depEPCIs {
		slices.SortFunc(list, func(a, b int32) int {
			return cmp.Or(strings.Compare(n.epcis[a], n.epcis[b]),
				strings.Compare(r.epcis[a].Name, r.epcis[b].Name), strings.Compare(r.epcis[a].SIREN, r.epcis[b].SIREN))
		})
	}
}

// readTable reads one tab-separated file of refdata, gzipped if its name ends
// in ".gz", checks its header and calls row for each following line. The
// fields passed to row share one string per file, so keeping them costs no
// copy.
func readTable(fsys fs.FS, name, header string, row func([]string) error) error {
	f, err := fsys.Open(name)
	if err != nil {
		return err
	}
	defer f.Close()
	var rd io.Reader = f
	if strings.HasSuffix(name, ".gz") {
		zr, err := gzip.NewReader(f)
		if err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		rd = zr
	}
	var buf bytes.Buffer
	if st, err := f.Stat(); err == nil {
		buf.Grow(int(st.Size()) * 4)
	}
	if _, err := buf.ReadFrom(rd); err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	text := buf.String()
	first, text, _ := strings.Cut(text, "\n")
	if first != header {
		return fmt.Errorf("%s: header %q, want %q", name, first, header)
	}
	n := strings.Count(header, "\t") + 1
	fields := make([]string, n)
	for lineNo := 2; text != ""; lineNo++ {
		var line string
		line, text, _ = strings.Cut(text, "\n")
		rest := line
		for i := range n - 1 {
			var ok bool
			fields[i], rest, ok = strings.Cut(rest, "\t")
			if !ok {
				return fmt.Errorf("%s:%d: %d fields, want %d", name, lineNo, i+1, n)
			}
		}
		if strings.Contains(rest, "\t") {
			return fmt.Errorf("%s:%d: more than %d fields", name, lineNo, n)
		}
		fields[n-1] = rest
		if err := row(fields); err != nil {
			return fmt.Errorf("%s:%d: %w", name, lineNo, err)
		}
	}
	return nil
}
