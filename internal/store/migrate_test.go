package store_test

import (
	"context"
	"sync"
	"testing"

	"ctg/internal/store"
	"ctg/internal/testdb"
)

// TestPrepareTogether starts, as servers behind a load balancer do, four
// handles that migrate and seed one new PostgreSQL database at the same
// moment: every start must succeed, each migration be applied once and
// each CAF be there once.
func TestPrepareTogether(t *testing.T) {
	dsn := testdb.DSN(t, testdb.Postgres)
	ctx := context.Background()
	ref := mustRef(t)
	const servers = 4
	dbs := make([]*store.DB, servers)
	for i := range dbs {
		db, err := store.Open(ctx, dsn)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		dbs[i] = db
	}
	errs := make([]error, servers)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i, db := range dbs {
		wg.Go(func() {
			<-start
			errs[i] = db.Prepare(ctx, ref)
		})
	}
	close(start)
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Errorf("start %d: %v", i+1, err)
		}
	}
	var applied, distinct int
	if err := dbs[0].SQL().Get(&applied, `SELECT COUNT(*) FROM goose_db_version WHERE version_id > 0`); err != nil {
		t.Fatal(err)
	}
	if err := dbs[0].SQL().Get(&distinct, `SELECT COUNT(DISTINCT version_id) FROM goose_db_version WHERE version_id > 0`); err != nil {
		t.Fatal(err)
	}
	if applied == 0 || applied != distinct {
		t.Errorf("%d migrations recorded for %d versions: each must be applied once", applied, distinct)
	}
	if n := count(t, dbs[0], "organisations"); n != 101 {
		t.Errorf("%d organisations after four starts, want the 101 CAFs once", n)
	}
}
