package web

import (
	"bytes"
	"crypto/sha256"
	_ "embed"
	"encoding/hex"
	"net/http"
	"time"
)

// openAPISpec is the OpenAPI 3.1 description of the JSON API. It is written
// by hand; TestOpenAPIRoutes fails when a route of routes.go is missing
// from it, or it describes one that does not exist.
//
//go:embed openapi.json
var openAPISpec []byte

// openAPIETag changes with the document, so that clients revalidate after
// an upgrade instead of keeping a stale copy.
var openAPIETag = func() string {
	sum := sha256.Sum256(openAPISpec)
	return `"` + hex.EncodeToString(sum[:8]) + `"`
}()

// serveOpenAPI answers GET /api/v1/openapi.json without sign-in: the
// description holds nothing secret, and tools fetch it before they have a
// token. Any origin may read it, for API explorers hosted elsewhere.
func serveOpenAPI(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("Content-Type", "application/json; charset=utf-8")
	h.Set("Cache-Control", "public, max-age=300")
	h.Set("ETag", openAPIETag)
	h.Set("Access-Control-Allow-Origin", "*")
	// ServeContent answers If-None-Match with 304 and HEAD without a body.
	http.ServeContent(w, r, "openapi.json", time.Time{}, bytes.NewReader(openAPISpec))
}
