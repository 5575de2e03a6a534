package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"ctg/internal/account"
	"ctg/internal/cli"
	"ctg/internal/convention"
	"ctg/internal/store"
	"ctg/internal/testdb"
)

// The accounts of the demonstration data set (internal/demo).
const (
	demoPassword = "demo-ctg-2026"
	demoAdvisor  = "conseillere@demo.ctg.fr" // editor at the Caf de la Gironde
	demoAdmin    = "admin@demo.ctg.fr"
	demoReader   = "association@demo.ctg.fr" // reader, party to the CTG Latitude Nord Gironde
)

// actionTimeout bounds each step of a browser test, so that a page that
// never shows what the test waits for fails the test instead of hanging it.
const actionTimeout = 20 * time.Second

// chromiumPath is the browser the tests drive: $CTG_CHROMIUM, or
// /usr/bin/chromium, or the first Chromium or Chrome on the PATH.
func chromiumPath() string {
	if p := os.Getenv("CTG_CHROMIUM"); p != "" {
		return p
	}
	if _, err := os.Stat("/usr/bin/chromium"); err == nil {
		return "/usr/bin/chromium"
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

// startBrowser starts one headless Chromium for the test and its subtests,
// and stops it when the test ends. Without Chromium the test skips (or
// fails in CI, see testdb.RequireOrSkip).
func startBrowser(t *testing.T) context.Context {
	t.Helper()
	path := chromiumPath()
	if path == "" {
		testdb.RequireOrSkip(t, "Chromium is not installed (set CTG_CHROMIUM to its path)")
	}
	if _, err := os.Stat(path); err != nil {
		testdb.RequireOrSkip(t, "Chromium is not at "+path+": "+err.Error())
	}
	dir, err := os.MkdirTemp("", "ctg-chromium-")
	if err != nil {
		t.Fatal(err)
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path),
		chromedp.NoSandbox,
		chromedp.Headless,
		chromedp.DisableGPU,
		chromedp.UserDataDir(dir),
		chromedp.WindowSize(1280, 900),
		// The machine may have no network: nothing may go out.
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("no-first-run", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("lang", "fr-FR"),
	)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(allocCtx)
	t.Cleanup(func() {
		cancel()
		cancelAlloc()
		os.RemoveAll(dir)
	})
	// The first run starts the browser, for the life of ctx: it takes no
	// timeout, which would stop the browser with it.
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("starting Chromium (%s): %v", path, err)
	}
	return ctx
}

// startDemo starts the real server on a free port over a fresh SQLite file
// with the demonstration data set.
func startDemo(t *testing.T) *cli.Running {
	t.Helper()
	run, err := cli.Start(context.Background(), cli.ServeConfig{Addr: "127.0.0.1:0", DB: testdb.DSN(t, testdb.SQLite), Demo: true, Log: quietLog()})
	if err != nil {
		t.Fatalf("cli.Start: %v", err)
	}
	t.Cleanup(func() {
		if err := run.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return run
}

// tab is one browser tab in a browser context of its own (its own cookies),
// with the test it reports to.
type tab struct {
	t    *testing.T
	ctx  context.Context
	base string

	mu       sync.Mutex
	problems []string // console errors and uncaught exceptions
}

// tabOption changes a tab as it opens.
type tabOption func(ctx context.Context, t *testing.T)

// withoutJavaScript opens the tab with scripts disabled, as for a person
// whose browser runs none.
func withoutJavaScript(ctx context.Context, t *testing.T) {
	t.Helper()
	if _, err := chromedp.Call(ctx, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: true}); err != nil {
		t.Fatalf("disabling JavaScript: %v", err)
	}
}

// viewport sets the size of the page, in CSS pixels; phones (under 600
// pixels wide) are emulated as mobile devices.
func viewport(width, height int64) tabOption {
	return func(ctx context.Context, t *testing.T) {
		t.Helper()
		var opts []chromedp.EmulateViewportOption
		if width < 600 {
			opts = append(opts, chromedp.EmulateMobile)
		}
		if err := chromedp.Do(ctx, chromedp.EmulateViewport(width, height, opts...)); err != nil {
			t.Fatalf("viewport %dx%d: %v", width, height, err)
		}
	}
}

// openTab opens a tab on the server at base, in a new browser context, and
// closes it when the test ends; the console errors the pages logged fail
// the test then.
func openTab(t *testing.T, browser context.Context, base string, opts ...tabOption) *tab {
	t.Helper()
	ctx, cancel := chromedp.NewContext(browser, chromedp.WithNewBrowserContext())
	if err := chromedp.Do(ctx); err != nil {
		cancel()
		t.Fatalf("opening a tab: %v", err)
	}
	tb := &tab{t: t, ctx: ctx, base: base}
	messages := chromedp.Console(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		for m, err := range messages {
			if err != nil {
				return
			}
			if m.Type != chromedp.ConsoleError && !m.IsException() {
				continue
			}
			text := m.String()
			// Pages answered with an error status (404, 422…) are logged
			// by Chromium; they are what the tests ask for.
			if strings.Contains(text, "Failed to load resource: the server responded with a status of 4") {
				continue
			}
			tb.mu.Lock()
			tb.problems = append(tb.problems, fmt.Sprintf("%s (%s:%d)", text, m.URL, m.Line+1))
			tb.mu.Unlock()
		}
	}()
	t.Cleanup(func() {
		cancel()
		<-done
		tb.mu.Lock()
		defer tb.mu.Unlock()
		for _, p := range tb.problems {
			t.Errorf("browser console: %s", p)
		}
	})
	for _, o := range opts {
		o(ctx, t)
	}
	return tb
}

// on returns the same tab reporting to t, for a subtest.
func (tb *tab) on(t *testing.T) *tab {
	return &tab{t: t, ctx: tb.ctx, base: tb.base}
}

// do runs steps with the step timeout, failing the test on error.
func (tb *tab) do(what string, steps ...chromedp.Action[chromedp.Void]) {
	tb.t.Helper()
	ctx, cancel := context.WithTimeout(tb.ctx, actionTimeout)
	defer cancel()
	if err := chromedp.Do(ctx, steps...); err != nil {
		tb.t.Fatalf("%s: %v\n%s", what, err, tb.pageSummary())
	}
}

// query runs one valued action with the step timeout.
func query[T any](tb *tab, what string, a chromedp.Action[T]) T {
	tb.t.Helper()
	ctx, cancel := context.WithTimeout(tb.ctx, actionTimeout)
	defer cancel()
	v, err := chromedp.Run(ctx, a)
	if err != nil {
		tb.t.Fatalf("%s: %v\n%s", what, err, tb.pageSummary())
	}
	return v
}

// pageSummary describes the page for a failure message, without failing.
func (tb *tab) pageSummary() string {
	ctx, cancel := context.WithTimeout(tb.ctx, 3*time.Second)
	defer cancel()
	loc, _ := chromedp.Run(ctx, chromedp.Location())
	text, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`(document.querySelector("main") || document.body || {innerText: ""}).innerText.slice(0, 1500)`))
	if text == "" {
		// Scripts may be disabled: read the DOM instead.
		text, _ = chromedp.Run(ctx, chromedp.OuterHTML(chromedp.CSS("main")))
		if len(text) > 1500 {
			text = text[:1500]
		}
	}
	return "page " + loc + ":\n" + text
}

// open loads path and returns the status of the answer.
func (tb *tab) open(path string) int {
	tb.t.Helper()
	res := query(tb, "open "+path, chromedp.NavigateResponse(tb.base+path))
	return int(res.Status)
}

// mustOpen loads path, which must answer 200.
func (tb *tab) mustOpen(path string) {
	tb.t.Helper()
	if status := tb.open(path); status != 200 {
		tb.t.Fatalf("open %s: status %d\n%s", path, status, tb.pageSummary())
	}
}

// submit clicks sel, which must lead to a new page, and returns the
// response of that page (after redirects).
func (tb *tab) submit(sel string) *network.Response {
	tb.t.Helper()
	ctx, cancel := context.WithTimeout(tb.ctx, actionTimeout)
	defer cancel()
	res, err := chromedp.RunResponse(ctx, chromedp.Click(chromedp.CSS(sel), chromedp.NodeVisible))
	if err != nil {
		tb.t.Fatalf("click %s: %v\n%s", sel, err, tb.pageSummary())
	}
	return res
}

// path is the path and query of the page shown.
func (tb *tab) path() string {
	tb.t.Helper()
	return strings.TrimPrefix(query(tb, "location", chromedp.Location()), tb.base)
}

// text is the visible text of the first element matching the CSS selector.
func (tb *tab) text(sel string) string {
	tb.t.Helper()
	return strings.TrimSpace(query(tb, "text of "+sel, chromedp.Text(chromedp.CSS(sel), chromedp.NodeReady)))
}

// value is the value of the form field matching the CSS selector.
func (tb *tab) value(sel string) string {
	tb.t.Helper()
	return query(tb, "value of "+sel, chromedp.Value(chromedp.CSS(sel), chromedp.NodeReady))
}

// count is the number of elements matching the CSS selector.
func (tb *tab) count(sel string) int {
	tb.t.Helper()
	js := fmt.Sprintf(`document.querySelectorAll(%s).length`, jsString(sel))
	return query(tb, "count "+sel, chromedp.Evaluate[int](js))
}

// eval evaluates a JavaScript expression and decodes its value into T.
func eval[T any](tb *tab, js string) T {
	tb.t.Helper()
	return query(tb, "evaluate "+js, chromedp.Evaluate[T](js))
}

// waitFor polls the JavaScript expression until it is true.
// A page that loads or navigates meanwhile replaces the JavaScript context
// the poll runs in; the poll then starts again in the new one.
func (tb *tab) waitFor(what, js string) {
	tb.t.Helper()
	ctx, cancel := context.WithTimeout(tb.ctx, actionTimeout)
	defer cancel()
	for {
		_, err := chromedp.Run(ctx, chromedp.Poll[bool](js, chromedp.WithPollingTimeout(actionTimeout-time.Second)))
		if err == nil {
			return
		}
		if msg := err.Error(); ctx.Err() == nil && (strings.Contains(msg, "Cannot find context") || strings.Contains(msg, "context was destroyed")) {
			time.Sleep(50 * time.Millisecond)
			continue
		}
		tb.t.Fatalf("waiting for %s (%s): %v\n%s", what, js, err, tb.pageSummary())
	}
}

// htmxIdle is true when htmx has no request under way and has settled
// what it swapped in: until then the new content's own htmx attributes are
// not active yet, and a click on a button in it would submit the whole form.
const htmxIdle = `(window.htmx !== undefined && !document.querySelector(".htmx-request, .htmx-swapping, .htmx-settling, .htmx-added"))`

// waitSwap waits until the JavaScript expression is true and htmx is idle.
func (tb *tab) waitSwap(what, js string) {
	tb.t.Helper()
	tb.waitFor(what, "("+js+") && "+htmxIdle)
}

// signIn signs in through the sign-in form and lands on the page after it.
func (tb *tab) signIn(email string) {
	tb.t.Helper()
	tb.mustOpen("/connexion")
	tb.do("fill in the sign-in form",
		chromedp.SendKeys(chromedp.ID("email"), email),
		chromedp.SendKeys(chromedp.ID("password"), demoPassword),
	)
	res := tb.submit(`form[action="/connexion"] button[type=submit]`)
	if res.Status != 200 || strings.HasPrefix(tb.path(), "/connexion") {
		tb.t.Fatalf("sign-in of %s: status %d at %s\n%s", email, res.Status, tb.path(), tb.pageSummary())
	}
}

// jsString quotes s for JavaScript.
func jsString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// frenchInt reads a number written the French way: "1 690 493".
func frenchInt(t *testing.T, s string) int {
	t.Helper()
	s = strings.Map(func(r rune) rune {
		if r == ' ' || r == '\u00a0' || r == '\u202f' {
			return -1
		}
		return r
	}, s)
	n, err := strconv.Atoi(s)
	if err != nil {
		t.Fatalf("%q is not a number", s)
	}
	return n
}

// demoUser is an account of the demonstration data set.
func demoUser(t *testing.T, db *store.DB, email string) *account.User {
	t.Helper()
	u, err := db.UserByEmail(context.Background(), email)
	if err != nil {
		t.Fatalf("demo account %s: %v", email, err)
	}
	return u
}

// demoConvention finds a convention of the data set by its title.
func demoConvention(t *testing.T, db *store.DB, title string) *convention.Convention {
	t.Helper()
	all, err := db.Conventions(context.Background(), demoUser(t, db, demoAdmin), store.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range all {
		if c.Title == title {
			return c
		}
	}
	t.Fatalf("no convention %q in the demonstration data set", title)
	return nil
}

// demoOrganisation finds an organisation of the data set by its name.
func demoOrganisation(t *testing.T, db *store.DB, name string) account.Organisation {
	t.Helper()
	orgs, err := db.Organisations(context.Background(), "")
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range orgs {
		if o.Name == name {
			return o
		}
	}
	t.Fatalf("no organisation %q in the demonstration data set", name)
	return account.Organisation{}
}
