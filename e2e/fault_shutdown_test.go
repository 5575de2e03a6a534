package e2e

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

var (
	binOnce sync.Once
	binPath string
	binErr  error
	binOut  []byte
)

// buildCtg builds the ctg binary once for the package, as an operator
// would run it (go build ./cmd/ctg), and returns its path.
func buildCtg(t *testing.T) string {
	t.Helper()
	binOnce.Do(func() {
		dir, err := os.MkdirTemp("", "ctg-bin-")
		if err != nil {
			binErr = err
			return
		}
		binPath = filepath.Join(dir, "ctg")
		cmd := exec.Command("go", "build", "-o", binPath, "./cmd/ctg")
		cmd.Dir = ".." // the module's root, from e2e/
		binOut, binErr = cmd.CombinedOutput()
	})
	if binErr != nil {
		t.Fatalf("go build ./cmd/ctg: %v\n%s", binErr, binOut)
	}
	return binPath
}

// removeBuiltCtg removes the binary buildCtg built, once every test of
// the package is done with it (TestMain).
func removeBuiltCtg() {
	if binPath != "" {
		os.RemoveAll(filepath.Dir(binPath))
	}
}

// lockedBuffer collects what a child process writes while the test reads.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// TestShutdownFinishesRequests runs the built ctg in a process of its
// own, starts a request whose body is still on its way, sends SIGTERM,
// and checks: /readyz answers 503 during the shutdown delay, then new
// connections are refused, and the request in flight, once its body has
// arrived, is answered 200; the process ends with status 0 and its JSON
// log has the request's line.
func TestShutdownFinishesRequests(t *testing.T) {
	t.Parallel()
	bin := buildCtg(t)
	db := filepath.Join(t.TempDir(), "ctg.db")
	const email, pass = "coordination@caf33.fr", "une phrase de passe assez longue"
	add := exec.Command(bin, "user", "add", "--db", db, "--email", email, "--name", "Coordination", "--org", "caf-33", "--role", "editor")
	add.Stdin = strings.NewReader(pass + "\n")
	if out, err := add.CombinedOutput(); err != nil {
		t.Fatalf("ctg user add: %v\n%s", err, out)
	}

	cmd := exec.Command(bin, "serve", "--addr", "127.0.0.1:0", "--db", db, "--shutdown-delay", "2s", "--log-format", "json")
	cmd.Env = append(os.Environ(), "CTG_DEBUG=")
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr lockedBuffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	ended := false
	defer func() {
		if !ended {
			_ = cmd.Process.Kill()
			<-exited
		}
	}()
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil {
		t.Fatalf("ctg serve did not start: %v\n%s", err, stderr.String())
	}
	m := regexp.MustCompile(`http://(127\.0\.0\.1:\d+)`).FindStringSubmatch(line)
	if m == nil {
		t.Fatalf("ctg serve did not say where it listens: %q", line)
	}
	addr := m[1]
	go func() { _, _ = io.Copy(io.Discard, stdout) }()

	// A session, as a browser would have.
	client := &http.Client{Timeout: 5 * time.Second, Transport: &http.Transport{DisableKeepAlives: true},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := client.PostForm("http://"+addr+"/connexion", url.Values{"email": {email}, "password": {pass}})
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	var session *http.Cookie
	for _, c := range res.Cookies() {
		if c.Name == "ctg_session" {
			session = c
		}
	}
	if res.StatusCode != http.StatusSeeOther || session == nil {
		t.Fatalf("sign-in: status %d, cookie %v", res.StatusCode, session)
	}

	// The slow request: its headers go now, with Expect: 100-continue,
	// so that the server says when its handler starts reading the body;
	// the body goes after SIGTERM.
	body := "epci=243301181"
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(60 * time.Second))
	fmt.Fprintf(conn, "POST /conventions/perimetre HTTP/1.1\r\nHost: %s\r\nCookie: ctg_session=%s\r\nContent-Type: application/x-www-form-urlencoded\r\n"+
		"Content-Length: %d\r\nExpect: 100-continue\r\nX-Request-Id: lent-pendant-l-arret\r\n\r\n", addr, session.Value, len(body))
	br := bufio.NewReader(conn)
	status, err := br.ReadString('\n')
	if err != nil || !strings.HasPrefix(status, "HTTP/1.1 100") {
		t.Fatalf("no 100 Continue: %q, %v", status, err)
	}
	if blank, err := br.ReadString('\n'); err != nil || blank != "\r\n" {
		t.Fatalf("after 100 Continue: %q, %v", blank, err)
	}

	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	// During the delay, /readyz tells a load balancer to go elsewhere;
	// after it, the listener is closed.
	saw503, refused := false, false
	for deadline := time.Now().Add(15 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		res, err := client.Get("http://" + addr + "/readyz")
		if err != nil {
			var op *net.OpError
			if errors.As(err, &op) && op.Op == "dial" {
				refused = true
				break
			}
			t.Fatalf("readyz during the shutdown: %v", err)
		}
		res.Body.Close()
		if res.StatusCode == http.StatusServiceUnavailable {
			saw503 = true
		}
	}
	if !saw503 {
		t.Error("/readyz never answered 503 during the shutdown delay")
	}
	if !refused {
		t.Fatal("new connections were still accepted 15 s after SIGTERM")
	}
	select {
	case err := <-exited:
		ended = true
		t.Fatalf("the server ended before the request in flight was answered: %v", err)
	default:
	}

	if _, err := io.WriteString(conn, body); err != nil {
		t.Fatal(err)
	}
	res, err = http.ReadResponse(br, nil)
	if err != nil {
		t.Fatalf("the request in flight got no answer: %v", err)
	}
	page, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusOK || !bytes.Contains(page, []byte("21")) {
		t.Errorf("the request in flight: status %d, %q", res.StatusCode, page)
	}
	if got := res.Header.Get("X-Request-Id"); got != "lent-pendant-l-arret" {
		t.Errorf("X-Request-Id %q, want the one sent", got)
	}

	select {
	case err := <-exited:
		ended = true
		if err != nil {
			t.Errorf("ctg serve ended with %v\n%s", err, stderr.String())
		}
	case <-time.After(30 * time.Second):
		t.Fatal("ctg serve did not stop 30 s after its last request")
	}

	// The JSON log: one line for the request, at Info, with its route
	// pattern rather than its path.
	var found bool
	for _, l := range strings.Split(strings.TrimSpace(stderr.String()), "\n") {
		var e struct {
			Level, Msg, Method, Route string
			RequestID                 string  `json:"request_id"`
			Status                    int     `json:"status"`
			Bytes                     int64   `json:"bytes"`
			Duration                  float64 `json:"duration_ms"`
		}
		if err := json.Unmarshal([]byte(l), &e); err != nil {
			t.Errorf("a log line that is not JSON: %q", l)
			continue
		}
		if e.RequestID == "lent-pendant-l-arret" && e.Msg == "request" {
			found = true
			if e.Level != "INFO" || e.Method != "POST" || e.Route != "POST /conventions/perimetre" || e.Status != 200 || e.Bytes != int64(len(page)) || e.Duration <= 0 {
				t.Errorf("the request's log line: %+v (the page has %d bytes)", e, len(page))
			}
		}
	}
	if !found {
		t.Errorf("no log line for the request in flight:\n%s", stderr.String())
	}
}
