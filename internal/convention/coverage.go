package convention

import (
	"slices"
	"time"

	"ctg/internal/territory"
)

// Active is a signed convention with its communes, as coverage needs it.
type Active struct {
	ID       string
	Title    string
	Kind     string
	CAF      string
	Start    string
	End      string
	Communes []string
}

// Count is a number of communes and the population they hold.
type Count struct {
	Communes   int `json:"communes"`
	Population int `json:"population"`
}

// Expiring is a signed convention ending soon.
type Expiring struct {
	ID    string `json:"id"`
	Title string `json:"title"`
	Kind  string `json:"kind"`
	End   string `json:"end"`
}

// Coverage tells which part of a territory is covered by signed
// conventions at a date.
type Coverage struct {
	Departement  string           `json:"departement,omitempty"`
	Name         string           `json:"name,omitempty"`
	Date         string           `json:"date"`
	Communes     int              `json:"communes"`
	Population   int              `json:"population"`
	ByKind       map[string]Count `json:"by_kind"`
	Covered      Count            `json:"covered"`
	Uncovered    Count            `json:"uncovered"`
	Expiring     []Expiring       `json:"expiring"`
	Departements []Coverage       `json:"departements,omitempty"`
}

// CoveredShare is the covered part of the population, between 0 and 1.
func (c Coverage) CoveredShare() float64 {
	if c.Population == 0 {
		return 0
	}
	return float64(c.Covered.Population) / float64(c.Population)
}

// Holds reports whether the convention's period holds date (YYYY-MM-DD).
func (a Active) Holds(date string) bool { return a.Start <= date && date <= a.End }

// ExpiryWindowEnd is the last day of the 12 months that follow date.
func ExpiryWindowEnd(date string) string {
	t, ok := ParseDate(date)
	if !ok {
		return date
	}
	return t.AddDate(1, 0, 0).Format(DateLayout)
}

// ComputeCoverage counts, for département dep (all of France when empty),
// the communes covered on date by each kind of signed convention in
// signed, and lists those of expiring whose end falls within the 12 months
// after date. The conventions given must be signed; those whose period
// does not hold date do not cover.
func ComputeCoverage(ref *territory.Ref, dep, date string, signed []Active) Coverage {
	bit := map[string]uint8{}
	for i, k := range Kinds {
		bit[k.Code] = 1 << i
	}
	mask := make(map[string]uint8, 4096)
	for _, a := range signed {
		if !a.Holds(date) {
			continue
		}
		b := bit[a.Kind]
		for _, c := range a.Communes {
			mask[c] |= b
		}
	}
	newCov := func(code, name string) *Coverage {
		cv := &Coverage{Departement: code, Name: name, Date: date, ByKind: map[string]Count{}, Expiring: []Expiring{}}
		for _, k := range Kinds {
			cv.ByKind[k.Code] = Count{}
		}
		return cv
	}
	add := func(cv *Coverage, c territory.Commune) {
		cv.Communes++
		cv.Population += c.Population
		m := mask[c.Code]
		if m == 0 {
			cv.Uncovered.Communes++
			cv.Uncovered.Population += c.Population
			return
		}
		cv.Covered.Communes++
		cv.Covered.Population += c.Population
		for i, k := range Kinds {
			if m&(1<<i) != 0 {
				n := cv.ByKind[k.Code]
				n.Communes++
				n.Population += c.Population
				cv.ByKind[k.Code] = n
			}
		}
	}
	limit := ExpiryWindowEnd(date)
	expiring := func(cv *Coverage, depOf func(Active) bool) {
		for _, a := range signed {
			if a.End > date && a.End <= limit && a.Start <= date && depOf(a) {
				cv.Expiring = append(cv.Expiring, Expiring{ID: a.ID, Title: a.Title, Kind: a.Kind, End: a.End})
			}
		}
		slices.SortFunc(cv.Expiring, func(x, y Expiring) int {
			if x.End != y.End {
				if x.End < y.End {
					return -1
				}
				return 1
			}
			if x.Title < y.Title {
				return -1
			}
			return 1
		})
	}
	if dep != "" {
		d, _ := ref.Departement(dep)
		cv := newCov(dep, d.Name)
		for _, code := range d.Communes {
			if c, ok := ref.Commune(code); ok {
				add(cv, c)
			}
		}
		expiring(cv, func(a Active) bool { return a.CAF == "caf-"+dep || touches(ref, a.Communes, dep) })
		return *cv
	}
	all := newCov("", "France")
	all.Departement = ""
	byDep := map[string]*Coverage{}
	var order []*Coverage
	for _, d := range ref.Departements() {
		cv := newCov(d.Code, d.Name)
		byDep[d.Code] = cv
		order = append(order, cv)
	}
	for _, c := range ref.AllCommunes() {
		add(all, c)
		if cv := byDep[c.Departement]; cv != nil {
			add(cv, c)
		}
	}
	expiring(all, func(Active) bool { return true })
	for _, cv := range order {
		expiring(cv, func(a Active) bool { return a.CAF == "caf-"+cv.Departement })
		all.Departements = append(all.Departements, *cv)
	}
	return *all
}

func touches(ref *territory.Ref, communes []string, dep string) bool {
	for _, code := range communes {
		if c, ok := ref.Commune(code); ok && c.Departement == dep {
			return true
		}
	}
	return false
}

// Today returns the date of t in Paris, as YYYY-MM-DD: the product's users
// live in France and "today" is theirs.
func Today(t time.Time) string {
	if loc, err := time.LoadLocation("Europe/Paris"); err == nil {
		t = t.In(loc)
	}
	return t.Format(DateLayout)
}

// KeepExpiring keeps, in cv and its départements, the expiring conventions
// for which visible is true: coverage counts every signed convention, but
// names only those the reader may open.
func (cv *Coverage) KeepExpiring(visible func(id string) bool) {
	cv.Expiring = slices.DeleteFunc(cv.Expiring, func(e Expiring) bool { return !visible(e.ID) })
	for i := range cv.Departements {
		cv.Departements[i].KeepExpiring(visible)
	}
}
