// Package demo loads a fictitious data set for demonstrations: partners,
// accounts and conventions in Gironde, La Réunion and the Nord, over real
// territories of the 2026 reference, with invented people and contracts.
//
// Everything goes through the store's exported methods, as a person using
// the product would, so that the history of each convention reads as if it
// had been lived: created on the day its diagnosis started, moved to
// élaboration, signed, ended, by the accounts of the data set.
package demo

import (
	"context"
	"fmt"
	"hash/fnv"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"ctg/internal/account"
	"ctg/internal/app"
	"ctg/internal/convention"
	"ctg/internal/store"
	"ctg/internal/territory"
)

// Login is the demo account printed at start.
type Login struct{ Email, Password string }

// Load creates the demo data once; later calls leave it as it is. The CAFs
// must already be seeded.
//
// The data set is complete when its admin account exists, which is created
// last; a load that stopped half-way (the database went away) resumes on
// the next call, reusing the organisations, accounts and conventions it
// finds by name, e-mail and title.
//
// While it runs, Load sets db.Now to the dates of the data set, so that
// timestamps and the life cycle of each convention fall on those dates; it
// restores the clock before returning. It must therefore run before the
// database is shared, as ctg serve does.
//
// The statistics of the indicators are imported last, by the administrator
// (see loadIndicators), into a data set completed before they existed too.
func Load(ctx context.Context, db *store.DB, ref *territory.Ref) (Login, error) {
	login := Login{Password: password}
	for _, u := range users {
		if u.Key == loginKey {
			login.Email = u.Email
		}
	}
	_, err := db.UserByEmail(ctx, adminEmail)
	if err == nil {
		return login, loadIndicators(ctx, db, ref)
	}
	if app.ErrorCode(err) != app.ENotFound {
		return Login{}, fmt.Errorf("demo.Load: %w", err)
	}

	l := &loader{db: db, ref: ref, users: map[string]*account.User{}, orgs: map[string]string{},
		found: map[string]string{}, convs: map[string]*convention.Convention{}}
	saved := db.Now
	defer func() { db.Now = saved }()
	db.Now = func() time.Time { return l.clock.now }

	if err := l.run(ctx); err != nil {
		return Login{}, fmt.Errorf("demo.Load: %w", err)
	}
	return login, loadIndicators(ctx, db, ref)
}

// loader carries what the events of the data set share.
type loader struct {
	db    *store.DB
	ref   *territory.Ref
	clock clock
	users map[string]*account.User          // by key of userSpec
	orgs  map[string]string                 // id by key of orgs
	found map[string]string                 // ids of organisations already stored, by orgIndex
	convs map[string]*convention.Convention // latest version, by key of convSpec
}

// event is something that happened on a day.
type event struct {
	on string
	do func(context.Context) error
}

func (l *loader) run(ctx context.Context) error {
	stored, err := l.db.Organisations(ctx, "")
	if err != nil {
		return err
	}
	for _, o := range stored {
		l.found[orgIndex(o.Kind, o.Territory, o.Name)] = o.ID
	}

	var events []event
	for _, u := range users {
		events = append(events, event{u.On, func(ctx context.Context) error { return l.user(ctx, u) }})
	}
	for _, c := range conventions {
		events = append(events, event{c.On, func(ctx context.Context) error { return l.create(ctx, c) }})
		for _, s := range c.Steps {
			events = append(events, event{s.On, func(ctx context.Context) error { return l.apply(ctx, c.Key, s) }})
		}
	}
	events = append(events, l.facilitiesAndFindings()...)
	events = append(events, l.consultation()...)
	events = append(events, l.planEvents()...)
	events = append(events, l.lifeEvents()...)
	// Stable: on the same day, accounts come first, then conventions in
	// the order written.
	slices.SortStableFunc(events, func(a, b event) int { return strings.Compare(a.on, b.on) })
	for _, e := range events {
		if err := l.clock.set(e.on); err != nil {
			return err
		}
		if err := e.do(ctx); err != nil {
			return err
		}
	}
	if err := l.clock.set(admin.On); err != nil {
		return err
	}
	return l.user(ctx, admin)
}

// user finds or creates an account, as ctg user add would.
func (l *loader) user(ctx context.Context, s userSpec) error {
	u, err := l.db.UserByEmail(ctx, s.Email)
	if app.ErrorCode(err) == app.ENotFound {
		org, ok := l.orgID(s.Org)
		if !ok {
			return fmt.Errorf("account %s: organisation %s is not stored yet", s.Email, s.Org)
		}
		u, err = l.db.CreateUser(ctx, account.NewUser{Email: s.Email, Name: s.Name, OrgID: org, Role: s.Role, Password: password}, nil)
	}
	if err != nil {
		return fmt.Errorf("account %s: %w", s.Email, err)
	}
	l.users[s.Key] = u
	return nil
}

func (l *loader) actor(key string) (*account.User, error) {
	u, ok := l.users[key]
	if !ok {
		return nil, fmt.Errorf("account %s acts before it exists", key)
	}
	return u, nil
}

// orgIndex is how an organisation of the data set is recognised in a
// database that already holds it.
func orgIndex(kind, territory, name string) string { return kind + "|" + territory + "|" + name }

// orgID returns the id of a seeded CAF or of an organisation of the data
// set that is stored already.
func (l *loader) orgID(key string) (string, bool) {
	if strings.HasPrefix(key, "caf-") {
		return key, true
	}
	if id, ok := l.orgs[key]; ok {
		return id, true
	}
	s, ok := orgs[key]
	if !ok {
		return "", false
	}
	id, ok := l.found[orgIndex(s.Kind, s.Territory, l.orgName(s))]
	if ok {
		l.orgs[key] = id
	}
	return id, ok
}

// org returns the id of an organisation of the data set, created by `by`
// the first time a convention names it.
func (l *loader) org(ctx context.Context, key string, by *account.User) (string, error) {
	if id, ok := l.orgID(key); ok {
		return id, nil
	}
	s, ok := orgs[key]
	if !ok {
		return "", fmt.Errorf("unknown organisation %s", key)
	}
	o := account.Organisation{Name: l.orgName(s), Kind: s.Kind, Territory: s.Territory}
	if err := o.Validate(l.knownTerritory); err != nil {
		return "", fmt.Errorf("organisation %s: %w", key, err)
	}
	if err := l.db.CreateOrganisation(ctx, &o, by); err != nil {
		return "", fmt.Errorf("organisation %s: %w", key, err)
	}
	l.orgs[key] = o.ID
	return o.ID, nil
}

// knownTerritory checks organisation codes as the web forms do.
func (l *loader) knownTerritory(kind, code string) bool {
	switch kind {
	case "commune":
		_, ok := l.ref.Commune(code)
		return ok
	case "epci":
		_, ok := l.ref.EPCI(code)
		return ok
	}
	_, ok := l.ref.Departement(code)
	return ok
}

// epciPrefixes spell out the reference's abbreviated EPCI names.
var epciPrefixes = []struct{ short, long string }{
	{"CC ", "Communauté de communes "},
	{"CA ", "Communauté d'agglomération "},
	{"CU ", "Communauté urbaine "},
}

// orgName is the name an organisation goes by: the one written in the
// data set, or else the official one, from the reference.
func (l *loader) orgName(s orgSpec) string {
	if s.Name != "" {
		return s.Name
	}
	switch s.Kind {
	case "epci":
		e, _ := l.ref.EPCI(s.Territory)
		for _, p := range epciPrefixes {
			if rest, ok := strings.CutPrefix(e.Name, p.short); ok {
				return p.long + rest
			}
		}
		return e.Name
	case "commune":
		c, _ := l.ref.Commune(s.Territory)
		if c.Population >= 10000 {
			return "Ville " + withDe(c.Name)
		}
		return "Commune " + withDe(c.Name)
	case "departement":
		d, _ := l.ref.Departement(s.Territory)
		return "Département " + d.WithDe()
	case "etat":
		d, _ := l.ref.Departement(s.Territory)
		return "Préfecture " + d.WithDe()
	}
	return s.Territory
}

// withDe puts "de" before a commune's name, contracted as French wants:
// "de Bordeaux", "d'Arsac", "du Bouscat", "des Églisottes", "de La Brède".
func withDe(name string) string {
	switch {
	case strings.HasPrefix(name, "Le "):
		return "du " + name[3:]
	case strings.HasPrefix(name, "Les "):
		return "des " + name[4:]
	}
	first, _ := utf8.DecodeRuneInString(name)
	if strings.ContainsRune("AEIOUYÂÉÈÊÎÔ", unicode.ToUpper(first)) {
		return "d'" + name
	}
	return "de " + name
}

// create records a convention in diagnostic, as its creator did on its
// first day, unless a convention of that title is there already.
func (l *loader) create(ctx context.Context, s convSpec) error {
	by, err := l.actor(s.By)
	if err != nil {
		return err
	}
	seen, err := l.db.Conventions(ctx, by, store.Filter{})
	if err != nil {
		return err
	}
	for _, c := range seen {
		if c.Title == s.Title {
			l.convs[s.Key] = c
			return nil
		}
	}
	c := &convention.Convention{
		Kind: s.Kind, Title: s.Title, CAF: s.CAF, Start: s.Start, End: s.End,
		Perimeter: convention.Perimeter{EPCIs: s.EPCIs, Communes: s.Communes},
	}
	for _, key := range s.Parties {
		id, err := l.org(ctx, key, by)
		if err != nil {
			return err
		}
		c.Parties = append(c.Parties, id)
	}
	if s.Renews != "" {
		prev, ok := l.convs[s.Renews]
		if !ok {
			return fmt.Errorf("convention %s renews %s, not created before it", s.Key, s.Renews)
		}
		id := prev.ID
		c.Renews = &id
	}
	if err := l.db.CreateConvention(ctx, l.ref, by, c); err != nil {
		return fmt.Errorf("convention %s: %w", s.Key, err)
	}
	l.convs[s.Key] = c
	return nil
}

// apply plays one step of a convention's life. A step already taken (when
// a stopped load resumes) changes nothing.
func (l *loader) apply(ctx context.Context, key string, s step) error {
	c, ok := l.convs[key]
	if !ok {
		return fmt.Errorf("convention %s changes before it exists", key)
	}
	by, err := l.actor(s.By)
	if err != nil {
		return err
	}
	if s.Status != "" {
		if convention.StatusIndex(c.Status) >= convention.StatusIndex(s.Status) {
			return nil
		}
		date := s.Date
		if date == "" {
			date = s.On
		}
		next, err := l.db.SetStatus(ctx, by, c.ID, c.Version, s.Status, date)
		if err != nil {
			return fmt.Errorf("convention %s, %s: %w", key, s.Status, err)
		}
		l.convs[key] = next
		return nil
	}
	var p convention.Patch
	if len(s.Parties) > 0 {
		parties := slices.Clone(c.Parties)
		for _, k := range s.Parties {
			id, err := l.org(ctx, k, by)
			if err != nil {
				return err
			}
			parties = append(parties, id)
		}
		p.Parties = &parties
	}
	if len(s.Communes) > 0 || len(s.Excluded) > 0 {
		per := convention.Perimeter{
			EPCIs:    slices.Clone(c.Perimeter.EPCIs),
			Communes: append(slices.Clone(c.Perimeter.Communes), s.Communes...),
			Excluded: append(slices.Clone(c.Perimeter.Excluded), s.Excluded...),
		}
		p.Perimeter = &per
	}
	next, err := l.db.UpdateConvention(ctx, l.ref, by, c.ID, c.Version, p)
	if err != nil {
		return fmt.Errorf("convention %s: %w", key, err)
	}
	l.convs[key] = next
	return nil
}

// clock gives the time of each event: a working hour of its day that
// varies from day to day, and a few minutes later for each further event
// of the same day.
type clock struct {
	now time.Time
	day string
	n   int
}

func (c *clock) set(day string) error {
	d, err := time.Parse(convention.DateLayout, day)
	if err != nil {
		return fmt.Errorf("date %q of the data set: %w", day, err)
	}
	if day == c.day {
		c.n++
	} else {
		c.day, c.n = day, 0
	}
	h := fnv.New32a()
	h.Write([]byte(day))
	v := int(h.Sum32())
	// 07:00 to 14:59 UTC: 08:00 to 16:59 in Paris, winter or summer.
	start := time.Duration(7+v%8)*time.Hour + time.Duration(v/8%60)*time.Minute
	c.now = d.Add(start + time.Duration(c.n)*6*time.Minute)
	return nil
}
