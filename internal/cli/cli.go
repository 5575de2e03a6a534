// Package cli holds ctg's subcommands and is the one place where the parts
// are wired together. Every flag also reads from CTG_<NAME>.
package cli

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"net/url"
	"os"
	"os/exec"
	"slices"
	"strings"

	"ctg/internal/account"
	"ctg/internal/app"
	"ctg/internal/store"
	"ctg/internal/territory"
)

// Env reads an environment variable.
type Env func(string) string

// IO is where a command reads and writes.
type IO struct {
	Stdin  io.Reader
	Stdout io.Writer
	Stderr io.Writer
}

const usage = `ctg — conventions territoriales globales

Utilisation :
  ctg serve [--addr 127.0.0.1:8080] [--db ctg.db] [--demo] [--metrics-addr 127.0.0.1:9090] [--log-format text|json] [--shutdown-delay 5s]
  ctg migrate [--db …]
  ctg user add --db … --email E --name N --org ORG_ID --role admin|editor|reader   (mot de passe lu sur l'entrée standard)
  ctg token create --db … --email E [--label L]
  ctg backup --db … FICHIER
  ctg import indicators --db … FICHIER [--year A] [--source TEXTE] [--map TITRE=code]…

Chaque option se lit aussi dans une variable d'environnement : CTG_DB, CTG_ADDR, …
`

// usageError is an error in how the command was called.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

// Run runs the command line and returns the exit status.
func Run(ctx context.Context, args []string, env Env, stdio IO) int {
	err := run(ctx, args, env, stdio)
	if err == nil {
		return 0
	}
	var ue usageError
	switch {
	case errors.As(err, &ue):
		fmt.Fprintln(stdio.Stderr, "ctg : "+ue.msg)
	case errors.Is(err, flag.ErrHelp):
		return 0
	case errors.As(err, new(*app.Error)): // a message meant for a person, whatever its code
		msg := app.ErrorMessage(err)
		fields := app.ErrorFields(err)
		for _, k := range slices.Sorted(maps.Keys(fields)) {
			msg += " " + k + " : " + fields[k]
		}
		fmt.Fprintln(stdio.Stderr, "ctg : "+msg)
	default:
		slog.Debug("command failed", "err", err)
		fmt.Fprintln(stdio.Stderr, "ctg : échec de la commande : "+frenchCause(err))
	}
	return 1
}

// frenchCause describes common failures without showing Go's text.
func frenchCause(err error) string {
	msg := err.Error()
	switch {
	case strings.Contains(msg, "invalid port") || strings.Contains(msg, "missing port") || strings.Contains(msg, "no such host") || strings.Contains(msg, "cannot assign requested address"):
		return "l'adresse d'écoute est invalide (attendu : hôte:port, par exemple 127.0.0.1:8080)."
	case strings.Contains(msg, "address already in use"):
		return "l'adresse d'écoute est déjà utilisée par un autre programme."
	case strings.Contains(msg, "permission denied"):
		return "permission refusée."
	case strings.Contains(msg, "no such file"):
		return "fichier ou dossier introuvable."
	}
	return "erreur interne (relancez avec CTG_DEBUG=1 pour le détail)."
}

func run(ctx context.Context, args []string, env Env, stdio IO) error {
	if env("CTG_DEBUG") != "" {
		slog.SetDefault(slog.New(slog.NewTextHandler(stdio.Stderr, &slog.HandlerOptions{Level: slog.LevelDebug})))
	}
	if len(args) == 0 {
		fmt.Fprint(stdio.Stderr, usage)
		return usageError{"indiquez une commande (serve, migrate, user add, token create, backup)."}
	}
	switch args[0] {
	case "serve":
		return serveCmd(ctx, args[1:], env, stdio)
	case "migrate":
		return migrateCmd(ctx, args[1:], env, stdio)
	case "user":
		if len(args) < 2 || args[1] != "add" {
			return usageError{"commande inconnue : utilisez « ctg user add »."}
		}
		return userAddCmd(ctx, args[2:], env, stdio)
	case "token":
		if len(args) < 2 || args[1] != "create" {
			return usageError{"commande inconnue : utilisez « ctg token create »."}
		}
		return tokenCreateCmd(ctx, args[2:], env, stdio)
	case "backup":
		return backupCmd(ctx, args[1:], env, stdio)
	case "import":
		if len(args) < 2 || args[1] != "indicators" {
			return usageError{"commande inconnue : utilisez « ctg import indicators »."}
		}
		return importIndicatorsCmd(ctx, args[2:], env, stdio)
	case "help", "-h", "--help":
		fmt.Fprint(stdio.Stdout, usage)
		return nil
	}
	fmt.Fprint(stdio.Stderr, usage)
	return usageError{"commande inconnue : " + args[0] + "."}
}

// flags is a flag set whose defaults come from the environment.
type flags struct {
	*flag.FlagSet
	env   Env
	stdio IO
}

func newFlags(name string, env Env, stdio IO) *flags {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	// The flag package's own messages are English: ours replace them.
	fs.SetOutput(io.Discard)
	return &flags{fs, env, stdio}
}

func envName(name string) string {
	return "CTG_" + strings.ToUpper(strings.ReplaceAll(name, "-", "_"))
}

func (f *flags) String(name, def, help string) *string {
	if v := f.env(envName(name)); v != "" {
		def = v
	}
	return f.FlagSet.String(name, def, help)
}

func (f *flags) Bool(name string, def bool, help string) *bool {
	if v := f.env(envName(name)); v != "" {
		def = v == "1" || strings.EqualFold(v, "true") || strings.EqualFold(v, "yes")
	}
	return f.FlagSet.Bool(name, def, help)
}

func (f *flags) Int(name string, def int, help string) *int {
	if v := f.env(envName(name)); v != "" {
		fmt.Sscan(v, &def)
	}
	return f.FlagSet.Int(name, def, help)
}

// frenchFlagError translates the errors of the flag package.
func frenchFlagError(msg string) string {
	if name, ok := strings.CutPrefix(msg, "flag provided but not defined: "); ok {
		return "option invalide : -" + strings.TrimPrefix(name, "-") + " n'existe pas pour cette commande (ctg help liste les options)."
	}
	if name, ok := strings.CutPrefix(msg, "flag needs an argument: "); ok {
		return "l'option " + name + " attend une valeur."
	}
	if strings.HasPrefix(msg, "invalid value") || strings.HasPrefix(msg, "invalid boolean") {
		return "valeur invalide pour une option : vérifiez la ligne de commande."
	}
	return "option invalide."
}

// parse accepts flags before and after positional arguments.
func (f *flags) parse(args []string) ([]string, error) {
	var pos []string
	for {
		if err := f.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				fmt.Fprint(f.stdio.Stdout, usage)
				return nil, err
			}
			return nil, usageError{frenchFlagError(err.Error())}
		}
		args = f.Args()
		if len(args) == 0 {
			return pos, nil
		}
		pos = append(pos, args[0])
		args = args[1:]
	}
}

// openDB opens the database and, with a reference, migrates it and seeds
// the CAFs.
func openDB(ctx context.Context, dsn string, ref *territory.Ref) (*store.DB, error) {
	db, err := store.Open(ctx, dsn)
	if err != nil {
		return nil, err
	}
	prepare := db.Migrate
	if ref != nil {
		prepare = func(ctx context.Context) error { return db.Prepare(ctx, ref) }
	}
	if err := prepare(ctx); err != nil {
		db.Close()
		return nil, err
	}
	return db, nil
}

func migrateCmd(ctx context.Context, args []string, env Env, stdio IO) error {
	f := newFlags("migrate", env, stdio)
	dsn := f.String("db", "ctg.db", "fichier SQLite ou URL postgres://")
	if _, err := f.parse(args); err != nil {
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
	fmt.Fprintln(stdio.Stdout, "Base de données à jour.")
	return nil
}

func userAddCmd(ctx context.Context, args []string, env Env, stdio IO) error {
	f := newFlags("user add", env, stdio)
	dsn := f.String("db", "ctg.db", "fichier SQLite ou URL postgres://")
	email := f.String("email", "", "adresse électronique")
	name := f.String("name", "", "nom")
	org := f.String("org", "", "identifiant de l'organisation (par exemple caf-33)")
	role := f.String("role", "reader", "admin, editor ou reader")
	if _, err := f.parse(args); err != nil {
		return err
	}
	line, err := bufio.NewReader(stdio.Stdin).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return usageError{"le mot de passe n'a pas pu être lu sur l'entrée standard."}
	}
	password := strings.TrimRight(line, "\r\n")
	ref, err := territory.Load()
	if err != nil {
		return err
	}
	db, err := openDB(ctx, *dsn, ref)
	if err != nil {
		return err
	}
	defer db.Close()
	u, err := db.CreateUser(ctx, account.NewUser{Email: *email, Name: *name, OrgID: *org, Role: *role, Password: password}, nil)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdio.Stdout, "Compte créé : %s (%s, %s)\n", u.Email, u.OrgName, u.Role)
	return nil
}

func tokenCreateCmd(ctx context.Context, args []string, env Env, stdio IO) error {
	f := newFlags("token create", env, stdio)
	dsn := f.String("db", "ctg.db", "fichier SQLite ou URL postgres://")
	email := f.String("email", "", "adresse électronique du compte")
	label := f.String("label", "", "libellé du jeton")
	if _, err := f.parse(args); err != nil {
		return err
	}
	if *email == "" {
		return usageError{"indiquez le compte avec --email."}
	}
	db, err := openDB(ctx, *dsn, nil)
	if err != nil {
		return err
	}
	defer db.Close()
	secret, err := db.CreateToken(ctx, *email, *label)
	if err != nil {
		return err
	}
	fmt.Fprintln(stdio.Stdout, secret)
	return nil
}

func backupCmd(ctx context.Context, args []string, env Env, stdio IO) error {
	f := newFlags("backup", env, stdio)
	dsn := f.String("db", "ctg.db", "fichier SQLite ou URL postgres://")
	pos, err := f.parse(args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usageError{"indiquez le fichier de sauvegarde à écrire : ctg backup --db … FICHIER."}
	}
	out := pos[0]
	if _, err := os.Stat(out); err == nil {
		return usageError{"le fichier " + out + " existe déjà : choisissez un autre nom."}
	}
	db, err := store.Open(ctx, *dsn)
	if err != nil {
		return err
	}
	defer db.Close()
	if db.Dialect == store.Postgres {
		if _, err := exec.LookPath("pg_dump"); err != nil {
			return usageError{"pg_dump est introuvable : installez le client PostgreSQL pour sauvegarder une base PostgreSQL."}
		}
		// pg_dump does not know pgx's run-time settings in the URL: a
		// search_path becomes its --schema.
		args := []string{"--format=custom", "--file=" + out}
		target := *dsn
		if u, err := url.Parse(*dsn); err == nil {
			q := u.Query()
			if sp := q.Get("search_path"); sp != "" {
				args = append(args, "--schema="+sp)
				q.Del("search_path")
				u.RawQuery = q.Encode()
				target = u.String()
			}
		}
		var stderr bytes.Buffer
		cmd := exec.CommandContext(ctx, "pg_dump", append(args, target)...)
		cmd.Stderr = &stderr
		if err := cmd.Run(); err != nil {
			slog.Debug("pg_dump failed", "err", err, "stderr", stderr.String())
			os.Remove(out)
			return usageError{"pg_dump a échoué (relancez avec CTG_DEBUG=1 pour le détail)."}
		}
	} else if err := db.Backup(ctx, out); err != nil {
		return err
	}
	fmt.Fprintln(stdio.Stdout, "Sauvegarde écrite dans "+out)
	return nil
}
