// Command jigsaw-bench is Jigsaw's benchmark harness. It builds the jigsaw
// binary, generates a large corpus, starts servers on loopback and measures
// them against baselines taken in the same run (a plain net/http server
// returning the same bytes; raw full-text queries), then writes the figures
// into docs/benchmarks.md between the harness markers.
//
//	go run ./cmd/jigsaw-bench                       # the full run (make bench)
//	go run ./cmd/jigsaw-bench -sizes 2000 -duration 2s -soak 3s   # a quick look
//	go run ./cmd/jigsaw-bench corpus -db big.db -stories 1000000  # a corpus to profile against
//
// PostgreSQL figures need JIGSAW_BENCH_POSTGRES (make bench starts a
// throwaway server and sets it). All traffic goes to 127.0.0.1 and every
// load run is bounded in time.
package main

import (
	"context"
	"database/sql"
	"encoding/json"
	"flag"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"jigsaw/internal/store"
)

type options struct {
	sizes       []int
	engines     []string
	duration    time.Duration
	soak        time.Duration
	concurrency int
	soakClients int
	crashRounds int
	importMB    int
	importPGMB  int
	odsRows     int
	inboxes     int
	procCPU     float64
	phases      map[string]bool
	out         string
	pgURL       string
	workdir     string
	bin         string
}

func main() {
	if len(os.Args) > 1 {
		switch os.Args[1] {
		case "baseline":
			runBaseline(os.Args[2:])
			return
		case "corpus":
			runCorpus(os.Args[2:])
			return
		}
	}
	var o options
	var sizes, engines, phases string
	flag.StringVar(&sizes, "sizes", "10000,100000,1000000", "corpus sizes to measure, growing the same database")
	flag.StringVar(&engines, "engines", "sqlite,postgres", "engines to measure (postgres needs JIGSAW_BENCH_POSTGRES)")
	flag.DurationVar(&o.duration, "duration", defaultDuration, "length of each throughput run")
	flag.DurationVar(&o.soak, "soak", defaultSoak, "length of the 200-client soak run")
	flag.IntVar(&o.concurrency, "c", 32, "concurrent clients in throughput runs")
	flag.IntVar(&o.soakClients, "soak-clients", 200, "concurrent clients in the soak run")
	flag.IntVar(&o.crashRounds, "crash-rounds", 20, "kill -9 rounds of the crash test")
	flag.IntVar(&o.importMB, "import-mb", 1024, "size of the generated OCDS file the import benchmark reads (0 skips it)")
	flag.IntVar(&o.importPGMB, "import-pg-mb", 256, "size of the OCDS file imported into PostgreSQL (slower per release: a round trip per statement)")
	flag.IntVar(&o.odsRows, "ods-rows", odsRows, "rows of the generated GP practice file the ODS import reads (0 skips it)")
	flag.Float64Var(&o.procCPU, "proc-cpu", 0, "CPUs each serve process is held to in the second scale-out measure: 0 chooses a share from the first measure so that two processes, PostgreSQL and the load generator fit in this machine; negative skips it")
	flag.StringVar(&phases, "phases", "pages,reach,writes,import,swarm", "what to measure: pages (reads, search, memory, soak), reach (search page, feeds, map, charts, a whole-list export, at the largest size), writes (submissions, crash test), import (OCDS), swarm (fan-out to followers' inboxes)")
	flag.IntVar(&o.inboxes, "inboxes", 10000, "followers' inboxes one item is fanned out to in the swarm phase")
	flag.StringVar(&o.out, "out", "docs/benchmarks.md", "file to write the figures into ('-' for standard output)")
	flag.Parse()
	for _, s := range strings.Split(sizes, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || n <= 0 {
			fmt.Fprintf(os.Stderr, "jigsaw-bench: bad -sizes entry %q\n", s)
			os.Exit(2)
		}
		o.sizes = append(o.sizes, n)
	}
	o.phases = map[string]bool{}
	for _, p := range strings.Split(phases, ",") {
		switch p = strings.TrimSpace(p); p {
		case "pages", "reach", "writes", "import", "swarm":
			o.phases[p] = true
		default:
			fmt.Fprintf(os.Stderr, "jigsaw-bench: unknown phase %q\n", p)
			os.Exit(2)
		}
	}
	o.pgURL = os.Getenv("JIGSAW_BENCH_POSTGRES")
	for _, e := range strings.Split(engines, ",") {
		switch e = strings.TrimSpace(e); e {
		case "sqlite":
			o.engines = append(o.engines, e)
		case "postgres":
			if o.pgURL == "" {
				fmt.Fprintln(os.Stderr, "jigsaw-bench: JIGSAW_BENCH_POSTGRES not set; skipping postgres (make bench sets it)")
				continue
			}
			o.engines = append(o.engines, e)
		default:
			fmt.Fprintf(os.Stderr, "jigsaw-bench: unknown engine %q\n", e)
			os.Exit(2)
		}
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, o); err != nil {
		fmt.Fprintf(os.Stderr, "jigsaw-bench: %v\n", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, o options) error {
	var err error
	if o.workdir, err = os.MkdirTemp("", "jigsaw-bench-"); err != nil {
		return err
	}
	defer os.RemoveAll(o.workdir)
	// The harness builds the binary it measures; only its tests hand it
	// one already built (o.bin), the same for all of them.
	if o.bin == "" {
		o.bin = filepath.Join(o.workdir, "jigsaw")
		logf("building %s", o.bin)
		if err := buildJigsaw(ctx, o.bin); err != nil {
			return err
		}
	}
	rep := &report{started: time.Now(), opts: o}
	if o.pgURL != "" {
		if rep.postgres, err = postgresSettings(ctx, o.pgURL); err != nil {
			return err
		}
	}
	for _, engine := range o.engines {
		if o.phase("pages") || o.phase("reach") {
			if err := benchEngine(ctx, o, engine, rep); err != nil {
				return fmt.Errorf("%s: %w", engine, err)
			}
		}
		if o.phase("writes") {
			if err := benchWrites(ctx, o, engine, rep); err != nil {
				return fmt.Errorf("%s: %w", engine, err)
			}
		}
	}
	if o.phase("import") {
		if o.odsRows > 0 {
			if err := benchODS(ctx, o, rep); err != nil {
				return fmt.Errorf("import ods: %w", err)
			}
		}
		if err := benchImport(ctx, o, rep); err != nil {
			return fmt.Errorf("import: %w", err)
		}
	}
	if o.phase("swarm") && o.inboxes > 0 {
		if err := benchSwarm(ctx, o, rep); err != nil {
			return err
		}
	}
	rep.finished = time.Now()
	return rep.write(o.out)
}

// buildJigsaw builds the server binary as it ships: static, without cgo.
func buildJigsaw(ctx context.Context, bin string) error {
	build := exec.CommandContext(ctx, "go", "build", "-o", bin, "jigsaw/cmd/jigsaw")
	build.Env = append(os.Environ(), "CGO_ENABLED=0")
	build.Stderr = os.Stderr
	if err := build.Run(); err != nil {
		return fmt.Errorf("build jigsaw: %w", err)
	}
	return nil
}

// The default lengths of a throughput run and of the soak. A run of the
// default length at 32 clients makes requests enough for a steady rate and
// p99; longer runs only made the full harness longer.
const (
	defaultDuration = 6 * time.Second
	defaultSoak     = 60 * time.Second
)

// phase says whether the phase named runs; no phases chosen means all.
func (o options) phase(name string) bool { return len(o.phases) == 0 || o.phases[name] }

func logf(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "%s "+format+"\n", append([]any{time.Now().Format("15:04:05")}, args...)...)
}

// runBaseline serves one file's bytes for every path: the plain net/http
// server Jigsaw's pages are compared with.
func runBaseline(args []string) {
	fs := flag.NewFlagSet("baseline", flag.ExitOnError)
	addr := fs.String("addr", "127.0.0.1:0", "listen address")
	file := fs.String("file", "", "file whose bytes to serve")
	headerFile := fs.String("header", "", "JSON file of the header fields to answer with (those of the answer being repeated)")
	fs.Parse(args)
	body, err := os.ReadFile(*file)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	header := http.Header{"Content-Type": {"text/html; charset=utf-8"}}
	if *headerFile != "" {
		b, err := os.ReadFile(*headerFile)
		if err == nil {
			header = nil
			err = json.Unmarshal(b, &header)
		}
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
	}
	// Date is the server's own; a request id is made afresh for every
	// request, as Jigsaw does.
	header.Del("Date")
	_, withID := header["X-Request-Id"]
	header.Del("X-Request-Id")
	var n atomic.Int64
	http.ListenAndServe(*addr, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		for k, v := range header {
			h[k] = v
		}
		if withID {
			h.Set("X-Request-Id", "baseline-"+strconv.FormatInt(n.Add(1), 10))
		}
		w.Write(body)
	}))
}

// runCorpus migrates a database and adds generated stories to it, the same
// corpus the harness measures, kept for profiling a server against.
func runCorpus(args []string) {
	fs := flag.NewFlagSet("corpus", flag.ExitOnError)
	dsn := fs.String("db", "", "SQLite file or postgres:// URL")
	n := fs.Int("stories", 100000, "published stories to add")
	fs.Parse(args)
	engine := "sqlite"
	if strings.HasPrefix(*dsn, "postgres://") || strings.HasPrefix(*dsn, "postgresql://") {
		engine = "postgres"
	}
	ctx := context.Background()
	db, err := store.Open(ctx, *dsn)
	if err == nil {
		_, err = db.Migrate(ctx, nil)
		db.Close()
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "jigsaw-bench corpus: -db %q: %v\n", *dsn, err)
		os.Exit(2)
	}
	t0 := time.Now()
	first, last, err := generate(ctx, engine, *dsn, *n, max(100, *n/500))
	if err != nil {
		fmt.Fprintf(os.Stderr, "jigsaw-bench corpus: %v\n", err)
		os.Exit(1)
	}
	logf("stories %d to %d added in %s", first, last, time.Since(t0).Round(time.Second))
}

// postgresSettings describes the benchmark's PostgreSQL server: its version
// and the memory it was given, which decide how much of a large corpus it
// reads from its own buffers rather than from the kernel's.
func postgresSettings(ctx context.Context, url string) (string, error) {
	db, err := sql.Open("pgx", url)
	if err != nil {
		return "", err
	}
	defer db.Close()
	var version, buffers, cache string
	err = db.QueryRowContext(ctx, `SELECT current_setting('server_version'), current_setting('shared_buffers'), current_setting('effective_cache_size')`).Scan(&version, &buffers, &cache)
	if err != nil {
		return "", fmt.Errorf("postgres settings: %w", err)
	}
	return fmt.Sprintf("%s, shared_buffers %s, effective_cache_size %s", version, buffers, cache), nil
}
