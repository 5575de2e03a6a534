package web

import (
	"net/http"
	"strings"

	"ctg/internal/app"
	"ctg/internal/convention"
	"ctg/internal/reminder"
	"ctg/internal/store"
)

type statusCount struct {
	Code, Label string
	Count       int
}

type dashboardData struct {
	Departement string
	DepName     string
	CAFName     string
	Coverage    convention.Coverage
	ByStatus    []statusCount
	Total       int
	Expiring    []*convention.Convention
	Recent      []*convention.Convention
	Chart       map[string]any
	StatusChart map[string]any
	Kinds       []kindRow
	Today       string
	Deps        []depOption
	// Commitments is what the CAF has committed per year, for its own
	// users and administrators (see page_budget_dashboard.go).
	Commitments *cafCommitments
	// Reminders are the user's, on every convention they see.
	Reminders []reminder.Reminder
}

type depOption struct{ Code, Name string }

type kindRow struct {
	Code, Label string
	convention.Count
	Share float64
}

// HasCharts tells the layout to load the chart library.
func (dashboardData) HasCharts() bool { return true }

// userDepartement guesses the département a user works on.
func (s *Server) userDepartement(r *http.Request) string {
	if caf := s.defaultCAF(r); caf != "" {
		return strings.TrimPrefix(caf, "caf-")
	}
	return ""
}

func (s *Server) dashboardPage(w http.ResponseWriter, r *http.Request) error {
	dep := strings.ToUpper(strings.TrimSpace(r.URL.Query().Get("departement")))
	if dep == "" {
		dep = s.userDepartement(r)
	}
	if dep == "" {
		http.Redirect(w, r, "/france", http.StatusSeeOther)
		return nil
	}
	d, ok := s.ref.Departement(dep)
	if !ok {
		return app.Errorf(app.ENotFound, "Le département %s n'existe pas.", dep)
	}
	today := s.today()
	cv, err := s.coverage(r, dep, today)
	if err != nil {
		return err
	}
	data := dashboardData{Departement: dep, DepName: d.Name, Coverage: cv, Today: today}
	for _, x := range s.ref.Departements() {
		data.Deps = append(data.Deps, depOption{x.Code, x.Name})
	}
	if c, ok := s.ref.CAF(dep); ok {
		data.CAFName = c.Name
	}
	list, err := s.db.Conventions(r.Context(), currentUser(r), store.Filter{Departement: dep})
	if err != nil {
		return err
	}
	data.Total = len(list)
	counts := map[string]int{}
	for _, c := range list {
		counts[c.Status]++
	}
	for _, st := range convention.Statuses {
		data.ByStatus = append(data.ByStatus, statusCount{st.Code, st.Label, counts[st.Code]})
	}
	expiring := map[string]bool{}
	for _, e := range cv.Expiring {
		expiring[e.ID] = true
	}
	for _, c := range list {
		if expiring[c.ID] {
			data.Expiring = append(data.Expiring, c)
		}
	}
	recent, err := s.db.Conventions(r.Context(), currentUser(r), store.Filter{Departement: dep, Sort: "-updated"})
	if err != nil {
		return err
	}
	data.Recent = recent[:min(5, len(recent))]
	if data.Commitments, err = s.dashboardCommitments(r, dep); err != nil {
		return err
	}
	if data.Reminders, err = s.db.Reminders(r.Context(), currentUser(r), today); err != nil {
		return err
	}

	var names []string
	var pops []int
	for _, k := range convention.Kinds {
		n := cv.ByKind[k.Code]
		row := kindRow{Code: k.Code, Label: k.Short, Count: n}
		if cv.Population > 0 {
			row.Share = float64(n.Population) / float64(cv.Population)
		}
		data.Kinds = append(data.Kinds, row)
		names = append(names, k.Short)
		pops = append(pops, n.Population)
	}
	data.Chart = map[string]any{
		"valueFormat": "int",
		"tooltip":     map[string]any{"trigger": "axis"},
		"grid":        map[string]any{"left": 8, "right": 16, "top": 16, "bottom": 8},
		"xAxis":       map[string]any{"type": "value", "max": cv.Population},
		"yAxis":       map[string]any{"type": "category", "data": names, "inverse": true},
		"series": []any{map[string]any{"name": "Population couverte", "type": "bar", "data": pops,
			"label": map[string]any{"show": true, "position": "right"}}},
	}
	var pie []any
	for _, sc := range data.ByStatus {
		if sc.Count > 0 {
			pie = append(pie, map[string]any{"name": sc.Label, "value": sc.Count})
		}
	}
	data.StatusChart = map[string]any{
		"tooltip": map[string]any{"trigger": "item"},
		"legend":  map[string]any{"bottom": 0},
		"series":  []any{map[string]any{"name": "Conventions", "type": "pie", "radius": []string{"45%", "70%"}, "data": pie}},
	}
	return s.render(w, r, "dashboard", "Tableau de bord", "home", data)
}
