// Package mailtest runs a real SMTP server on loopback for tests: it speaks
// EHLO and HELO, STARTTLS (with a certificate of its own), AUTH PLAIN,
// MAIL, RCPT, DATA, RSET, NOOP and QUIT, keeps the messages it accepted,
// and can stop answering, to play a server that hangs. It is written for
// the tests rather than taken from a library: what ctg sends needs these
// few verbs, and a test server should do nothing it is not asked to.
package mailtest

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"io"
	"math/big"
	"mime"
	"mime/quotedprintable"
	"net"
	netmail "net/mail"
	"net/textproto"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// Options say what the server offers and requires.
type Options struct {
	// TLS offers STARTTLS, with a self-signed certificate for 127.0.0.1
	// that ClientTLS trusts.
	TLS bool
	// User and Password, when User is set, are required (AUTH PLAIN)
	// before MAIL.
	User, Password string
	// Hang makes the server accept connections and never answer; see
	// also SetHang.
	Hang bool
}

// Message is what the server accepted: the envelope, the data as sent
// (dot-stuffing undone, lines ending in "\n"), whether the session was
// encrypted and who authenticated.
type Message struct {
	From string
	To   []string
	Data []byte
	TLS  bool
	User string
}

// Server is a running SMTP server.
type Server struct {
	// Addr is host:port of the listener.
	Addr string

	opts   Options
	ln     net.Listener
	tlsCfg *tls.Config
	pool   *x509.CertPool
	hang   atomic.Bool
	closed chan struct{}
	wg     sync.WaitGroup

	mu       sync.Mutex
	msgs     []Message
	conns    map[net.Conn]bool
	received chan struct{}
	sessions int
}

// Start starts a server on 127.0.0.1 on a free port, stopped when the test
// ends.
func Start(tb testing.TB, opts Options) *Server {
	tb.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatalf("mailtest: %v", err)
	}
	s := &Server{Addr: ln.Addr().String(), opts: opts, ln: ln, closed: make(chan struct{}),
		conns: map[net.Conn]bool{}, received: make(chan struct{}, 1)}
	s.hang.Store(opts.Hang)
	if opts.TLS {
		if err := s.makeCertificate(); err != nil {
			ln.Close()
			tb.Fatalf("mailtest: %v", err)
		}
	}
	s.wg.Add(1)
	go s.accept()
	tb.Cleanup(s.Close)
	return s
}

// Close stops the server and closes its connections.
func (s *Server) Close() {
	select {
	case <-s.closed:
		return
	default:
	}
	close(s.closed)
	s.ln.Close()
	s.mu.Lock()
	for c := range s.conns {
		c.Close()
	}
	s.mu.Unlock()
	s.wg.Wait()
}

// SetHang makes the server stop answering new connections (true), or
// answer again (false).
func (s *Server) SetHang(hang bool) { s.hang.Store(hang) }

// ClientTLS is a client configuration that trusts the server's
// certificate.
func (s *Server) ClientTLS() *tls.Config {
	return &tls.Config{RootCAs: s.pool, ServerName: "127.0.0.1"}
}

// Messages returns the messages accepted so far.
func (s *Server) Messages() []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Message(nil), s.msgs...)
}

// Sessions returns how many connections the server has accepted.
func (s *Server) Sessions() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.sessions
}

// WaitFor waits up to 10 s for at least n messages and returns them all.
func (s *Server) WaitFor(tb testing.TB, n int) []Message {
	tb.Helper()
	deadline := time.After(10 * time.Second)
	for {
		if m := s.Messages(); len(m) >= n {
			return m
		}
		select {
		case <-s.received:
		case <-deadline:
			tb.Fatalf("mailtest: %d messages after 10 s, want %d", len(s.Messages()), n)
		}
	}
}

func (s *Server) accept() {
	defer s.wg.Done()
	for {
		c, err := s.ln.Accept()
		if err != nil {
			return
		}
		s.mu.Lock()
		s.conns[c] = true
		s.sessions++
		s.mu.Unlock()
		s.wg.Add(1)
		go func() {
			defer s.wg.Done()
			s.session(c)
			s.mu.Lock()
			delete(s.conns, c)
			s.mu.Unlock()
			c.Close()
		}()
	}
}

// session speaks SMTP on c until QUIT or an error.
func (s *Server) session(c net.Conn) {
	if s.hang.Load() {
		// Read and drop whatever comes, answer nothing, until closed.
		_, _ = io.Copy(io.Discard, c)
		return
	}
	tp := textproto.NewConn(c)
	var (
		encrypted bool
		user      string
		from      string
		to        []string
	)
	reply := func(lines ...string) bool {
		for _, l := range lines {
			if err := tp.PrintfLine("%s", l); err != nil {
				return false
			}
		}
		return true
	}
	if !reply("220 127.0.0.1 mailtest ESMTP") {
		return
	}
	for {
		line, err := tp.ReadLine()
		if err != nil {
			return
		}
		verb, arg, _ := strings.Cut(line, " ")
		var ok bool
		switch strings.ToUpper(verb) {
		case "EHLO":
			ext := []string{"250-127.0.0.1 bonjour"}
			if s.opts.TLS && !encrypted {
				ext = append(ext, "250-STARTTLS")
			}
			if s.opts.User != "" {
				ext = append(ext, "250-AUTH PLAIN")
			}
			ok = reply(append(ext, "250 8BITMIME")...)
		case "HELO", "NOOP":
			ok = reply("250 OK")
		case "RSET":
			from, to = "", nil
			ok = reply("250 OK")
		case "STARTTLS":
			if !s.opts.TLS || encrypted {
				ok = reply("502 not offered")
				break
			}
			if !reply("220 ready") {
				return
			}
			tc := tls.Server(c, s.tlsCfg)
			if err := tc.Handshake(); err != nil {
				return
			}
			tp = textproto.NewConn(tc)
			encrypted, user, from, to = true, "", "", nil
			ok = true
		case "AUTH":
			mech, resp, _ := strings.Cut(arg, " ")
			if s.opts.User == "" || !strings.EqualFold(mech, "PLAIN") {
				ok = reply("504 unknown mechanism")
				break
			}
			if resp == "" {
				if !reply("334 ") {
					return
				}
				if resp, err = tp.ReadLine(); err != nil {
					return
				}
			}
			raw, _ := base64.StdEncoding.DecodeString(resp)
			parts := strings.Split(string(raw), "\x00")
			if len(parts) == 3 && parts[1] == s.opts.User && parts[2] == s.opts.Password {
				user = parts[1]
				ok = reply("235 authenticated")
			} else {
				ok = reply("535 authentication failed")
			}
		case "MAIL":
			if s.opts.User != "" && user == "" {
				ok = reply("530 authentication required")
				break
			}
			from, to = envelope(arg, "FROM:"), nil
			ok = reply("250 OK")
		case "RCPT":
			if from == "" {
				ok = reply("503 MAIL first")
				break
			}
			to = append(to, envelope(arg, "TO:"))
			ok = reply("250 OK")
		case "DATA":
			if len(to) == 0 {
				ok = reply("503 RCPT first")
				break
			}
			if !reply("354 go ahead") {
				return
			}
			data, err := tp.ReadDotBytes()
			if err != nil {
				return
			}
			s.mu.Lock()
			s.msgs = append(s.msgs, Message{From: from, To: to, Data: data, TLS: encrypted, User: user})
			s.mu.Unlock()
			select {
			case s.received <- struct{}{}:
			default:
			}
			from, to = "", nil
			ok = reply("250 accepted")
		case "QUIT":
			reply("221 bye")
			return
		default:
			ok = reply("502 unknown command")
		}
		if !ok {
			return
		}
	}
}

// envelope reads the address of "FROM:<a@b> SIZE=…".
func envelope(arg, prefix string) string {
	arg = strings.TrimSpace(arg)
	if len(arg) >= len(prefix) && strings.EqualFold(arg[:len(prefix)], prefix) {
		arg = arg[len(prefix):]
	}
	arg, _, _ = strings.Cut(strings.TrimSpace(arg), " ")
	return strings.Trim(arg, "<>")
}

func (s *Server) makeCertificate() error {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return err
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1),
		Subject:      pkix.Name{CommonName: "mailtest"},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(24 * time.Hour),
		IPAddresses:  []net.IP{net.IPv4(127, 0, 0, 1)},
		DNSNames:     []string{"localhost"},
		KeyUsage:     x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		IsCA:         true,

		BasicConstraintsValid: true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return err
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return err
	}
	s.pool = x509.NewCertPool()
	s.pool.AddCert(cert)
	s.tlsCfg = &tls.Config{Certificates: []tls.Certificate{{Certificate: [][]byte{der}, PrivateKey: key, Leaf: cert}}}
	return nil
}

// Parsed is a message read as a mail client would: its header, its
// subject decoded (RFC 2047) and its body decoded (quoted-printable).
type Parsed struct {
	Header  netmail.Header
	Subject string
	Body    string
}

// Parse reads m's data, failing tb when it is not a readable message.
func (m Message) Parse(tb testing.TB) Parsed {
	tb.Helper()
	msg, err := netmail.ReadMessage(bytes.NewReader(m.Data))
	if err != nil {
		tb.Fatalf("mailtest: unreadable message: %v\n%s", err, m.Data)
	}
	subject, err := new(mime.WordDecoder).DecodeHeader(msg.Header.Get("Subject"))
	if err != nil {
		tb.Fatalf("mailtest: subject %q: %v", msg.Header.Get("Subject"), err)
	}
	var body io.Reader = msg.Body
	if strings.EqualFold(msg.Header.Get("Content-Transfer-Encoding"), "quoted-printable") {
		body = quotedprintable.NewReader(body)
	}
	b, err := io.ReadAll(body)
	if err != nil {
		tb.Fatalf("mailtest: body: %v", err)
	}
	return Parsed{Header: msg.Header, Subject: subject, Body: strings.ReplaceAll(string(b), "\r\n", "\n")}
}
