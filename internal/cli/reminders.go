package cli

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"log/slog"
	"net"
	netmail "net/mail"
	"net/url"
	"os"
	"time"

	"ctg/internal/mail"
	"ctg/internal/metrics"
	"ctg/internal/reminder"
	"ctg/internal/store"
)

// RemindersConfig is how `serve` mails reminders. Without an SMTP server
// (Mail.Addr empty) reminders are only on the dashboard.
type RemindersConfig struct {
	Mail mail.Config
	// Every is the period of the job; an hour when zero.
	Every time.Duration
	// BaseURL is the address of ctg as its users reach it, for the links
	// of the mails.
	BaseURL string
}

// reminderFlags are serve's flags of the reminders.
type reminderFlags struct {
	addr, user, password, from, every, baseURL *string
}

func newReminderFlags(f *flags) *reminderFlags {
	return &reminderFlags{
		addr:     f.String("smtp-addr", "", "serveur SMTP des rappels par courriel, hôte:port (sans : rappels sur le tableau de bord seulement)"),
		user:     f.String("smtp-user", "", "utilisateur SMTP (authentification PLAIN)"),
		password: f.String("smtp-password", "", "mot de passe SMTP (de préférence par CTG_SMTP_PASSWORD)"),
		from:     f.String("smtp-from", "", "expéditeur des courriels, par exemple « ctg <ctg@caf33.fr> »"),
		every:    f.String("reminders-every", "1h", "intervalle entre deux envois de rappels (30m, 1h, 24h…)"),
		baseURL:  f.String("base-url", "", "adresse de ctg pour ses utilisateurs, pour les liens des courriels (https://ctg.caf33.fr)"),
	}
}

// config checks the flags and returns the configuration, or a French
// usage error.
func (rf *reminderFlags) config() (RemindersConfig, error) {
	every, err := time.ParseDuration(*rf.every)
	if err != nil || every < time.Minute {
		return RemindersConfig{}, usageError{"--reminders-every attend une durée d'au moins une minute, par exemple 30m, 1h ou 24h."}
	}
	rc := RemindersConfig{Every: every, BaseURL: *rf.baseURL,
		Mail: mail.Config{Addr: *rf.addr, User: *rf.user, Password: *rf.password, From: *rf.from}}
	if rc.BaseURL != "" {
		if u, err := url.Parse(rc.BaseURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return rc, usageError{"--base-url attend une adresse complète, par exemple https://ctg.caf33.fr."}
		}
	}
	if rc.Mail.Addr == "" {
		return rc, nil
	}
	if host, port, err := net.SplitHostPort(rc.Mail.Addr); err != nil || host == "" || port == "" {
		return rc, usageError{"--smtp-addr attend hôte:port, par exemple smtp.caf33.fr:587."}
	}
	if _, err := netmail.ParseAddress(rc.Mail.From); err != nil {
		return rc, usageError{"--smtp-from attend l'adresse de l'expéditeur des rappels, par exemple « ctg <ctg@caf33.fr> »."}
	}
	return rc, nil
}

// startReminders starts the reminders job when an SMTP server is
// configured, as background work of s (run under its Go, so that a
// shutdown waits for it before the database closes), and returns what
// stops it. Each run is reported to jobs, for the metrics.
func startReminders(cfg RemindersConfig, db *store.DB, goFn func(func()), jobs *metrics.Jobs, log *slog.Logger) (stop func(), err error) {
	if cfg.Mail.Addr == "" {
		log.Info("no SMTP server (--smtp-addr): reminders are shown on the dashboard only")
		return func() {}, nil
	}
	sender, err := mail.New(cfg.Mail)
	if err != nil {
		return nil, err
	}
	if cfg.Every == 0 {
		cfg.Every = time.Hour
	}
	jobs.Register(reminder.LeaseName)
	j := &reminder.Job{Store: db, Mailer: sender, Holder: holderName(), Every: cfg.Every, BaseURL: cfg.BaseURL, Log: log, Report: jobs.Start}
	ctx, cancel := context.WithCancel(context.Background())
	goFn(func() { j.Run(ctx) })
	log.Info("reminders job started", "smtp", cfg.Mail.Addr, "every", cfg.Every.String(), "holder", j.Holder)
	return cancel, nil
}

// holderName names this process in the job leases: its host, its process
// id, and a random part, so that two servers never share a name.
func holderName() string {
	host, _ := os.Hostname()
	b := make([]byte, 4)
	_, _ = rand.Read(b)
	return fmt.Sprintf("%s:%d:%s", host, os.Getpid(), hex.EncodeToString(b))
}
