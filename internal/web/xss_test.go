package web

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
	"golang.org/x/net/html"

	"ctg/internal/demo"
	"ctg/internal/testdb"
)

// Stored and reflected XSS: what people type goes through the API into
// every text field that a page shows, and comes back escaped everywhere.

const (
	xssScript = `<script>alert(1)</script>`
	xssAttr   = `"><img src=x onerror=alert(1)>`
	xssURL    = `javascript:alert(1)`
	// xssText is what goes into a text field: each attack at once.
	xssText = xssScript + ` ` + xssAttr + ` ` + xssURL
)

// xssShown is how the payload reads once escaped: in the text or an
// attribute of a page (html/template writes &lt; there) or in the JSON of
// a chart (\u003c).
var xssShown = []string{"&lt;script&gt;alert(1)&lt;/script&gt;", `\u003cscript\u003ealert(1)\u003c/script\u003e`}

// checkNoMarkup fails when the payload became markup in body.
func checkNoMarkup(t *testing.T, what, body string) {
	t.Helper()
	for _, p := range markupProblems(body) {
		t.Errorf("%s: %s", what, p)
	}
}

// markupProblems reads body as a browser would and tells where the payload
// became markup: a script element with code of its own, an event handler
// attribute, the image of the payload, a javascript: address, a script
// from elsewhere, or the JSON of a chart broken out of.
func markupProblems(body string) []string {
	var out []string
	z := html.NewTokenizer(strings.NewReader(body))
	inScript, scriptType := false, ""
	for {
		tt := z.Next()
		switch tt {
		case html.ErrorToken:
			if z.Err() != io.EOF {
				out = append(out, "unreadable HTML: "+z.Err().Error())
			}
			return out
		case html.StartTagToken, html.SelfClosingTagToken:
			tok := z.Token()
			if tok.Data == "script" {
				inScript, scriptType = true, ""
			}
			for _, a := range tok.Attr {
				key, val := strings.ToLower(a.Key), strings.ToLower(strings.TrimSpace(a.Val))
				switch {
				case strings.HasPrefix(key, "on"):
					out = append(out, fmt.Sprintf("<%s> has an event handler %s=%q", tok.Data, a.Key, a.Val))
				case tok.Data == "img" && key == "src" && val == "x":
					out = append(out, "the payload's <img> became markup")
				case (key == "href" || key == "src" || key == "action" || key == "formaction" || key == "xlink:href") &&
					strings.HasPrefix(strings.Join(strings.Fields(val), ""), "javascript:"):
					out = append(out, fmt.Sprintf("<%s %s=%q>", tok.Data, a.Key, a.Val))
				case tok.Data == "script" && key == "type":
					scriptType = val
				case tok.Data == "script" && key == "src" && !strings.HasPrefix(val, "/static/"):
					out = append(out, fmt.Sprintf("a script from %q", a.Val))
				}
			}
		case html.EndTagToken:
			inScript = false
		case html.TextToken:
			if !inScript {
				continue
			}
			code := strings.TrimSpace(string(z.Text()))
			if code == "" {
				continue
			}
			if scriptType != "application/json" {
				out = append(out, fmt.Sprintf("a script element runs %q", code))
			} else if !json.Valid([]byte(code)) {
				out = append(out, fmt.Sprintf("the JSON of a chart is broken: %.200s", code))
			}
		}
	}
}

// TestMarkupProblems checks the checker: each page below lets the payload
// through in one way, and is caught.
func TestMarkupProblems(t *testing.T) {
	for _, bad := range []string{
		`<p>` + xssScript + `</p>`,
		`<input value=""><img src=x onerror=alert(1)>">`,
		`<a href="javascript:alert(1)">lien</a>`,
		`<a href=" JavaScript:alert(1)">lien</a>`,
		`<div onclick="x()">`,
		`<script type="application/json">{"a":"</script><script>alert(1)</script>"}</script>`,
		`<script src="https://ailleurs.example/x.js"></script>`,
	} {
		if len(markupProblems(bad)) == 0 {
			t.Errorf("%s: not caught", bad)
		}
	}
	good := `<p>&lt;script&gt;alert(1)&lt;/script&gt;</p><input value="&#34;&gt;&lt;img src=x onerror=alert(1)&gt;">` +
		`<a href="#ZgotmplZ">x</a><script src="/static/js/ctg.js"></script>` +
		`<script type="application/json">{"a":"\u003cscript\u003ealert(1)\u003c/script\u003e"}</script>`
	if p := markupProblems(good); len(p) > 0 {
		t.Errorf("escaped payloads taken for markup: %q", p)
	}
}

// xssSite is the demonstration data set with every text field filled with
// the payload through the API, by the CAF's advisor.
type xssSite struct {
	h                 http.Handler
	editor, admin     string
	lng, cub          string
	ids               map[string]string
	token, slug, page string
}

func (x *xssSite) do(t *testing.T, method, path, body string, want ...int) map[string]any {
	t.Helper()
	r := accessRequest{method: method, path: path, json: body, session: x.editor}
	res := send(x.h, r)
	if len(want) == 0 {
		want = []int{http.StatusOK, http.StatusCreated}
	}
	ok := false
	for _, w := range want {
		ok = ok || res.Code == w
	}
	if !ok {
		t.Fatalf("%s %s: status %d\n%s", method, path, res.Code, res.Body.String())
	}
	var out map[string]any
	_ = json.Unmarshal(res.Body.Bytes(), &out)
	return out
}

func jsonString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

func newXSSSite(t *testing.T) *xssSite {
	t.Helper()
	ctx := context.Background()
	ref := testdb.Ref(t)
	db := testdb.Open(t, testdb.DSN(t, testdb.SQLite))
	login, err := demo.Load(ctx, db, ref)
	if err != nil {
		t.Fatal(err)
	}
	s, err := New(Config{DB: db, Ref: ref, Log: discardLog()})
	if err != nil {
		t.Fatal(err)
	}
	x := &xssSite{h: s.Handler(), ids: demoIDs(t, db)}
	x.editor = signInThroughForm(t, x.h, login.Email, login.Password)
	x.admin = signInThroughForm(t, x.h, "admin@demo.ctg.fr", login.Password)
	x.lng, x.cub = x.ids["lng"], x.ids["cub"]
	P := jsonString(xssText)
	S := jsonString(xssScript) // for the short fields (units)

	// An organisation named by the payload, made a party and a funder.
	org := x.do(t, "POST", "/api/v1/organisations", `{"name":`+P+`,"kind":"association"}`)
	orgID := org["id"].(string)
	c := x.do(t, "GET", "/api/v1/conventions/"+x.lng, "")
	parties := []string{orgID}
	for _, p := range c["parties"].([]any) {
		parties = append(parties, p.(string))
	}
	pj, _ := json.Marshal(parties)
	x.do(t, "PATCH", "/api/v1/conventions/"+x.lng, `{"title":`+P+`,"parties":`+string(pj)+`}`)

	// The diagnostic.
	x.do(t, "POST", "/api/v1/indicators", `{"code":"xss_places","label":`+P+`,"unit":`+S+`,"aggregate":"sum"}`)
	x.do(t, "POST", "/api/v1/facilities", `{"kind":"eaje","name":`+P+`,"commune":"33473","places":12,"manager":`+P+`}`)
	f := x.do(t, "POST", "/api/v1/conventions/"+x.lng+"/findings", `{"kind":"need","field":"petite_enfance","text":`+P+`,"source":"data"}`)
	x.do(t, "POST", "/api/v1/conventions/"+x.lng+"/stakes", `{"title":`+P+`,"fields":["petite_enfance"],"priority":1,"findings":["`+f["id"].(string)+`"]}`)

	// The consultation: a questionnaire, a workshop.
	sv := x.do(t, "POST", "/api/v1/conventions/"+x.lng+"/surveys", `{"title":`+P+`,"intro":`+P+`,"closes":"2031-12-31","questions":[
		{"key":"choix","kind":"single","label":`+P+`,"options":[`+P+`,"Non"],"required":true},
		{"key":"modes","kind":"multiple","label":`+P+`,"options":[`+P+`,"=HYPERLINK(\"http://x\")"]},
		{"key":"avis","kind":"text","label":`+P+`}]}`)
	x.ids["survey"] = sv["id"].(string)
	open := x.do(t, "POST", "/api/v1/surveys/"+x.ids["survey"]+"/open", "")
	x.token = strings.TrimPrefix(open["public_url"].(string), "/q/")
	for _, answer := range []string{xssText, `=HYPERLINK("http://x","clic")`, "+33 6 12", "-2+3", "@SUM(A1)"} {
		x.do(t, "POST", "/api/v1/surveys/"+x.ids["survey"]+"/responses",
			`{"answers":{"choix":`+P+`,"modes":[`+P+`],"avis":`+jsonString(answer)+`},"channel":"paper"}`)
	}
	ws := x.do(t, "POST", "/api/v1/conventions/"+x.lng+"/workshops", `{"title":`+P+`,"date":"2026-10-01","place":`+P+`,
		"participants":{"residents":3},"minutes":`+P+`,"proposals":[{"text":`+P+`,"field":"petite_enfance"}]}`)
	x.ids["workshop"] = ws["id"].(string)

	// The plan, its follow-up and budget.
	axis := x.do(t, "POST", "/api/v1/conventions/"+x.lng+"/axes", `{"title":`+P+`,"description":`+P+`}`)
	obj := x.do(t, "POST", "/api/v1/axes/"+axis["id"].(string)+"/objectives", `{"title":`+P+`}`)
	act := x.do(t, "POST", "/api/v1/axes/"+axis["id"].(string)+"/actions", `{"title":`+P+`,"description":`+P+`,"objective":"`+obj["id"].(string)+`",
		"public":`+P+`,"status":"planned","lead":"`+orgID+`","partners":["`+orgID+`"],"start":"2027-01-01","end":"2028-12-31"}`)
	x.ids["action"] = act["id"].(string)
	x.do(t, "POST", "/api/v1/actions/"+x.ids["action"]+"/journal", `{"text":`+P+`}`)
	x.do(t, "POST", "/api/v1/actions/"+x.ids["action"]+"/indicators", `{"label":`+P+`,"unit":`+S+`,"baseline":1,"targets":{"2028":4}}`)
	x.do(t, "PUT", "/api/v1/actions/"+x.ids["action"]+"/budget", `{"lines":[{"funder":"`+orgID+`","year":2027,"nature":"fonctionnement","planned_cents":120000}]}`)
	pub := x.do(t, "POST", "/api/v1/conventions/"+x.lng+"/publish", `{"summary":`+P+`,"show_budget":true,"show_surveys":true}`)
	x.slug = strings.TrimPrefix(pub["public_url"].(string), "/p/")

	// The life of the Cubzaguais's CTG: committees, an amendment, reviews.
	m := x.do(t, "POST", "/api/v1/conventions/"+x.cub+"/meetings", `{"committee":"copil","title":`+P+`,"date":"2026-10-01","place":`+P+`,
		"attendees":[{"name":`+P+`,"role":`+P+`,"organisation":"`+orgID+`"},`+P+`],"agenda":`+P+`,"minutes":`+P+`,
		"decisions":[{"text":`+P+`,"actions":["`+x.ids["cub.action"]+`"],"outcome":`+P+`}]}`)
	x.ids["meeting"] = m["id"].(string)
	x.do(t, "POST", "/api/v1/conventions/"+x.cub+"/amendments", `{"date":"2026-10-15","summary":`+P+`,"changes":{"plan":`+P+`,"budget":`+P+`}}`)
	x.do(t, "PUT", "/api/v1/actions/"+x.ids["cub.action"]+"/reviews/2025", `{"status":"in_progress","done":`+P+`,"difficulties":`+P+`,"next_steps":`+P+`}`)
	x.do(t, "POST", "/api/v1/conventions/"+x.cub+"/reviews/2025/comments", `{"text":`+P+`,"author":`+P+`,"organisation":"caf-33"}`)
	x.do(t, "PUT", "/api/v1/conventions/"+x.cub+"/evaluation/convention", `{"results":`+P+`,"assessment":`+P+`}`)
	return x
}

// TestXSSStored renders every page that shows what was typed and checks
// that the payload is there, escaped, and never markup.
func TestXSSStored(t *testing.T) {
	x := newXSSSite(t)
	lng, cub, sv, act := x.lng, x.cub, x.ids["survey"], x.ids["action"]
	pages := []string{
		"/", "/conventions", "/conventions?q=script", "/conventions/" + lng, "/conventions/" + lng + "/modifier", "/conventions/" + lng + "/historique",
		"/conventions/" + lng + "/diagnostic", "/indicateurs", "/conventions/" + lng + "/equipements", "/conventions/" + lng + "/constats",
		"/conventions/" + lng + "/consultation", "/questionnaires/" + sv, "/questionnaires/" + sv + "/resultats", "/questionnaires/" + sv + "/saisie",
		"/conventions/" + lng + "/ateliers", "/conventions/" + lng + "/ateliers?modifier=" + x.ids["workshop"],
		"/conventions/" + lng + "/plan", "/conventions/" + lng + "/plan?vue=tableau", "/conventions/" + lng + "/plan?vue=calendrier",
		"/actions/" + act, "/actions/" + act + "/modifier", "/actions/" + act + "/supprimer", "/actions/" + act + "/budget",
		"/conventions/" + lng + "/budget", "/conventions/" + lng + "/publication", "/conventions/" + lng + "/documents",
		"/conventions/" + cub, "/conventions/" + cub + "/comites", "/conventions/" + cub + "/comites/" + x.ids["meeting"],
		"/conventions/" + cub + "/comites?modifier=" + x.ids["meeting"], "/conventions/" + cub + "/decisions",
		"/conventions/" + cub + "/avenants", "/conventions/" + cub + "/bilans", "/conventions/" + cub + "/bilans/2025",
		"/actions/" + x.ids["cub.action"] + "/bilans/2025", "/conventions/" + cub + "/evaluation", "/conventions/" + cub + "/historique",
		"/admin",
	}
	for _, p := range pages {
		who := x.editor
		if p == "/admin" {
			who = x.admin
		}
		res := send(x.h, accessRequest{method: "GET", path: p, session: who})
		if res.Code != http.StatusOK {
			t.Errorf("GET %s: status %d", p, res.Code)
			continue
		}
		body := res.Body.String()
		checkNoMarkup(t, p, body)
		// The campaign of reviews counts, it shows nothing typed.
		if !containsAny(body, xssShown) && p != "/conventions/"+cub+"/bilans" {
			t.Errorf("GET %s: the payload is not shown: the page proves nothing\n%s", p, excerpt(body))
		}
	}

	// Without sign-in: the public form and the public page.
	q := "/q/" + x.token
	res := send(x.h, accessRequest{method: "GET", path: q})
	body := res.Body.String()
	if res.Code != http.StatusOK || !containsAny(body, xssShown) {
		t.Fatalf("GET %s: %d\n%s", q, res.Code, excerpt(body))
	}
	checkNoMarkup(t, q, body)
	nonce := nonceField.FindStringSubmatch(body)
	if nonce == nil {
		t.Fatal("no nonce in the public form")
	}
	// A refused answer shows the form again with what was typed.
	res = send(x.h, accessRequest{method: "POST", path: q, form: url.Values{"nonce": {nonce[1]}, "avis": {xssText}, "modes": {"pas une option " + xssText}}})
	if res.Code != http.StatusUnprocessableEntity || !containsAny(res.Body.String(), xssShown) {
		t.Errorf("POST %s refused: %d\n%s", q, res.Code, excerpt(res.Body.String()))
	}
	checkNoMarkup(t, "POST "+q+" (refused)", res.Body.String())
	res = send(x.h, accessRequest{method: "POST", path: q, form: url.Values{"nonce": {nonce[1]}, "choix": {xssText}, "avis": {xssText}}})
	if res.Code != http.StatusSeeOther {
		t.Fatalf("POST %s: %d\n%s", q, res.Code, excerpt(res.Body.String()))
	}
	res = send(x.h, accessRequest{method: "GET", path: res.Header().Get("Location")})
	checkNoMarkup(t, "thanks", res.Body.String())

	// Closed, the questionnaire's results go on the public page.
	x.do(t, "POST", "/api/v1/surveys/"+sv+"/close", "")
	for _, p := range []string{"/p/" + x.slug, "/questionnaires/" + sv + "/resultats"} {
		res := send(x.h, accessRequest{method: "GET", path: p, session: x.editor})
		if res.Code != http.StatusOK || !containsAny(res.Body.String(), xssShown) {
			t.Errorf("GET %s: %d, payload shown %v", p, res.Code, containsAny(res.Body.String(), xssShown))
		}
		checkNoMarkup(t, p, res.Body.String())
	}
}

// TestXSSReflected sends the payload in the query strings and forms of
// pages that show them back.
func TestXSSReflected(t *testing.T) {
	x := newXSSSite(t)
	e := url.QueryEscape(xssText)
	cases := []accessRequest{
		{method: "GET", path: "/connexion?suite=" + url.QueryEscape(xssURL)},
		{method: "GET", path: "/connexion?suite=/" + e},
		{method: "POST", path: "/connexion", form: url.Values{"email": {xssText}, "password": {"x"}, "suite": {xssURL}}},
		{method: "GET", path: "/conventions?q=" + e, session: x.editor},
		{method: "GET", path: "/conventions?departement=" + e + "&kind=" + e + "&status=" + e + "&sort=" + e, session: x.editor},
		{method: "GET", path: "/territoires?q=" + e, session: x.editor},
		{method: "GET", path: "/territoires/suggestions?q=" + e, session: x.editor},
		{method: "GET", path: "/france?date=" + e, session: x.editor},
		{method: "GET", path: "/?departement=" + e, session: x.editor},
		{method: "GET", path: "/conventions/" + x.lng + "/plan?q=" + e + "&statut=" + e + "&tri=" + e, session: x.editor},
		{method: "GET", path: "/conventions/" + x.lng + "/constats?champ=" + e, session: x.editor},
		{method: "GET", path: "/questionnaires/" + x.ids["survey"] + "/resultats?commune=" + e, session: x.editor},
		{method: "GET", path: "/conventions/" + x.lng + "/diagnostic/communes?tri=" + e, session: x.editor},
		{method: "GET", path: "/page/" + e, session: x.editor},
		{method: "POST", path: "/conventions/" + x.lng + "/constats", session: x.editor, form: url.Values{"kind": {"?"}, "field": {xssText}, "text": {xssText}, "source": {xssURL}}},
		{method: "POST", path: "/conventions/" + x.lng + "/axes", session: x.editor, form: url.Values{"title": {""}, "description": {xssText}}},
		{method: "POST", path: "/conventions/nouvelle", session: x.editor, form: url.Values{"op": {"save"}, "title": {xssText}, "kind": {xssText}, "caf": {xssText}, "start": {xssText}}},
		{method: "POST", path: "/conventions/" + x.cub + "/comites", session: x.editor, form: url.Values{"op": {"save"}, "committee": {"copil"}, "date": {xssText},
			"attendee_name": {xssText}, "attendee_org": {xssText}, "attendee_role": {xssText}, "agenda": {xssText}, "decision_text": {xssText}}},
		{method: "POST", path: "/admin/utilisateurs", session: x.admin, form: url.Values{"name": {xssText}, "email": {xssText}, "org": {xssText}, "role": {"reader"}}},
	}
	// These answer without showing what they were sent.
	quiet := map[string]bool{cases[0].path: true, "/?departement=" + e: true, "/conventions/" + x.lng + "/constats?champ=" + e: true, "/page/" + e: true}
	for _, c := range cases {
		res := send(x.h, c)
		what := c.method + " " + c.path
		if res.Code >= 500 {
			t.Errorf("%s: status %d", what, res.Code)
		}
		if loc := res.Header().Get("Location"); strings.HasPrefix(strings.ToLower(loc), "javascript:") || strings.HasPrefix(loc, "//") {
			t.Errorf("%s: sent to %q", what, loc)
		}
		if strings.Contains(res.Header().Get("Content-Type"), "html") {
			checkNoMarkup(t, what, res.Body.String())
		}
		if shown := containsAny(res.Body.String(), xssShown); !shown && !quiet[c.path] {
			t.Errorf("%s: the payload is not shown back: the request proves nothing", what)
		}
	}
}

// TestExportsDefuseFormulas reads the exports of text that people type:
// a cell that starts like a formula (=, +, -, @) gets a leading apostrophe,
// so that a spreadsheet shows it as text rather than run it. The plan's
// CSV and the questionnaire's free answers said so from the start; the
// list of conventions and the results of a questionnaire do too. In XLSX
// workbooks no cell is a formula, whatever its text.
func TestExportsDefuseFormulas(t *testing.T) {
	x := newXSSSite(t)
	formulas := []string{`=HYPERLINK("http://x","clic")`, "+33 6 12", "-2+3", "@SUM(A1)"}
	// A convention, an axis and an action whose titles are formulas.
	x.do(t, "PATCH", "/api/v1/conventions/"+x.lng, `{"title":"=HYPERLINK(\"http://x\",\"CTG\")"}`)
	axis := x.do(t, "POST", "/api/v1/conventions/"+x.lng+"/axes", `{"title":"=1+1"}`)
	x.do(t, "POST", "/api/v1/axes/"+axis["id"].(string)+"/actions", `{"title":"=HYPERLINK(\"http://x\")","description":"@SUM(A1)","status":"planned"}`)

	get := func(path string) []byte {
		t.Helper()
		res := send(x.h, accessRequest{method: "GET", path: path, session: x.editor})
		if res.Code != http.StatusOK {
			t.Fatalf("GET %s: %d\n%s", path, res.Code, excerpt(res.Body.String()))
		}
		return res.Body.Bytes()
	}
	// checkCells fails on a cell that starts like a formula, but for
	// numbers (a negative amount, a date).
	number := regexp.MustCompile(`^-?[0-9][0-9 ,.]*$`)
	checkCells := func(what string, rows [][]string) {
		t.Helper()
		for i, row := range rows {
			for j, cell := range row {
				if cell != "" && strings.ContainsRune("=+-@", rune(cell[0])) && !number.MatchString(cell) {
					t.Errorf("%s: row %d, column %d starts like a formula: %q", what, i+1, j+1, cell)
				}
			}
		}
	}
	readCSV := func(path string) [][]string {
		t.Helper()
		r := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(get(path), []byte("\ufeff"))))
		r.Comma, r.FieldsPerRecord, r.LazyQuotes = ';', -1, true
		rows, err := r.ReadAll()
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		return rows
	}
	has := func(rows [][]string, cell string) bool {
		for _, row := range rows {
			if slices.Contains(row, cell) {
				return true
			}
		}
		return false
	}

	plan := readCSV("/conventions/" + x.lng + "/plan.csv")
	checkCells("plan.csv", plan)
	if !has(plan, `'=HYPERLINK("http://x")`) {
		t.Error("plan.csv: the formula typed as a title is not kept as text with an apostrophe")
	}
	conventions := readCSV("/conventions?format=csv")
	checkCells("conventions.csv", conventions)
	if !has(conventions, `'=HYPERLINK("http://x","CTG")`) {
		t.Error("conventions.csv: the formula typed as a title is not kept as text with an apostrophe")
	}
	results := readCSV("/questionnaires/" + x.ids["survey"] + "/resultats.csv")
	checkCells("resultats.csv", results)

	// The responses: the free answers are the formulas.
	responses := readCSV("/api/v1/surveys/" + x.ids["survey"] + "/responses.csv")
	checkCells("responses.csv", responses)
	for _, f := range formulas {
		if !has(responses, "'"+f) {
			t.Errorf("responses.csv: the free answer %q is not kept as text", f)
		}
	}

	// A questionnaire whose questions and options are formulas: headers
	// and chosen options are typed text too.
	sv := x.do(t, "POST", "/api/v1/conventions/"+x.lng+"/surveys", `{"title":"Formules","closes":"2031-12-31","questions":[
		{"key":"un","kind":"single","label":"=1+1","options":["=2+2","+3"]},
		{"key":"plusieurs","kind":"multiple","label":"@A1","options":["-1+1","Autre"]}]}`)
	x.do(t, "POST", "/api/v1/surveys/"+sv["id"].(string)+"/open", "")
	x.do(t, "POST", "/api/v1/surveys/"+sv["id"].(string)+"/responses", `{"answers":{"un":"=2+2","plusieurs":["-1+1"]},"channel":"paper"}`)
	formulaSurvey := readCSV("/api/v1/surveys/" + sv["id"].(string) + "/responses.csv")
	checkCells("responses.csv of questions typed as formulas", formulaSurvey)
	if !has(formulaSurvey, "'=1+1") || !has(formulaSurvey, "'=2+2") {
		t.Errorf("responses.csv of questions typed as formulas: %q", formulaSurvey)
	}
	checkCells("resultats.csv of questions typed as formulas", readCSV("/questionnaires/"+sv["id"].(string)+"/resultats.csv"))

	for _, path := range []string{"/api/v1/surveys/" + x.ids["survey"] + "/responses.xlsx", "/api/v1/conventions/" + x.lng + "/plan.xlsx",
		"/api/v1/conventions/" + x.lng + "/budget.xlsx", "/conventions/" + x.lng + "/diagnostic.xlsx"} {
		wb, err := excelize.OpenReader(bytes.NewReader(get(path)))
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		for _, sheet := range wb.GetSheetList() {
			rows, err := wb.GetRows(sheet)
			if err != nil {
				t.Fatal(err)
			}
			for i := range rows {
				for j := range rows[i] {
					cell, _ := excelize.CoordinatesToCellName(j+1, i+1)
					if f, _ := wb.GetCellFormula(sheet, cell); f != "" && !strings.HasPrefix(f, "SUM(") {
						t.Errorf("%s: %s!%s is a formula: %q", path, sheet, cell, f)
					}
				}
			}
		}
		wb.Close()
	}
}

func containsAny(s string, subs []string) bool {
	for _, x := range subs {
		if strings.Contains(s, x) {
			return true
		}
	}
	return false
}
