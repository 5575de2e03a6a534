// Command respondents puts the public form of a survey under the load of
// many residents answering it, and checks that every answer the server
// acknowledged is in the database.
//
// It starts the server in-process (cli.Start, with the demonstration data
// and, unless -public-rate says otherwise, no flood limit) over -db, creates and opens a
// ten-question survey of the CTG Latitude Nord Gironde through the store,
// then runs -clients goroutines that each, in a loop, GET the form, read
// its nonce and POST valid answers drawn at random, counting the 303s.
// Requests of the -warmup are not measured. At the end it counts the
// responses stored: they must equal the acknowledged ones.
//
//	go run ./bench/respondents -clients 64 -duration 20s
//	go run ./bench/respondents -db 'postgres://postgres@127.0.0.1:5432/test?sslmode=disable' -clients 64 -duration 20s
//
// See bench/README.md and docs/performance.md.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/url"
	"os"
	"os/signal"
	"regexp"
	"runtime/pprof"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"ctg/bench/dataset"
	"ctg/internal/cli"
	"ctg/internal/convention"
	"ctg/internal/store"
	"ctg/internal/survey"
)

type config struct {
	db         string
	fresh      bool
	clients    int
	duration   time.Duration
	warmup     time.Duration
	asJSON     bool
	cpuprofile string
	rate       int
}

func main() {
	var c config
	flag.StringVar(&c.db, "db", "", "database of the in-process server: a SQLite file or a postgres:// URL (default: a new SQLite file in a temporary folder)")
	flag.BoolVar(&c.fresh, "fresh", true, "with a postgres:// -db, run in a new schema dropped at the end")
	flag.IntVar(&c.clients, "clients", 64, "concurrent respondents")
	flag.DurationVar(&c.duration, "duration", 20*time.Second, "measured duration")
	flag.DurationVar(&c.warmup, "warmup", 2*time.Second, "duration of the warm-up, not measured")
	flag.IntVar(&c.rate, "public-rate", 0, "the server's --public-rate: 0 for no limit; a limit the run never reaches measures the cost of counting")
	flag.BoolVar(&c.asJSON, "json", false, "print the result as JSON")
	flag.StringVar(&c.cpuprofile, "cpuprofile", "", "write a CPU profile of the measured phase to this file (server and clients)")
	flag.Parse()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, c); err != nil {
		fmt.Fprintln(os.Stderr, "respondents:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, c config) error {
	dsn, cleanup, err := dataset.Database(ctx, c.db, c.fresh, "ctg-respondents-")
	if err != nil {
		return err
	}
	defer cleanup()
	start := time.Now()
	srv, err := cli.Start(ctx, cli.ServeConfig{Addr: "127.0.0.1:0", DB: dsn, Demo: true, PublicRate: c.rate, Log: slog.New(slog.DiscardHandler)})
	if err != nil {
		return fmt.Errorf("starting the server: %w", err)
	}
	defer srv.Close()
	fmt.Fprintf(os.Stderr, "server on %s over %s, ready in %v\n", srv.Addr, dataset.Redact(dsn), time.Since(start).Round(time.Millisecond))
	sv, err := openSurvey(ctx, srv.DB)
	if err != nil {
		return err
	}
	base := "http://" + srv.Addr
	fmt.Fprintf(os.Stderr, "%d respondents on %s%s: %v of warm-up, then %v measured\n", c.clients, base, sv.PublicURL, c.warmup, c.duration)

	res, err := load(ctx, base, sv, c)
	if err != nil {
		return err
	}
	// Every acknowledged answer must be stored, and nothing else.
	var stored int
	if err := srv.DB.SQL().GetContext(ctx, &stored, srv.DB.SQL().Rebind(`SELECT COUNT(*) FROM survey_responses WHERE survey_id = ?`), sv.ID); err != nil {
		return err
	}
	res.Stored = stored
	res.Clients = c.clients
	if c.asJSON {
		enc := json.NewEncoder(os.Stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(res); err != nil {
			return err
		}
	} else {
		res.print(os.Stdout)
	}
	if stored != res.Acknowledged {
		return fmt.Errorf("%d answers acknowledged, %d stored", res.Acknowledged, stored)
	}
	return nil
}

func fl(v float64) *float64 { return &v }

// questions are those of a usual survey of families: ten questions, one
// of each kind and a few more multiple choices.
var questions = []survey.Question{
	{Key: "age", Kind: survey.KindAge, Label: "Votre âge", Options: []string{"Moins de 25 ans", "25 à 34 ans", "35 à 44 ans", "45 à 59 ans", "60 ans et plus"}, Required: true},
	{Key: "commune", Kind: survey.KindCommune, Label: "Votre commune de résidence", Required: true},
	{Key: "situation", Kind: survey.KindSingle, Label: "Votre situation familiale", Options: []string{"En couple avec enfants", "Seul(e) avec enfants", "En couple sans enfant", "Seul(e) sans enfant"}, Required: true},
	{Key: "enfants", Kind: survey.KindNumber, Label: "Nombre d'enfants à charge", Min: fl(0), Max: fl(15)},
	{Key: "ages_enfants", Kind: survey.KindMultiple, Label: "Âges de vos enfants", Options: []string{"Moins de 3 ans", "3 à 5 ans", "6 à 11 ans", "12 à 17 ans", "18 ans et plus"}},
	{Key: "modes", Kind: survey.KindMultiple, Label: "Modes de garde utilisés", Options: []string{"Crèche", "Assistante maternelle", "Accueil de loisirs", "Famille", "Aucun"}},
	{Key: "satisfaction", Kind: survey.KindScale, Label: "Êtes-vous satisfait de l'offre d'accueil de votre commune ?", Min: fl(1), Max: fl(5), Required: true},
	{Key: "difficultes", Kind: survey.KindMultiple, Label: "Difficultés rencontrées", Options: []string{"Horaires", "Coût", "Transport", "Manque de places", "Information"}},
	{Key: "information", Kind: survey.KindSingle, Label: "Comment vous informez-vous ?", Options: []string{"Site de la mairie", "Réseaux sociaux", "Bouche à oreille", "Caf", "Autre"}},
	{Key: "remarques", Kind: survey.KindText, Label: "Vos remarques et suggestions"},
}

// openSurvey creates and opens the survey as the demonstration's advisor.
func openSurvey(ctx context.Context, db *store.DB) (*survey.Survey, error) {
	u, err := db.UserByEmail(ctx, "conseillere@demo.ctg.fr")
	if err != nil {
		return nil, err
	}
	all, err := db.Conventions(ctx, u, store.Filter{})
	if err != nil {
		return nil, err
	}
	i := slices.IndexFunc(all, func(c *convention.Convention) bool { return c.Title == "CTG Latitude Nord Gironde 2022-2026" })
	if i < 0 {
		return nil, errors.New("no CTG Latitude Nord Gironde 2022-2026 in the demonstration data")
	}
	sv := &survey.Survey{Title: "Vos besoins de familles", Closes: "2099-12-31", Questions: questions}
	if err := db.CreateSurvey(ctx, u, all[i].ID, sv); err != nil {
		return nil, err
	}
	return db.OpenSurvey(ctx, u, sv.ID)
}

// communes of the perimeter of the CTG Latitude Nord Gironde.
var communes = []string{"33114", "33123", "33126", "33142", "33151", "33233", "33266", "33272", "33439", "33473", "33489", "33492"}

// answers draws valid answers.
func answers(r *rand.Rand, nonce string) url.Values {
	v := url.Values{"nonce": {nonce}}
	pick := func(opts []string) string { return opts[r.IntN(len(opts))] }
	some := func(key string, opts []string) {
		for _, o := range opts {
			if r.IntN(3) == 0 {
				v.Add(key, o)
			}
		}
	}
	v.Set("age", pick(questions[0].Options))
	v.Set("commune", pick(communes))
	v.Set("situation", pick(questions[2].Options))
	v.Set("enfants", strconv.Itoa(r.IntN(5)))
	some("ages_enfants", questions[4].Options)
	some("modes", questions[5].Options)
	v.Set("satisfaction", strconv.Itoa(1+r.IntN(5)))
	some("difficultes", questions[7].Options)
	if r.IntN(2) == 0 {
		v.Set("information", pick(questions[8].Options))
	}
	if r.IntN(3) == 0 {
		v.Set("remarques", "Il manque des places d'accueil le mercredi et pendant les vacances scolaires ; les horaires de la crèche ne conviennent pas à ceux qui travaillent tôt.")
	}
	return v
}

var nonceField = regexp.MustCompile(`name="nonce" value="([a-z2-7]{26})"`)

// result is what a run measured.
type result struct {
	Clients      int                `json:"clients"`
	Duration     float64            `json:"duration_s"`
	Respondents  int                `json:"respondents"`
	PerSecond    float64            `json:"respondents_per_s"`
	Requests     map[string]latency `json:"requests"`
	Errors       int                `json:"errors"`
	ErrorKinds   map[string]int     `json:"error_kinds,omitempty"`
	Acknowledged int                `json:"acknowledged"`
	Stored       int                `json:"stored"`
	// CPU is the processor time this process used per measured
	// respondent, user and system: server and clients, without the
	// PostgreSQL server's.
	CPU float64 `json:"cpu_ms_per_respondent"`
}

type latency struct {
	Count int     `json:"count"`
	Mean  float64 `json:"mean_ms"`
	P50   float64 `json:"p50_ms"`
	P90   float64 `json:"p90_ms"`
	P99   float64 `json:"p99_ms"`
	Max   float64 `json:"max_ms"`
}

func (r result) print(w io.Writer) {
	fmt.Fprintf(w, "respondents %d in %.1f s: %.0f respondents/s, %d clients\n", r.Respondents, r.Duration, r.PerSecond, r.Clients)
	for _, k := range []string{"GET form", "POST answers"} {
		l := r.Requests[k]
		fmt.Fprintf(w, "%-12s %d: mean %.2f ms, p50 %.2f ms, p90 %.2f ms, p99 %.2f ms, max %.2f ms\n", k, l.Count, l.Mean, l.P50, l.P90, l.P99, l.Max)
	}
	fmt.Fprintf(w, "cpu          %.2f ms per respondent (this process, user + system)\n", r.CPU)
	fmt.Fprintf(w, "errors       %d\n", r.Errors)
	for k, n := range r.ErrorKinds {
		fmt.Fprintf(w, "             %d × %s\n", n, k)
	}
	fmt.Fprintf(w, "stored       %d of %d acknowledged (warm-up included)\n", r.Stored, r.Acknowledged)
}

// load runs the respondents. A request is measured when it starts after
// the warm-up and before the end; a respondent, when both of its requests
// are measured and the answer was acknowledged.
func load(ctx context.Context, base string, sv *survey.Survey, c config) (result, error) {
	client := &http.Client{
		Transport:     &http.Transport{MaxIdleConns: 2 * c.clients, MaxIdleConnsPerHost: 2 * c.clients, IdleConnTimeout: time.Minute},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		Timeout:       30 * time.Second,
	}
	form := base + sv.PublicURL
	var prof *os.File
	if c.cpuprofile != "" {
		f, err := os.Create(c.cpuprofile)
		if err != nil {
			return result{}, err
		}
		defer f.Close()
		prof = f
	}
	begin := time.Now()
	cpuStart := make(chan time.Duration, 1)
	time.AfterFunc(c.warmup, func() {
		cpuStart <- cpuTime()
		if prof != nil {
			if err := pprof.StartCPUProfile(prof); err != nil {
				fmt.Fprintln(os.Stderr, "respondents: cpu profile:", err)
			}
		}
	})
	from, until := begin.Add(c.warmup), begin.Add(c.warmup+c.duration)
	ctx, cancel := context.WithDeadline(ctx, until.Add(30*time.Second))
	defer cancel()
	var (
		mu          sync.Mutex
		gets, posts []time.Duration
		respondents int
		acked       int
		errs        = map[string]int{}
		wg          sync.WaitGroup
	)
	for n := range c.clients {
		wg.Go(func() {
			r := rand.New(rand.NewPCG(uint64(n), 42))
			var myGets, myPosts []time.Duration
			myErrs := map[string]int{}
			mine, myAcked := 0, 0
			for {
				t0 := time.Now()
				if !t0.Before(until) || ctx.Err() != nil {
					break
				}
				measured := !t0.Before(from)
				status, body, err := do(ctx, client, http.MethodGet, form, nil, base)
				d := time.Since(t0)
				if err != nil || status != http.StatusOK {
					myErrs[kind("GET", status, err)]++
					continue
				}
				m := nonceField.FindSubmatch(body)
				if m == nil {
					myErrs["GET: no nonce in the form"]++
					continue
				}
				if measured {
					myGets = append(myGets, d)
				}
				t1 := time.Now()
				status, _, err = do(ctx, client, http.MethodPost, form, answers(r, string(m[1])), base)
				d = time.Since(t1)
				if err != nil || status != http.StatusSeeOther {
					myErrs[kind("POST", status, err)]++
					continue
				}
				myAcked++
				if measured && t1.Before(until) {
					myPosts = append(myPosts, d)
					mine++
				}
			}
			mu.Lock()
			gets, posts = append(gets, myGets...), append(posts, myPosts...)
			respondents += mine
			acked += myAcked
			for k, n := range myErrs {
				errs[k] += n
			}
			mu.Unlock()
		})
	}
	wg.Wait()
	cpu := cpuTime() - <-cpuStart
	if prof != nil {
		pprof.StopCPUProfile()
	}
	elapsed := min(time.Since(from), c.duration)
	res := result{Duration: elapsed.Seconds(), Respondents: respondents, Acknowledged: acked, ErrorKinds: errs,
		Requests: map[string]latency{"GET form": summary(gets), "POST answers": summary(posts)}}
	for _, n := range errs {
		res.Errors += n
	}
	if respondents > 0 {
		res.PerSecond = float64(respondents) / elapsed.Seconds()
		res.CPU = float64((cpu / time.Duration(respondents)).Microseconds()) / 1000
	}
	return res, nil
}

// do sends one request as a browser would (same-origin) and reads the answer.
func do(ctx context.Context, client *http.Client, method, u string, form url.Values, origin string) (int, []byte, error) {
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequestWithContext(ctx, method, u, body)
	if err != nil {
		return 0, nil, err
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Origin", origin)
	}
	resp, err := client.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return resp.StatusCode, b, err
}

func summary(ds []time.Duration) latency {
	if len(ds) == 0 {
		return latency{}
	}
	slices.Sort(ds)
	ms := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
	at := func(p int) float64 { return ms(ds[min(len(ds)-1, len(ds)*p/100)]) }
	var sum time.Duration
	for _, d := range ds {
		sum += d
	}
	return latency{Count: len(ds), Mean: ms(sum / time.Duration(len(ds))), P50: at(50), P90: at(90), P99: at(99), Max: ms(ds[len(ds)-1])}
}

func kind(method string, status int, err error) string {
	switch {
	case err == nil:
		return fmt.Sprintf("%s: status %d", method, status)
	case errors.Is(err, context.DeadlineExceeded):
		return method + ": timeout"
	case strings.Contains(err.Error(), "connection reset"):
		return method + ": connection reset"
	}
	return method + ": transport error"
}

// cpuTime is the processor time the process has used, user and system.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
