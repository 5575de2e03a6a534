// Package mail sends plain-text e-mails through an SMTP server with the
// standard library's net/smtp: STARTTLS whenever the server offers it,
// PLAIN authentication when a user is configured, a UTF-8 body in
// quoted-printable and an RFC 2047 subject, so that French text arrives
// intact whatever the servers on the way accept.
package mail

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/tls"
	"encoding/hex"
	"fmt"
	"mime"
	"mime/quotedprintable"
	"net"
	netmail "net/mail"
	"net/smtp"
	"strings"
	"time"
)

// Config is where and as whom mails are sent.
type Config struct {
	// Addr is the SMTP server, host:port (587 or 25; implicit TLS on 465
	// is not spoken).
	Addr string
	// User and Password authenticate with PLAIN when User is set. net/smtp
	// sends them only over TLS, or to the local machine.
	User, Password string
	// From is the sender, an address or "Name <address>".
	From string
	// Timeout bounds one message, from dialling to QUIT; 30 s when zero.
	Timeout time.Duration
	// TLS configures STARTTLS; nil verifies the server's certificate
	// against the system's roots for the host of Addr.
	TLS *tls.Config
	// Now is the clock of the Date header; time.Now when nil.
	Now func() time.Time
}

// Message is one mail to one person.
type Message struct {
	// To is the address, ToName the person's name (may be empty).
	To, ToName string
	Subject    string
	// Body is plain text; lines end with "\n".
	Body string
}

// Sender sends messages over SMTP, one connection each. It is safe for
// concurrent use.
type Sender struct {
	cfg  Config
	host string
	from *netmail.Address
}

// New checks cfg and returns a sender.
func New(cfg Config) (*Sender, error) {
	host, _, err := net.SplitHostPort(cfg.Addr)
	if err != nil || host == "" {
		return nil, fmt.Errorf("mail: the SMTP address %q is not host:port", cfg.Addr)
	}
	from, err := netmail.ParseAddress(cfg.From)
	if err != nil {
		return nil, fmt.Errorf("mail: the sender %q is not an e-mail address: %w", cfg.From, err)
	}
	if cfg.Timeout == 0 {
		cfg.Timeout = 30 * time.Second
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	return &Sender{cfg: cfg, host: host, from: from}, nil
}

// Send delivers m. It gives up when ctx ends or the timeout passes,
// whatever the server does meanwhile (a server that stops answering
// holds no one).
func (s *Sender) Send(ctx context.Context, m Message) (err error) {
	to, err := netmail.ParseAddress(m.To)
	if err != nil {
		return fmt.Errorf("mail.Send: the recipient %q is not an e-mail address: %w", m.To, err)
	}
	to.Name = m.ToName
	data, err := s.Format(m)
	if err != nil {
		return fmt.Errorf("mail.Send: %w", err)
	}
	ctx, cancel := context.WithTimeout(ctx, s.cfg.Timeout)
	defer cancel()
	conn, err := (&net.Dialer{}).DialContext(ctx, "tcp", s.cfg.Addr)
	if err != nil {
		return fmt.Errorf("mail.Send: %w", err)
	}
	// net/smtp knows no context: the deadline and closing the connection
	// when ctx ends unblock whatever it waits for.
	deadline, _ := ctx.Deadline()
	conn.SetDeadline(deadline)
	stop := context.AfterFunc(ctx, func() { conn.Close() })
	defer stop()
	defer func() {
		if err != nil && ctx.Err() != nil {
			err = fmt.Errorf("mail.Send: %w (%w)", ctx.Err(), err)
		}
	}()
	c, err := smtp.NewClient(conn, s.host)
	if err != nil {
		conn.Close()
		return fmt.Errorf("mail.Send: %w", err)
	}
	defer c.Close()
	if err := c.Hello(helloName(s.from.Address)); err != nil {
		return fmt.Errorf("mail.Send: EHLO: %w", err)
	}
	if ok, _ := c.Extension("STARTTLS"); ok {
		tc := &tls.Config{ServerName: s.host}
		if s.cfg.TLS != nil {
			tc = s.cfg.TLS.Clone()
			if tc.ServerName == "" {
				tc.ServerName = s.host
			}
		}
		if err := c.StartTLS(tc); err != nil {
			return fmt.Errorf("mail.Send: STARTTLS: %w", err)
		}
	}
	if s.cfg.User != "" {
		if err := c.Auth(smtp.PlainAuth("", s.cfg.User, s.cfg.Password, s.host)); err != nil {
			return fmt.Errorf("mail.Send: AUTH: %w", err)
		}
	}
	if err := c.Mail(s.from.Address); err != nil {
		return fmt.Errorf("mail.Send: MAIL FROM: %w", err)
	}
	if err := c.Rcpt(to.Address); err != nil {
		return fmt.Errorf("mail.Send: RCPT TO: %w", err)
	}
	w, err := c.Data()
	if err != nil {
		return fmt.Errorf("mail.Send: DATA: %w", err)
	}
	if _, err := w.Write(data); err != nil {
		return fmt.Errorf("mail.Send: DATA: %w", err)
	}
	if err := w.Close(); err != nil {
		return fmt.Errorf("mail.Send: DATA: %w", err)
	}
	// The server took the message at the end of DATA: a QUIT it does not
	// answer changes nothing.
	_ = c.Quit()
	return nil
}

// helloName is the name given in EHLO: the domain of the sender, which a
// server is likelier to accept than "localhost".
func helloName(from string) string {
	if _, domain, ok := strings.Cut(from, "@"); ok && domain != "" {
		return domain
	}
	return "localhost"
}

// Format writes m as an Internet message (RFC 5322): From, To, Subject
// encoded by RFC 2047 when it is not plain ASCII, Date, Message-ID, and a
// UTF-8 body in quoted-printable.
func (s *Sender) Format(m Message) ([]byte, error) {
	to, err := netmail.ParseAddress(m.To)
	if err != nil {
		return nil, fmt.Errorf("the recipient %q is not an e-mail address: %w", m.To, err)
	}
	to.Name = m.ToName
	id := make([]byte, 16)
	if _, err := rand.Read(id); err != nil {
		return nil, err
	}
	var b bytes.Buffer
	header := func(k, v string) {
		first, _, _ := strings.Cut(v, "\r\n")
		if len(k)+2+len(first) > 78 && strings.HasPrefix(v, "=?") {
			// An encoded word is up to 75 characters: it starts a
			// line of its own rather than make the first one too long.
			b.WriteString(k + ":\r\n " + v + "\r\n")
			return
		}
		b.WriteString(k + ": " + v + "\r\n")
	}
	header("From", s.from.String())
	header("To", to.String())
	header("Subject", encodeHeader(m.Subject))
	header("Date", s.cfg.Now().Format(time.RFC1123Z))
	header("Message-ID", "<"+hex.EncodeToString(id)+"@"+helloName(s.from.Address)+">")
	header("MIME-Version", "1.0")
	header("Content-Type", "text/plain; charset=utf-8")
	header("Content-Transfer-Encoding", "quoted-printable")
	b.WriteString("\r\n")
	qp := quotedprintable.NewWriter(&b)
	if _, err := qp.Write([]byte(strings.ReplaceAll(m.Body, "\n", "\r\n"))); err != nil {
		return nil, err
	}
	if err := qp.Close(); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// encodeHeader encodes a header value by RFC 2047 when it needs it, folded
// between encoded words so that no line grows past what servers accept.
func encodeHeader(v string) string {
	v = strings.Map(func(r rune) rune {
		if r == '\r' || r == '\n' {
			return ' '
		}
		return r
	}, v)
	return strings.ReplaceAll(mime.QEncoding.Encode("utf-8", v), "?= =?", "?=\r\n =?")
}
