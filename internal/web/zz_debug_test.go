package web

import (
	"os"
	"testing"
)

func TestZZDump(t *testing.T) {
	f := newTerritoryFixture(t)
	for i, p := range []string{"/territoires", "/territoires?q=saint+jo", "/communes/97412", "/communes/33314", "/departements/974"} {
		r := f.get(t, f.admin, p)
		os.WriteFile("/tmp/dump"+string(rune('0'+i))+".html", []byte(r.body), 0o644)
	}
}
