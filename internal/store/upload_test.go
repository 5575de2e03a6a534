package store_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"math/rand/v2"
	"testing"
	"time"

	"ctg/internal/app"
	"ctg/internal/diagnostic"
	"ctg/internal/testdb"
)

// failingReader gives n bytes, then err: a connection that breaks.
type failingReader struct {
	n   int
	err error
}

func (r *failingReader) Read(p []byte) (int, error) {
	if r.n == 0 {
		return 0, r.err
	}
	k := min(len(p), r.n)
	clear(p[:k])
	r.n -= k
	return k, nil
}

func TestUploads(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		f := newFixture(t, dsn)
		clock := newClock(f.db)
		ctx := context.Background()

		// A file of several chunks comes back byte for byte.
		data := make([]byte, 9<<20+123)
		rng := rand.New(rand.NewPCG(1, 2))
		for i := range data {
			data[i] = byte(rng.UintN(256))
		}
		up, err := f.db.CreateUpload(ctx, f.editor, "base-ic.csv", bytes.NewReader(data))
		if err != nil {
			t.Fatal(err)
		}
		if up.Size != int64(len(data)) || up.Filename != "base-ic.csv" || !up.ExpiresAt.Equal(clock.now().Add(time.Hour)) {
			t.Errorf("upload %+v", up)
		}
		got, err := f.db.UploadData(ctx, f.editor, up.ID)
		if err != nil || !bytes.Equal(got, data) {
			t.Fatalf("UploadData: %d bytes, %v; want %d bytes", len(got), err, len(data))
		}

		// The preview is kept with it.
		p := &diagnostic.Preview{Format: "csv", Headers: []string{"CODGEO", "P21_POP0002"}, GeoColumn: 0,
			Rows: []diagnostic.Row{{Line: 2, Cells: []string{"33473", "81"}}}, Suggested: map[string]string{"P21_POP0002": "pop_0_2"}, Year: 2021}
		if err := f.db.SetUploadPreview(ctx, f.editor, up.ID, p); err != nil {
			t.Fatal(err)
		}
		back, err := f.db.Upload(ctx, f.editor, up.ID)
		if err != nil || back.Preview == nil || back.Preview.Year != 2021 || back.Preview.Rows[0].Cells[1] != "81" || back.Preview.Suggested["P21_POP0002"] != "pop_0_2" {
			t.Fatalf("Upload = %+v, %v", back, err)
		}

		// Only its sender sees it; readers may not send files.
		if _, err := f.db.Upload(ctx, f.other, up.ID); app.ErrorCode(err) != app.ENotFound {
			t.Errorf("another user reads it: %v", err)
		}
		if _, err := f.db.UploadData(ctx, f.other, up.ID); app.ErrorCode(err) != app.ENotFound {
			t.Errorf("another user reads its data: %v", err)
		}
		if _, err := f.db.CreateUpload(ctx, f.reader, "x.csv", bytes.NewReader([]byte("CODGEO\n"))); app.ErrorCode(err) != app.EForbidden {
			t.Errorf("a reader uploads: %v", err)
		}

		// A broken upload leaves nothing behind and says why.
		broken := errors.New("connection reset")
		chunks := count(t, f.db, "upload_chunks")
		if _, err := f.db.CreateUpload(ctx, f.editor, "big.csv", &failingReader{n: 5 << 20, err: broken}); !errors.Is(err, broken) {
			t.Errorf("broken upload: %v", err)
		}
		if n := count(t, f.db, "uploads"); n != 1 {
			t.Errorf("%d uploads after a broken one, want 1", n)
		}
		if n := count(t, f.db, "upload_chunks"); n != chunks {
			t.Errorf("%d chunks after a broken upload, want %d", n, chunks)
		}

		// An hour later it is gone, and the next upload clears it away.
		clock.add(time.Hour)
		if _, err := f.db.Upload(ctx, f.editor, up.ID); app.ErrorCode(err) != app.ENotFound {
			t.Errorf("expired upload: %v", err)
		}
		small, err := f.db.CreateUpload(ctx, f.editor, "petit.csv", io.LimitReader(bytes.NewReader(data), 10))
		if err != nil || small.Size != 10 {
			t.Fatalf("small upload: %+v, %v", small, err)
		}
		if n := count(t, f.db, "upload_chunks"); n != 1 {
			t.Errorf("%d chunks after the expired upload was cleared, want 1", n)
		}

		// Deleting is for its sender, and idempotent.
		if err := f.db.DeleteUpload(ctx, f.other, small.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := f.db.Upload(ctx, f.editor, small.ID); err != nil {
			t.Errorf("deleted by another user: %v", err)
		}
		for range 2 {
			if err := f.db.DeleteUpload(ctx, f.editor, small.ID); err != nil {
				t.Fatal(err)
			}
		}
		if n := count(t, f.db, "uploads"); n != 0 {
			t.Errorf("%d uploads left, want 0", n)
		}
	})
}
