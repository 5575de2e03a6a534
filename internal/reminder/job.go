package reminder

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"time"

	"ctg/internal/mail"
)

// LeaseName is the lease a run of the job takes, so that one server runs
// it at a time.
const LeaseName = "reminders"

// Store is what the job needs of the database; store.DB is one.
type Store interface {
	AcquireLease(ctx context.Context, name, holder string, ttl time.Duration) (bool, error)
	ReleaseLease(ctx context.Context, name, holder string) error
	DueReminders(ctx context.Context, today string) ([]Delivery, error)
	ClaimReminder(ctx context.Context, kind, subject, recipient, due string) (bool, error)
	MarkSent(ctx context.Context, kind, subject, recipient, due string) error
	ReleaseReminder(ctx context.Context, kind, subject, recipient, due string) error
}

// Mailer sends one mail; mail.Sender is one.
type Mailer interface {
	Send(ctx context.Context, m mail.Message) error
}

// Job mails the reminders that are due, each once to each recipient,
// every Every, on whichever server holds the lease.
//
// A run holds the lease for Every and renews it as it goes, so that of
// several servers one runs in each period; it claims each reminder for
// each recipient before mailing it (store.ClaimReminder), so that even
// runs that overlap (a lease that ran out during a slow send) mail
// nothing twice. No transaction is open while a mail goes: a claim is a
// row, written before and marked after.
type Job struct {
	Store  Store
	Mailer Mailer
	// Holder names this server in the lease; it must differ from server
	// to server.
	Holder string
	// Every is the time between runs and the length of the lease.
	Every time.Duration
	// BaseURL is the address of ctg as users reach it, for the links of
	// the mails.
	BaseURL string
	Log     *slog.Logger
	// Now is the clock; time.Now when nil.
	Now func() time.Time
	// Report, when set, is told when each run begins and returns what
	// is told how it ended, for the metrics (metrics.Jobs.Start).
	Report func(job string) (done func(error))
}

// Run runs the job at once, then every Every, until ctx ends. A run that
// fails is logged and tried again at the next tick.
func (j *Job) Run(ctx context.Context) {
	t := time.NewTicker(j.Every)
	defer t.Stop()
	for {
		done := func(error) {}
		if j.Report != nil {
			done = j.Report(LeaseName)
		}
		n, err := j.RunOnce(ctx)
		if ctx.Err() != nil {
			err = nil // stopped by the shutdown, not a failure
		}
		done(err)
		if err != nil {
			j.log().Warn("reminders: run failed, will try again", "err", err, "mails", n)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

func (j *Job) log() *slog.Logger {
	if j.Log == nil {
		return slog.Default()
	}
	return j.Log
}

// person is a recipient with the reminders due to them.
type person struct {
	Recipient
	reminders []Reminder
}

// RunOnce takes the lease and, if it has it, mails each recipient the due
// reminders they have not had yet, in one mail. It returns how many mails
// went. Another server's lease is not an error: nothing is done. A mail
// that fails ends the run: its claims are given back, and what is left is
// tried at the next run.
func (j *Job) RunOnce(ctx context.Context) (mails int, err error) {
	ok, err := j.Store.AcquireLease(ctx, LeaseName, j.Holder, j.Every)
	if err != nil || !ok {
		return 0, err
	}
	defer func() {
		if err != nil {
			// Another server may try at its next tick rather than wait
			// for the lease to end.
			ctx, cancel := detached(ctx)
			defer cancel()
			if rerr := j.Store.ReleaseLease(ctx, LeaseName, j.Holder); rerr != nil {
				j.log().Warn("reminders: lease not released", "err", rerr)
			}
		}
	}()
	now := time.Now
	if j.Now != nil {
		now = j.Now
	}
	ds, err := j.Store.DueReminders(ctx, Today(now()))
	if err != nil {
		return 0, err
	}
	for _, p := range byRecipient(ds) {
		// A run that outlasts its period keeps the lease; if another
		// server has taken it, that server goes on.
		if ok, err := j.Store.AcquireLease(ctx, LeaseName, j.Holder, j.Every); err != nil || !ok {
			return mails, err
		}
		var claimed []Reminder
		for _, r := range p.reminders {
			ok, err := j.Store.ClaimReminder(ctx, r.Kind, r.Subject, p.Email, r.Due)
			if err != nil {
				j.release(ctx, p.Email, claimed)
				return mails, err
			}
			if ok {
				claimed = append(claimed, r)
			}
		}
		if len(claimed) == 0 {
			continue
		}
		if err := j.Mailer.Send(ctx, Compose(p.Recipient, claimed, j.BaseURL)); err != nil {
			j.release(ctx, p.Email, claimed)
			return mails, fmt.Errorf("reminder: mail to %s: %w", p.Email, err)
		}
		mails++
		// The mail has gone: recording it may not be lost to a shutdown.
		mctx, cancel := detached(ctx)
		for _, r := range claimed {
			if err := j.Store.MarkSent(mctx, r.Kind, r.Subject, p.Email, r.Due); err != nil {
				// The claim stays: it is sent again only after
				// store.ClaimTimeout.
				j.log().Error("reminders: a sent reminder was not recorded", "err", err, "kind", r.Kind, "subject", r.Subject, "to", p.Email)
			}
		}
		cancel()
	}
	if mails > 0 {
		j.log().Info("reminders sent", "mails", mails)
	}
	return mails, nil
}

// release gives back the claims of a mail that did not go.
func (j *Job) release(ctx context.Context, to string, rs []Reminder) {
	ctx, cancel := detached(ctx)
	defer cancel()
	for _, r := range rs {
		if err := j.Store.ReleaseReminder(ctx, r.Kind, r.Subject, to, r.Due); err != nil {
			j.log().Warn("reminders: claim not released, it will be tried again later", "err", err, "kind", r.Kind, "to", to)
		}
	}
}

// detached is a context for the bookkeeping that must outlive ctx (a
// shutdown), for a few seconds.
func detached(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
}

// byRecipient groups the deliveries by recipient, by e-mail address, each
// with their reminders in the order given.
func byRecipient(ds []Delivery) []*person {
	byEmail := map[string]*person{}
	var out []*person
	for _, d := range ds {
		for _, to := range d.To {
			key := strings.ToLower(to.Email)
			p := byEmail[key]
			if p == nil {
				p = &person{Recipient: to}
				byEmail[key] = p
				out = append(out, p)
			}
			p.reminders = append(p.reminders, d.Reminder)
		}
	}
	slices.SortFunc(out, func(a, b *person) int { return strings.Compare(a.Email, b.Email) })
	return out
}
