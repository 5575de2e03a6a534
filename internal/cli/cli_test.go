package cli_test

import (
	"bytes"
	"context"
	"flag"
	"io"
	"log/slog"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"ctg/internal/cli"
	"ctg/internal/store"
	"ctg/internal/testdb"
)

func TestMain(m *testing.M) {
	flag.Parse()
	if !testing.Verbose() {
		slog.SetDefault(slog.New(slog.NewTextHandler(io.Discard, nil)))
	}
	os.Exit(m.Run())
}

// result is what a run of the command line gave.
type result struct {
	code           int
	stdout, stderr string
}

// run runs the command line with args, the environment env (nothing else
// of the process's) and stdin.
func run(t *testing.T, env map[string]string, stdin string, args ...string) result {
	t.Helper()
	var out, errOut bytes.Buffer
	code := cli.Run(context.Background(), args, func(k string) string { return env[k] },
		cli.IO{Stdin: strings.NewReader(stdin), Stdout: &out, Stderr: &errOut})
	return result{code, out.String(), errOut.String()}
}

// goText is what Go, its flag package or a driver would write; none of it
// may reach the person at the terminal.
var goText = []string{"goroutine", "panic", "runtime.", "flag provided", "Usage of", "(default ", "sql:", "pq:", "pgx", "pgconn",
	"no such file", "flag needs", ".go:"}

// checkFailure checks a failed run: exit 1, a one-line French message on
// standard error starting with "ctg : ", and nothing from Go.
func checkFailure(t *testing.T, r result, says string) {
	t.Helper()
	if r.code != 1 {
		t.Errorf("exit %d, want 1\nstderr: %s", r.code, r.stderr)
	}
	lines := strings.Split(strings.TrimRight(r.stderr, "\n"), "\n")
	if len(lines) != 1 {
		t.Errorf("%d lines on standard error, want one:\n%s", len(lines), r.stderr)
	}
	checkMessage(t, lines[len(lines)-1], says)
	for _, g := range goText {
		if strings.Contains(r.stderr, g) {
			t.Errorf("standard error shows %q:\n%s", g, r.stderr)
		}
	}
}

func checkMessage(t *testing.T, line, says string) {
	t.Helper()
	if !strings.HasPrefix(line, "ctg : ") {
		t.Errorf("message %q does not start with \"ctg : \"", line)
	}
	if !strings.Contains(line, says) {
		t.Errorf("message %q does not say %q", line, says)
	}
}

func TestMigrate(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		for range 2 {
			r := run(t, nil, "", "migrate", "--db", dsn)
			if r.code != 0 || r.stdout != "Base de données à jour.\n" || r.stderr != "" {
				t.Fatalf("migrate: %+v", r)
			}
		}
		db, err := store.Open(context.Background(), dsn)
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		if orgs, err := db.Organisations(context.Background(), "caf"); err != nil || len(orgs) != 101 {
			t.Errorf("%d CAFs after migrate, %v", len(orgs), err)
		}
	})
}

func TestEnvironment(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "depuis-env.db")
	if r := run(t, map[string]string{"CTG_DB": path}, "", "migrate"); r.code != 0 {
		t.Fatalf("migrate with CTG_DB: %+v", r)
	}
	if _, err := os.Stat(path); err != nil {
		t.Errorf("CTG_DB not used: %v", err)
	}
	// A flag beats its variable.
	other := filepath.Join(dir, "depuis-option.db")
	if r := run(t, map[string]string{"CTG_DB": filepath.Join(dir, "absent", "x.db")}, "", "migrate", "--db", other); r.code != 0 {
		t.Fatalf("migrate --db with CTG_DB: %+v", r)
	}
	if _, err := os.Stat(other); err != nil {
		t.Errorf("--db not used: %v", err)
	}
	// Every flag of user add from the environment.
	env := map[string]string{"CTG_DB": path, "CTG_EMAIL": "env@caf.fr", "CTG_NAME": "Par l'environnement", "CTG_ORG": "caf-974", "CTG_ROLE": "reader"}
	if r := run(t, env, "motdepasse-solide\n", "user", "add"); r.code != 0 {
		t.Fatalf("user add from the environment: %+v", r)
	}
	db, err := store.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	u, err := db.UserByEmail(context.Background(), "env@caf.fr")
	if err != nil || u.Name != "Par l'environnement" || u.OrgID != "caf-974" || u.Role != "reader" {
		t.Errorf("user %+v, %v", u, err)
	}
	r := run(t, map[string]string{"CTG_DB": path, "CTG_EMAIL": "env@caf.fr", "CTG_LABEL": "depuis env"}, "", "token", "create")
	if r.code != 0 || !tokenLine.MatchString(r.stdout) {
		t.Errorf("token create from the environment: %+v", r)
	}
}

var tokenLine = regexp.MustCompile(`^ctg_[a-z2-7]{52}\n$`)

func TestUserAddAndToken(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		ctx := context.Background()
		add := func(stdin string, args ...string) result {
			return run(t, nil, stdin, append([]string{"user", "add", "--db", dsn}, args...)...)
		}
		r := add("un mot de passe solide\r\n", "--email", "Claire@CAF.fr", "--name", "Claire Martin", "--org", "caf-33", "--role", "editor")
		if r.code != 0 || r.stderr != "" {
			t.Fatalf("user add: %+v", r)
		}
		if r.stdout != "Compte créé : claire@caf.fr (Caf de la Gironde, editor)\n" {
			t.Errorf("stdout %q", r.stdout)
		}
		db, err := store.Open(ctx, dsn)
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		if _, _, err := db.SignIn(ctx, "claire@caf.fr", "un mot de passe solide", time.Hour); err != nil {
			t.Errorf("sign in with the password read from stdin: %v", err)
		}
		// Without a final newline too.
		if r := add("autre mot de passe", "--email", "paul@caf.fr", "--name", "Paul", "--org", "caf-33", "--role", "reader"); r.code != 0 {
			t.Fatalf("user add: %+v", r)
		}
		if _, _, err := db.SignIn(ctx, "paul@caf.fr", "autre mot de passe", time.Hour); err != nil {
			t.Errorf("password without newline: %v", err)
		}

		for _, tc := range []struct {
			name, stdin string
			args        []string
			says        string
		}{
			{"same e-mail", "un mot de passe solide\n", []string{"--email", "claire@caf.fr", "--name", "C", "--org", "caf-33", "--role", "reader"}, "existe déjà"},
			{"unknown organisation", "un mot de passe solide\n", []string{"--email", "x@caf.fr", "--name", "X", "--org", "caf-99", "--role", "reader"}, "caf-99"},
			{"short password", "court\n", []string{"--email", "y@caf.fr", "--name", "Y", "--org", "caf-33", "--role", "reader"}, "10 caractères"},
			{"no password", "", []string{"--email", "y@caf.fr", "--name", "Y", "--org", "caf-33", "--role", "reader"}, "mot de passe"},
			{"unknown role", "un mot de passe solide\n", []string{"--email", "z@caf.fr", "--name", "Z", "--org", "caf-33", "--role", "owner"}, "rôle"},
			{"bad e-mail", "un mot de passe solide\n", []string{"--email", "claire", "--name", "Z", "--org", "caf-33", "--role", "reader"}, "adresse"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				checkFailure(t, add(tc.stdin, tc.args...), tc.says)
			})
		}

		// token create prints the token alone on one line.
		r = run(t, nil, "", "token", "create", "--db", dsn, "--email", "claire@caf.fr", "--label", "import")
		if r.code != 0 || r.stderr != "" || !tokenLine.MatchString(r.stdout) {
			t.Fatalf("token create: %+v", r)
		}
		u, err := db.TokenUser(ctx, strings.TrimSpace(r.stdout))
		if err != nil || u.Email != "claire@caf.fr" {
			t.Errorf("the printed token opens %+v, %v", u, err)
		}
		checkFailure(t, run(t, nil, "", "token", "create", "--db", dsn, "--email", "personne@caf.fr"), "personne@caf.fr")
		checkFailure(t, run(t, nil, "", "token", "create", "--db", dsn), "--email")
	})
}

func TestUsageErrors(t *testing.T) {
	db := filepath.Join(t.TempDir(), "ctg.db")
	for _, tc := range []struct {
		name string
		args []string
		says string
		// usage: the usage text may come before the message.
		usage bool
	}{
		{"no command", nil, "indiquez une commande", true},
		{"unknown command", []string{"deploy"}, "commande inconnue", true},
		{"user without add", []string{"user"}, "ctg user add", false},
		{"user del", []string{"user", "del"}, "ctg user add", false},
		{"token without create", []string{"token", "list"}, "ctg token create", false},
		{"unknown flag", []string{"migrate", "--nope"}, "option invalide", false},
		{"flag without value", []string{"user", "add", "--db", db, "--email"}, "option", false},
		{"backup without file", []string{"backup", "--db", db}, "FICHIER", false},
		{"backup with two files", []string{"backup", "--db", db, "a.db", "b.db"}, "FICHIER", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := run(t, nil, "", tc.args...)
			if !tc.usage {
				checkFailure(t, r, tc.says)
				return
			}
			if r.code != 1 {
				t.Errorf("exit %d", r.code)
			}
			lines := strings.Split(strings.TrimRight(r.stderr, "\n"), "\n")
			checkMessage(t, lines[len(lines)-1], tc.says)
			if !strings.Contains(r.stderr, "Utilisation") {
				t.Errorf("no usage:\n%s", r.stderr)
			}
		})
	}
	r := run(t, nil, "", "help")
	if r.code != 0 || !strings.Contains(r.stdout, "ctg user add") || r.stderr != "" {
		t.Errorf("help: %+v", r)
	}
}

// TestOpenErrors checks that a database that cannot be opened is told in
// French, with what went wrong.
func TestOpenErrors(t *testing.T) {
	checkFailure(t, run(t, nil, "", "migrate", "--db", filepath.Join(t.TempDir(), "absent", "ctg.db")), "fichier SQLite")
	checkFailure(t, run(t, nil, "", "migrate", "--db", "postgres://postgres@127.0.0.1:1/ctg?sslmode=disable&connect_timeout=2"), "PostgreSQL")
}

func TestBackup(t *testing.T) {
	dsn := testdb.DSN(t, testdb.SQLite)
	if r := run(t, nil, "motdepasse-solide\n", "user", "add", "--db", dsn, "--email", "a@caf.fr", "--name", "A", "--org", "caf-33", "--role", "admin"); r.code != 0 {
		t.Fatal(r)
	}
	out := filepath.Join(t.TempDir(), "sauvegarde.db")
	r := run(t, nil, "", "backup", "--db", dsn, out)
	if r.code != 0 || r.stderr != "" || !strings.Contains(r.stdout, out) {
		t.Fatalf("backup: %+v", r)
	}
	db, err := store.Open(context.Background(), out)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if u, err := db.UserByEmail(context.Background(), "a@caf.fr"); err != nil || u.Role != "admin" {
		t.Errorf("the copy: %+v, %v", u, err)
	}
	// Positional argument before the flags, and an existing file.
	checkFailure(t, run(t, nil, "", "backup", out, "--db", dsn), "existe déjà")
	// The database from the environment.
	other := filepath.Join(t.TempDir(), "autre.db")
	if r := run(t, map[string]string{"CTG_DB": dsn}, "", "backup", other); r.code != 0 {
		t.Errorf("backup with CTG_DB: %+v", r)
	}
}

func TestBackupPostgres(t *testing.T) {
	if _, err := exec.LookPath("pg_dump"); err != nil {
		t.Skip("pg_dump is not installed")
	}
	dsn := testdb.DSN(t, testdb.Postgres)
	if r := run(t, nil, "motdepasse-solide\n", "user", "add", "--db", dsn, "--email", "a@caf.fr", "--name", "A", "--org", "caf-33", "--role", "admin"); r.code != 0 {
		t.Fatal(r)
	}
	out := filepath.Join(t.TempDir(), "sauvegarde.dump")
	r := run(t, nil, "", "backup", "--db", dsn, out)
	if r.code != 0 {
		t.Fatalf("backup of the PostgreSQL database %s: %+v", dsn, r)
	}
	if st, err := os.Stat(out); err != nil || st.Size() == 0 {
		t.Errorf("dump: %v", err)
	}
}

// syncBuffer is a buffer written by the server's goroutine and read by the
// test.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func TestServe(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		var out, errOut syncBuffer
		done := make(chan int, 1)
		env := map[string]string{"CTG_ADDR": "127.0.0.1:0", "CTG_DB": dsn}
		go func() {
			done <- cli.Run(ctx, []string{"serve"}, func(k string) string { return env[k] }, cli.IO{Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errOut})
		}()
		listening := regexp.MustCompile(`ctg écoute sur (http://127\.0\.0\.1:\d+)`)
		var base string
		for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
			if m := listening.FindStringSubmatch(out.String()); m != nil {
				base = m[1]
				break
			}
			select {
			case code := <-done:
				t.Fatalf("serve ended with %d: %s %s", code, out.String(), errOut.String())
			default:
			}
		}
		if base == "" {
			t.Fatalf("serve did not say where it listens: %q", out.String())
		}
		res, err := (&http.Client{Timeout: 5 * time.Second}).Get(base + "/healthz")
		if err != nil || res.StatusCode != http.StatusOK {
			t.Errorf("healthz: %v %v", res, err)
		}
		if res != nil {
			res.Body.Close()
		}
		cancel()
		select {
		case code := <-done:
			if code != 0 {
				t.Errorf("serve stopped with %d: %s", code, errOut.String())
			}
		case <-time.After(25 * time.Second):
			t.Fatal("serve did not stop")
		}
	})
}

func TestServeBadAddress(t *testing.T) {
	db := filepath.Join(t.TempDir(), "ctg.db")
	checkFailure(t, run(t, nil, "", "serve", "--db", db, "--addr", "127.0.0.1:99999"), "adresse")
}
