package cli

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"os"
	"time"

	"ctg/internal/demo"
	"ctg/internal/metrics"
	"ctg/internal/sso"
	"ctg/internal/store"
	"ctg/internal/territory"
	"ctg/internal/web"
)

// ServeConfig is what Start needs.
type ServeConfig struct {
	Addr   string
	DB     string
	Demo   bool
	Secure bool
	// PublicRate is the public-form submissions accepted per source
	// address per minute; 0 for no limit.
	PublicRate int
	// TrustedProxies are the load balancers whose X-Forwarded-For names
	// the client, for the public-form limit.
	TrustedProxies []netip.Prefix
	// SSO is the single sign-on's provider (sso.go); off when none of
	// its settings is given.
	SSO sso.Config
	// Reminders says how reminders are mailed (reminders.go).
	Reminders RemindersConfig
	// MetricsAddr is where /metrics is served, on a listener of its own;
	// nowhere when empty.
	MetricsAddr string
	// ShutdownDelay is how long /readyz answers 503 before the server
	// stops accepting connections, for a load balancer to notice.
	ShutdownDelay time.Duration
	// AccessLog logs one line per request at Info.
	AccessLog bool
	Log       *slog.Logger
	Stdout    func(string)
}

// shutdownGrace is how long Close lets requests in flight finish; the
// background work then has bgGrace more. A service manager's stop timeout
// must exceed their sum plus the shutdown delay (deploy/ctg.service).
const (
	shutdownGrace = 20 * time.Second
	bgGrace       = time.Minute
)

// Running is a started server.
type Running struct {
	Addr string
	// MetricsAddr is where /metrics listens, when asked for.
	MetricsAddr string
	DB          *store.DB
	Ref         *territory.Ref
	// Metrics is the server's registry: background jobs report into
	// Metrics.Jobs.
	Metrics *metrics.Registry
	web     *web.Server
	srv     *http.Server
	msrv    *http.Server
	delay   time.Duration
	done    chan error
	// stopJobs stops the background jobs (reminders) before Close waits
	// for the background work.
	stopJobs func()
}

// Start opens the database, loads the reference, optionally the demo data,
// and starts serving; it returns once the listener is open.
func Start(ctx context.Context, cfg ServeConfig) (*Running, error) {
	if cfg.Log == nil {
		cfg.Log = slog.Default()
	}
	ref, err := territory.Load()
	if err != nil {
		return nil, err
	}
	db, err := openDB(ctx, cfg.DB, ref)
	if err != nil {
		return nil, err
	}
	var login demo.Login
	if cfg.Demo {
		login, err = demo.Load(ctx, db, ref)
		if err != nil {
			db.Close()
			return nil, err
		}
		if cfg.Stdout != nil {
			cfg.Stdout(fmt.Sprintf("Données de démonstration fictives chargées. Connexion : %s / %s", login.Email, login.Password))
		}
	}
	reg := metrics.New(metrics.ReadBuild())
	reg.SetDB(db.Stats)
	client, err := newSSO(cfg.SSO)
	if err != nil {
		db.Close()
		return nil, err
	}
	s, err := web.New(web.Config{DB: db, Ref: ref, Log: cfg.Log, Demo: cfg.Demo, SecureCookies: cfg.Secure, PublicRate: cfg.PublicRate, TrustedProxies: cfg.TrustedProxies, SSO: client,
		DemoEmail: login.Email, DemoPassword: login.Password, Metrics: reg, AccessLog: cfg.AccessLog})
	if err != nil {
		db.Close()
		return nil, err
	}
	discoverSSO(ctx, client, cfg.Log)
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		db.Close()
		return nil, err
	}
	var mln net.Listener
	if cfg.MetricsAddr != "" {
		if mln, err = net.Listen("tcp", cfg.MetricsAddr); err != nil {
			ln.Close()
			db.Close()
			return nil, err
		}
	}
	if err := db.AbandonStaleImports(ctx); err != nil {
		cfg.Log.Warn("stale imports could not be marked", "err", err)
	}
	r := &Running{Addr: ln.Addr().String(), DB: db, Ref: ref, Metrics: reg, web: s, delay: cfg.ShutdownDelay, done: make(chan error, 1)}
	if r.stopJobs, err = startReminders(cfg.Reminders, db, s.Go, s.Jobs(), cfg.Log); err != nil {
		ln.Close()
		if mln != nil {
			mln.Close()
		}
		db.Close()
		return nil, err
	}
	r.srv = &http.Server{
		Handler:           s.Handler(),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       60 * time.Second,
		WriteTimeout:      120 * time.Second,
		IdleTimeout:       120 * time.Second,
		ErrorLog:          slog.NewLogLogger(cfg.Log.Handler(), slog.LevelWarn),
	}
	go func() {
		err := r.srv.Serve(ln)
		if errors.Is(err, http.ErrServerClosed) {
			err = nil
		}
		r.done <- err
	}()
	if mln != nil {
		r.MetricsAddr = mln.Addr().String()
		r.msrv = metricsServer(reg, cfg.Log)
		go func() {
			if err := r.msrv.Serve(mln); err != nil && !errors.Is(err, http.ErrServerClosed) {
				cfg.Log.Error("metrics listener stopped", "err", err)
			}
		}()
	}
	s.MarkStarted()
	return r, nil
}

// metricsServer serves GET /metrics and nothing else, on the listener of
// --metrics-addr: the metrics are never on the public address, and who
// may reach them is the business of that address (a loopback, a private
// network, a firewall), not of a password in ctg.
func metricsServer(reg *metrics.Registry, log *slog.Logger) *http.Server {
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", reg.Handler())
	return &http.Server{
		Handler:           mux,
		ReadHeaderTimeout: 10 * time.Second,
		WriteTimeout:      30 * time.Second,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
}

// Close makes /readyz answer 503 and, after the shutdown delay, stops
// accepting requests and lets those in flight finish (up to 20 seconds),
// then stops the jobs (reminders) and lets the background work started by
// requests (imports) finish (up to a minute more), then stops the metrics
// listener (scraped until then) and closes the database.
func (r *Running) Close() error {
	r.web.Drain()
	if r.delay > 0 {
		// Connections kept alive would carry on to a server about to
		// go: each answer from now on closes its connection.
		r.srv.SetKeepAlivesEnabled(false)
		time.Sleep(r.delay)
	}
	ctx, cancel := context.WithTimeout(context.Background(), shutdownGrace)
	defer cancel()
	err := r.srv.Shutdown(ctx)
	<-r.done
	r.stopJobs()
	bg, cancelBG := context.WithTimeout(context.Background(), bgGrace)
	defer cancelBG()
	if werr := r.web.Wait(bg); werr != nil {
		slog.Warn("background work still running at shutdown: it will be marked interrupted", "err", werr)
	}
	r.closeMetrics()
	r.DB.Close()
	return err
}

func (r *Running) closeMetrics() {
	if r.msrv == nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_ = r.msrv.Shutdown(ctx)
}

func serveCmd(ctx context.Context, args []string, env Env, stdio IO) error {
	f := newFlags("serve", env, stdio)
	addr := f.String("addr", "127.0.0.1:8080", "adresse d'écoute")
	dsn := f.String("db", "ctg.db", "fichier SQLite ou URL postgres://")
	withDemo := f.Bool("demo", false, "charger les données de démonstration fictives")
	secure := f.Bool("secure-cookies", false, "cookies réservés à HTTPS (derrière un proxy TLS)")
	rate := f.Int("public-rate", 600, "réponses publiques acceptées par adresse et par minute (0 : sans limite)")
	trusted := f.String("trusted-proxies", "", "adresses ou réseaux des répartiteurs de charge dont l'en-tête X-Forwarded-For désigne le client, séparés par des virgules (par exemple 10.0.0.0/8)")
	metricsAddr := f.String("metrics-addr", "", "adresse d'écoute de /metrics, séparée de --addr (par exemple 127.0.0.1:9090 ; sans : pas de métriques)")
	logFormat := f.String("log-format", "text", "format du journal sur la sortie d'erreur : text ou json")
	delay := f.String("shutdown-delay", "0s", "durée pendant laquelle /readyz répond 503 avant l'arrêt (5s derrière un répartiteur de charge)")
	reminders := newReminderFlags(f)
	oidc := newSSOFlags(f)
	if _, err := f.parse(args); err != nil {
		return err
	}
	if *logFormat != "text" && *logFormat != "json" {
		return usageError{"--log-format attend text ou json."}
	}
	shutdownDelay, err := time.ParseDuration(*delay)
	if err != nil || shutdownDelay < 0 || shutdownDelay > time.Minute {
		return usageError{"--shutdown-delay attend une durée entre 0s et 1m, par exemple 5s."}
	}
	rc, err := reminders.config()
	if err != nil {
		return err
	}
	sc, err := oidc.config()
	if err != nil {
		return err
	}
	proxies, err := web.ParseTrustedProxies(*trusted)
	if err != nil {
		return usageError{"--trusted-proxies : " + err.Error() + "."}
	}
	if *rate < 0 {
		return usageError{"--public-rate doit être un nombre positif, ou 0 pour ne pas limiter les réponses."}
	}
	opts := &slog.HandlerOptions{Level: slog.LevelInfo}
	if env("CTG_DEBUG") != "" {
		opts.Level = slog.LevelDebug
	}
	log := slog.New(slog.NewTextHandler(stdio.Stderr, opts))
	if *logFormat == "json" {
		log = slog.New(slog.NewJSONHandler(stdio.Stderr, opts))
		// Every line of the process in JSON, the migrations' included,
		// for whatever reads the log to parse them all.
		prev := slog.Default()
		slog.SetDefault(log)
		defer slog.SetDefault(prev)
	}
	start := time.Now()
	r, err := Start(ctx, ServeConfig{Addr: *addr, DB: *dsn, Demo: *withDemo, Secure: *secure, PublicRate: *rate, TrustedProxies: proxies, Reminders: rc, SSO: sc,
		MetricsAddr: *metricsAddr, ShutdownDelay: shutdownDelay, AccessLog: *logFormat == "json", Log: log,
		Stdout: func(s string) { fmt.Fprintln(stdio.Stdout, s) }})
	if err != nil {
		return err
	}
	fmt.Fprintf(stdio.Stdout, "ctg écoute sur http://%s (prêt en %d ms)\n", r.Addr, time.Since(start).Milliseconds())
	if r.MetricsAddr != "" {
		fmt.Fprintf(stdio.Stdout, "métriques sur http://%s/metrics\n", r.MetricsAddr)
	}
	select {
	case <-ctx.Done():
		log.Info("arrêt demandé : fin des requêtes en cours", "shutdown_delay", shutdownDelay.String())
		return r.Close()
	case err := <-r.done:
		r.stopJobs()
		r.closeMetrics()
		r.DB.Close()
		return err
	}
}

var _ = os.Getenv
