package cli

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"ctg/internal/diagnostic"
	"ctg/internal/territory"
)

// repeated is a flag that may be given several times.
type repeated []string

func (r *repeated) String() string     { return strings.Join(*r, ",") }
func (r *repeated) Set(v string) error { *r = append(*r, v); return nil }

// importIndicatorsCmd is `ctg import indicators --db … FILE [--year Y]
// [--source TEXT] [--map HEADER=CODE]…`: an admin action without a user,
// recorded as "ctg (ligne de commande)". Without --map, the headers INSEE
// and the CAF use are recognised (diagnostic.SuggestMapping) and the
// summary says what was taken.
func importIndicatorsCmd(ctx context.Context, args []string, env Env, stdio IO) error {
	f := newFlags("import indicators", env, stdio)
	dsn := f.String("db", "ctg.db", "fichier SQLite ou URL postgres://")
	year := f.Int("year", 0, "année des valeurs (déduite des titres P21_… sinon)")
	source := f.String("source", "", "source des valeurs, affichée dans le diagnostic")
	var maps repeated
	f.Var(&maps, "map", "TITRE=code : colonne à importer et son indicateur (répétable)")
	pos, err := f.parse(args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usageError{"indiquez le fichier à importer : ctg import indicators --db … FICHIER [--year A] [--source TEXTE] [--map TITRE=code]…"}
	}
	mapping, err := diagnostic.ParseMapping(maps)
	if err != nil {
		return err
	}
	path := pos[0]
	st, err := os.Stat(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return usageError{"le fichier " + path + " n'existe pas."}
	case err != nil:
		return usageError{"le fichier " + path + " ne peut pas être lu."}
	case st.IsDir():
		return usageError{path + " est un dossier, pas un fichier."}
	case st.Size() >= diagnostic.MaxFileSize:
		return diagnostic.TooLarge
	}
	file, err := os.Open(path)
	if err != nil {
		return usageError{"le fichier " + path + " ne peut pas être lu."}
	}
	defer file.Close()
	table, err := diagnostic.ReadTable(bufio.NewReader(file), filepath.Base(path))
	if err != nil {
		return err
	}
	ref, err := territory.Load()
	if err != nil {
		return err
	}
	db, err := openDB(ctx, *dsn, ref)
	if err != nil {
		return err
	}
	defer db.Close()
	req := diagnostic.ImportRequest{Filename: filepath.Base(path), Year: *year, Source: *source, Mapping: mapping, Suggest: len(maps) == 0}
	sum, err := db.ImportIndicators(ctx, ref, nil, table, req, nil)
	if err != nil {
		return err
	}
	printSummary(stdio.Stdout, table, sum, len(maps) == 0)
	return nil
}

// printSummary writes what an import did, in French.
func printSummary(w io.Writer, t *diagnostic.Table, s *diagnostic.ImportSummary, suggested bool) {
	format := "XLSX"
	if s.Format == "csv" {
		sep := map[string]string{";": "point-virgule", ",": "virgule", "\t": "tabulation"}[s.Separator]
		format = "CSV, séparateur " + sep + ", " + s.Encoding
	}
	fmt.Fprintf(w, "Import terminé : %s (%s), année %d, source « %s ».\n", s.Filename, format, s.Year, s.Source)
	if suggested {
		fmt.Fprintln(w, "Colonnes reconnues (sans --map) :")
	} else {
		fmt.Fprintln(w, "Colonnes importées :")
	}
	for _, h := range t.Headers {
		if code, ok := s.Columns[h]; ok {
			fmt.Fprintf(w, "  %s → %s\n", h, code)
		}
	}
	if len(s.IgnoredColumns) > 0 {
		fmt.Fprintf(w, "Colonnes ignorées (%d) : %s\n", len(s.IgnoredColumns), strings.Join(s.IgnoredColumns, ", "))
	}
	fmt.Fprintf(w, "%s ; %s ; %s, dont %s.\n", count(s.Rows, "ligne lue", "lignes lues"), count(s.Communes, "commune", "communes"),
		count(s.Values+s.Secret, "valeur enregistrée", "valeurs enregistrées"), count(s.Secret, "secrète", "secrètes"))
	if len(s.Replaced) > 0 {
		fmt.Fprintf(w, "Valeurs de %d remplacées pour : %s\n", s.Year, strings.Join(s.Replaced, ", "))
	}
	if len(s.UnknownRows) > 0 {
		fmt.Fprintf(w, "Lignes non importées (%d) : ni une commune actuelle, ni l'ancien code d'une commune :\n", len(s.UnknownRows))
		for _, u := range s.UnknownRows {
			code := u.Code
			if code == "" {
				code = "(vide)"
			}
			fmt.Fprintf(w, "  ligne %d : %s — %s\n", u.Line, code, u.Reason)
		}
	}
	if len(s.Merged) > 0 {
		fmt.Fprintf(w, "Communes fusionnées depuis, dont les lignes s'additionnent (%d) :\n", len(s.Merged))
		for _, m := range s.Merged {
			parts := make([]string, len(m.Codes))
			for i := range m.Codes {
				parts[i] = fmt.Sprintf("%s (ligne %d)", m.Codes[i], m.Lines[i])
			}
			fmt.Fprintf(w, "  %s %s ← %s\n", m.Commune, m.Name, strings.Join(parts, " + "))
		}
	}
}

// count writes n and the noun that goes with it, French style: 0 and 1
// take the singular.
func count(n int, one, many string) string {
	if n <= 1 {
		return thousands(n) + " " + one
	}
	return thousands(n) + " " + many
}

// thousands writes n with spaces between groups of three digits.
func thousands(n int) string {
	s := strconv.Itoa(n)
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(' ')
		}
		b.WriteRune(c)
	}
	return b.String()
}
