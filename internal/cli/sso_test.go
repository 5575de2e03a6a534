package cli_test

import (
	"context"
	"io"
	"net/http"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"ctg/internal/cli"
	"ctg/internal/sso/ssotest"
)

func TestServeSSOUsageErrors(t *testing.T) {
	db := filepath.Join(t.TempDir(), "ctg.db")
	for _, tc := range []struct {
		env  map[string]string
		args []string
		says string
	}{
		{args: []string{"--oidc-issuer", "https://auth.agentconnect.gouv.fr/api/v2"}, says: "--oidc-client-id, --oidc-client-secret, --oidc-redirect-url"},
		{env: map[string]string{"CTG_OIDC_ISSUER": "http://auth.agentconnect.gouv.fr/api/v2", "CTG_OIDC_CLIENT_ID": "id",
			"CTG_OIDC_CLIENT_SECRET": "s3cr3t-de-test", "CTG_OIDC_REDIRECT_URL": "https://ctg.example.fr/connexion/oidc/retour"}, says: "https://"},
		{env: map[string]string{"CTG_OIDC_ISSUER": "https://auth.agentconnect.gouv.fr/api/v2", "CTG_OIDC_CLIENT_ID": "id",
			"CTG_OIDC_CLIENT_SECRET": "s3cr3t-de-test", "CTG_OIDC_REDIRECT_URL": "https://ctg.example.fr/connexion/oidc/retour", "CTG_OIDC_SCOPES": "email siret"}, says: "openid"},
		// A provider that does not answer is no reason to stop; a
		// callback ctg does not serve is.
		{env: map[string]string{"CTG_OIDC_ISSUER": "http://127.0.0.1:1/api/v2", "CTG_OIDC_CLIENT_ID": "id",
			"CTG_OIDC_CLIENT_SECRET": "s3cr3t-de-test", "CTG_OIDC_REDIRECT_URL": "http://127.0.0.1:8080/oidc/callback"}, says: "/connexion/oidc/retour"},
	} {
		r := run(t, tc.env, "", append([]string{"serve", "--db", db, "--addr", "127.0.0.1:0"}, tc.args...)...)
		checkFailure(t, r, tc.says)
		if strings.Contains(r.stderr, "s3cr3t") {
			t.Errorf("the message shows the secret: %s", r.stderr)
		}
	}
}

// TestServeSSO starts serve with single sign-on from the environment and
// the provider down: ctg serves, with the button, which says the provider
// is down (web and sso test the return of the provider).
func TestServeSSO(t *testing.T) {
	p := ssotest.New(t)
	p.SetDown(true)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var out, errOut syncBuffer
	done := make(chan int, 1)
	env := map[string]string{"CTG_ADDR": "127.0.0.1:0", "CTG_DB": filepath.Join(t.TempDir(), "ctg.db"),
		"CTG_OIDC_ISSUER": p.Issuer(), "CTG_OIDC_CLIENT_ID": ssotest.ClientID, "CTG_OIDC_CLIENT_SECRET": ssotest.ClientSecret,
		"CTG_OIDC_REDIRECT_URL": "http://127.0.0.1:8080/connexion/oidc/retour", "CTG_OIDC_LABEL": "S'identifier avec ProConnect"}
	go func() {
		done <- cli.Run(ctx, []string{"serve"}, func(k string) string { return env[k] }, cli.IO{Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errOut})
	}()
	listening := regexp.MustCompile(`ctg écoute sur (http://127\.0\.0\.1:\d+)`)
	var base string
	for deadline := time.Now().Add(20 * time.Second); base == "" && time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if m := listening.FindStringSubmatch(out.String()); m != nil {
			base = m[1]
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
	client := &http.Client{Timeout: 5 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	get := func(path string) (*http.Response, string) {
		t.Helper()
		res, err := client.Get(base + path)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return res, string(b)
	}
	if res, body := get("/connexion"); res.StatusCode != 200 || !strings.Contains(body, "S&#39;identifier avec ProConnect") {
		t.Errorf("sign-in page: %d, button missing", res.StatusCode)
	}
	if res, _ := get("/connexion/oidc"); res.StatusCode != http.StatusServiceUnavailable {
		t.Errorf("button with the provider down: %d", res.StatusCode)
	}
	if strings.Contains(errOut.String(), ssotest.ClientSecret) {
		t.Error("the log shows the client secret")
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
}
