package mail_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"ctg/internal/mail"
	"ctg/internal/mail/mailtest"
)

func mustSender(t *testing.T, cfg mail.Config) *mail.Sender {
	t.Helper()
	s, err := mail.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// A French message with a long subject, a line longer than 76 characters
// and a line starting with a dot: what the server receives must read, once
// decoded, exactly as written.
var french = mail.Message{
	To: "marie.dupont@caf33.fr", ToName: "Marie Dupont",
	Subject: "Rappel : la convention « CTG Latitude Nord Gironde 2022-2026 » prend fin le 31/12/2026, préparez l'évaluation",
	Body:    "Bonjour Marie Dupont,\n\nLa convention « CTG Latitude Nord Gironde 2022-2026 » prend fin le 31/12/2026 : préparez l'évaluation et le renouvellement.\n.Une ligne qui commence par un point.\n",
}

func TestSendWithSTARTTLSAndAuth(t *testing.T) {
	srv := mailtest.Start(t, mailtest.Options{TLS: true, User: "ctg", Password: "secret de test"})
	date := time.Date(2026, 11, 21, 8, 30, 0, 0, time.UTC)
	s := mustSender(t, mail.Config{Addr: srv.Addr, User: "ctg", Password: "secret de test", From: "ctg <ctg@caf33.fr>",
		TLS: srv.ClientTLS(), Now: func() time.Time { return date }})
	if err := s.Send(context.Background(), french); err != nil {
		t.Fatalf("Send: %v", err)
	}
	msgs := srv.WaitFor(t, 1)
	m := msgs[0]
	if !m.TLS || m.User != "ctg" || m.From != "ctg@caf33.fr" || len(m.To) != 1 || m.To[0] != "marie.dupont@caf33.fr" {
		t.Errorf("envelope %+v (TLS %v, user %q)", m.To, m.TLS, m.User)
	}
	p := m.Parse(t)
	if p.Subject != french.Subject {
		t.Errorf("subject %q, want %q", p.Subject, french.Subject)
	}
	if p.Body != french.Body {
		t.Errorf("body %q, want %q", p.Body, french.Body)
	}
	if got := p.Header.Get("To"); got != `"Marie Dupont" <marie.dupont@caf33.fr>` {
		t.Errorf("To %q", got)
	}
	if got, _ := p.Header.Date(); !got.Equal(date) {
		t.Errorf("Date %v", got)
	}
	if id := p.Header.Get("Message-Id"); !strings.HasPrefix(id, "<") || !strings.HasSuffix(id, "@caf33.fr>") {
		t.Errorf("Message-ID %q", id)
	}
	if ct := p.Header.Get("Content-Type"); ct != "text/plain; charset=utf-8" {
		t.Errorf("Content-Type %q", ct)
	}
	// Every line is 7-bit and short, whatever servers on the way accept.
	for i, line := range strings.Split(string(m.Data), "\n") {
		if len(line) > 78 {
			t.Errorf("line %d is %d characters long: %q", i+1, len(line), line)
		}
		for _, r := range line {
			if r > 127 {
				t.Errorf("line %d is not ASCII: %q", i+1, line)
				break
			}
		}
	}
}

func TestSendWithoutTLS(t *testing.T) {
	// A server on the same machine that offers no STARTTLS: the mail goes
	// in the clear, and PLAIN is still allowed there (net/smtp allows it
	// on localhost only).
	srv := mailtest.Start(t, mailtest.Options{User: "ctg", Password: "pw"})
	s := mustSender(t, mail.Config{Addr: srv.Addr, User: "ctg", Password: "pw", From: "ctg@caf33.fr"})
	if err := s.Send(context.Background(), mail.Message{To: "a@b.fr", Subject: "Plain ASCII", Body: "ok\n"}); err != nil {
		t.Fatalf("Send: %v", err)
	}
	p := srv.WaitFor(t, 1)[0].Parse(t)
	if p.Subject != "Plain ASCII" || p.Header.Get("Subject") != "Plain ASCII" || p.Body != "ok\n" {
		t.Errorf("%+v", p)
	}
}

func TestSendRefused(t *testing.T) {
	srv := mailtest.Start(t, mailtest.Options{User: "ctg", Password: "pw"})
	s := mustSender(t, mail.Config{Addr: srv.Addr, User: "ctg", Password: "wrong", From: "ctg@caf33.fr"})
	if err := s.Send(context.Background(), french); err == nil {
		t.Error("a wrong password sent the mail")
	}
	if len(srv.Messages()) != 0 {
		t.Error("a message was accepted")
	}
	if _, err := mail.New(mail.Config{Addr: "smtp.example", From: "ctg@caf33.fr"}); err == nil {
		t.Error("an address without a port was accepted")
	}
	if _, err := mail.New(mail.Config{Addr: "smtp.example:587", From: "pas une adresse"}); err == nil {
		t.Error("a sender that is not an address was accepted")
	}
	if err := s.Send(context.Background(), mail.Message{To: "pas une adresse", Subject: "x", Body: "x"}); err == nil {
		t.Error("a recipient that is not an address was accepted")
	}
}

func TestSendToAServerThatHangs(t *testing.T) {
	srv := mailtest.Start(t, mailtest.Options{Hang: true})
	// The timeout ends the wait.
	s := mustSender(t, mail.Config{Addr: srv.Addr, From: "ctg@caf33.fr", Timeout: 200 * time.Millisecond})
	start := time.Now()
	if err := s.Send(context.Background(), french); err == nil {
		t.Error("sent to a server that does not answer")
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("gave up after %v, want about the 200 ms timeout", d)
	}
	// So does the context, long before the timeout.
	s = mustSender(t, mail.Config{Addr: srv.Addr, From: "ctg@caf33.fr", Timeout: time.Hour})
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(100*time.Millisecond, cancel)
	start = time.Now()
	if err := s.Send(ctx, french); err == nil {
		t.Error("sent to a server that does not answer")
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("gave up after %v once the context ended", d)
	}
}
