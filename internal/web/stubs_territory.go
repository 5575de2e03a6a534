package web

import "net/http"

func (s *Server) aboutPage(w http.ResponseWriter, r *http.Request) error            { return errNoPage }
func (s *Server) territoriesPage(w http.ResponseWriter, r *http.Request) error      { return errNoPage }
func (s *Server) territorySuggestions(w http.ResponseWriter, r *http.Request) error { return errNoPage }
func (s *Server) communePage(w http.ResponseWriter, r *http.Request) error          { return errNoPage }
func (s *Server) epciPage(w http.ResponseWriter, r *http.Request) error             { return errNoPage }
func (s *Server) departementPage(w http.ResponseWriter, r *http.Request) error      { return errNoPage }
func (s *Server) francePage(w http.ResponseWriter, r *http.Request) error           { return errNoPage }
