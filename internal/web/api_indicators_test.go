package web

import (
	"bytes"
	"context"
	"encoding/json"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"ctg/internal/account"
	"ctg/internal/territory"
	"ctg/internal/testdb"
)

// importFixture is the whole handler over a fresh SQLite database, with the
// API tokens of an editor and a reader.
type importFixture struct {
	h              http.Handler
	editor, reader string
}

func newImportFixture(t *testing.T) *importFixture {
	t.Helper()
	ref, err := territory.Load()
	if err != nil {
		t.Fatal(err)
	}
	db := testdb.Open(t, testdb.DSN(t, testdb.SQLite))
	mustUser(t, db, "editeur@caf33.fr", "caf-33", account.RoleEditor)
	mustUser(t, db, "lecteur@caf33.fr", "caf-33", account.RoleReader)
	f := &importFixture{}
	for _, u := range []struct {
		email string
		token *string
	}{{"editeur@caf33.fr", &f.editor}, {"lecteur@caf33.fr", &f.reader}} {
		if *u.token, err = db.CreateToken(context.Background(), u.email, "test"); err != nil {
			t.Fatal(err)
		}
	}
	s, err := New(Config{DB: db, Ref: ref, Log: discardLog()})
	if err != nil {
		t.Fatal(err)
	}
	f.h = s.Handler()
	return f
}

func (f *importFixture) post(path, token, contentType string, body []byte) *httptest.ResponseRecorder {
	r := httptest.NewRequest("POST", path, bytes.NewReader(body))
	r.Header.Set("Authorization", "Bearer "+token)
	r.Header.Set("Content-Type", contentType)
	w := httptest.NewRecorder()
	f.h.ServeHTTP(w, r)
	return w
}

func multipartBody(t *testing.T, file string, fields ...string) ([]byte, string) {
	t.Helper()
	var b bytes.Buffer
	w := multipart.NewWriter(&b)
	for i := 0; i+1 < len(fields); i += 2 {
		w.WriteField(fields[i], fields[i+1])
	}
	part, _ := w.CreateFormFile("file", "communes.csv")
	part.Write([]byte(file))
	w.Close()
	return b.Bytes(), w.FormDataContentType()
}

// Imports have a body limit of their own: more than the 1 MiB of the other
// routes, refused at 200 MB with a message that says so.
func TestImportBodyLimit(t *testing.T) {
	f := newImportFixture(t)
	body, ct := multipartBody(t, "CODGEO;P21_POP0002;note\n33114;81;"+strings.Repeat("x", 3<<20)+"\n")
	w := f.post("/api/v1/imports", f.editor, ct, body)
	if w.Code != http.StatusCreated {
		t.Fatalf("a 3 MiB import: %d %s", w.Code, w.Body)
	}
	// Without a mapping, INSEE's headers are recognised.
	var sum struct {
		Columns map[string]string `json:"columns"`
		Year    int               `json:"year"`
		Values  int               `json:"values"`
	}
	if err := json.Unmarshal(w.Body.Bytes(), &sum); err != nil || sum.Columns["P21_POP0002"] != "pop_0_2" || sum.Year != 2021 || sum.Values != 1 {
		t.Errorf("summary %s", w.Body)
	}
	if w := f.post("/api/v1/indicators", f.editor, "application/json", []byte(`{"code":"`+strings.Repeat("x", 2<<20)+`"}`)); w.Code != http.StatusRequestEntityTooLarge {
		t.Errorf("2 MiB on another route: %d, want 413", w.Code)
	}

	r := httptest.NewRequest("POST", "/api/v1/imports", strings.NewReader("x"))
	r.ContentLength = 200_000_000 + 1<<20
	r.Header.Set("Authorization", "Bearer "+f.editor)
	r.Header.Set("Content-Type", "multipart/form-data; boundary=x")
	w = httptest.NewRecorder()
	f.h.ServeHTTP(w, r)
	if w.Code != http.StatusRequestEntityTooLarge || !strings.Contains(w.Body.String(), "moins de 200 Mo") {
		t.Errorf("declared 201 MB: %d %s", w.Code, w.Body)
	}

	// A reader is refused before the file is read.
	if w := f.post("/api/v1/imports", f.reader, ct, body); w.Code != http.StatusForbidden {
		t.Errorf("reader: %d", w.Code)
	}
	if w := f.post("/api/v1/imports", f.editor, "text/csv", []byte("CODGEO;x\n")); w.Code != http.StatusUnprocessableEntity || !strings.Contains(w.Body.String(), "multipart/form-data") {
		t.Errorf("a bare CSV body: %d %s", w.Code, w.Body)
	}
	body, ct = multipartBody(t, "CODGEO;pop_0_2\n33114;1\n", "year", "deux mille")
	if w := f.post("/api/v1/imports", f.editor, ct, body); w.Code != http.StatusUnprocessableEntity || !strings.Contains(w.Body.String(), `"year"`) {
		t.Errorf("a year in words: %d %s", w.Code, w.Body)
	}
}
