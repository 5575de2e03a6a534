package web

import "net/http"

func serveOpenAPI(w http.ResponseWriter, r *http.Request) { http.NotFound(w, r) }
