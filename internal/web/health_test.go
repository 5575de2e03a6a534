package web

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"

	"ctg/internal/testdb"
)

// TestReadyz follows /readyz through a server's life: not ready before it
// has started, ready while its database answers, not ready once it
// drains, nor when its database is gone.
func TestReadyz(t *testing.T) {
	db := testdb.Open(t, testdb.DSN(t, testdb.SQLite))
	s, err := New(Config{DB: db, Ref: testdb.Ref(t), Log: discardLog()})
	if err != nil {
		t.Fatal(err)
	}
	h := s.Handler()
	ready := func(want int, status string) {
		t.Helper()
		w := httptest.NewRecorder()
		h.ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/readyz", nil))
		var b map[string]string
		_ = json.Unmarshal(w.Body.Bytes(), &b)
		if w.Code != want || b["status"] != status || w.Header().Get("Cache-Control") != "no-store" {
			t.Errorf("/readyz: %d %v, want %d %q", w.Code, b, want, status)
		}
	}
	ready(http.StatusServiceUnavailable, "démarrage en cours")
	s.MarkStarted()
	ready(http.StatusOK, "ok")
	s.Drain()
	ready(http.StatusServiceUnavailable, "arrêt en cours")

	s2, err := New(Config{DB: db, Ref: testdb.Ref(t), Log: discardLog()})
	if err != nil {
		t.Fatal(err)
	}
	s2.MarkStarted()
	db.Close()
	h = s2.Handler()
	ready(http.StatusServiceUnavailable, "base de données indisponible")
}

// TestRequestIDAndAccessLog checks an incoming X-Request-Id is kept when
// well formed and replaced otherwise, and that the access log has one
// line per request at Info, by route pattern, with health checks at
// Debug.
func TestRequestIDAndAccessLog(t *testing.T) {
	var logs bytes.Buffer
	log := slog.New(slog.NewJSONHandler(&logs, &slog.HandlerOptions{Level: slog.LevelInfo}))
	s, err := New(Config{DB: testdb.Open(t, testdb.DSN(t, testdb.SQLite)), Ref: testdb.Ref(t), Log: log, AccessLog: true})
	if err != nil {
		t.Fatal(err)
	}
	s.MarkStarted()
	h := s.Handler()
	generated := regexp.MustCompile(`^[0-9a-f]{16}$`)
	for _, tc := range []struct{ sent, path string }{
		{"7f1c9a2e-5b3d-4e8f-9a01-23456789abcd", "/a-propos"},
		{"proxy.42_A", "/a-propos"},
		{"", "/a-propos"},
		{"deux mots", "/a-propos"},
		{"a\nb", "/a-propos"},
		{strings.Repeat("x", 65), "/a-propos"},
		{"sonde", "/healthz"},
	} {
		r := httptest.NewRequest(http.MethodGet, tc.path, nil)
		if tc.sent != "" {
			r.Header.Set("X-Request-Id", tc.sent)
		}
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		got := w.Header().Get("X-Request-Id")
		kept := tc.sent != "" && !strings.ContainsAny(tc.sent, " \n") && len(tc.sent) <= 64
		if kept && got != tc.sent || !kept && !generated.MatchString(got) {
			t.Errorf("X-Request-Id %q sent, %q returned", tc.sent, got)
		}
	}
	lines := strings.Split(strings.TrimSpace(logs.String()), "\n")
	if len(lines) != 6 {
		t.Fatalf("%d log lines, want one per request but the health check's:\n%s", len(lines), logs.String())
	}
	var e map[string]any
	if err := json.Unmarshal([]byte(lines[0]), &e); err != nil {
		t.Fatal(err)
	}
	for k, want := range map[string]any{"level": "INFO", "msg": "request", "request_id": "7f1c9a2e-5b3d-4e8f-9a01-23456789abcd",
		"method": "GET", "route": "GET /a-propos", "status": float64(200)} {
		if e[k] != want {
			t.Errorf("log line %s = %v, want %v", k, e[k], want)
		}
	}
	if b, _ := e["bytes"].(float64); b <= 0 {
		t.Errorf("log line bytes = %v", e["bytes"])
	}
	if _, ok := e["duration_ms"].(float64); !ok {
		t.Errorf("log line without duration_ms: %v", e)
	}
}
