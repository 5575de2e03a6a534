package web

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"golang.org/x/net/html"
)

// TestConventionFormDefaultButton checks that Enter in a field of the
// convention form saves it: browsers press the form's first submit button
// in document order, and the perimeter picker's buttons (remove an
// intercommunality, add, search) come before the visible save button.
func TestConventionFormDefaultButton(t *testing.T) {
	_, editor, c, h, who := newEditorSite(t)
	for _, path := range []string{"/conventions/nouvelle", "/conventions/" + c.ID + "/modifier"} {
		t.Run(path, func(t *testing.T) {
			res := serve(h, renderCase{who: who, path: path})
			if res.Code != 200 {
				t.Fatalf("status %d\n%s", res.Code, excerpt(res.Body.String()))
			}
			doc, err := html.Parse(res.Body)
			if err != nil {
				t.Fatal(err)
			}
			form := findElement(doc, func(n *html.Node) bool { return n.Data == "form" && attr(n, "id") == "convention-form" })
			if form == nil {
				t.Fatal("no form#convention-form")
			}
			var buttons []*html.Node
			findElement(form, func(n *html.Node) bool {
				if isSubmitButton(n) {
					buttons = append(buttons, n)
				}
				return false
			})
			if len(buttons) < 2 {
				t.Fatalf("%d submit buttons, want the default one and the perimeter's", len(buttons))
			}
			// A form sent without "op" is saved, like one sent with op=save.
			first := buttons[0]
			if name, value := attr(first, "name"), attr(first, "value"); name != "" && (name != "op" || value != "save") || hasAttr(first, "disabled") {
				t.Errorf("the first submit button is %s=%s (id %q), want one that saves", name, value, attr(first, "id"))
			}
			if path != "/conventions/nouvelle" && !strings.HasPrefix(attr(buttons[1], "value"), "remove-epci:") {
				t.Errorf("the perimeter's buttons are not there: the second is %q", attr(buttons[1], "value"))
			}
		})
	}
	// What the default button sends: the form without "op", which saves.
	res := serve(h, renderCase{who: who, method: "POST", path: "/conventions/nouvelle", form: url.Values{"kind": {"ctg"}, "caf": {"caf-33"},
		"title": {"CTG Latitude Nord Gironde 2032-2036"}, "start": {"2032-01-01"}, "end": {"2036-12-31"}, "epci": {"243301181"}, "parties": {editor.OrgID}}})
	if loc := res.Header().Get("Location"); res.Code != http.StatusSeeOther || !strings.HasPrefix(loc, "/conventions/") {
		t.Errorf("the form sent without op: %d %s, want it saved\n%s", res.Code, loc, excerpt(res.Body.String()))
	}
}

// isSubmitButton reports whether n submits its form when pressed.
func isSubmitButton(n *html.Node) bool {
	switch n.Data {
	case "button":
		typ := strings.ToLower(attr(n, "type"))
		return typ == "" || typ == "submit"
	case "input":
		typ := strings.ToLower(attr(n, "type"))
		return typ == "submit" || typ == "image"
	}
	return false
}

// findElement returns the first element under n, in document order, for
// which match is true.
func findElement(n *html.Node, match func(*html.Node) bool) *html.Node {
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if c.Type == html.ElementNode && match(c) {
			return c
		}
		if found := findElement(c, match); found != nil {
			return found
		}
	}
	return nil
}

func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

func hasAttr(n *html.Node, key string) bool {
	for _, a := range n.Attr {
		if a.Key == key {
			return true
		}
	}
	return false
}
