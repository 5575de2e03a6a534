package web

import (
	"net/http"
	"strconv"

	"ctg/internal/budget"
)

// cafCommitments is what the CAF of the dashboard's département has
// committed, year by year, over the conventions of the département: the
// money where it is the funder, planned and actual (store.CAFCommitments,
// as GET /api/v1/organisations/{id}/commitments).
type cafCommitments struct {
	CAF, Name    string
	Years        []budget.YearTotal
	PlannedCents int64
	ActualCents  int64
	Chart        budgetChart
}

// dashboardCommitments returns the commitments of the CAF of dep to its
// own users and to administrators, and nil to anyone else: a partner
// would see the part of the conventions it is a party of, which is not
// what the CAF has committed.
func (s *Server) dashboardCommitments(r *http.Request, dep string) (*cafCommitments, error) {
	u := currentUser(r)
	caf, ok := s.ref.CAF(dep)
	if !ok || (!u.IsAdmin() && u.OrgID != caf.ID) {
		return nil, nil
	}
	years, err := s.db.CAFCommitments(r.Context(), u, caf.ID)
	if err != nil {
		return nil, err
	}
	out := &cafCommitments{CAF: caf.ID, Name: caf.Name, Years: years}
	var names []string
	var planned, actual []float64
	for _, y := range years {
		out.PlannedCents += y.PlannedCents
		out.ActualCents += y.ActualCents
		names = append(names, strconv.Itoa(y.Year))
		planned, actual = append(planned, budget.Euros(y.PlannedCents)), append(actual, budget.Euros(y.ActualCents))
	}
	out.Chart = budgetChart{ID: "chart-commitments", Title: "Engagements de la Caf par année, prévus et réalisés",
		Option: plannedActual(names, planned, actual, false)}
	return out, nil
}
