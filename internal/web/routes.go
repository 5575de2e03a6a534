package web

import (
	"io/fs"
	"net/http"
)

// Handler returns the whole application: every route is listed here.
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	static, _ := fs.Sub(staticFS, "static")
	mux.Handle("GET /static/", cacheStatic(http.StripPrefix("/static/", http.FileServerFS(static))))
	mux.HandleFunc("GET /favicon.ico", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/static/favicon.svg", http.StatusMovedPermanently)
	})
	mux.HandleFunc("GET /healthz", s.healthz)

	// Pages without sign-in.
	mux.Handle("GET /connexion", s.public(s.signInPage))
	mux.Handle("POST /connexion", s.public(s.signIn))
	mux.Handle("POST /deconnexion", s.public(s.signOut))
	mux.Handle("GET /a-propos", s.public(s.aboutPage))
	// (public form block)
	mux.Handle("GET /q/{token}", s.public(s.publicFormPage))
	mux.Handle("POST /q/{token}", s.public(s.publicFormSubmit))
	mux.Handle("GET /q/{token}/merci", s.public(s.publicFormThanks))
	// (public page block)

	// Pages.
	mux.Handle("GET /{$}", s.page(s.dashboardPage))
	mux.Handle("GET /territoires", s.page(s.territoriesPage))
	mux.Handle("GET /territoires/suggestions", s.page(s.territorySuggestions))
	mux.Handle("GET /communes/{code}", s.page(s.communePage))
	mux.Handle("GET /epcis/{siren}", s.page(s.epciPage))
	mux.Handle("GET /departements/{code}", s.page(s.departementPage))
	mux.Handle("GET /france", s.page(s.francePage))
	mux.Handle("GET /conventions", s.page(s.conventionsPage))
	mux.Handle("GET /conventions/nouvelle", s.page(s.conventionNewPage))
	mux.Handle("POST /conventions/nouvelle", s.page(s.conventionCreate))
	mux.Handle("POST /conventions/perimetre", s.page(s.perimeterPreview))
	mux.Handle("GET /conventions/{id}", s.page(s.conventionPage))
	mux.Handle("GET /conventions/{id}/modifier", s.page(s.conventionEditPage))
	mux.Handle("POST /conventions/{id}/modifier", s.page(s.conventionUpdate))
	mux.Handle("POST /conventions/{id}/statut", s.page(s.conventionStatus))
	mux.Handle("GET /conventions/{id}/historique", s.page(s.conventionHistoryPage))
	mux.Handle("GET /conventions/{id}/communes", s.page(s.conventionCommunesPage))
	mux.Handle("GET /compte", s.page(s.accountPage))
	mux.Handle("POST /compte/mot-de-passe", s.page(s.changePassword))
	mux.Handle("GET /admin", s.page(s.adminPage))
	mux.Handle("POST /admin/organisations", s.page(s.adminCreateOrganisation))
	mux.Handle("POST /admin/utilisateurs", s.page(s.adminCreateUser))
	// Diagnostic pages: import, catalogue, diagnosis.
	// (diagnostic pages block)
	mux.Handle("GET /conventions/{id}/diagnostic", s.page(s.diagnosticPage))
	mux.Handle("GET /conventions/{id}/diagnostic/communes", s.page(s.diagnosticCommunesPage))
	mux.Handle("GET /conventions/{id}/diagnostic.csv", s.page(s.diagnosticCSV))
	mux.Handle("GET /conventions/{id}/diagnostic.xlsx", s.page(s.diagnosticXLSX))
	mux.Handle("GET /indicateurs", s.page(s.indicatorsPage))
	mux.Handle("POST /indicateurs", s.page(s.indicatorCreate))
	mux.Handle("GET /imports/nouveau", s.page(s.importNewPage))
	mux.Handle("POST /imports/nouveau", s.page(s.importUpload))
	mux.Handle("GET /imports/fichiers/{id}", s.page(s.importPreviewPage))
	mux.Handle("POST /imports/fichiers/{id}", s.page(s.importStart))
	mux.Handle("GET /imports/{id}", s.page(s.importPage))
	// Diagnostic pages: facilities, findings and stakes.
	// (findings pages block)
	// (survey pages block)
	mux.Handle("GET /conventions/{id}/consultation", s.page(s.surveysPage))
	mux.Handle("POST /conventions/{id}/consultation", s.page(s.surveyCreate))
	mux.Handle("GET /questionnaires/{id}", s.page(s.surveyPage))
	mux.Handle("POST /questionnaires/{id}", s.page(s.surveyUpdate))
	mux.Handle("POST /questionnaires/{id}/ouvrir", s.page(s.surveyOpen))
	mux.Handle("POST /questionnaires/{id}/clore", s.page(s.surveyClose))
	mux.Handle("GET /questionnaires/{id}/saisie", s.page(s.paperPage))
	mux.Handle("POST /questionnaires/{id}/saisie", s.page(s.paperSave))
	mux.Handle("GET /questionnaires/{id}/resultats", s.page(s.surveyResultsPage))
	mux.Handle("GET /questionnaires/{id}/resultats.csv", s.page(s.surveyResultsCSV))
	mux.Handle("POST /questionnaires/{id}/constat", s.page(s.surveyCarry))
	// (workshop pages block)
	mux.Handle("GET /conventions/{id}/ateliers", s.page(s.workshopsPage))
	mux.Handle("POST /conventions/{id}/ateliers", s.page(s.workshopSave))
	mux.Handle("POST /conventions/{id}/ateliers/{wid}/supprimer", s.page(s.workshopDelete))
	mux.Handle("POST /conventions/{id}/propositions/{pid}/constat", s.page(s.proposalCarry))
	// (plan pages block)
	// (budget pages block)
	mux.Handle("GET /conventions/{id}/equipements", s.page(s.facilitiesPage))
	mux.Handle("POST /conventions/{id}/equipements", s.page(s.facilitySave))
	mux.Handle("POST /conventions/{id}/equipements/import", s.page(s.facilitiesImport))
	mux.Handle("POST /conventions/{id}/equipements/{fid}/supprimer", s.page(s.facilityDelete))
	mux.Handle("GET /conventions/{id}/constats", s.page(s.findingsPage))
	mux.Handle("POST /conventions/{id}/constats", s.page(s.findingSave))
	mux.Handle("POST /conventions/{id}/constats/{fid}/supprimer", s.page(s.findingDelete))
	mux.Handle("POST /conventions/{id}/enjeux", s.page(s.stakeSave))
	mux.Handle("POST /conventions/{id}/enjeux/{sid}/supprimer", s.page(s.stakeDelete))

	// JSON API.
	mux.Handle("GET /api/v1/openapi.json", http.HandlerFunc(serveOpenAPI))
	mux.Handle("GET /api/v1/me", s.api(s.apiMe))
	mux.Handle("GET /api/v1/communes/{code}", s.api(s.apiCommune))
	mux.Handle("GET /api/v1/epcis/{siren}", s.api(s.apiEPCI))
	mux.Handle("GET /api/v1/departements/{code}", s.api(s.apiDepartement))
	mux.Handle("GET /api/v1/territories", s.api(s.apiTerritories))
	mux.Handle("GET /api/v1/organisations", s.api(s.apiOrganisations))
	mux.Handle("POST /api/v1/organisations", s.api(s.apiCreateOrganisation))
	mux.Handle("GET /api/v1/organisations/{id}", s.api(s.apiOrganisation))
	mux.Handle("GET /api/v1/conventions", s.api(s.apiConventions))
	mux.Handle("POST /api/v1/conventions", s.api(s.apiCreateConvention))
	mux.Handle("GET /api/v1/conventions/{id}", s.api(s.apiConvention))
	mux.Handle("PATCH /api/v1/conventions/{id}", s.api(s.apiPatchConvention))
	mux.Handle("POST /api/v1/conventions/{id}/status", s.api(s.apiConventionStatus))
	mux.Handle("GET /api/v1/conventions/{id}/history", s.api(s.apiConventionHistory))
	mux.Handle("GET /api/v1/coverage", s.api(s.apiCoverage))

	// Diagnostic: indicators, imports and the diagnosis of a convention.
	// (indicators block)
	mux.Handle("GET /api/v1/indicators", s.api(s.apiIndicators))
	mux.Handle("POST /api/v1/indicators", s.api(s.apiCreateIndicator))
	mux.Handle("GET /api/v1/imports", s.api(s.apiImports))
	mux.Handle("POST /api/v1/imports", s.api(s.apiImport))
	mux.Handle("GET /api/v1/imports/{id}", s.api(s.apiImportByID))
	mux.Handle("GET /api/v1/conventions/{id}/diagnostic", s.api(s.apiConventionDiagnostic))
	mux.Handle("GET /api/v1/conventions/{id}/diagnostic/communes", s.api(s.apiConventionDiagnosticCommunes))

	// Diagnostic: facilities, findings and stakes.
	// (findings block)
	mux.Handle("GET /api/v1/facilities", s.api(s.apiFacilities))
	mux.Handle("POST /api/v1/facilities", s.api(s.apiCreateFacility))
	mux.Handle("POST /api/v1/facilities/import", s.api(s.apiImportFacilities))
	mux.Handle("GET /api/v1/facilities/{id}", s.api(s.apiFacility))
	mux.Handle("PATCH /api/v1/facilities/{id}", s.api(s.apiPatchFacility))
	mux.Handle("DELETE /api/v1/facilities/{id}", s.api(s.apiDeleteFacility))
	mux.Handle("GET /api/v1/conventions/{id}/facilities", s.api(s.apiConventionFacilities))
	mux.Handle("GET /api/v1/conventions/{id}/findings", s.api(s.apiFindings))
	mux.Handle("POST /api/v1/conventions/{id}/findings", s.api(s.apiCreateFinding))
	mux.Handle("GET /api/v1/findings/{id}", s.api(s.apiFinding))
	mux.Handle("PATCH /api/v1/findings/{id}", s.api(s.apiPatchFinding))
	mux.Handle("DELETE /api/v1/findings/{id}", s.api(s.apiDeleteFinding))
	mux.Handle("GET /api/v1/conventions/{id}/stakes", s.api(s.apiStakes))
	mux.Handle("POST /api/v1/conventions/{id}/stakes", s.api(s.apiCreateStake))
	mux.Handle("GET /api/v1/stakes/{id}", s.api(s.apiStake))
	mux.Handle("PATCH /api/v1/stakes/{id}", s.api(s.apiPatchStake))
	mux.Handle("DELETE /api/v1/stakes/{id}", s.api(s.apiDeleteStake))

	// Consultation: surveys.
	mux.Handle("GET /api/v1/survey-templates", s.api(s.apiSurveyTemplates))
	mux.Handle("GET /api/v1/conventions/{id}/surveys", s.api(s.apiSurveys))
	mux.Handle("POST /api/v1/conventions/{id}/surveys", s.api(s.apiCreateSurvey))
	mux.Handle("GET /api/v1/surveys/{id}", s.api(s.apiSurvey))
	mux.Handle("PATCH /api/v1/surveys/{id}", s.api(s.apiPatchSurvey))
	mux.Handle("POST /api/v1/surveys/{id}/open", s.api(s.apiOpenSurvey))
	mux.Handle("POST /api/v1/surveys/{id}/close", s.api(s.apiCloseSurvey))
	mux.Handle("POST /api/v1/surveys/{id}/responses", s.api(s.apiAddSurveyResponse))
	mux.Handle("GET /api/v1/surveys/{id}/results", s.api(s.apiSurveyResults))
	mux.Handle("GET /api/v1/surveys/{id}/crosstab", s.api(s.apiSurveyCrosstab))
	mux.Handle("GET /api/v1/surveys/{id}/responses.csv", s.api(s.apiSurveyCSV))
	mux.Handle("GET /api/v1/surveys/{id}/responses.xlsx", s.api(s.apiSurveyXLSX))
	// (workshops block)
	mux.Handle("GET /api/v1/conventions/{id}/workshops", s.api(s.apiWorkshops))
	mux.Handle("POST /api/v1/conventions/{id}/workshops", s.api(s.apiCreateWorkshop))
	mux.Handle("GET /api/v1/workshops/{id}", s.api(s.apiWorkshop))
	mux.Handle("PATCH /api/v1/workshops/{id}", s.api(s.apiPatchWorkshop))
	mux.Handle("DELETE /api/v1/workshops/{id}", s.api(s.apiDeleteWorkshop))
	mux.Handle("POST /api/v1/proposals/{id}/finding", s.api(s.apiCarryProposal))
	mux.Handle("POST /api/v1/surveys/{id}/finding", s.api(s.apiCarrySurveyResult))

	// Plan of actions and budget.
	// (plan block)
	// (budget block)

	mux.Handle("/api/", s.api(func(w http.ResponseWriter, r *http.Request) error { return errNoRoute }))

	mux.Handle("/", s.public(func(w http.ResponseWriter, r *http.Request) error { return errNoPage }))

	var h http.Handler = mux
	h = s.authenticate(h)
	h = crossOrigin(h)
	h = limitBodies(1<<20, h)
	h = securityHeaders(h)
	h = s.logRequests(h)
	return h
}

func cacheStatic(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "public, max-age=3600")
		next.ServeHTTP(w, r)
	})
}

func (s *Server) healthz(w http.ResponseWriter, r *http.Request) {
	if err := s.Ready(r.Context()); err != nil {
		s.log.Warn("health check failed", "err", err)
		writeJSON(w, http.StatusServiceUnavailable, map[string]string{"status": "indisponible"})
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
}
