package web

import (
	"bytes"
	"context"
	"io"
	"mime"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"ctg/internal/account"
	"ctg/internal/app"
	"ctg/internal/convention"
	"ctg/internal/diagnostic"
	"ctg/internal/store"
)

// The import wizard: a file is sent (/imports/nouveau), kept in the
// database (store.Upload) so that any server may serve the next step, its
// columns are matched to indicators on a preview (/imports/fichiers/{id}),
// then the import runs in the background while a page follows it
// (/imports/{id}), from the row the store keeps up to date.
//
// A person who comes from a convention carries its id along (?convention=),
// so that the last page leads back to it.

// previewRows is how many rows of the file the preview shows.
const previewRows = 10

// importNewData is the upload form, with why a file was refused.
type importNewData struct {
	Convention *convention.Convention
	Error      string
}

// previewColumn is a column of the file on the preview, with the indicator
// it goes to.
type previewColumn struct {
	Index    int
	Header   string
	Geo      bool
	Examples []string
	// Selected is the code chosen (or suggested); "" ignores the column.
	Selected  string
	Suggested bool
	Error     string
}

// importPreviewData is the preview of a file and the form that maps its
// columns.
type importPreviewData struct {
	Upload     *store.Upload
	P          *diagnostic.Preview
	Convention *convention.Convention
	Columns    []previewColumn
	Options    []diagnostic.Indicator
	Year       string
	Source     string
	Errors     map[string]string
	// Message is why the import could not start, when no field says it.
	Message string
	// Shared names the indicators several columns go to.
	Shared []string
	// Replaces names the indicators chosen that already have values for
	// the year: the import will replace them for every commune.
	Replaces []string
}

// Geo is the header of the commune column.
func (d *importPreviewData) Geo() string { return d.P.Headers[d.P.GeoColumn] }

// HowRead says how the file was read: "CSV, séparateur point-virgule,
// codage Windows-1252".
func (d *importPreviewData) HowRead() string {
	if d.P.Format == "xlsx" {
		return "Classeur XLSX (première feuille)"
	}
	sep := map[string]string{";": "point-virgule", ",": "virgule", "\t": "tabulation"}[d.P.Separator]
	return "CSV, séparateur " + sep + ", codage " + d.P.Encoding
}

// Size is the size of the file in French: "1,2 Mo", "35 ko".
func (d *importPreviewData) Size() string { return fileSize(d.Upload.Size) }

func fileSize(n int64) string {
	switch {
	case n >= 1_000_000:
		return frDecimal(float64(n)/1e6, 1) + "\u00a0Mo"
	case n >= 1000:
		return groupDigits(n/1000) + "\u00a0ko"
	}
	return groupDigits(n) + "\u00a0octets"
}

// importPageData is an import as its page shows it: running, done or failed.
type importPageData struct {
	Imp        *diagnostic.Import
	Convention *convention.Convention
	// Upload is the file of a failed import, still there to map again.
	Upload string
	// Self is the address of the page, to refresh it.
	Self string
	// Polled is true for the updates htmx asks for.
	Polled  bool
	Percent int
	// Lines are the reasons of a failure, in the order of the file.
	Lines      []string
	Indicators []importedIndicator
	CanEdit    bool
}

// importedIndicator is an indicator an import wrote, with its columns.
type importedIndicator struct {
	Code, Label string
	Columns     []string
	Replaced    bool
}

// listedRows is how many unknown codes or merged communes the summary of an
// import lists; a file with more is most likely of another geography.
const listedRows = 100

// UnknownRows are the first rows left out of the import.
func (d *importPageData) UnknownRows() []diagnostic.UnknownRow {
	return d.Imp.Summary.UnknownRows[:min(listedRows, len(d.Imp.Summary.UnknownRows))]
}

// MoreUnknown is how many rows left out are not listed.
func (d *importPageData) MoreUnknown() int { return max(0, len(d.Imp.Summary.UnknownRows)-listedRows) }

// Merged are the first communes that rows of former communes added up to.
func (d *importPageData) Merged() []diagnostic.Merged {
	return d.Imp.Summary.Merged[:min(listedRows, len(d.Imp.Summary.Merged))]
}

// MoreMerged is how many merged communes are not listed.
func (d *importPageData) MoreMerged() int { return max(0, len(d.Imp.Summary.Merged)-listedRows) }

// PhaseLabel says in French what the import is doing.
func (d *importPageData) PhaseLabel() string {
	if d.Imp.Phase == "writing" {
		return "Enregistrement des valeurs et calcul des totaux"
	}
	return "Lecture et vérification des lignes"
}

// RowsRead is how many rows were checked so far.
func (d *importPageData) RowsRead() int { return min(d.Imp.RowsDone, d.Imp.RowsTotal) }

// RowsWritten is how many rows were written so far (PostgreSQL reports
// them; SQLite writes in one go).
func (d *importPageData) RowsWritten() int { return max(0, d.Imp.RowsDone-d.Imp.RowsTotal) }

// ProgressMax is the end of the progress bar: reading, then writing.
func (d *importPageData) ProgressMax() int { return max(1, 2*d.Imp.RowsTotal) }

// conventionParam returns the convention named by ?convention= (or the
// form field), when the user may see it; none otherwise.
func (s *Server) conventionParam(r *http.Request, id string) (*convention.Convention, error) {
	if id == "" {
		return nil, nil
	}
	c, err := s.db.Convention(r.Context(), currentUser(r), id)
	if app.ErrorCode(err) == app.ENotFound {
		return nil, nil
	}
	return c, err
}

// withConvention adds ?convention=ID to a path when c is set, and the
// other name and value pairs given that are not empty.
func withConvention(path string, c *convention.Convention, more ...string) string {
	q := url.Values{}
	if c != nil {
		q.Set("convention", c.ID)
	}
	for i := 0; i+1 < len(more); i += 2 {
		if more[i+1] != "" {
			q.Set(more[i], more[i+1])
		}
	}
	if len(q) == 0 {
		return path
	}
	return path + "?" + q.Encode()
}

func (s *Server) importNewPage(w http.ResponseWriter, r *http.Request) error {
	if !currentUser(r).CanEdit() {
		return errImportRole
	}
	c, err := s.conventionParam(r, r.URL.Query().Get("convention"))
	if err != nil {
		return err
	}
	return s.render(w, r, "import_new", "Importer un fichier d'indicateurs", "", &importNewData{Convention: c})
}

// limitedReader passes at most n bytes of r, then fails with
// diagnostic.TooLarge if there are more.
type limitedReader struct {
	r io.Reader
	n int64
}

func (l *limitedReader) Read(p []byte) (int, error) {
	if l.n <= 0 {
		var one [1]byte
		k, err := l.r.Read(one[:])
		if k > 0 {
			return 0, diagnostic.TooLarge
		}
		return 0, err
	}
	if int64(len(p)) > l.n {
		p = p[:l.n]
	}
	k, err := l.r.Read(p)
	l.n -= int64(k)
	if err != nil && err != io.EOF {
		err = bodyError(err)
	}
	return k, err
}

// importUpload receives a file, keeps it for the next steps and shows its
// preview; an unreadable file comes back to the form with the reason.
// It caps its own body (see ownBodyLimit): files must weigh less than
// diagnostic.MaxFileSize.
func (s *Server) importUpload(w http.ResponseWriter, r *http.Request) error {
	u := currentUser(r)
	if !u.CanEdit() {
		return errImportRole
	}
	var conventionID string
	up, table, err := s.receiveUpload(w, r, u, &conventionID)
	c, cerr := s.conventionParam(r, conventionID)
	if cerr != nil {
		return cerr
	}
	if err == nil {
		p := table.Preview(previewRows)
		if p.GeoColumn < 0 {
			err = app.Errorf(app.EInvalid, "Aucune colonne de codes commune n'a été trouvée parmi les titres de la ligne %d : la colonne doit s'intituler CODGEO, code_commune, « Code commune », code_insee, COM ou « Code géographique ». Titres lus : %s.",
				p.HeaderLine, strings.Join(firstN(p.Headers, 8), ", "))
		} else {
			err = s.db.SetUploadPreview(r.Context(), u, up.ID, &p)
		}
		if err != nil {
			_ = s.db.DeleteUpload(context.WithoutCancel(r.Context()), u, up.ID)
		}
	}
	if err == nil {
		http.Redirect(w, r, withConvention("/imports/fichiers/"+up.ID, c), http.StatusSeeOther)
		return nil
	}
	code := app.ErrorCode(err)
	if code != app.EInvalid && code != app.ETooLarge {
		return err
	}
	d := &importNewData{Convention: c, Error: app.ErrorMessage(err)}
	return s.renderStatus(w, r, statusFor(code), "import_new", "Importer un fichier d'indicateurs", "", d)
}

// receiveUpload streams the file of a multipart form into the store and
// reads it as a table. It reads the convention field into conventionID.
func (s *Server) receiveUpload(w http.ResponseWriter, r *http.Request, u *account.User, conventionID *string) (*store.Upload, *diagnostic.Table, error) {
	*conventionID = r.URL.Query().Get("convention")
	if r.ContentLength >= diagnostic.MaxFileSize+importBodySlack {
		return nil, nil, diagnostic.TooLarge
	}
	// A large file over a slow link takes longer than the server's
	// default deadlines.
	rc := http.NewResponseController(w)
	_ = rc.SetReadDeadline(time.Now().Add(15 * time.Minute))
	_ = rc.SetWriteDeadline(time.Now().Add(20 * time.Minute))
	r.Body = http.MaxBytesReader(w, r.Body, diagnostic.MaxFileSize+importBodySlack)

	if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt != "multipart/form-data" {
		return nil, nil, app.Errorf(app.EInvalid, "Le formulaire n'a pas pu être lu : choisissez le fichier puis envoyez-le de nouveau.")
	}
	mr, err := r.MultipartReader()
	if err != nil {
		return nil, nil, app.Errorf(app.EInvalid, "Le formulaire n'a pas pu être lu : choisissez le fichier puis envoyez-le de nouveau.")
	}
	var up *store.Upload
	var data bytes.Buffer
	for {
		part, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			return s.dropUpload(r, u, up, bodyError(err))
		}
		switch part.FormName() {
		case "convention":
			v, err := formValue(part)
			if err != nil {
				return s.dropUpload(r, u, up, err)
			}
			*conventionID = v
		case "file":
			if up != nil || part.FileName() == "" {
				_, _ = io.Copy(io.Discard, part)
				break
			}
			if n := r.ContentLength; n > 0 && n < diagnostic.MaxFileSize+importBodySlack {
				data.Grow(int(n))
			}
			// The file goes to the database as it arrives and to memory,
			// to be read as a table for the preview.
			src := io.TeeReader(&limitedReader{r: part, n: diagnostic.MaxFileSize - 1}, &data)
			if up, err = s.db.CreateUpload(r.Context(), u, part.FileName(), src); err != nil {
				return nil, nil, err
			}
		default:
			_, _ = io.Copy(io.Discard, part)
		}
		part.Close()
	}
	if up == nil {
		return nil, nil, app.Invalid("Choisissez le fichier à importer.", map[string]string{"file": "Choisissez le fichier à importer."})
	}
	table, err := diagnostic.ReadTable(bytes.NewReader(data.Bytes()), up.Filename)
	if err != nil {
		return s.dropUpload(r, u, up, err)
	}
	return up, table, nil
}

// dropUpload deletes a file that will not be used and returns err.
func (s *Server) dropUpload(r *http.Request, u *account.User, up *store.Upload, err error) (*store.Upload, *diagnostic.Table, error) {
	if up != nil {
		_ = s.db.DeleteUpload(context.WithoutCancel(r.Context()), u, up.ID)
	}
	return nil, nil, err
}

func firstN(list []string, n int) []string {
	if len(list) <= n {
		return list
	}
	return append(slices.Clone(list[:n]), "…")
}

// censusHeader is the shape of INSEE's census variables: P21_POP0002.
var censusHeader = regexp.MustCompile(`^[PC]\d\d_`)

// guessSource proposes the source of a file from its suggested columns:
// INSEE's census, or the CAF's open data.
func guessSource(p *diagnostic.Preview) string {
	census, caf := false, false
	for h, code := range p.Suggested {
		switch {
		case censusHeader.MatchString(strings.ToUpper(strings.TrimSpace(h))):
			census = true
		case strings.HasPrefix(code, "allocataires") || strings.HasPrefix(code, "beneficiaires_") || strings.HasPrefix(code, "places_"):
			caf = true
		}
	}
	year := ""
	if p.Year > 0 {
		year = " " + strconv.Itoa(p.Year)
	}
	switch {
	case census:
		return "INSEE, recensement de la population" + year
	case caf:
		return "Caf, données ouvertes (data.caf.fr)" + year
	}
	return ""
}

// previewData builds the preview of an upload with the choices of form
// (nil: the suggested ones).
func (s *Server) previewData(r *http.Request, up *store.Upload, form url.Values) (*importPreviewData, error) {
	if up.Preview == nil {
		return nil, app.Errorf(app.ENotFound, "Ce fichier n'a pas pu être lu : envoyez-le de nouveau.")
	}
	cat, err := s.db.Catalogue(r.Context())
	if err != nil {
		return nil, err
	}
	p := up.Preview
	d := &importPreviewData{Upload: up, P: p, Errors: map[string]string{}}
	for _, ind := range cat.All() {
		if !ind.IsRatio() {
			d.Options = append(d.Options, ind)
		}
	}
	uses := map[string]int{}
	for i, h := range p.Headers {
		col := previewColumn{Index: i, Header: h, Geo: i == p.GeoColumn}
		for _, row := range p.Rows {
			if v := row.Cells[i]; v != "" && len(col.Examples) < 3 {
				col.Examples = append(col.Examples, v)
			}
		}
		if !col.Geo && h != "" {
			if form != nil {
				col.Selected = form.Get(colField(i))
			} else if code, ok := p.Suggested[h]; ok {
				col.Selected, col.Suggested = code, true
			} else if ind, ok := cat.Get(strings.ToLower(strings.TrimSpace(h))); ok && !ind.IsRatio() && ind.Code != diagnostic.Population {
				// A column named after an indicator's code goes to it.
				col.Selected, col.Suggested = ind.Code, true
			}
			if col.Selected != "" {
				uses[col.Selected]++
			}
		}
		d.Columns = append(d.Columns, col)
	}
	if form != nil {
		d.Year, d.Source = strings.TrimSpace(form.Get("year")), form.Get("source")
	} else {
		if p.Year > 0 {
			d.Year = strconv.Itoa(p.Year)
		}
		d.Source = guessSource(p)
	}
	series, err := s.db.Series(r.Context())
	if err != nil {
		return nil, err
	}
	year, _ := strconv.Atoi(d.Year)
	present := map[string]bool{}
	for _, si := range series {
		if si.Year == year {
			present[si.Indicator] = true
		}
	}
	for _, ind := range d.Options {
		if uses[ind.Code] > 1 {
			d.Shared = append(d.Shared, ind.Label)
		}
		if uses[ind.Code] > 0 && present[ind.Code] {
			d.Replaces = append(d.Replaces, ind.Label)
		}
	}
	return d, nil
}

// colField is the name of the form field of column i.
func colField(i int) string { return "col-" + strconv.Itoa(i) }

func (s *Server) importPreviewPage(w http.ResponseWriter, r *http.Request) error {
	u := currentUser(r)
	if !u.CanEdit() {
		return errImportRole
	}
	up, err := s.db.Upload(r.Context(), u, r.PathValue("id"))
	if err != nil {
		return err
	}
	d, err := s.previewData(r, up, nil)
	if err != nil {
		return err
	}
	if d.Convention, err = s.conventionParam(r, r.URL.Query().Get("convention")); err != nil {
		return err
	}
	return s.render(w, r, "import_preview", "Colonnes de « "+up.Filename+" »", "", d)
}

// importStart checks the mapping of the columns, starts the import in the
// background and leads to the page that follows it. A mapping to correct
// comes back on the preview, with the messages by the columns.
func (s *Server) importStart(w http.ResponseWriter, r *http.Request) error {
	u := currentUser(r)
	if !u.CanEdit() {
		return errImportRole
	}
	if err := r.ParseForm(); err != nil {
		return errForm
	}
	ctx := r.Context()
	up, err := s.db.Upload(ctx, u, r.PathValue("id"))
	if err != nil {
		return err
	}
	c, err := s.conventionParam(r, r.PostForm.Get("convention"))
	if err != nil {
		return err
	}
	if up.Preview == nil {
		return app.Errorf(app.ENotFound, "Ce fichier n'a pas pu être lu : envoyez-le de nouveau.")
	}
	p := up.Preview
	req := diagnostic.ImportRequest{ID: account.NewID(), Filename: up.Filename, Source: r.PostForm.Get("source"), Mapping: map[string]string{}}
	bad := app.Fields{}
	if y := strings.TrimSpace(r.PostForm.Get("year")); y != "" {
		if req.Year, err = strconv.Atoi(y); err != nil {
			bad.Add("year", "L'année s'écrit en chiffres, par exemple 2021.")
		}
	}
	mapped := false
	for i, h := range p.Headers {
		if i != p.GeoColumn && h != "" {
			req.Mapping[h] = strings.TrimSpace(r.PostForm.Get(colField(i)))
			mapped = mapped || req.Mapping[h] != ""
		}
	}
	cat, err := s.db.Catalogue(ctx)
	if err != nil {
		return err
	}
	// The mapping and the year are checked on the headers alone, before
	// the file is read again; every message is given at once.
	message := "Choisissez l'indicateur d'au moins une colonne : toutes sont sur « Ignorer »."
	if mapped {
		message = ""
		_, err := diagnostic.NewPlan(&diagnostic.Table{Headers: p.Headers, HeaderLine: p.HeaderLine, Format: p.Format}, req, cat)
		if err != nil && app.ErrorCode(err) != app.EInvalid {
			return err
		}
		for k, msg := range app.ErrorFields(err) {
			bad.Add(k, msg)
		}
		if err != nil && len(app.ErrorFields(err)) == 0 {
			message = app.ErrorMessage(err)
		}
	}
	var table *diagnostic.Table
	if len(bad) == 0 && message == "" {
		data, err := s.db.UploadData(ctx, u, up.ID)
		if err == nil {
			table, err = diagnostic.ReadTable(bytes.NewReader(data), up.Filename)
		}
		if err != nil && app.ErrorCode(err) != app.EInvalid {
			return err
		}
		if err != nil {
			message = app.ErrorMessage(err)
		}
	}
	if len(bad) > 0 || message != "" {
		d, err := s.previewData(r, up, r.PostForm)
		if err != nil {
			return err
		}
		d.Convention, d.Message = c, message
		for k, msg := range bad {
			if h, ok := strings.CutPrefix(k, "mapping."); ok {
				if i := slices.Index(p.Headers, h); i >= 0 {
					d.Columns[i].Error = msg
					d.Errors[colField(i)] = "Colonne " + h + " : " + msg
					continue
				}
			}
			d.Errors[k] = msg
		}
		return s.renderStatus(w, r, http.StatusUnprocessableEntity, "import_preview", "Colonnes de « "+up.Filename+" »", "", d)
	}
	s.runImport(ctx, u, table, req, up.ID)
	http.Redirect(w, r, withConvention("/imports/"+req.ID, c, "fichier", up.ID), http.StatusSeeOther)
	return nil
}

// runImport starts the import in the background and returns once its row
// is written, so that the page that follows it finds it: at the first
// report of progress, or at the end of a small file.
func (s *Server) runImport(ctx context.Context, u *account.User, table *diagnostic.Table, req diagnostic.ImportRequest, upload string) {
	started := make(chan struct{})
	var once sync.Once
	signal := func() { once.Do(func() { close(started) }) }
	// The import outlives the request that started it.
	ctx = context.WithoutCancel(ctx)
	s.Go(func() {
		defer signal()
		report := s.metrics.Jobs.Start(importJob)
		_, err := s.db.ImportIndicators(ctx, s.ref, u, table, req, func(done, total int) { signal() })
		report(err)
		switch {
		case err == nil:
			if err := s.db.DeleteUpload(ctx, u, upload); err != nil {
				s.log.Warn("import: the file could not be deleted", "upload", upload, "err", err)
			}
		case app.ErrorCode(err) == app.EInternal:
			s.log.Error("import failed", "import", req.ID, "err", err)
		}
	})
	<-started
}

// importPage follows an import: its progress while it runs (htmx asks for
// the state every second; without JavaScript a link refreshes the page),
// then its summary or the reasons it failed. Every signed-in user may read
// it, as the catalogue lists imports for all.
func (s *Server) importPage(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	u := currentUser(r)
	imp, err := s.db.Import(ctx, r.PathValue("id"))
	if err != nil {
		return err
	}
	q := r.URL.Query()
	c, err := s.conventionParam(r, q.Get("convention"))
	if err != nil {
		return err
	}
	d := &importPageData{Imp: imp, Convention: c, Polled: r.Header.Get("HX-Request") == "true", CanEdit: u.CanEdit(),
		Self: withConvention("/imports/"+imp.ID, c, "fichier", q.Get("fichier"))}
	switch imp.Status {
	case diagnostic.ImportRunning:
		d.Percent = min(100, 100*imp.RowsDone/max(1, 2*imp.RowsTotal))
		return s.render(w, r, "import_progress", "Import en cours", "", d)
	case diagnostic.ImportFailed:
		d.Lines = fieldLines(imp.Fields)
		if id := q.Get("fichier"); id != "" && u.CanEdit() {
			if _, err := s.db.Upload(ctx, u, id); err == nil {
				d.Upload = id
			}
		}
	case diagnostic.ImportDone:
		if err := s.describeImport(r, d); err != nil {
			return err
		}
	}
	status := http.StatusOK
	if d.Polled {
		// htmx stops polling on this status, and swaps the answer in.
		status = 286
	}
	title := "Import terminé"
	if imp.Status == diagnostic.ImportFailed {
		title = "Import refusé"
	}
	return s.renderStatus(w, r, status, "import_result", title, "", d)
}

// describeImport lists the indicators a finished import wrote, in the
// order of the catalogue, each with its columns.
func (s *Server) describeImport(r *http.Request, d *importPageData) error {
	sum := d.Imp.Summary
	if sum == nil {
		return nil
	}
	cat, err := s.db.Catalogue(r.Context())
	if err != nil {
		return err
	}
	cols := map[string][]string{}
	for h, code := range sum.Columns {
		cols[code] = append(cols[code], h)
	}
	for _, code := range sum.Indicators {
		ii := importedIndicator{Code: code, Label: code, Columns: cols[code], Replaced: slices.Contains(sum.Replaced, code)}
		if ind, ok := cat.Get(code); ok {
			ii.Label = ind.Label
		}
		slices.Sort(ii.Columns)
		d.Indicators = append(d.Indicators, ii)
	}
	return nil
}

// fieldLines lists the messages of a refused file in the order of the
// file: line by line, then column by column ("Ligne 12, colonne P21_POP :
// « douze » n'est pas un nombre.").
func fieldLines(fields map[string]string) []string {
	keys := make([]string, 0, len(fields))
	for k := range fields {
		keys = append(keys, k)
	}
	line := func(k string) int {
		n, err := strconv.Atoi(strings.TrimPrefix(strings.SplitN(k, ",", 2)[0], "ligne "))
		if err != nil {
			return 1 << 30
		}
		return n
	}
	slices.SortFunc(keys, func(a, b string) int {
		if d := line(a) - line(b); d != 0 {
			return d
		}
		return strings.Compare(a, b)
	})
	out := make([]string, len(keys))
	for i, k := range keys {
		switch {
		case strings.HasPrefix(k, "ligne "):
			out[i] = "L" + k[1:] + " : " + fields[k]
		case strings.HasPrefix(k, "mapping."):
			out[i] = "Colonne " + strings.TrimPrefix(k, "mapping.") + " : " + fields[k]
		case k == "year":
			out[i] = "Année : " + fields[k]
		case k == "source":
			out[i] = "Source : " + fields[k]
		default:
			out[i] = fields[k]
		}
	}
	return out
}
