package cli

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"time"

	"ctg/internal/demo"
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
	// SSO is the single sign-on's provider (sso.go); off when none of
	// its settings is given.
	SSO sso.Config
	// Reminders says how reminders are mailed (reminders.go).
	Reminders RemindersConfig
	Log       *slog.Logger
	Stdout    func(string)
}

// Running is a started server.
type Running struct {
	Addr string
	DB   *store.DB
	Ref  *territory.Ref
	web  *web.Server
	srv  *http.Server
	done chan error
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
	client, err := newSSO(cfg.SSO)
	if err != nil {
		db.Close()
		return nil, err
	}
	s, err := web.New(web.Config{DB: db, Ref: ref, Log: cfg.Log, Demo: cfg.Demo, SecureCookies: cfg.Secure, PublicRate: cfg.PublicRate, SSO: client,
		DemoEmail: login.Email, DemoPassword: login.Password})
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
	if err := db.AbandonStaleImports(ctx); err != nil {
		cfg.Log.Warn("stale imports could not be marked", "err", err)
	}
	r := &Running{Addr: ln.Addr().String(), DB: db, Ref: ref, web: s, done: make(chan error, 1)}
	if r.stopJobs, err = startReminders(cfg.Reminders, db, s.Go, cfg.Log); err != nil {
		ln.Close()
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
	return r, nil
}

// Close stops accepting requests and lets those in flight finish (up to
// 20 seconds), then stops the jobs (reminders) and lets the background work
// started by requests (imports) finish (up to a minute more), then closes
// the database.
func (r *Running) Close() error {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	err := r.srv.Shutdown(ctx)
	<-r.done
	r.stopJobs()
	bg, cancelBG := context.WithTimeout(context.Background(), time.Minute)
	defer cancelBG()
	if werr := r.web.Wait(bg); werr != nil {
		slog.Warn("background work still running at shutdown: it will be marked interrupted", "err", werr)
	}
	r.DB.Close()
	return err
}

func serveCmd(ctx context.Context, args []string, env Env, stdio IO) error {
	f := newFlags("serve", env, stdio)
	addr := f.String("addr", "127.0.0.1:8080", "adresse d'écoute")
	dsn := f.String("db", "ctg.db", "fichier SQLite ou URL postgres://")
	withDemo := f.Bool("demo", false, "charger les données de démonstration fictives")
	secure := f.Bool("secure-cookies", false, "cookies réservés à HTTPS (derrière un proxy TLS)")
	rate := f.Int("public-rate", 600, "réponses publiques acceptées par adresse et par minute (0 : sans limite)")
	reminders := newReminderFlags(f)
	oidc := newSSOFlags(f)
	if _, err := f.parse(args); err != nil {
		return err
	}
	rc, err := reminders.config()
	if err != nil {
		return err
	}
	sc, err := oidc.config()
	if err != nil {
		return err
	}
	if *rate < 0 {
		return usageError{"--public-rate doit être un nombre positif, ou 0 pour ne pas limiter les réponses."}
	}
	log := slog.New(slog.NewTextHandler(stdio.Stderr, &slog.HandlerOptions{Level: slog.LevelInfo}))
	if env("CTG_LOG_FORMAT") == "json" {
		log = slog.New(slog.NewJSONHandler(stdio.Stderr, &slog.HandlerOptions{Level: slog.LevelInfo}))
	}
	start := time.Now()
	r, err := Start(ctx, ServeConfig{Addr: *addr, DB: *dsn, Demo: *withDemo, Secure: *secure, PublicRate: *rate, Reminders: rc, SSO: sc, Log: log,
		Stdout: func(s string) { fmt.Fprintln(stdio.Stdout, s) }})
	if err != nil {
		return err
	}
	fmt.Fprintf(stdio.Stdout, "ctg écoute sur http://%s (prêt en %d ms)\n", r.Addr, time.Since(start).Milliseconds())
	select {
	case <-ctx.Done():
		log.Info("arrêt demandé : fin des requêtes en cours")
		return r.Close()
	case err := <-r.done:
		r.stopJobs()
		r.DB.Close()
		return err
	}
}

var _ = os.Getenv
