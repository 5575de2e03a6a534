package web

import "net/http"

func (s *Server) signInPage(w http.ResponseWriter, r *http.Request) error         { return errNoPage }
func (s *Server) signIn(w http.ResponseWriter, r *http.Request) error             { return errNoPage }
func (s *Server) signOut(w http.ResponseWriter, r *http.Request) error            { return errNoPage }
func (s *Server) dashboardPage(w http.ResponseWriter, r *http.Request) error      { return errNoPage }
func (s *Server) conventionsPage(w http.ResponseWriter, r *http.Request) error    { return errNoPage }
func (s *Server) conventionNewPage(w http.ResponseWriter, r *http.Request) error  { return errNoPage }
func (s *Server) conventionCreate(w http.ResponseWriter, r *http.Request) error   { return errNoPage }
func (s *Server) perimeterPreview(w http.ResponseWriter, r *http.Request) error   { return errNoPage }
func (s *Server) conventionPage(w http.ResponseWriter, r *http.Request) error     { return errNoPage }
func (s *Server) conventionEditPage(w http.ResponseWriter, r *http.Request) error { return errNoPage }
func (s *Server) conventionUpdate(w http.ResponseWriter, r *http.Request) error   { return errNoPage }
func (s *Server) conventionStatus(w http.ResponseWriter, r *http.Request) error   { return errNoPage }
func (s *Server) conventionHistoryPage(w http.ResponseWriter, r *http.Request) error {
	return errNoPage
}
func (s *Server) accountPage(w http.ResponseWriter, r *http.Request) error    { return errNoPage }
func (s *Server) changePassword(w http.ResponseWriter, r *http.Request) error { return errNoPage }
func (s *Server) adminPage(w http.ResponseWriter, r *http.Request) error      { return errNoPage }
func (s *Server) adminCreateOrganisation(w http.ResponseWriter, r *http.Request) error {
	return errNoPage
}
func (s *Server) adminCreateUser(w http.ResponseWriter, r *http.Request) error { return errNoPage }

func serveOpenAPI(w http.ResponseWriter, r *http.Request) { http.NotFound(w, r) }
