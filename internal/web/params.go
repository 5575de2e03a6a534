package web

import (
	"net/http"
	"strconv"
)

// limitParam reads ?limit=, bounded.
func limitParam(r *http.Request, def, max int) int {
	n, err := strconv.Atoi(r.URL.Query().Get("limit"))
	if err != nil || n <= 0 {
		return def
	}
	return min(n, max)
}
