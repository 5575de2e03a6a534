package web

import (
	"net/http"
	"strings"

	"ctg/internal/app"
	"ctg/internal/convention"
)

// apiReminders lists the reminders of the signed-in user, those the
// dashboard shows, on today or on ?date=YYYY-MM-DD: GET /api/v1/reminders.
func (s *Server) apiReminders(w http.ResponseWriter, r *http.Request) error {
	date := strings.TrimSpace(r.URL.Query().Get("date"))
	if date == "" {
		date = s.today()
	} else if _, ok := convention.ParseDate(date); !ok {
		return app.Fields{"date": "Indiquez la date au format AAAA-MM-JJ."}.Err()
	}
	rs, err := s.db.Reminders(r.Context(), currentUser(r), date)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, newList(rs))
	return nil
}
