package web

import (
	"bytes"
	"embed"
	"encoding/json"
	"fmt"
	"html/template"
	"io/fs"
	"math"
	"net/http"
	"path"
	"strconv"
	"strings"
	"sync"
	"time"

	"ctg/internal/account"
	"ctg/internal/convention"
)

//go:embed templates
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

// page is what the layout renders; Data is the page's own.
type page struct {
	Title  string
	Nav    string
	User   *account.User
	Demo   bool
	Flash  string
	Charts bool
	Data   any
}

type templates struct {
	pages map[string]*template.Template
}

var paris = func() *time.Location {
	if loc, err := time.LoadLocation("Europe/Paris"); err == nil {
		return loc
	}
	return time.UTC
}()

func todayOf(t time.Time) string { return t.In(paris).Format(convention.DateLayout) }

// groupDigits writes n with a no-break space between thousands: 1 690 493.
func groupDigits(n int64) string {
	s := strconv.FormatInt(n, 10)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteRune('\u00a0')
		}
		b.WriteRune(r)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}

func toInt64(v any) int64 {
	switch n := v.(type) {
	case int:
		return int64(n)
	case int64:
		return n
	case int32:
		return int64(n)
	case float64:
		return int64(math.Round(n))
	}
	return 0
}

// frDecimal writes f with d decimals and a decimal comma.
func frDecimal(f float64, d int) string {
	s := strconv.FormatFloat(f, 'f', d, 64)
	ip, fp, _ := strings.Cut(s, ".")
	n, _ := strconv.ParseInt(ip, 10, 64)
	out := groupDigits(n)
	if strings.HasPrefix(ip, "-") && n == 0 {
		out = "-" + out
	}
	if fp != "" {
		out += "," + fp
	}
	return out
}

var funcs = template.FuncMap{
	"num": func(v any) string { return groupDigits(toInt64(v)) },
	"pct": func(f float64) string { return frDecimal(f*100, 1) + "\u00a0%" },
	"euros": func(cents any) string {
		return groupDigits(toInt64(cents)/100) + "\u00a0€"
	},
	"money": moneyText,
	"date": func(s string) string {
		t, ok := convention.ParseDate(s)
		if !ok {
			return s
		}
		return t.Format("02/01/2006")
	},
	"datetime":     func(t time.Time) string { return t.In(paris).Format("02/01/2006 à 15:04") },
	"isoTime":      func(t time.Time) string { return t.UTC().Format(time.RFC3339) },
	"kindLabel":    convention.KindLabel,
	"kindShort":    convention.KindShort,
	"statusLabel":  convention.StatusLabel,
	"roleLabel":    account.RoleLabel,
	"orgKindLabel": account.OrgKindLabel,
	"plural": func(n any, one, many string) string {
		if toInt64(n) > 1 {
			return many
		}
		return one
	},
	"json": func(v any) (template.JS, error) {
		b, err := json.Marshal(v)
		return template.JS(b), err
	},
	"jsonText": func(v any) (string, error) {
		b, err := json.Marshal(v)
		return string(b), err
	},
	"contains": func(list []string, s string) bool {
		for _, x := range list {
			if x == s {
				return true
			}
		}
		return false
	},
	"add": func(a, b int) int { return a + b },
	"share": func(part, whole any) float64 {
		w := toInt64(whole)
		if w == 0 {
			return 0
		}
		return float64(toInt64(part)) / float64(w)
	},
	"dict": func(kv ...any) (map[string]any, error) {
		if len(kv)%2 != 0 {
			return nil, fmt.Errorf("dict: odd arguments")
		}
		m := map[string]any{}
		for i := 0; i < len(kv); i += 2 {
			m[fmt.Sprint(kv[i])] = kv[i+1]
		}
		return m, nil
	},
	"kinds":    func() any { return convention.Kinds },
	"statuses": func() any { return convention.Statuses },
	"orgKinds": func() any { return account.OrgKinds },
	"roles":    func() any { return account.RoleLabels },
}

func parseTemplates() (*templates, error) {
	base := template.New("").Funcs(funcs)
	partials, _ := fs.Glob(templateFS, "templates/partials/*.html")
	files := append([]string{"templates/layout.html"}, partials...)
	base, err := base.ParseFS(templateFS, files...)
	if err != nil {
		return nil, fmt.Errorf("web: templates: %w", err)
	}
	pages, _ := fs.Glob(templateFS, "templates/*.html")
	t := &templates{pages: map[string]*template.Template{}}
	for _, p := range pages {
		name := strings.TrimSuffix(path.Base(p), ".html")
		if name == "layout" {
			continue
		}
		c, err := base.Clone()
		if err != nil {
			return nil, err
		}
		if _, err := c.ParseFS(templateFS, p); err != nil {
			return nil, fmt.Errorf("web: template %s: %w", name, err)
		}
		t.pages[name] = c
	}
	return t, nil
}

// render writes the page with status 200.
func (s *Server) render(w http.ResponseWriter, r *http.Request, name, title, nav string, data any) error {
	return s.renderStatus(w, r, http.StatusOK, name, title, nav, data)
}

func (s *Server) newPage(r *http.Request, title, nav string, data any) page {
	p := page{Title: title, Nav: nav, User: account.UserFrom(r.Context()), Demo: s.demo, Data: data}
	if c, err := r.Cookie("ctg_flash"); err == nil {
		p.Flash = flashText(c.Value)
	}
	return p
}

// renderStatus renders the named template into a buffer first, so that a
// template error becomes a clean 500 instead of half a page.
func (s *Server) renderStatus(w http.ResponseWriter, r *http.Request, status int, name, title, nav string, data any) error {
	t, ok := s.tmpl.pages[name]
	if !ok {
		return fmt.Errorf("web: no template %q", name)
	}
	p := s.newPage(r, title, nav, data)
	if cd, ok := data.(interface{ HasCharts() bool }); ok {
		p.Charts = cd.HasCharts()
	}
	if p.Flash != "" {
		http.SetCookie(w, &http.Cookie{Name: "ctg_flash", Value: "", Path: "/", MaxAge: -1, HttpOnly: true, Secure: s.secure, SameSite: http.SameSiteLaxMode})
	}
	tmpl := "layout"
	if r.Header.Get("HX-Request") == "true" && t.Lookup("fragment") != nil && r.Header.Get("HX-Boosted") != "true" {
		tmpl = "fragment"
	}
	s.execute(w, status, t, name, tmpl, p)
	return nil
}

// execute renders template tmpl of t into a pooled buffer, then writes it
// with status; a template error is logged and answered with a plain 500.
func (s *Server) execute(w http.ResponseWriter, status int, t *template.Template, name, tmpl string, p page) {
	buf := getBuffer()
	defer putBuffer(buf)
	if err := t.ExecuteTemplate(buf, tmpl, p); err != nil {
		s.log.Error("template", "name", name, "err", err)
		http.Error(w, "Erreur interne lors de l'affichage de la page.", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, _ = buf.WriteTo(w)
}

// renderFragment renders a named template of a page alone (htmx updates).
func (s *Server) renderFragment(w http.ResponseWriter, r *http.Request, name, tmpl string, data any) error {
	t, ok := s.tmpl.pages[name]
	if !ok {
		return fmt.Errorf("web: no template %q", name)
	}
	buf := getBuffer()
	defer putBuffer(buf)
	if err := t.ExecuteTemplate(buf, tmpl, s.newPage(r, "", "", data)); err != nil {
		return fmt.Errorf("web: fragment %s/%s: %w", name, tmpl, err)
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	_, _ = buf.WriteTo(w)
	return nil
}

// Flash messages travel in a short-lived cookie holding one of these keys,
// never free text, so that a crafted cookie cannot inject content.
var flashes = map[string]string{
	"created":   "La convention a été créée.",
	"updated":   "Les modifications ont été enregistrées.",
	"status":    "Le statut de la convention a été mis à jour.",
	"password":  "Votre mot de passe a été changé.",
	"org":       "L'organisation a été créée.",
	"user":      "Le compte a été créé.",
	"signedout": "Vous êtes déconnecté.",
	"nochange":  "Aucune modification à enregistrer.",

	"sso.approved": "La demande d'accès est approuvée : le compte est créé, la personne peut se connecter.",
	"sso.refused":  "La demande d'accès est refusée ; la personne le verra à sa prochaine connexion.",

	"facility.created": "L'équipement a été ajouté.",
	"facility.updated": "L'équipement a été modifié.",
	"facility.deleted": "L'équipement a été supprimé.",
	"finding.created":  "Le constat a été ajouté.",
	"finding.updated":  "Le constat a été modifié.",
	"finding.deleted":  "Le constat a été supprimé.",
	"stake.created":    "L'enjeu a été ajouté.",
	"stake.updated":    "L'enjeu a été modifié.",
	"stake.deleted":    "L'enjeu a été supprimé.",

	"indicator.created": "L'indicateur a été ajouté au catalogue.",

	"workshop.created": "L'atelier a été ajouté.",
	"workshop.updated": "L'atelier a été modifié.",
	"workshop.deleted": "L'atelier a été supprimé. Les constats retenus de ses propositions restent au diagnostic.",
	"proposal.carried": "La proposition est retenue comme constat du diagnostic.",
	"survey.carried":   "Le résultat est retenu comme constat du diagnostic : il figure dans la page Constats et enjeux.",

	"axis.created":             "L'axe a été ajouté au plan.",
	"axis.updated":             "L'axe a été modifié.",
	"axis.deleted":             "L'axe a été supprimé ; les axes suivants ont été renumérotés.",
	"objective.created":        "L'objectif a été ajouté.",
	"objective.updated":        "L'objectif a été renommé.",
	"objective.deleted":        "L'objectif a été supprimé ; ses actions restent dans l'axe, sans objectif.",
	"action.created":           "La fiche action a été créée.",
	"action.updated":           "La fiche action a été enregistrée.",
	"action.deleted":           "L'action a été supprimée ; les actions suivantes de son axe ont été renumérotées.",
	"journal.created":          "La note a été ajoutée au journal de suivi.",
	"action_indicator.created": "L'indicateur de suivi a été ajouté.",
	"action_indicator.values":  "Les valeurs de l'indicateur ont été enregistrées.",
	"action_indicator.deleted": "L'indicateur de suivi a été supprimé.",

	"budget.saved":          "Le budget de l'action a été enregistré.",
	"publication.published": "La page publique est en ligne : toute personne qui a son adresse peut la lire, sans compte.",
	"publication.updated":   "La page publique a été mise à jour.",
	"publication.withdrawn": "La page publique a été retirée : son adresse ne mène plus à rien.",

	"review.saved":           "Le bilan de l'action a été enregistré.",
	"review_comment.created": "Le commentaire a été ajouté au bilan.",
	"evaluation.saved":       "L'évaluation a été enregistrée.",
	"renewal.started":        "Le renouvellement est démarré : voici la nouvelle convention, au statut Diagnostic, avec les enjeux et les actions reconduites.",

	"meeting.created":   "La réunion a été ajoutée.",
	"meeting.updated":   "La réunion a été modifiée.",
	"meeting.deleted":   "La réunion et ses décisions ont été supprimées.",
	"decision.updated":  "La suite de la décision a été enregistrée.",
	"amendment.created": "L'avenant a été enregistré : la convention en garde la version signée.",
}

func flashText(key string) string { return flashes[key] }

func (s *Server) redirectFlash(w http.ResponseWriter, r *http.Request, to, key string) error {
	http.SetCookie(w, &http.Cookie{Name: "ctg_flash", Value: key, Path: "/", MaxAge: 60, HttpOnly: true, Secure: s.secure, SameSite: http.SameSiteLaxMode})
	http.Redirect(w, r, to, http.StatusSeeOther)
	return nil
}

// Pages are rendered into pooled buffers: growing a fresh buffer for each
// page was a quarter of the memory a convention page allocated.
var buffers = sync.Pool{New: func() any { return new(bytes.Buffer) }}

func getBuffer() *bytes.Buffer { return buffers.Get().(*bytes.Buffer) }

func putBuffer(b *bytes.Buffer) {
	if b.Cap() > 1<<20 {
		return // a huge page: let it go rather than keep it
	}
	b.Reset()
	buffers.Put(b)
}
