package store

import (
	"context"
	"encoding/json"
	"fmt"

	"ctg/internal/account"
)

// record writes one line of history in t.
func (db *DB) record(ctx context.Context, t *tx, conventionID string, by *account.User, action, subject string, changes any) error {
	js, err := json.Marshal(changes)
	if err != nil {
		return fmt.Errorf("store.record: %w", err)
	}
	var uid, name string
	if by != nil {
		uid, name = by.ID, by.Name
	} else {
		name = "ctg (ligne de commande)"
	}
	var conv any
	if conventionID != "" {
		conv = conventionID
	}
	_, err = exec(ctx, t, `INSERT INTO history (convention_id, at, user_id, user_name, action, subject, changes) VALUES (?, ?, ?, ?, ?, ?, ?)`,
		conv, db.Now(), uid, name, action, subject, string(js))
	return err
}
