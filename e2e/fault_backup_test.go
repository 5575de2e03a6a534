package e2e

import (
	"bytes"
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"net/http"
	"net/url"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"ctg/internal/cli"
	"ctg/internal/testdb"
)

// TestBackupRestore backs up the database of a running server with
// `ctg backup` while a client keeps creating organisations through the
// API, restores the copy as docs/operations.md says (the file itself for
// SQLite, pg_restore into a new database for PostgreSQL), starts ctg on
// it, and reads through the API of that second server: everything
// acknowledged before the backup began is there, nothing from after it
// ended, and each organisation with its history line (one moment).
func TestBackupRestore(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, dsn string) {
		postgres := strings.HasPrefix(dsn, "postgres://")
		if postgres {
			for _, tool := range []string{"pg_dump", "pg_restore"} {
				if _, err := exec.LookPath(tool); err != nil {
					testdb.RequireOrSkip(t, tool+" is not installed (apt-get install postgresql-client)")
				}
			}
		}
		s := mustStart(t, dsn)
		client := &http.Client{Timeout: 30 * time.Second}
		create := func(name string) error {
			req, _ := http.NewRequest(http.MethodPost, s.base+"/api/v1/organisations", strings.NewReader(fmt.Sprintf(`{"name":%q,"kind":"association"}`, name)))
			req.Header.Set("Authorization", "Bearer "+s.tokens[admin])
			req.Header.Set("Content-Type", "application/json")
			res, err := client.Do(req)
			if err != nil {
				return err
			}
			res.Body.Close()
			if res.StatusCode != http.StatusCreated {
				return fmt.Errorf("status %d", res.StatusCode)
			}
			return nil
		}

		// The writer: organisations numbered in order, each acknowledged
		// before the next is sent.
		var acked atomic.Int64
		var stop atomic.Bool
		var wg sync.WaitGroup
		wg.Go(func() {
			for i := 0; !stop.Load(); i++ {
				if err := create(fmt.Sprintf("Association pendant la sauvegarde %05d", i)); err != nil {
					t.Errorf("write %d during the backup: %v", i, err)
					return
				}
				acked.Store(int64(i + 1))
			}
		})
		for acked.Load() < 10 {
			time.Sleep(5 * time.Millisecond)
		}
		out := filepath.Join(t.TempDir(), "ctg-sauvegarde")
		before := acked.Load()
		var stdout, stderr bytes.Buffer
		code := cli.Run(context.Background(), []string{"backup", "--db", dsn, out}, func(string) string { return "" },
			cli.IO{Stdin: strings.NewReader(""), Stdout: &stdout, Stderr: &stderr})
		after := acked.Load() + 1 // one may be on its way
		stop.Store(true)
		wg.Wait()
		if code != 0 {
			t.Fatalf("ctg backup: %d %s", code, stderr.String())
		}
		t.Logf("%d organisations acknowledged before the backup began, %d when it ended", before, after-1)

		restored := restore(t, dsn, out)
		run, err := cli.Start(context.Background(), cli.ServeConfig{Addr: "127.0.0.1:0", DB: restored, Log: quietLog()})
		if err != nil {
			t.Fatalf("ctg on the restored copy: %v", err)
		}
		defer run.Close()
		copySrv := &server{run: run, base: "http://" + run.Addr, tokens: s.tokens}
		orgs := items(t, copySrv.mustGet(t, admin, "/api/v1/organisations"))
		n := int64(0)
		for _, o := range orgs {
			if strings.HasPrefix(o["name"].(string), "Association pendant la sauvegarde ") {
				n++
			}
		}
		if n < before || n > after {
			t.Errorf("the copy holds %d of the organisations written; %d were acknowledged before the backup, at most %d after", n, before, after)
		}
		for i := range n {
			name := fmt.Sprintf("Association pendant la sauvegarde %05d", i)
			found := false
			for _, o := range orgs {
				found = found || o["name"] == name
			}
			if !found {
				t.Errorf("the copy lacks %q though it holds later ones", name)
			}
		}
		var lines int64
		if err := run.DB.SQL().Get(&lines, `SELECT COUNT(*) FROM history WHERE action = 'organisation.create'`); err != nil {
			t.Fatal(err)
		}
		// mustStart created three organisations before the writer.
		if lines != n+3 {
			t.Errorf("the copy has %d organisations created and %d history lines of creation", n+3, lines)
		}
		// The copy is a working database: a user's session goes on.
		if st, _, _ := copySrv.do(t, http.MethodPost, "/api/v1/organisations", admin, map[string]any{"name": "Après la restauration", "kind": "association"}); st != http.StatusCreated {
			t.Errorf("creating on the restored copy: %d", st)
		}
	})
}

// restore makes the backup out of dsn usable and returns where: the file
// itself for SQLite (its copy is a database), and for PostgreSQL a new
// database that pg_restore fills, dropped when the test ends.
func restore(t *testing.T, dsn, out string) string {
	t.Helper()
	if !strings.HasPrefix(dsn, "postgres://") {
		return out
	}
	u, err := url.Parse(dsn)
	if err != nil {
		t.Fatal(err)
	}
	schema := u.Query().Get("search_path")
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	name := "ctg_restore_" + hex.EncodeToString(b)
	pg, err := sql.Open("pgx", testdb.PostgresURL())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_, _ = pg.Exec(`DROP DATABASE IF EXISTS ` + name + ` WITH (FORCE)`)
		pg.Close()
	})
	if _, err := pg.Exec(`CREATE DATABASE ` + name); err != nil {
		t.Fatal(err)
	}
	target, err := url.Parse(testdb.PostgresURL())
	if err != nil {
		t.Fatal(err)
	}
	target.Path = "/" + name
	cmd := exec.Command("pg_restore", "--no-owner", "--exit-on-error", "--dbname="+target.String(), out)
	if msg, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("pg_restore: %v\n%s", err, msg)
	}
	q := target.Query()
	q.Set("search_path", schema)
	target.RawQuery = q.Encode()
	return target.String()
}
