package web

import "net/http"

func notYet(w http.ResponseWriter, r *http.Request) error { return errNoPage }

func (s *Server) signInPage(w http.ResponseWriter, r *http.Request) error      { return notYet(w, r) }
func (s *Server) signIn(w http.ResponseWriter, r *http.Request) error          { return notYet(w, r) }
func (s *Server) signOut(w http.ResponseWriter, r *http.Request) error         { return notYet(w, r) }
func (s *Server) aboutPage(w http.ResponseWriter, r *http.Request) error       { return notYet(w, r) }
func (s *Server) dashboardPage(w http.ResponseWriter, r *http.Request) error   { return notYet(w, r) }
func (s *Server) territoriesPage(w http.ResponseWriter, r *http.Request) error { return notYet(w, r) }
func (s *Server) territorySuggestions(w http.ResponseWriter, r *http.Request) error {
	return notYet(w, r)
}
func (s *Server) communePage(w http.ResponseWriter, r *http.Request) error       { return notYet(w, r) }
func (s *Server) epciPage(w http.ResponseWriter, r *http.Request) error          { return notYet(w, r) }
func (s *Server) departementPage(w http.ResponseWriter, r *http.Request) error   { return notYet(w, r) }
func (s *Server) francePage(w http.ResponseWriter, r *http.Request) error        { return notYet(w, r) }
func (s *Server) conventionsPage(w http.ResponseWriter, r *http.Request) error   { return notYet(w, r) }
func (s *Server) conventionNewPage(w http.ResponseWriter, r *http.Request) error { return notYet(w, r) }
func (s *Server) conventionCreate(w http.ResponseWriter, r *http.Request) error  { return notYet(w, r) }
func (s *Server) perimeterPreview(w http.ResponseWriter, r *http.Request) error  { return notYet(w, r) }
func (s *Server) conventionPage(w http.ResponseWriter, r *http.Request) error    { return notYet(w, r) }
func (s *Server) conventionEditPage(w http.ResponseWriter, r *http.Request) error {
	return notYet(w, r)
}
func (s *Server) conventionUpdate(w http.ResponseWriter, r *http.Request) error { return notYet(w, r) }
func (s *Server) conventionStatus(w http.ResponseWriter, r *http.Request) error { return notYet(w, r) }
func (s *Server) conventionHistoryPage(w http.ResponseWriter, r *http.Request) error {
	return notYet(w, r)
}
func (s *Server) accountPage(w http.ResponseWriter, r *http.Request) error    { return notYet(w, r) }
func (s *Server) changePassword(w http.ResponseWriter, r *http.Request) error { return notYet(w, r) }
func (s *Server) adminPage(w http.ResponseWriter, r *http.Request) error      { return notYet(w, r) }
func (s *Server) adminCreateOrganisation(w http.ResponseWriter, r *http.Request) error {
	return notYet(w, r)
}
func (s *Server) adminCreateUser(w http.ResponseWriter, r *http.Request) error { return notYet(w, r) }
func serveOpenAPI(w http.ResponseWriter, r *http.Request)                      { http.NotFound(w, r) }
