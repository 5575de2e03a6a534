package web

import (
	"io/fs"
	"net/http"
	"strings"
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
	mux.HandleFunc("GET /readyz", s.readyz)

	// Pages without sign-in.
	mux.Handle("GET /connexion", s.public(s.signInPage))
	mux.Handle("POST /connexion", s.public(s.signIn))
	mux.Handle("POST /deconnexion", s.public(s.signOut))
	// (single sign-on block)
	mux.Handle("GET /connexion/oidc", s.public(s.ssoStart))
	mux.Handle("GET /connexion/oidc/retour", s.public(s.ssoCallback))
	mux.Handle("GET /connexion/oidc/demande", s.public(s.ssoRequestPage))
	mux.Handle("GET /deconnexion/retour", s.public(s.ssoLoggedOut))
	mux.Handle("POST /admin/demandes/{id}/approuver", s.page(s.adminApproveRequest))
	mux.Handle("POST /admin/demandes/{id}/refuser", s.page(s.adminRefuseRequest))
	mux.Handle("GET /a-propos", s.public(s.aboutPage))
	// (public form block)
	mux.Handle("GET /q/{token}", s.public(s.publicFormPage))
	mux.Handle("POST /q/{token}", s.public(s.publicFormSubmit))
	mux.Handle("GET /q/{token}/merci", s.public(s.publicFormThanks))
	// (public page block)
	mux.Handle("GET /p/{slug}", s.public(s.publicPlanPage))

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
	mux.Handle("GET /conventions/{id}/plan", s.page(s.planPage))
	mux.Handle("GET /conventions/{id}/plan.csv", s.page(s.planCSV))
	mux.Handle("POST /conventions/{id}/axes", s.page(s.axisCreate))
	mux.Handle("POST /conventions/{id}/axes/{xid}", s.page(s.axisUpdate))
	mux.Handle("POST /conventions/{id}/axes/{xid}/supprimer", s.page(s.axisDelete))
	mux.Handle("POST /conventions/{id}/axes/{xid}/objectifs", s.page(s.objectiveCreate))
	mux.Handle("POST /conventions/{id}/objectifs/{oid}", s.page(s.objectiveUpdate))
	mux.Handle("POST /conventions/{id}/objectifs/{oid}/supprimer", s.page(s.objectiveDelete))
	mux.Handle("GET /conventions/{id}/actions/nouvelle", s.page(s.actionNewPage))
	mux.Handle("POST /conventions/{id}/actions/nouvelle", s.page(s.actionCreate))
	mux.Handle("GET /actions/{aid}", s.page(s.actionPage))
	mux.Handle("GET /actions/{aid}/modifier", s.page(s.actionEditPage))
	mux.Handle("POST /actions/{aid}/modifier", s.page(s.actionUpdate))
	mux.Handle("GET /actions/{aid}/supprimer", s.page(s.actionDeletePage))
	mux.Handle("POST /actions/{aid}/supprimer", s.page(s.actionDelete))
	mux.Handle("POST /actions/{aid}/journal", s.page(s.journalAdd))
	mux.Handle("POST /actions/{aid}/indicateurs", s.page(s.actionIndicatorCreate))
	mux.Handle("POST /actions/{aid}/indicateurs/{iid}/valeurs", s.page(s.actionIndicatorValues))
	mux.Handle("POST /actions/{aid}/indicateurs/{iid}/supprimer", s.page(s.actionIndicatorDelete))
	// (budget pages block)
	mux.Handle("GET /conventions/{id}/budget", s.page(s.budgetPage))
	mux.Handle("POST /conventions/{id}/budget/import", s.page(s.budgetImport))
	mux.Handle("GET /actions/{aid}/budget", s.page(s.budgetGridPage))
	mux.Handle("POST /actions/{aid}/budget", s.page(s.budgetGridSave))
	mux.Handle("GET /conventions/{id}/publication", s.page(s.publicationPage))
	mux.Handle("POST /conventions/{id}/publication", s.page(s.publicationSave))
	mux.Handle("GET /conventions/{id}/equipements", s.page(s.facilitiesPage))
	mux.Handle("POST /conventions/{id}/equipements", s.page(s.facilitySave))
	mux.Handle("POST /conventions/{id}/equipements/import", s.page(s.facilitiesImport))
	mux.Handle("POST /conventions/{id}/equipements/{fid}/supprimer", s.page(s.facilityDelete))
	mux.Handle("GET /conventions/{id}/constats", s.page(s.findingsPage))
	mux.Handle("POST /conventions/{id}/constats", s.page(s.findingSave))
	mux.Handle("POST /conventions/{id}/constats/{fid}/supprimer", s.page(s.findingDelete))
	mux.Handle("POST /conventions/{id}/enjeux", s.page(s.stakeSave))
	mux.Handle("POST /conventions/{id}/enjeux/{sid}/supprimer", s.page(s.stakeDelete))

	// (meetings pages block)
	mux.Handle("GET /conventions/{id}/comites", s.page(s.meetingsPage))
	mux.Handle("POST /conventions/{id}/comites", s.page(s.meetingSave))
	mux.Handle("GET /conventions/{id}/comites/{mid}", s.page(s.meetingPage))
	mux.Handle("POST /conventions/{id}/comites/{mid}/supprimer", s.page(s.meetingDelete))
	mux.Handle("GET /conventions/{id}/decisions", s.page(s.decisionsPage))
	mux.Handle("POST /conventions/{id}/decisions/{did}", s.page(s.decisionSave))
	// (amendments pages block)
	mux.Handle("GET /conventions/{id}/avenants", s.page(s.amendmentsPage))
	mux.Handle("POST /conventions/{id}/avenants", s.page(s.amendmentSave))
	// (reviews pages block)
	mux.Handle("GET /conventions/{id}/bilans", s.page(s.reviewsPage))
	mux.Handle("GET /conventions/{id}/bilans/{year}", s.page(s.yearReviewPage))
	mux.Handle("POST /conventions/{id}/bilans/{year}/commentaires", s.page(s.reviewCommentAdd))
	mux.Handle("GET /actions/{aid}/bilans/{year}", s.page(s.reviewFormPage))
	mux.Handle("POST /actions/{aid}/bilans/{year}", s.page(s.reviewFormSave))
	mux.Handle("GET /conventions/{id}/evaluation", s.page(s.evaluationPage))
	mux.Handle("POST /conventions/{id}/evaluation", s.page(s.evaluationSave))
	mux.Handle("POST /conventions/{id}/renouvellement", s.page(s.renewalStart))
	// (documents pages block)
	mux.Handle("GET /conventions/{id}/documents", s.page(s.documentsPage))
	mux.Handle("GET /conventions/{id}/documents/{file}", s.page(s.documentFile))
	// (reminders pages block)

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
	mux.Handle("GET /api/v1/conventions/{id}/plan", s.api(s.apiPlan))
	mux.Handle("GET /api/v1/conventions/{id}/plan/warnings", s.api(s.apiPlanWarnings))
	mux.Handle("GET /api/v1/conventions/{id}/trace", s.api(s.apiTrace))
	mux.Handle("GET /api/v1/conventions/{id}/actions", s.api(s.apiConventionActions))
	mux.Handle("POST /api/v1/conventions/{id}/axes", s.api(s.apiCreateAxis))
	mux.Handle("GET /api/v1/axes/{id}", s.api(s.apiAxis))
	mux.Handle("PATCH /api/v1/axes/{id}", s.api(s.apiPatchAxis))
	mux.Handle("DELETE /api/v1/axes/{id}", s.api(s.apiDeleteAxis))
	mux.Handle("POST /api/v1/axes/{id}/objectives", s.api(s.apiCreateObjective))
	mux.Handle("PATCH /api/v1/objectives/{id}", s.api(s.apiPatchObjective))
	mux.Handle("DELETE /api/v1/objectives/{id}", s.api(s.apiDeleteObjective))
	mux.Handle("POST /api/v1/axes/{id}/actions", s.api(s.apiCreateAction))
	mux.Handle("GET /api/v1/actions/{id}", s.api(s.apiAction))
	mux.Handle("PATCH /api/v1/actions/{id}", s.api(s.apiPatchAction))
	mux.Handle("DELETE /api/v1/actions/{id}", s.api(s.apiDeleteAction))
	mux.Handle("GET /api/v1/actions/{id}/journal", s.api(s.apiJournal))
	mux.Handle("POST /api/v1/actions/{id}/journal", s.api(s.apiAddJournal))
	mux.Handle("GET /api/v1/actions/{id}/indicators", s.api(s.apiActionIndicators))
	mux.Handle("POST /api/v1/actions/{id}/indicators", s.api(s.apiCreateActionIndicator))
	mux.Handle("GET /api/v1/action-indicators/{id}", s.api(s.apiActionIndicator))
	mux.Handle("PATCH /api/v1/action-indicators/{id}", s.api(s.apiPatchActionIndicator))
	mux.Handle("DELETE /api/v1/action-indicators/{id}", s.api(s.apiDeleteActionIndicator))
	mux.Handle("PUT /api/v1/action-indicators/{id}/values", s.api(s.apiSetActionIndicatorValues))
	// (budget block)
	mux.Handle("GET /api/v1/actions/{id}/budget", s.api(s.apiBudget))
	mux.Handle("PUT /api/v1/actions/{id}/budget", s.api(s.apiSetBudget))
	mux.Handle("GET /api/v1/conventions/{id}/budget", s.api(s.apiConventionBudget))
	mux.Handle("GET /api/v1/conventions/{id}/budget/lines", s.api(s.apiConventionBudgetLines))
	mux.Handle("GET /api/v1/conventions/{id}/budget.xlsx", s.api(s.apiBudgetXLSX))
	mux.Handle("POST /api/v1/conventions/{id}/budget.xlsx", s.api(s.apiBudgetImport))
	mux.Handle("GET /api/v1/organisations/{id}/commitments", s.api(s.apiCommitments))
	mux.Handle("GET /api/v1/conventions/{id}/publish", s.api(s.apiPublication))
	mux.Handle("POST /api/v1/conventions/{id}/publish", s.api(s.apiPublish))
	mux.Handle("DELETE /api/v1/conventions/{id}/publish", s.api(s.apiUnpublish))

	// Life of the convention.
	// (meetings block)
	mux.Handle("GET /api/v1/conventions/{id}/meetings", s.api(s.apiMeetings))
	mux.Handle("POST /api/v1/conventions/{id}/meetings", s.api(s.apiCreateMeeting))
	mux.Handle("GET /api/v1/meetings/{id}", s.api(s.apiMeeting))
	mux.Handle("PATCH /api/v1/meetings/{id}", s.api(s.apiPatchMeeting))
	mux.Handle("DELETE /api/v1/meetings/{id}", s.api(s.apiDeleteMeeting))
	mux.Handle("GET /api/v1/conventions/{id}/decisions", s.api(s.apiDecisions))
	mux.Handle("GET /api/v1/decisions/{id}", s.api(s.apiDecision))
	mux.Handle("PATCH /api/v1/decisions/{id}", s.api(s.apiPatchDecision))
	// (amendments block)
	mux.Handle("GET /api/v1/conventions/{id}/amendments", s.api(s.apiAmendments))
	mux.Handle("POST /api/v1/conventions/{id}/amendments", s.api(s.apiCreateAmendment))
	mux.Handle("GET /api/v1/conventions/{id}/versions", s.api(s.apiVersions))
	mux.Handle("GET /api/v1/conventions/{id}/versions/compare", s.api(s.apiCompareVersions))
	// (reviews block)
	mux.Handle("GET /api/v1/conventions/{id}/reviews", s.api(s.apiReviewCampaign))
	mux.Handle("GET /api/v1/conventions/{id}/reviews/{year}", s.api(s.apiYearReview))
	mux.Handle("POST /api/v1/conventions/{id}/reviews/{year}/comments", s.api(s.apiAddReviewComment))
	mux.Handle("GET /api/v1/actions/{id}/reviews/{year}", s.api(s.apiActionReview))
	mux.Handle("PUT /api/v1/actions/{id}/reviews/{year}", s.api(s.apiSetActionReview))
	mux.Handle("GET /api/v1/conventions/{id}/evaluation", s.api(s.apiEvaluation))
	mux.Handle("PUT /api/v1/conventions/{id}/evaluation/{subject}", s.api(s.apiSetEvaluation))
	mux.Handle("POST /api/v1/conventions/{id}/renewal", s.api(s.apiStartRenewal))
	// (documents block)
	mux.Handle("GET /api/v1/conventions/{id}/document.docx", s.api(s.apiConventionDOCX))
	mux.Handle("GET /api/v1/conventions/{id}/document.pdf", s.api(s.apiConventionPDF))
	mux.Handle("GET /api/v1/conventions/{id}/plan.xlsx", s.api(s.apiPlanXLSX))
	mux.Handle("GET /api/v1/conventions/{id}/evaluation.pdf", s.api(s.apiEvaluationPDF))
	// (reminders block)
	mux.Handle("GET /api/v1/reminders", s.api(s.apiReminders))

	var h http.Handler = recordPattern(s.unrouted(mux))
	h = s.authenticate(h)
	h = crossOrigin(h)
	h = limitBodies(1<<20, h)
	h = securityHeaders(h)
	h = s.logRequests(h)
	return h
}

// unrouted answers in French what no route takes, which the mux would
// answer in plain English. A page's path asked with another method gets
// 405 and the mux's Allow header, any other path the 404 page. Under /api/
// both are the API's 404 (a user first), as docs/api.md says. No pattern
// catches "/": it would take every path, and the mux could no longer tell
// a wrong method from an unknown path.
func (s *Server) unrouted(mux *http.ServeMux) http.Handler {
	api := s.api(func(w http.ResponseWriter, r *http.Request) error { return errNoRoute })
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h, pattern := mux.Handler(r)
		if pattern != "" { // a route, or the mux's redirection to a cleaner path
			mux.ServeHTTP(w, r)
			return
		}
		// Logs and metrics count these under the patterns of the
		// catch-alls they once went to.
		if strings.HasPrefix(r.URL.Path, "/api/") {
			r.Pattern = "/api/"
			api.ServeHTTP(w, r)
			return
		}
		r.Pattern = "/"
		// The mux's own answer, read but not sent, says which of the two.
		probe := &statusProbe{header: http.Header{}}
		h.ServeHTTP(probe, r)
		s.public(func(w http.ResponseWriter, r *http.Request) error {
			if probe.code == http.StatusMethodNotAllowed {
				w.Header().Set("Allow", probe.header.Get("Allow"))
				return errMethod
			}
			return errNoPage
		}).ServeHTTP(w, r)
	})
}

// statusProbe is a ResponseWriter that keeps the status and headers
// written to it and drops the body.
type statusProbe struct {
	header http.Header
	code   int
}

func (p *statusProbe) Header() http.Header { return p.header }

func (p *statusProbe) WriteHeader(code int) {
	if p.code == 0 {
		p.code = code
	}
}

func (p *statusProbe) Write(b []byte) (int, error) {
	p.WriteHeader(http.StatusOK)
	return len(b), nil
}

func cacheStatic(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "public, max-age=3600")
		next.ServeHTTP(w, r)
	})
}
