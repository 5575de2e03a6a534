package store_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"ctg/internal/account"
	"ctg/internal/app"
	"ctg/internal/sso"
	"ctg/internal/store"
	"ctg/internal/testdb"
)

const testIssuer = "https://auth.agentconnect.gouv.fr/api/v2"

// ssoHistory returns the actions of the history lines about subject.
func ssoHistory(tb testing.TB, db *store.DB, subject string) []string {
	tb.Helper()
	var out []string
	if err := db.SQL().Select(&out, db.SQL().Rebind(`SELECT action FROM history WHERE subject = ? ORDER BY id`), subject); err != nil {
		tb.Fatal(err)
	}
	return out
}

func TestSSOStates(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		db := mustOpen(t, dsn)
		ctx := context.Background()
		now := time.Date(2026, 11, 21, 9, 0, 0, 0, time.UTC)
		db.Now = func() time.Time { return now }
		state, nonce := sso.NewSecret(), sso.NewSecret()
		if err := db.BeginSSO(ctx, store.SSOLogin, state, nonce, "/conventions"); err != nil {
			t.Fatal(err)
		}
		// Another purpose does not take it, nor does it spend it.
		if _, _, err := db.TakeSSO(ctx, store.SSOLogout, sso.NewSecret()); err != store.ErrSSOState {
			t.Errorf("unknown state: %v", err)
		}
		gotNonce, next, err := db.TakeSSO(ctx, store.SSOLogin, state)
		if err != nil || gotNonce != nonce || next != "/conventions" {
			t.Fatalf("TakeSSO = %q, %q, %v", gotNonce, next, err)
		}
		if _, _, err := db.TakeSSO(ctx, store.SSOLogin, state); err != store.ErrSSOState {
			t.Errorf("state taken twice: %v", err)
		}
		// Only its hash is stored.
		var n int
		if err := db.SQL().Get(&n, db.SQL().Rebind(`SELECT COUNT(*) FROM sso_states WHERE state_hash = ?`), state); err != nil || n != 0 {
			t.Errorf("the state is stored in clear: %d %v", n, err)
		}

		// Ten minutes pass: refused, and deleted by the next sign-in.
		late := sso.NewSecret()
		if err := db.BeginSSO(ctx, store.SSOLogin, late, sso.NewSecret(), "/"); err != nil {
			t.Fatal(err)
		}
		now = now.Add(sso.StateTTL + time.Second)
		if _, _, err := db.TakeSSO(ctx, store.SSOLogin, late); err != store.ErrSSOState {
			t.Errorf("expired state: %v", err)
		}
		logout := sso.NewSecret()
		if err := db.BeginSSO(ctx, store.SSOLogout, logout, "", ""); err != nil {
			t.Fatal(err)
		}
		if _, _, err := db.TakeSSO(ctx, store.SSOLogin, logout); err != store.ErrSSOState {
			t.Errorf("a logout state taken as a login: %v", err)
		}
		if n := count(t, db, "sso_states"); n != 0 {
			t.Errorf("%d states left", n)
		}
	})
}

func identity(subject, email string) *sso.Identity {
	return &sso.Identity{Issuer: testIssuer, Subject: subject, Email: email, GivenName: "Anne", UsualName: "Martin",
		SIRET: "24330118100016", IdPID: "fia1v2", IDToken: "id-token-of-" + subject}
}

func TestSignInSSOLinksByEmail(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		db := mustOpen(t, dsn)
		ctx := context.Background()
		u := mustUser(t, db, "anne.martin@caf33.fr", "caf-33", account.RoleEditor)
		out, err := db.SignInSSO(ctx, identity("sub-1", "anne.martin@caf33.fr"), time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		if out.User == nil || out.User.ID != u.ID || !out.Linked || out.Secret == "" || out.Request != nil {
			t.Fatalf("outcome %+v", out)
		}
		if su, err := db.SessionUser(ctx, out.Secret); err != nil || su.ID != u.ID {
			t.Errorf("session: %v %v", su, err)
		}
		if iss, tok, err := db.SSOSession(ctx, out.Secret); err != nil || iss != testIssuer || tok != "id-token-of-sub-1" {
			t.Errorf("SSOSession = %q %q %v", iss, tok, err)
		}
		if got := ssoHistory(t, db, u.ID); !slices.Contains(got, "user.sso_link") {
			t.Errorf("history of the account: %v", got)
		}
		// The identity now leads to the account, whatever its e-mail.
		out, err = db.SignInSSO(ctx, identity("sub-1", "a.martin@ailleurs.fr"), time.Hour)
		if err != nil || out.User == nil || out.User.ID != u.ID || out.Linked {
			t.Fatalf("second sign-in: %+v %v", out, err)
		}
		// A password session has no ID token.
		_, secret, err := db.SignIn(ctx, "anne.martin@caf33.fr", testPassword, time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		if _, tok, err := db.SSOSession(ctx, secret); err != nil || tok != "" {
			t.Errorf("password session: %q %v", tok, err)
		}
		// Signing out drops the ID token with the session.
		if err := db.SignOut(ctx, out.Secret); err != nil {
			t.Fatal(err)
		}
		if _, tok, _ := db.SSOSession(ctx, out.Secret); tok != "" {
			t.Error("the ID token outlived its session")
		}

		// A disabled account is neither signed in nor linked.
		v := mustUser(t, db, "parti@caf33.fr", "caf-33", account.RoleReader)
		if _, err := db.SQL().Exec(db.SQL().Rebind(`UPDATE users SET disabled = TRUE WHERE id = ?`), v.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := db.SignInSSO(ctx, identity("sub-2", "parti@caf33.fr"), time.Hour); err != store.ErrSSODisabled {
			t.Errorf("disabled account: %v", err)
		}
		if _, err := db.SignInSSO(ctx, identity("sub-1", "anne.martin@caf33.fr"), time.Hour); err != nil {
			t.Fatal(err)
		}
		if _, err := db.SQL().Exec(db.SQL().Rebind(`UPDATE users SET disabled = TRUE WHERE id = ?`), u.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := db.SignInSSO(ctx, identity("sub-1", "anne.martin@caf33.fr"), time.Hour); err != store.ErrSSODisabled {
			t.Errorf("linked account disabled: %v", err)
		}
	})
}

func TestSSOAccessRequests(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		db := mustOpen(t, dsn)
		ctx := context.Background()
		admin := mustUser(t, db, "admin@caf33.fr", "caf-33", account.RoleAdmin)
		cc := &account.Organisation{Name: "CC Latitude Nord Gironde", Kind: "epci", Territory: "243301181"}
		if err := db.CreateOrganisation(ctx, cc, admin); err != nil {
			t.Fatal(err)
		}

		// No account: a request, once, refreshed by the next sign-in.
		out, err := db.SignInSSO(ctx, identity("sub-9", "anne.martin@latitude.fr"), time.Hour)
		if err != nil || out.User != nil || out.Secret != "" || out.Request == nil || out.Request.Status != sso.StatusPending {
			t.Fatalf("first sign-in: %+v %v", out, err)
		}
		id := out.Request.ID
		again := identity("sub-9", "anne.martin@latitude.fr")
		again.UsualName = "Martin-Durand"
		if out, err = db.SignInSSO(ctx, again, time.Hour); err != nil || out.Request == nil || out.Request.ID != id {
			t.Fatalf("second sign-in: %+v %v", out, err)
		}
		reqs, err := db.SSORequests(ctx)
		if err != nil || len(reqs) != 1 {
			t.Fatalf("SSORequests = %+v %v", reqs, err)
		}
		r := reqs[0]
		if r.Name() != "Anne Martin-Durand" || r.SIRET != "24330118100016" || r.SuggestedOrg != cc.ID || r.IdPID != "fia1v2" {
			t.Errorf("request %+v", r)
		}
		if got := ssoHistory(t, db, id); !slices.Equal(got, []string{"sso_request.create"}) {
			t.Errorf("history of the request: %v", got)
		}

		// Approval needs an organisation and a role.
		_, err = db.ApproveSSORequest(ctx, admin, id, sso.Approval{Role: account.RoleEditor})
		if f := app.ErrorFields(err); f["org"] == "" {
			t.Errorf("approval without organisation: %v", err)
		}
		_, err = db.ApproveSSORequest(ctx, admin, id, sso.Approval{OrgID: "org-inconnue", Role: account.RoleEditor})
		if f := app.ErrorFields(err); f["org"] == "" {
			t.Errorf("approval with an unknown organisation: %v", err)
		}
		u, err := db.ApproveSSORequest(ctx, admin, id, sso.Approval{OrgID: cc.ID, Role: account.RoleEditor})
		if err != nil {
			t.Fatal(err)
		}
		if u.Email != "anne.martin@latitude.fr" || u.Name != "Anne Martin-Durand" || u.OrgID != cc.ID || u.Role != account.RoleEditor {
			t.Errorf("account %+v", u)
		}
		if _, err := db.ApproveSSORequest(ctx, admin, id, sso.Approval{OrgID: cc.ID, Role: account.RoleEditor}); app.ErrorCode(err) != app.EConflict {
			t.Errorf("approved twice: %v", err)
		}
		if got := ssoHistory(t, db, u.ID); !slices.Equal(got, []string{"user.create"}) {
			t.Errorf("history of the account: %v", got)
		}
		if got := ssoHistory(t, db, id); !slices.Equal(got, []string{"sso_request.create", "sso_request.approve"}) {
			t.Errorf("history of the request: %v", got)
		}
		// The account has no password; the identity signs it in.
		if _, _, err := db.SignIn(ctx, "anne.martin@latitude.fr", "", time.Hour); err == nil {
			t.Error("an approved account signs in without a password")
		}
		if out, err := db.SignInSSO(ctx, identity("sub-9", "anne.martin@latitude.fr"), time.Hour); err != nil || out.User == nil || out.User.ID != u.ID {
			t.Fatalf("sign-in after approval: %+v %v", out, err)
		}
		if reqs, _ := db.SSORequests(ctx); len(reqs) != 0 {
			t.Errorf("pending after approval: %+v", reqs)
		}

		// Refused: told so, and no new request.
		out, err = db.SignInSSO(ctx, identity("sub-10", "inconnu@exemple.fr"), time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		if err := db.RefuseSSORequest(ctx, admin, out.Request.ID); err != nil {
			t.Fatal(err)
		}
		if err := db.RefuseSSORequest(ctx, admin, out.Request.ID); app.ErrorCode(err) != app.EConflict {
			t.Errorf("refused twice: %v", err)
		}
		out, err = db.SignInSSO(ctx, identity("sub-10", "inconnu@exemple.fr"), time.Hour)
		if err != nil || out.Request == nil || out.Request.Status != sso.StatusRefused || out.Secret != "" {
			t.Fatalf("sign-in after refusal: %+v %v", out, err)
		}
		if reqs, _ := db.SSORequests(ctx); len(reqs) != 0 {
			t.Errorf("a refused person made a new request: %+v", reqs)
		}

		// A pending request whose e-mail gets an account meanwhile: the
		// approval refuses, the next sign-in links and closes it.
		out, err = db.SignInSSO(ctx, identity("sub-11", "tardif@caf33.fr"), time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		late := mustUser(t, db, "tardif@caf33.fr", "caf-33", account.RoleReader)
		if _, err := db.ApproveSSORequest(ctx, admin, out.Request.ID, sso.Approval{OrgID: "caf-33", Role: account.RoleReader}); app.ErrorCode(err) != app.EConflict {
			t.Errorf("approval of an e-mail with an account: %v", err)
		}
		if out, err := db.SignInSSO(ctx, identity("sub-11", "tardif@caf33.fr"), time.Hour); err != nil || out.User == nil || out.User.ID != late.ID || !out.Linked {
			t.Fatalf("sign-in once the account exists: %+v %v", out, err)
		}
		if reqs, _ := db.SSORequests(ctx); len(reqs) != 0 {
			t.Errorf("the linked identity's request is still pending: %+v", reqs)
		}
	})
}
