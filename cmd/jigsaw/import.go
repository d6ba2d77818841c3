package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"slices"
	"strings"

	"jigsaw"
	"jigsaw/internal/config"
	"jigsaw/internal/imports"
)

const importSynopsis = `import ocds|ods|csv FILE… [--db …] [--dry-run] [flags]
       jigsaw import instance FILE [--db …]

FILE "-" is standard input; gzip files are read as they are. Each file is
imported in one transaction: all of it, or nothing and an error saying where.
OCDS: release or record packages, or releases, as JSON or JSON Lines.
ODS: NHS Organisation Data Service CSV files (etr, ets, epraccur, eccg, …).
CSV: tracker items with the header described in docs/imports.md.
instance: a whole instance written by jigsaw export, into an empty database.`

// stringList is a repeatable flag.
type stringList []string

func (l *stringList) String() string     { return strings.Join(*l, ",") }
func (l *stringList) Set(s string) error { *l = append(*l, s); return nil }

func runImport(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) > 0 && args[0] == "instance" {
		return runImportInstance(ctx, args[1:], stdin, stdout, stderr)
	}
	if len(args) == 0 || !slices.Contains(imports.Kinds, args[0]) {
		fmt.Fprintf(stderr, "Usage: jigsaw %s\n", importSynopsis)
		return errUsage
	}
	kind := args[0]
	var cfg config.Config
	var opt imports.Options
	var buyers, cpv stringList
	fs := newFlagSet("import "+kind, stderr, importSynopsis)
	config.DBFlag(fs, &cfg.DB)
	fs.BoolVar(&opt.DryRun, "dry-run", false, "read and check everything, print what would change, write nothing")
	fs.StringVar(&opt.Encoding, "encoding", "", "the file's character encoding when not UTF-8: "+strings.Join(imports.Encodings[1:], ", "))
	if kind == jigsaw.ImportOCDS {
		fs.BoolVar(&opt.OCDS.NHSOnly, "nhs-only", false, "import only releases whose buyer is an NHS body (by ODS code, known organisation or name)")
		fs.Var(&buyers, "buyer", "import only releases whose buyer has this ODS code or whose name contains this (repeatable)")
		fs.StringVar(&opt.OCDS.Since, "since", "", "import only releases dated on or after this day (YYYY-MM-DD)")
		fs.Var(&cpv, "cpv", "import only releases whose tender has a CPV code starting with these digits, e.g. 851 (repeatable)")
	}
	if kind == jigsaw.ImportODS {
		fs.StringVar(&opt.ODS.Kind, "kind", "", "what the file lists: trust, gp, ccg or icb (default: from the file name)")
	}
	files, err := parseWithFiles(fs, args[1:])
	if err != nil {
		return err
	}
	opt.OCDS.Buyers = buyers
	for _, c := range cpv {
		c = strings.TrimSpace(strings.SplitN(c, "-", 2)[0])
		if len(c) < 2 || len(c) > 8 || strings.Trim(c, "0123456789") != "" {
			fmt.Fprintf(stderr, "jigsaw import: --cpv must be 2 to 8 digits of a CPV code, such as 851 (got %q)\n", c)
			return errUsage
		}
		opt.OCDS.CPV = append(opt.OCDS.CPV, c)
	}
	if !imports.ValidEncoding(opt.Encoding) {
		fmt.Fprintf(stderr, "jigsaw import: --encoding must be one of %s (got %q)\n", strings.Join(imports.Encodings, ", "), opt.Encoding)
		return errUsage
	}
	if opt.OCDS.Since != "" && !imports.ValidDay(opt.OCDS.Since) {
		fmt.Fprintf(stderr, "jigsaw import: --since must be a day, YYYY-MM-DD (got %q)\n", opt.OCDS.Since)
		return errUsage
	}
	db, err := openDB(ctx, cfg.DB)
	if err != nil {
		return err
	}
	defer db.Close()
	if err := db.CheckSchema(ctx); err != nil {
		return err
	}
	opt.Progress = imports.NewProgress(stderr)
	// Imports stream: keep the heap near what they need rather than letting
	// it double between collections (an operator's GOMEMLIMIT wins).
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(64 << 20)
	}
	if os.Getenv("GOGC") == "" {
		// What an import keeps (the releases seen, the organisations met)
		// is a few tens of MB at most; the heap need not grow to twice it.
		debug.SetGCPercent(25)
	}
	for _, f := range files {
		src, err := imports.Open(f, stdin)
		if err != nil {
			return err
		}
		run, err := imports.Import(ctx, db, kind, src, opt)
		src.Close()
		if err != nil {
			return err
		}
		verb := "imported"
		if opt.DryRun {
			verb = "dry run, nothing written"
		}
		fmt.Fprintf(stdout, "%s (%s): %s\n", src.Name, verb, run.ImportCounts)
	}
	return nil
}

// parseWithFiles parses flags given before, between or after the FILE
// arguments, and returns the files (at least one).
func parseWithFiles(fs *flag.FlagSet, args []string) ([]string, error) {
	if err := config.Parse(fs, args); err != nil {
		return nil, errUsage
	}
	var files []string
	for rest := fs.Args(); len(rest) > 0; rest = fs.Args() {
		files = append(files, rest[0])
		if err := fs.Parse(rest[1:]); err != nil {
			return nil, errUsage
		}
	}
	if len(files) == 0 {
		fmt.Fprintf(fs.Output(), "jigsaw %s: give at least one FILE (\"-\" for standard input)\n", fs.Name())
		fs.Usage()
		return nil, errUsage
	}
	return files, nil
}
