package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"time"

	"ctg/internal/account"
	"ctg/internal/app"
	"ctg/internal/diagnostic"
)

// UploadTTL is how long a file sent to the import wizard is kept.
const UploadTTL = time.Hour

// uploadChunk is the size of the pieces a file is stored in: small enough
// for one statement of either database, large enough to keep them few.
const uploadChunk = 4 << 20

// Upload is a file kept between the steps of the import wizard.
type Upload struct {
	ID        string    `db:"id"`
	UserID    string    `db:"user_id"`
	Filename  string    `db:"filename"`
	Size      int64     `db:"size"`
	CreatedAt time.Time `db:"created_at"`
	ExpiresAt time.Time `db:"expires_at"`
	// Preview is how the file was read, once it was (see SetUploadPreview).
	Preview *diagnostic.Preview `db:"-"`
}

type uploadRow struct {
	Upload
	Preview string `db:"preview"`
}

var errUploadRole = app.Errorf(app.EForbidden, "Votre rôle (lecture) ne permet pas d'importer des indicateurs.")

// errUploadGone is the answer for a file that is unknown, expired or
// another user's: the wizard must start again.
var errUploadGone = &app.Error{Code: app.ENotFound,
	Message: "Ce fichier n'est plus disponible : un fichier envoyé est gardé une heure. Envoyez-le de nouveau."}

// CreateUpload stores the file read from r for user u, chunk by chunk as it
// arrives: each chunk is written in a statement of its own, so that a slow
// upload holds no lock between them. The files of every user that have
// expired are deleted first. An error of r (a size limit, a broken
// connection) is returned as it is, wrapped, after what was written is
// deleted. Errors: EForbidden for a reader.
func (db *DB) CreateUpload(ctx context.Context, u *account.User, filename string, r io.Reader) (*Upload, error) {
	if !u.CanEdit() {
		return nil, errUploadRole
	}
	if err := db.deleteExpiredUploads(ctx); err != nil {
		return nil, fmt.Errorf("store.CreateUpload: %w", err)
	}
	now := db.Now()
	up := &Upload{ID: account.NewID(), UserID: u.ID, Filename: filename, CreatedAt: now, ExpiresAt: now.Add(UploadTTL)}
	if _, err := db.x.ExecContext(ctx, db.x.Rebind(`INSERT INTO uploads (id, user_id, filename, created_at, expires_at) VALUES (?, ?, ?, ?, ?)`),
		up.ID, up.UserID, up.Filename, up.CreatedAt, up.ExpiresAt); err != nil {
		return nil, fmt.Errorf("store.CreateUpload: %w", mapError(err))
	}
	insert := db.x.Rebind(`INSERT INTO upload_chunks (upload_id, n, data) VALUES (?, ?, ?)`)
	buf := make([]byte, uploadChunk)
	for n := 0; ; n++ {
		k, rerr := io.ReadFull(r, buf)
		if k > 0 {
			if _, err := db.x.ExecContext(ctx, insert, up.ID, n, buf[:k]); err != nil {
				db.removeUpload(up.ID)
				return nil, fmt.Errorf("store.CreateUpload: %w", mapError(err))
			}
			up.Size += int64(k)
		}
		if errors.Is(rerr, io.EOF) || errors.Is(rerr, io.ErrUnexpectedEOF) {
			break
		}
		if rerr != nil {
			db.removeUpload(up.ID)
			return nil, fmt.Errorf("store.CreateUpload: %w", rerr)
		}
	}
	if _, err := db.x.ExecContext(ctx, db.x.Rebind(`UPDATE uploads SET size = ? WHERE id = ?`), up.Size, up.ID); err != nil {
		db.removeUpload(up.ID)
		return nil, fmt.Errorf("store.CreateUpload: %w", mapError(err))
	}
	return up, nil
}

// Upload returns a file of u that has not expired, with its preview.
// ENotFound for any other, with a message that says to send it again.
func (db *DB) Upload(ctx context.Context, u *account.User, id string) (*Upload, error) {
	if !u.CanEdit() {
		return nil, errUploadRole
	}
	var r uploadRow
	err := get(ctx, db.x, &r, `SELECT id, user_id, filename, size, preview, created_at, expires_at FROM uploads
		WHERE id = ? AND user_id = ? AND expires_at > ?`, id, u.ID, db.Now())
	if err != nil {
		if errors.Is(mapError(err), app.ErrNotFound) {
			return nil, errUploadGone
		}
		return nil, fmt.Errorf("store.Upload: %w", err)
	}
	up := r.Upload
	if r.Preview != "" {
		var p diagnostic.Preview
		if err := json.Unmarshal([]byte(r.Preview), &p); err != nil {
			return nil, fmt.Errorf("store.Upload: preview: %w", err)
		}
		up.Preview = &p
	}
	return &up, nil
}

// SetUploadPreview records how a file of u was read, for the next steps.
func (db *DB) SetUploadPreview(ctx context.Context, u *account.User, id string, p *diagnostic.Preview) error {
	b, err := json.Marshal(p)
	if err != nil {
		return fmt.Errorf("store.SetUploadPreview: %w", err)
	}
	res, err := db.x.ExecContext(ctx, db.x.Rebind(`UPDATE uploads SET preview = ? WHERE id = ? AND user_id = ?`), string(b), id, u.ID)
	if err != nil {
		return fmt.Errorf("store.SetUploadPreview: %w", mapError(err))
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return errUploadGone
	}
	return nil
}

// UploadData returns the content of a file of u that has not expired.
func (db *DB) UploadData(ctx context.Context, u *account.User, id string) ([]byte, error) {
	up, err := db.Upload(ctx, u, id)
	if err != nil {
		return nil, err
	}
	rows, err := db.x.QueryContext(ctx, db.x.Rebind(`SELECT data FROM upload_chunks WHERE upload_id = ? ORDER BY n`), id)
	if err != nil {
		return nil, fmt.Errorf("store.UploadData: %w", err)
	}
	defer rows.Close()
	data := make([]byte, 0, up.Size)
	for rows.Next() {
		var chunk []byte
		if err := rows.Scan(&chunk); err != nil {
			return nil, fmt.Errorf("store.UploadData: %w", err)
		}
		data = append(data, chunk...)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store.UploadData: %w", err)
	}
	if int64(len(data)) != up.Size {
		return nil, errUploadGone
	}
	return data, nil
}

// DeleteUpload deletes a file of u; deleting one already gone is no error.
func (db *DB) DeleteUpload(ctx context.Context, u *account.User, id string) error {
	err := db.Transact(ctx, func(t *tx) error {
		if _, err := exec(ctx, t, `DELETE FROM upload_chunks WHERE upload_id IN (SELECT id FROM uploads WHERE id = ? AND user_id = ?)`, id, u.ID); err != nil {
			return err
		}
		_, err := exec(ctx, t, `DELETE FROM uploads WHERE id = ? AND user_id = ?`, id, u.ID)
		return err
	})
	if err != nil {
		return fmt.Errorf("store.DeleteUpload: %w", err)
	}
	return nil
}

// removeUpload deletes what was written of a file that could not be
// received, even when the request's context is gone.
func (db *DB) removeUpload(id string) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	_ = db.Transact(ctx, func(t *tx) error {
		if _, err := exec(ctx, t, `DELETE FROM upload_chunks WHERE upload_id = ?`, id); err != nil {
			return err
		}
		_, err := exec(ctx, t, `DELETE FROM uploads WHERE id = ?`, id)
		return err
	})
}

func (db *DB) deleteExpiredUploads(ctx context.Context) error {
	now := db.Now()
	return db.Transact(ctx, func(t *tx) error {
		if _, err := exec(ctx, t, `DELETE FROM upload_chunks WHERE upload_id IN (SELECT id FROM uploads WHERE expires_at <= ?)`, now); err != nil {
			return err
		}
		_, err := exec(ctx, t, `DELETE FROM uploads WHERE expires_at <= ?`, now)
		return err
	})
}
