package web

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	"ctg/internal/demo"
	"ctg/internal/reminder"
	"ctg/internal/testdb"
)

// TestDashboardReminders renders the dashboard of the demonstration on 2
// March 2026: the CAF's advisor sees the reminders of the conventions she
// follows, with their links; the advisor of another CAF does not. The API
// gives the same list.
func TestDashboardReminders(t *testing.T) {
	ctx := context.Background()
	db := testdb.Open(t, testdb.DSN(t, testdb.SQLite))
	login, err := demo.Load(ctx, db, testdb.Ref(t))
	if err != nil {
		t.Fatal(err)
	}
	march2 := func() time.Time { return time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC) }
	db.Now = march2
	s, err := New(Config{DB: db, Ref: testdb.Ref(t), Demo: true, Log: discardLog(), Now: march2})
	if err != nil {
		t.Fatal(err)
	}
	h := s.Handler()
	latitude := demoConventionID(t, db, "CTG Latitude Nord Gironde 2022-2026")
	ending := `<a href="/conventions/` + latitude + `">La convention « CTG Latitude Nord Gironde 2022-2026 » prend fin le 31/12/2026 : `

	advisor := signInThroughForm(t, h, login.Email, login.Password)
	res := serve(h, renderCase{who: advisor, path: "/"})
	page := res.Body.String()
	if res.Code != 200 || !strings.Contains(page, `<h2 id="h-reminders">Rappels</h2>`) || !strings.Contains(page, ending) {
		t.Errorf("the advisor's dashboard: %d, no reminder of the end of Latitude:\n%s", res.Code, excerpt(page))
	}
	// On the dashboard of another département too: reminders are the user's.
	if res := serve(h, renderCase{who: advisor, path: "/?departement=59"}); !strings.Contains(res.Body.String(), ending) {
		t.Errorf("the advisor's reminders are not on the dashboard of the Nord")
	}
	nord := signInThroughForm(t, h, "nord@demo.ctg.fr", login.Password)
	if res := serve(h, renderCase{who: nord, path: "/"}); res.Code != 200 || strings.Contains(res.Body.String(), latitude) {
		t.Errorf("another CAF's advisor sees Latitude's reminder: %d", res.Code)
	}

	// The same through the API, on a date given or today.
	var got struct {
		Items []reminder.Reminder `json:"items"`
		Total int                 `json:"total"`
	}
	res = serve(h, renderCase{who: advisor, path: "/api/v1/reminders?date=2026-03-02"})
	if err := json.Unmarshal(res.Body.Bytes(), &got); err != nil || res.Code != 200 || got.Total != len(got.Items) ||
		!slices.ContainsFunc(got.Items, func(r reminder.Reminder) bool {
			return r.Kind == reminder.KindConventionEnding && r.Convention == latitude && r.Due == "2026-12-31" && r.Link == "/conventions/"+latitude
		}) {
		t.Errorf("GET /api/v1/reminders: %d %v\n%s", res.Code, err, res.Body.String())
	}
	if res := serve(h, renderCase{who: advisor, path: "/api/v1/reminders?date=02/03/2026"}); res.Code != 422 || !strings.Contains(res.Body.String(), `"date"`) {
		t.Errorf("a French date: %d %s", res.Code, res.Body.String())
	}
	if res := serve(h, renderCase{path: "/api/v1/reminders"}); res.Code != 401 {
		t.Errorf("signed out: %d", res.Code)
	}
}
