package account_test

import (
	"strings"
	"testing"

	"ctg/internal/account"
)

func TestPassword(t *testing.T) {
	h := account.HashPassword("correct horse battery staple")
	if !strings.HasPrefix(h, "$argon2id$v=19$m=19456,t=2,p=1$") || strings.Contains(h, "correct horse") {
		t.Errorf("hash %q", h)
	}
	if !account.CheckPassword(h, "correct horse battery staple") {
		t.Error("the right password does not match")
	}
	for _, wrong := range []string{"", "correct horse battery stapl", "Correct horse battery staple", "correct horse battery staple "} {
		if account.CheckPassword(h, wrong) {
			t.Errorf("%q matches", wrong)
		}
	}
	if h2 := account.HashPassword("correct horse battery staple"); h2 == h {
		t.Error("two hashes of one password are equal: no salt")
	}
	for _, bad := range []string{"", "plain", "$argon2i$v=19$m=19456,t=2,p=1$c2FsdA$a2V5", "$argon2id$v=19$m=x$c2FsdA$a2V5",
		"$argon2id$v=19$m=19456,t=2,p=1$!!!$a2V5", "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$!!!"} {
		if account.CheckPassword(bad, "") || account.CheckPassword(bad, "plain") {
			t.Errorf("malformed hash %q matches", bad)
		}
	}
	if account.CheckPassword(account.DummyHash, "") {
		t.Error("DummyHash matches the empty password")
	}
}

func TestPasswordProblem(t *testing.T) {
	for _, tc := range []struct {
		p  string
		ok bool
	}{
		{"", false},
		{"123456789", false},
		{"1234567890", true},
		{"éééééééééé", true}, // ten characters, twenty bytes
		{"ééééé", false},
		{strings.Repeat("a", 200), true},
		{strings.Repeat("a", 201), false},
	} {
		msg := account.PasswordProblem(tc.p)
		if (msg == "") != tc.ok {
			t.Errorf("PasswordProblem(%q) = %q", tc.p, msg)
		}
	}
}
