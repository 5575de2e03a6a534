package web

import (
	"net/http"

	"ctg/internal/metrics"
)

// importJob names the imports started from a page in the jobs' metrics.
const importJob = "import"

// Jobs is where background work reports its runs for the metrics
// (metrics.Jobs.Start), such as the reminders job of serve.
func (s *Server) Jobs() *metrics.Jobs { return s.metrics.Jobs }

// MarkStarted says the server accepts requests: its database is migrated
// and its listener open. Until then /readyz answers 503.
func (s *Server) MarkStarted() { s.started.Store(true) }

// Drain says the server is about to stop: /readyz answers 503 from now
// on, so that a load balancer sends new requests elsewhere while those in
// flight finish.
func (s *Server) Drain() { s.draining.Store(true) }

// healthz tells whether the process is alive and its database answers
// (a fixed promise of API.md).
func (s *Server) healthz(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Cache-Control", "no-store")
	if err := s.Ready(r.Context()); err != nil {
		s.log.Warn("health check failed", "err", err)
		writeJSON(w, http.StatusServiceUnavailable, map[string]string{"status": "indisponible"})
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
}

// readyz tells a load balancer whether to send requests here: 200 once the
// server has started (migrations applied, listener open) while its
// database answers; 503 before, while the database does not answer, and
// from the moment a shutdown begins.
func (s *Server) readyz(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Cache-Control", "no-store")
	status := "ok"
	switch {
	case s.draining.Load():
		status = "arrêt en cours"
	case !s.started.Load():
		status = "démarrage en cours"
	default:
		if err := s.Ready(r.Context()); err != nil {
			s.log.Warn("readiness check: the database does not answer", "err", err)
			status = "base de données indisponible"
		}
	}
	if status != "ok" {
		writeJSON(w, http.StatusServiceUnavailable, map[string]string{"status": status})
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"status": status})
}
