package cli_test

import (
	"context"
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"ctg/internal/cli"
	"ctg/internal/mail"
	"ctg/internal/mail/mailtest"
	"ctg/internal/testdb"
)

// TestServeOpsFlags checks the operations flags refuse what they cannot
// use, in French.
func TestServeOpsFlags(t *testing.T) {
	db := filepath.Join(t.TempDir(), "ctg.db")
	checkFailure(t, run(t, nil, "", "serve", "--db", db, "--log-format", "xml"), "text ou json")
	checkFailure(t, run(t, map[string]string{"CTG_LOG_FORMAT": "yaml"}, "", "serve", "--db", db), "text ou json")
	checkFailure(t, run(t, nil, "", "serve", "--db", db, "--shutdown-delay", "bientôt"), "--shutdown-delay")
	checkFailure(t, run(t, nil, "", "serve", "--db", db, "--shutdown-delay", "2h"), "--shutdown-delay")
	checkFailure(t, run(t, nil, "", "serve", "--db", db, "--trusted-proxies", "10.0.0.0/8,répartiteur"), "--trusted-proxies")
	checkFailure(t, run(t, nil, "", "serve", "--db", db, "--addr", "127.0.0.1:0", "--metrics-addr", "127.0.0.1:99999"), "adresse")
}

// TestMetrics starts a server with --metrics-addr and reads its metrics
// after a few requests: counted by route pattern, never by path, and
// served on the metrics listener only.
func TestMetrics(t *testing.T) {
	run, err := cli.Start(context.Background(), cli.ServeConfig{Addr: "127.0.0.1:0", MetricsAddr: "127.0.0.1:0", DB: testdb.DSN(t, testdb.SQLite)})
	if err != nil {
		t.Fatal(err)
	}
	defer run.Close()
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	get := func(url string) (int, string) {
		t.Helper()
		res, err := client.Get(url)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return res.StatusCode, string(b)
	}
	base := "http://" + run.Addr
	get(base + "/healthz")
	get(base + "/conventions/c-123")
	get(base + "/conventions/c-456")
	if code, _ := get(base + "/metrics"); code != http.StatusNotFound {
		t.Errorf("/metrics on the public address: %d, want 404", code)
	}
	run.Metrics.Jobs.Start("reminders")(nil)

	code, body := get("http://" + run.MetricsAddr + "/metrics")
	if code != http.StatusOK {
		t.Fatalf("/metrics: %d", code)
	}
	for _, want := range []string{
		`ctg_http_requests_total{route="GET /healthz",method="GET",status="2xx"} 1`,
		`ctg_http_requests_total{route="GET /conventions/{id}",method="GET",status="3xx"} 2`,
		`ctg_http_requests_total{route="/",method="GET",status="4xx"} 1`,
		`ctg_http_request_duration_seconds_count{route="GET /conventions/{id}"} 2`,
		`ctg_db_connections_open `,
		`ctg_db_wait_count_total `,
		`ctg_jobs_running{job="import"} 0`,
		`ctg_jobs_completed_total{job="reminders"} 1`,
		`ctg_build_info{version="`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("metrics lack %s", want)
		}
	}
	if strings.Contains(body, "c-123") {
		t.Error("a raw path in the metrics")
	}
	if code, _ := get("http://" + run.MetricsAddr + "/healthz"); code != http.StatusNotFound {
		t.Errorf("the metrics listener serves /healthz: %d", code)
	}
}

// TestReminderRunsInMetrics checks the reminders job reports its runs to
// the metrics: once its mails are sent, a run has completed.
func TestReminderRunsInMetrics(t *testing.T) {
	dsn := testdb.DSN(t, testdb.SQLite)
	seedReminders(t, dsn)
	smtp := mailtest.Start(t, mailtest.Options{})
	r, err := cli.Start(context.Background(), cli.ServeConfig{Addr: "127.0.0.1:0", DB: dsn, Log: quietLogger(),
		Reminders: cli.RemindersConfig{Every: time.Hour, Mail: mail.Config{Addr: smtp.Addr, From: "ctg@caf33.fr"}}})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	smtp.WaitFor(t, 2)
	var out strings.Builder
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(10 * time.Millisecond) {
		out.Reset()
		if err := r.Metrics.Write(&out); err != nil {
			t.Fatal(err)
		}
		if strings.Contains(out.String(), `ctg_jobs_completed_total{job="reminders"} 1`) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no completed run of the reminders job in the metrics:\n%s", out.String())
		}
	}
	if !strings.Contains(out.String(), `ctg_jobs_failed_total{job="reminders"} 0`) {
		t.Errorf("a failed run of the reminders job:\n%s", out.String())
	}
}
