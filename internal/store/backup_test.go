package store_test

import (
	"context"
	"fmt"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"ctg/internal/account"
	"ctg/internal/app"
	"ctg/internal/store"
	"ctg/internal/testdb"
)

// TestBackup copies a SQLite database while another goroutine keeps
// writing, and checks the copy opens with the data of one moment.
func TestBackup(t *testing.T) {
	db := mustOpen(t, testdb.DSN(t, testdb.SQLite))
	ctx := context.Background()
	admin := mustUser(t, db, "admin@caf.fr", "caf-33", account.RoleAdmin)
	for i := range 50 {
		o := &account.Organisation{Name: fmt.Sprintf("Association %03d", i), Kind: "association"}
		if err := db.CreateOrganisation(ctx, o, admin); err != nil {
			t.Fatal(err)
		}
	}
	before := count(t, db, "organisations")

	var stop atomic.Bool
	var wg sync.WaitGroup
	var written atomic.Int64
	wg.Add(1)
	go func() {
		defer wg.Done()
		for i := 0; !stop.Load(); i++ {
			o := &account.Organisation{Name: fmt.Sprintf("Pendant la sauvegarde %d", i), Kind: "association"}
			if err := db.CreateOrganisation(ctx, o, admin); err != nil {
				t.Errorf("write during the backup: %v", err)
				return
			}
			written.Add(1)
		}
	}()
	// Let the writer start.
	for written.Load() < 5 {
		time.Sleep(time.Millisecond)
	}
	out := filepath.Join(t.TempDir(), "copie.db")
	err := db.Backup(ctx, out)
	stop.Store(true)
	wg.Wait()
	if err != nil {
		t.Fatalf("Backup: %v", err)
	}
	after := count(t, db, "organisations")

	cp, err := store.Open(ctx, out)
	if err != nil {
		t.Fatalf("opening the copy: %v", err)
	}
	defer cp.Close()
	var check string
	if err := cp.SQL().Get(&check, `PRAGMA integrity_check`); err != nil || check != "ok" {
		t.Errorf("integrity_check: %q, %v", check, err)
	}
	n := count(t, cp, "organisations")
	if n < before || n > after {
		t.Errorf("the copy holds %d organisations; %d before the backup, %d after", n, before, after)
	}
	// One moment: each organisation written has its history line, in the
	// same transaction.
	var lines int
	if err := cp.SQL().Get(&lines, `SELECT COUNT(*) FROM history WHERE action = 'organisation.create'`); err != nil {
		t.Fatal(err)
	}
	if lines != n-101 {
		t.Errorf("copy: %d organisations created but %d history lines", n-101, lines)
	}
	// What the copy holds is what the original holds.
	type org struct {
		ID, Name, Kind, Territory string
	}
	var got []org
	if err := cp.SQL().Select(&got, `SELECT id AS "id", name AS "name", kind AS "kind", territory AS "territory" FROM organisations ORDER BY id`); err != nil {
		t.Fatal(err)
	}
	for _, o := range got {
		orig, err := db.Organisation(ctx, o.ID)
		if err != nil || orig.Name != o.Name || orig.Kind != o.Kind || orig.Territory != o.Territory {
			t.Errorf("copy has %+v, original %+v, %v", o, orig, err)
		}
	}
	if u, err := cp.UserByEmail(ctx, "admin@caf.fr"); err != nil || u.ID != admin.ID {
		t.Errorf("user in the copy: %+v, %v", u, err)
	}
	if err := cp.Migrate(ctx); err != nil {
		t.Errorf("the copy is not at the current migration: %v", err)
	}
	// Over an existing file, nothing is overwritten.
	if err := db.Backup(ctx, out); err == nil {
		t.Error("Backup over an existing file succeeded")
	}
}

func TestBackupPostgres(t *testing.T) {
	db := mustOpen(t, testdb.DSN(t, testdb.Postgres))
	err := db.Backup(context.Background(), filepath.Join(t.TempDir(), "copie.db"))
	if app.ErrorCode(err) != app.EInvalid || app.ErrorMessage(err) == "" {
		t.Errorf("Backup on PostgreSQL: %v, want an invalid error pointing to pg_dump", err)
	}
}
