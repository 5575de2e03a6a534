package account_test

import (
	"context"
	"maps"
	"regexp"
	"slices"
	"testing"

	"ctg/internal/account"
	"ctg/internal/app"
)

func TestNewUserValidate(t *testing.T) {
	n := account.NewUser{Email: "  Claire.Martin@CAF.fr ", Name: " Claire Martin ", OrgID: "caf-33", Role: account.RoleEditor, Password: "1234567890"}
	if err := n.Validate(); err != nil {
		t.Fatal(err)
	}
	if n.Email != "claire.martin@caf.fr" || n.Name != "Claire Martin" {
		t.Errorf("normalised to %q, %q", n.Email, n.Name)
	}
	empty := account.NewUser{Email: "pas une adresse", Name: " ", Role: "owner", Password: "court"}
	err := empty.Validate()
	if app.ErrorCode(err) != app.EInvalid {
		t.Fatalf("Validate: %v", err)
	}
	fields := app.ErrorFields(err)
	if got := slices.Sorted(maps.Keys(fields)); !slices.Equal(got, []string{"email", "name", "org", "password", "role"}) {
		t.Errorf("fields %v", fields)
	}
	for _, email := range []string{"Claire <claire@caf.fr>", "claire@", "@caf.fr", ""} {
		n := account.NewUser{Email: email, Name: "C", OrgID: "caf-33", Role: "reader", Password: "1234567890"}
		if err := n.Validate(); app.ErrorFields(err)["email"] == "" {
			t.Errorf("e-mail %q accepted", email)
		}
	}
}

func TestOrganisationValidate(t *testing.T) {
	known := func(kind, code string) bool { return code == "33063" || code == "243301181" || code == "33" }
	for _, tc := range []struct {
		o      account.Organisation
		fields []string
	}{
		{account.Organisation{Name: "Ville de Bordeaux", Kind: "commune", Territory: "33063"}, nil},
		{account.Organisation{Name: "Association", Kind: "association"}, nil},
		{account.Organisation{Name: "MSA Gironde", Kind: "msa", Territory: "33"}, nil},
		{account.Organisation{Name: "", Kind: "commune", Territory: "33063"}, []string{"name"}},
		{account.Organisation{Name: "Mairie", Kind: "mairie"}, []string{"kind"}},
		{account.Organisation{Name: "Caf bis", Kind: "caf", Territory: "33"}, []string{"kind"}},
		{account.Organisation{Name: "Commune", Kind: "commune", Territory: "00000"}, []string{"territory"}},
		{account.Organisation{Name: "Commune", Kind: "commune"}, []string{"territory"}},
		{account.Organisation{Name: "EPCI", Kind: "epci", Territory: " "}, []string{"territory"}},
	} {
		err := tc.o.Validate(known)
		got := slices.Sorted(maps.Keys(app.ErrorFields(err)))
		if !slices.Equal(got, tc.fields) {
			t.Errorf("%+v: fields %v, want %v (%v)", tc.o, got, tc.fields, err)
		}
	}
	for _, k := range account.OrgKinds {
		if account.OrgKindLabel(k.Code) != k.Label {
			t.Errorf("OrgKindLabel(%s)", k.Code)
		}
	}
}

func TestSecrets(t *testing.T) {
	id := regexp.MustCompile(`^[a-z2-7]{16}$`)
	seen := map[string]bool{}
	for range 100 {
		x := account.NewID()
		if !id.MatchString(x) || seen[x] {
			t.Fatalf("NewID %q (seen %v)", x, seen[x])
		}
		seen[x] = true
	}
	secret, hash := account.NewSecret("ctg_")
	if !regexp.MustCompile(`^ctg_[a-z2-7]{52}$`).MatchString(secret) {
		t.Errorf("secret %q", secret)
	}
	if hash != account.HashSecret(secret) || !regexp.MustCompile(`^[0-9a-f]{64}$`).MatchString(hash) {
		t.Errorf("hash %q", hash)
	}
	if other, _ := account.NewSecret("ctg_"); other == secret {
		t.Error("two equal secrets")
	}
}

func TestUserRoles(t *testing.T) {
	var none *account.User
	if none.IsAdmin() || none.CanEdit() {
		t.Error("nil user may do things")
	}
	for _, tc := range []struct {
		role        string
		admin, edit bool
	}{{account.RoleAdmin, true, true}, {account.RoleEditor, false, true}, {account.RoleReader, false, false}, {"", false, false}} {
		u := &account.User{Role: tc.role}
		if u.IsAdmin() != tc.admin || u.CanEdit() != tc.edit {
			t.Errorf("%q: admin %v edit %v", tc.role, u.IsAdmin(), u.CanEdit())
		}
	}
	if account.RoleLabel(account.RoleReader) != "Lecture" || account.RoleLabel("x") != "x" {
		t.Error("role labels")
	}
	u := &account.User{ID: "u1"}
	ctx := account.WithUser(context.Background(), u)
	if account.UserFrom(ctx) != u || account.UserFrom(context.Background()) != nil {
		t.Error("user in the context")
	}
}
