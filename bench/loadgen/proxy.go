package loadgen

import (
	"errors"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"sync/atomic"
	"time"
)

// Proxy is a round-robin reverse proxy on loopback, in front of several
// servers, as a load balancer of a data centre would be: each request
// goes to the next server, whatever server answered the previous one of
// the same client, so that nothing works unless the servers share their
// state through the database.
type Proxy struct {
	Base string
	srv  *http.Server
}

// StartProxy listens on a free loopback port and forwards to backends
// (origins, http://host:port). It keeps the Host of the request, as
// load balancers do, so that the servers' same-origin checks see the
// address the clients use, and adds X-Forwarded-For and -Proto.
func StartProxy(backends []string) (*Proxy, error) {
	if len(backends) == 0 {
		return nil, errors.New("a proxy needs at least one server")
	}
	targets := make([]*url.URL, len(backends))
	for i, b := range backends {
		u, err := url.Parse(b)
		if err != nil {
			return nil, err
		}
		targets[i] = u
	}
	var next atomic.Uint64
	rp := &httputil.ReverseProxy{
		Rewrite: func(pr *httputil.ProxyRequest) {
			pr.SetURL(targets[next.Add(1)%uint64(len(targets))])
			pr.Out.Host = pr.In.Host
			// What the client said, then the client's own address.
			pr.Out.Header["X-Forwarded-For"] = pr.In.Header["X-Forwarded-For"]
			pr.SetXForwarded()
		},
		Transport: &http.Transport{MaxIdleConns: 1024, MaxIdleConnsPerHost: 256, IdleConnTimeout: time.Minute},
		ErrorLog:  log.New(io.Discard, "", 0),
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	p := &Proxy{Base: "http://" + ln.Addr().String(), srv: &http.Server{Handler: rp, ReadHeaderTimeout: 10 * time.Second}}
	go func() { _ = p.srv.Serve(ln) }()
	return p, nil
}

// Close stops the proxy.
func (p *Proxy) Close() error { return p.srv.Close() }
