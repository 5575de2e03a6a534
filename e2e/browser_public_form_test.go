package e2e

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"github.com/chromedp/chromedp"

	"ctg/internal/cli"
	"ctg/internal/store"
	"ctg/internal/survey"
	"ctg/internal/testdb"
)

func fptr(v float64) *float64 { return &v }

// publicSurvey creates and opens a survey of the CTG Latitude Nord
// Gironde as the demonstration's advisor, and closes it when asked.
func publicSurvey(t *testing.T, db *store.DB, closed bool) *survey.Survey {
	t.Helper()
	ctx := context.Background()
	u := demoUser(t, db, demoAdvisor)
	c := demoConvention(t, db, "CTG Latitude Nord Gironde 2022-2026")
	sv := &survey.Survey{Title: "Vos besoins de familles", Closes: "2099-12-31", Questions: []survey.Question{
		{Key: "age", Kind: survey.KindAge, Label: "Votre âge", Options: []string{"Moins de 25 ans", "25 à 44 ans", "45 ans et plus"}, Required: true},
		{Key: "commune", Kind: survey.KindCommune, Label: "Votre commune", Required: true},
		{Key: "modes", Kind: survey.KindMultiple, Label: "Modes de garde utilisés", Options: []string{"Crèche", "Assistante maternelle", "Famille"}},
		{Key: "enfants", Kind: survey.KindNumber, Label: "Nombre d'enfants à charge", Min: fptr(0), Max: fptr(15)},
		{Key: "satisfaction", Kind: survey.KindScale, Label: "Êtes-vous satisfait de l'offre d'accueil ?", Min: fptr(1), Max: fptr(5)},
		{Key: "remarques", Kind: survey.KindText, Label: "Vos remarques"},
	}}
	if err := db.CreateSurvey(ctx, u, c.ID, sv); err != nil {
		t.Fatal(err)
	}
	open, err := db.OpenSurvey(ctx, u, sv.ID)
	if err != nil {
		t.Fatal(err)
	}
	if closed {
		if open, err = db.CloseSurvey(ctx, u, sv.ID); err != nil {
			t.Fatal(err)
		}
	}
	return open
}

// TestBrowserPublicForm answers a survey on a phone: a first submission
// with mistakes, then the corrected one, and the thank-you page.
func TestBrowserPublicForm(t *testing.T) {
	t.Parallel()
	browser := startBrowser(t)
	srv := startDemo(t)
	sv := publicSurvey(t, srv.DB, false)
	tb := openTab(t, browser, "http://"+srv.Addr, viewport(375, 812))

	tb.mustOpen(sv.PublicURL)
	if got := tb.text("h1"); got != "Vos besoins de familles" {
		t.Errorf("h1 = %q", got)
	}
	if n := eval[int](tb, `document.scripts.length`); n != 0 {
		t.Errorf("the form loads %d scripts", n)
	}
	if c := eval[string](tb, `document.cookie`); c != "" {
		t.Errorf("cookies: %q", c)
	}

	// A number out of range, the required questions left blank.
	tb.do("type a number", chromedp.SendKeys(chromedp.ID("q-enfants"), "40"),
		chromedp.SendKeys(chromedp.ID("q-remarques"), "Plus de places le mercredi."))
	if res := tb.submit(`form button[type=submit]`); res.Status != 422 {
		t.Fatalf("invalid answers: status %d\n%s", res.Status, tb.pageSummary())
	}
	if got := tb.text(".error-summary h2"); got != "3 réponses sont à corriger" {
		t.Errorf("summary = %q", got)
	}
	if id := eval[string](tb, `document.activeElement && document.activeElement.className`); id != "error-summary" {
		t.Errorf("focus on %q after the refusal, want the error summary", id)
	}
	if got := tb.value("#q-remarques"); got != "Plus de places le mercredi." {
		t.Errorf("the text typed was lost: %q", got)
	}
	if got := tb.text("#q-enfants-error"); !strings.Contains(got, "comprise entre 0 et 15") {
		t.Errorf("number error = %q", got)
	}
	// The summary's links lead to the fields, from the keyboard.
	// The summary's links lead to the fields: each names an input of the form.
	if missing := eval[int](tb, `[...document.querySelectorAll(".error-summary a")].filter(a => !document.getElementById(a.getAttribute("href").slice(1))).length`); missing != 0 {
		t.Errorf("%d links of the error summary lead to no field", missing)
	}
	if n := eval[int](tb, `document.querySelectorAll(".error-summary a").length`); n != 3 {
		t.Errorf("the error summary holds %d links, want 3", n)
	}

	// Corrected.
	tb.do("answer",
		chromedp.Click(chromedp.CSS(`label[for="q-age-1"]`)),
		chromedp.SetValue(chromedp.ID("q-commune"), "33473"),
		chromedp.Click(chromedp.CSS(`label[for="q-modes-0"]`)),
		chromedp.Click(chromedp.CSS(`label[for="q-modes-2"]`)),
		chromedp.SetValue(chromedp.ID("q-enfants"), "2"),
		chromedp.Click(chromedp.CSS(`label[for="q-satisfaction-3"]`)),
	)
	if res := tb.submit(`form button[type=submit]`); res.Status != 200 {
		t.Fatalf("answers: status %d\n%s", res.Status, tb.pageSummary())
	}
	if p := tb.path(); p != sv.PublicURL+"/merci" {
		t.Errorf("after the answers: %s", p)
	}
	if got := tb.text("h1"); got != "Merci de votre participation" {
		t.Errorf("h1 = %q", got)
	}
	checkReflow(t, tb)

	var stored struct {
		N       int    `db:"n"`
		Answers string `db:"answers"`
	}
	if err := srv.DB.SQL().Get(&stored, `SELECT COUNT(*) AS n, MAX(answers) AS answers FROM survey_responses WHERE survey_id = ?`, sv.ID); err != nil {
		t.Fatal(err)
	}
	if stored.N != 1 || !strings.Contains(stored.Answers, `"modes":["Crèche","Famille"]`) || !strings.Contains(stored.Answers, `"satisfaction":4`) {
		t.Errorf("stored %d: %s", stored.N, stored.Answers)
	}
}

// publicFormAxePages are the pages of the public form that TestAxe
// checks: the form, the form with errors, the thank-you page and the page
// of a closed survey.
func publicFormAxePages(t *testing.T, db *store.DB) []axePage {
	t.Helper()
	open, closed := publicSurvey(t, db, false), publicSurvey(t, db, true)
	return []axePage{
		{name: "public form", path: open.PublicURL},
		{name: "public form with errors", path: open.PublicURL, act: func(t *testing.T, tb *tab) {
			tb.do("type a number out of range", chromedp.SendKeys(chromedp.ID("q-enfants"), "40"))
			tb.submit(`form button[type=submit]`)
			tb.waitFor("the errors", `!!document.querySelector(".error-summary")`)
		}},
		{name: "public form, thanks", path: open.PublicURL + "/merci"},
		{name: "public form, closed", path: closed.PublicURL, status: 410},
	}
}

// TestPublicFormKilled answers a survey through a server in a process of
// its own, kills that process (SIGKILL) as soon as the last answer is
// acknowledged, and finds every acknowledged answer in the database.
func TestPublicFormKilled(t *testing.T) {
	if os.Getenv("CTG_KILLED_SERVER_DB") != "" {
		return // in the child process
	}
	t.Parallel()
	dsn := testdb.DSN(t, testdb.SQLite)
	cmd := exec.Command(os.Args[0], "-test.run=^TestPublicFormKilledServer$")
	cmd.Env = append(os.Environ(), "CTG_KILLED_SERVER_DB="+dsn)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { _ = cmd.Process.Kill(); _ = cmd.Wait() }()
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil {
		t.Fatalf("the server did not start: %v", err)
	}
	base := "http://" + strings.TrimSpace(strings.TrimPrefix(line, "addr "))

	db, err := store.Open(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	sv := publicSurvey(t, db, false)
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	nonce := regexp.MustCompile(`name="nonce" value="([a-z2-7]{26})"`)
	acked := 0
	for i := range 50 {
		res, err := client.Get(base + sv.PublicURL)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		m := nonce.FindSubmatch(body)
		if m == nil {
			t.Fatalf("no nonce in the form (status %d)", res.StatusCode)
		}
		form := url.Values{"nonce": {string(m[1])}, "age": {"25 à 44 ans"}, "commune": {"33473"}, "enfants": {strconv.Itoa(i % 5)}}
		res, err = client.PostForm(base+sv.PublicURL, form)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("answer %d: status %d", i, res.StatusCode)
		}
		acked++
	}
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	_ = cmd.Wait()
	var stored int
	if err := db.SQL().Get(&stored, `SELECT COUNT(*) FROM survey_responses WHERE survey_id = ?`, sv.ID); err != nil {
		t.Fatal(err)
	}
	if stored != acked {
		t.Errorf("%d answers acknowledged, %d stored after the kill", acked, stored)
	}
}

// TestPublicFormKilledServer is the server of TestPublicFormKilled, run in
// a child process; alone it does nothing.
func TestPublicFormKilledServer(t *testing.T) {
	dsn := os.Getenv("CTG_KILLED_SERVER_DB")
	if dsn == "" {
		t.Skip("the server of TestPublicFormKilled, in its child process")
	}
	run, err := cli.Start(context.Background(), cli.ServeConfig{Addr: "127.0.0.1:0", DB: dsn, Demo: true, Log: quietLog()})
	if err != nil {
		t.Fatal(err)
	}
	fmt.Println("addr " + run.Addr)
	select {} // until killed
}
