// Command jigsaw runs and manages a Jigsaw instance: a repository of stories,
// dangers and disputes for coalitions that defend a public health service.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"jigsaw"
	"jigsaw/internal/config"
)

const usage = `Usage: jigsaw COMMAND [flags]

Commands:
  serve     run the web server (runs migrations first)
  migrate   bring the database schema up to date
  demo      load the demo data (loading it twice changes nothing)
  user      user add EMAIL --role admin|moderator|editor [--password-stdin];
            user token EMAIL (prints a new API bearer token)
  import    import ocds|ods|csv FILE… (procurement data, NHS organisations,
            tracker items); import instance FILE (a whole export, into
            an empty database); FILE "-" is standard input
  export    export FILE: the whole instance, private data included, for
            moving servers (docs/export-format.md); FILE "-" is standard
            output
  backup    backup FILE: a consistent copy of the database while it runs
            (SQLite file copy; PostgreSQL through pg_dump); FILE "-" is
            standard output
  restore   restore FILE: replace the database with a backup (refused
            while a jigsaw serve uses the database: stop them first)
  version   print the version

Every flag can also be set in the environment as JIGSAW_<FLAG>, e.g. JIGSAW_DB.
Run "jigsaw COMMAND -h" for a command's flags.
`

// errUsage marks a mistake on the command line: exit status 2.
var errUsage = errors.New("usage")

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	os.Exit(run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

// run runs the command in args and returns the exit status.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return 2
	}
	var err error
	switch cmd, rest := args[0], args[1:]; cmd {
	case "serve":
		err = runServe(ctx, rest, stderr)
	case "migrate":
		err = runMigrate(ctx, rest, stdout, stderr)
	case "demo":
		err = runDemo(ctx, rest, stdout, stderr)
	case "user":
		err = runUser(ctx, rest, stdin, stdout, stderr)
	case "import":
		err = runImport(ctx, rest, stdin, stdout, stderr)
	case "export":
		err = runExport(ctx, rest, stdout, stderr)
	case "backup":
		err = runBackup(ctx, rest, stdout, stderr)
	case "restore":
		err = runRestore(ctx, rest, stdout, stderr)
	case "version", "-version", "--version":
		err = runVersion(rest, stdout, stderr)
	case "help", "-h", "-help", "--help":
		fmt.Fprint(stdout, usage)
	default:
		fmt.Fprintf(stderr, "jigsaw: unknown command %q\n\n%s", cmd, usage)
		return 2
	}
	switch {
	case err == nil:
		return 0
	case errors.Is(err, errUsage), errors.Is(err, flag.ErrHelp):
		return 2
	default:
		fmt.Fprintf(stderr, "jigsaw: %s\n", message(err))
		return 1
	}
}

// message returns the line to print for err: a coded error's own message
// (it says what and where without internals), otherwise the error text.
func message(err error) string {
	var e *jigsaw.Error
	if errors.As(err, &e) {
		if len(e.Fields) > 0 {
			return e.Message + " (" + e.FieldSummary() + ")"
		}
		return e.Message
	}
	return err.Error()
}

// newFlagSet returns a flag set that prints its usage to stderr and reports
// bad flags as usage errors.
func newFlagSet(name string, stderr io.Writer, synopsis string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintf(stderr, "Usage: jigsaw %s\n\nFlags (also JIGSAW_<FLAG> in the environment):\n", synopsis)
		fs.PrintDefaults()
	}
	return fs
}

// parseFlags parses args (and the environment) into fs. The flag package
// reports its own errors; a bad environment value is reported here.
func parseFlags(fs *flag.FlagSet, args []string) error {
	err := config.Parse(fs, args)
	var envErr *config.EnvError
	if errors.As(err, &envErr) {
		fmt.Fprintf(fs.Output(), "jigsaw %s: %v\n", fs.Name(), envErr)
	}
	if err != nil {
		return errUsage
	}
	return noArgs(fs)
}

// noArgs fails with a usage error when positional arguments are left over.
func noArgs(fs *flag.FlagSet) error {
	if fs.NArg() > 0 {
		fmt.Fprintf(fs.Output(), "jigsaw %s: unexpected argument %q\n", fs.Name(), fs.Arg(0))
		fs.Usage()
		return errUsage
	}
	return nil
}
