package web

import (
	"net/http/httptest"
	"testing"

	"ctg/internal/survey"
	"ctg/internal/testdb"
)

func TestClientAddress(t *testing.T) {
	trusted, err := ParseTrustedProxies("10.0.0.0/8, 192.0.2.1")
	if err != nil {
		t.Fatal(err)
	}
	s := &Server{trustedProxies: trusted}
	for _, c := range []struct {
		name, peer string
		xff        []string
		want       string
	}{
		{"no proxy", "198.51.100.7:4321", nil, "198.51.100.7"},
		{"an untrusted peer's header is ignored", "198.51.100.7:4321", []string{"203.0.113.9"}, "198.51.100.7"},
		{"through one trusted proxy", "192.0.2.1:4321", []string{"203.0.113.9"}, "203.0.113.9"},
		{"what the client wrote before is not believed", "192.0.2.1:4321", []string{"1.2.3.4, 203.0.113.9"}, "203.0.113.9"},
		{"through two trusted proxies", "10.1.2.3:4321", []string{"203.0.113.9, 192.0.2.1"}, "203.0.113.9"},
		{"headers repeated, read as one list", "10.1.2.3:4321", []string{"6.6.6.6, 203.0.113.9", "10.9.9.9"}, "203.0.113.9"},
		{"garbage stops the walk", "192.0.2.1:4321", []string{"203.0.113.9, n'importe quoi"}, "192.0.2.1"},
		{"a trusted proxy without header", "192.0.2.1:4321", nil, "192.0.2.1"},
		{"only proxies", "10.1.2.3:4321", []string{"10.4.5.6"}, "10.4.5.6"},
		{"IPv6 client", "192.0.2.1:4321", []string{"2001:db8::1"}, "2001:db8::1"},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := httptest.NewRequest("GET", "/", nil)
			r.RemoteAddr = c.peer
			for _, v := range c.xff {
				r.Header.Add("X-Forwarded-For", v)
			}
			if got := s.clientAddress(r); got != c.want {
				t.Errorf("clientAddress = %s, want %s", got, c.want)
			}
		})
	}
	if _, err := ParseTrustedProxies("10.0.0.0/8,proxy"); err == nil {
		t.Error("a name among the trusted proxies must be refused")
	}
}

// TestPublicFormFloodBehindProxy: behind a trusted load balancer, each
// resident has a limit of their own; a resident who writes an
// X-Forwarded-For of their own does not escape theirs.
func TestPublicFormFloodBehindProxy(t *testing.T) {
	f := newPublicFixture(t, 2)
	trusted, _ := ParseTrustedProxies("192.0.2.1") // httptest's peer
	s, err := New(Config{DB: f.db, Ref: testdb.Ref(t), Log: discardLog(), PublicRate: 2, TrustedProxies: trusted})
	if err != nil {
		t.Fatal(err)
	}
	f.h = s.Handler()
	path := survey.PublicPath(f.survey.Token)
	for _, c := range []struct {
		xff  string
		want int
	}{
		{"203.0.113.1", 303}, {"203.0.113.1", 303}, {"203.0.113.1", 429},
		{"203.0.113.2", 303}, {"203.0.113.2", 303},
		// The resident's own header is on the left, the balancer's on the right.
		{"9.9.9.9, 203.0.113.1", 429}, {"8.8.8.8, 203.0.113.2", 429},
	} {
		if res := f.do(t, "POST", path, goodAnswers(survey.NewToken()), "X-Forwarded-For", c.xff); res.Code != c.want {
			t.Errorf("X-Forwarded-For %s: status %d, want %d", c.xff, res.Code, c.want)
		}
	}
	if n, _ := f.responses(t, f.survey.ID); n != 4 {
		t.Errorf("%d responses, want 4", n)
	}
}
