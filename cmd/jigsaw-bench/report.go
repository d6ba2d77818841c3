package main

import (
	"fmt"
	"os"
	"runtime"
	"slices"
	"strings"
	"time"
)

const (
	markerStart       = "<!-- harness:start (written by cmd/jigsaw-bench; edit outside the markers) -->"
	markerEnd         = "<!-- harness:end -->"
	importMarkerStart = "<!-- harness-import:start (written by cmd/jigsaw-bench -phases import) -->"
	importMarkerEnd   = "<!-- harness-import:end -->"
	reachMarkerStart  = "<!-- harness-reach:start (written by cmd/jigsaw-bench -phases reach) -->"
	reachMarkerEnd    = "<!-- harness-reach:end -->"
	swarmMarkerStart  = "<!-- harness-swarm:start (written by cmd/jigsaw-bench -phases swarm) -->"
	swarmMarkerEnd    = "<!-- harness-swarm:end -->"
)

type report struct {
	started, finished time.Time
	opts              options
	results           []sizeResult
	writes            []writeResult
	reach             []reachResult
	imports           []importResult
	ods               []odsResult
	swarm             []swarmResult
	postgres          string // the PostgreSQL server's version and memory settings
}

func ms(d time.Duration) string { return fmt.Sprintf("%.1f ms", float64(d.Microseconds())/1000) }

func ratio(a, b float64) string {
	if b == 0 {
		return "–"
	}
	return fmt.Sprintf("%.2f×", a/b)
}

func check(ok bool) string {
	if ok {
		return "met"
	}
	return "**not met**"
}

// markdown is the section of the pages and writes phases: when, where and
// by what command it was measured, its tables and its goals. How each figure
// is measured is written once, by hand, in the reference text around the
// markers; a run only replaces its own figures.
func (r *report) markdown() string {
	var b strings.Builder
	o := r.opts
	fmt.Fprintf(&b, "%s\n### Pages, search, memory and writes\n\n", markerStart)
	var phases []string
	for _, p := range []string{"pages", "writes"} {
		if o.phase(p) {
			phases = append(phases, p)
		}
	}
	fmt.Fprintf(&b, "Measured %s on %s, in %s, by `scripts/bench.sh -sizes %s -duration %s -soak %s -crash-rounds %d -phases %s`: %s runs of %d clients, the story page and the plain server %d turns each.\n",
		r.started.UTC().Format("2006-01-02 15:04 MST"), machine(), r.finished.Sub(r.started).Round(time.Second),
		joinInts(o.sizes), o.duration, o.soak, o.crashRounds, strings.Join(phases, ","), o.duration, o.concurrency, storyRounds)
	if r.postgres != "" {
		fmt.Fprintf(&b, "PostgreSQL %s.\n", r.postgres)
	}
	b.WriteString("\nStory pages, lists, the home page, search and memory:\n\n| engine | stories | story page req/s | plain server req/s | ratio (goal ≥ 0.5×) | story p99 | from page cache (warm-up runs) | uniform story req/s | uniform ratio | list req/s | list vs plain | home req/s | search p99 Jigsaw | search p99 raw | search p99 first pass | idle RSS | loaded RSS |\n")
	b.WriteString("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n")
	for _, s := range r.results {
		fmt.Fprintf(&b, "| %s | %d | %.0f | %.0f | %s | %s | %.1f%% (%d) | %.0f | %s | %.0f | %s | %.0f | %s | %s | %s | %.1f MB | %.1f MB |\n",
			s.Engine, s.Size, s.StoryPage.RPS(), s.StoryBaseline.RPS(), ratio(s.StoryPage.RPS(), s.StoryBaseline.RPS()), ms(s.StoryPage.P99), 100*s.StoryPage.HitRate(), s.WarmRuns,
			s.StoryPageCold.RPS(), ratio(s.StoryPageCold.RPS(), s.StoryBaseline.RPS()),
			s.List.RPS(), ratio(s.List.RPS(), s.ListBaseline.RPS()), s.Home.RPS(), ms(s.SearchJigsaw.P99), ms(s.SearchRaw.P99), ms(s.SearchFirst.P99), s.IdleRSS, s.LoadedRSS)
	}
	for i, s := range r.results {
		if s.Dangers == 0 {
			continue
		}
		if !slices.ContainsFunc(r.results[:i], func(s sizeResult) bool { return s.Dangers > 0 }) {
			b.WriteString("\nDangers (tracker items):\n\n| engine | stories | dangers | danger page req/s | plain server req/s | ratio | danger p99 | from page cache (warm-up runs) | dangers list req/s | plain server req/s | ratio |\n")
			b.WriteString("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n")
		}
		fmt.Fprintf(&b, "| %s | %d | %d | %.0f | %.0f | %s | %s | %.1f%% (%d) | %.0f | %.0f | %s |\n", s.Engine, s.Size, s.Dangers,
			s.DangerPage.RPS(), s.DangerBaseline.RPS(), ratio(s.DangerPage.RPS(), s.DangerBaseline.RPS()), ms(s.DangerPage.P99), 100*s.DangerPage.HitRate(), s.DangerWarmRuns,
			s.DangerList.RPS(), s.DangerListBaseline.RPS(), ratio(s.DangerList.RPS(), s.DangerListBaseline.RPS()))
	}
	b.WriteString("\nGoals, at the largest size:\n\n")
	for _, s := range r.results {
		if s.Size != o.sizes[len(o.sizes)-1] {
			continue
		}
		fmt.Fprintf(&b, "- %s, %d stories: story page %s of the plain server (turns %s; goal ≥ 0.5×: %s); search p99 %s (goal ≤ 30 ms: %s); idle RSS %.1f MB (goal ≤ 40 MB: %s).\n",
			s.Engine, s.Size, ratio(s.StoryPage.RPS(), s.StoryBaseline.RPS()), turnRatios(s.StoryRatios), check(s.StoryPage.RPS() >= 0.5*s.StoryBaseline.RPS()),
			ms(s.SearchJigsaw.P99), check(s.SearchJigsaw.P99 <= 30*time.Millisecond), s.IdleRSS, check(s.IdleRSS <= 40))
		if s.Soak != nil {
			fmt.Fprintf(&b, "- %s soak: %d clients for %s: %s (goal 0 errors, p99 < 200 ms: %s).\n", s.Engine, o.soakClients, o.soak, s.Soak,
				check(s.Soak.Errors == 0 && s.Soak.P99 < 200*time.Millisecond))
		}
		if so := s.ScaleOut; so != nil {
			fmt.Fprintf(&b, "- postgres scale-out as they are: one serve process %.0f req/s (%.1f%% from its page cache), two %.0f req/s (%.1f%%) = %s; the machine %.0f%% busy with one, %.0f%% with two (no goal).\n",
				so.One.RPS(), 100*so.One.HitRate(), so.Two.RPS(), 100*so.Two.HitRate(), ratio(so.Two.RPS(), so.One.RPS()), 100*so.One.CPUBusy, 100*so.Two.CPUBusy)
			switch {
			case so.Cap > 0:
				fmt.Fprintf(&b, "- postgres scale-out, each serve process held to %.2f CPU, %d turns each: one process %.0f req/s using %.2f CPU (%.1f%% from its page cache), two %.0f req/s using %.2f CPU (%.1f%%) = %s (turns %s; goal ≥ 1.7×: %s).\n",
					so.Cap, len(so.CappedRatios), so.OneCapped.RPS(), so.OneCapped.ProcCPU, 100*so.OneCapped.HitRate(), so.TwoCapped.RPS(), so.TwoCapped.ProcCPU, 100*so.TwoCapped.HitRate(),
					ratio(so.TwoCapped.RPS(), so.OneCapped.RPS()), turnRatios(so.CappedRatios), check(so.TwoCapped.RPS() >= 1.7*so.OneCapped.RPS()))
			case so.CapErr != "":
				fmt.Fprintf(&b, "- postgres scale-out with each process held to a CPU share: not measured (%s); goal ≥ 1.7× not shown.\n", so.CapErr)
			}
		}
	}
	if len(r.writes) > 0 {
		b.WriteString("\nDurable submissions and the crash test:\n\n| engine | acknowledged submissions/s | bare durable inserts/s | ratio | goal | crash rounds | stories acknowledged | lost | integrity check |\n|---|---:|---:|---:|---|---:|---:|---:|---|\n")
		for _, w := range r.writes {
			goal := "–"
			if w.Engine == "sqlite" {
				goal = "≥ 1,000/s: " + check(w.Submissions >= 1000)
			}
			integrity := "ok"
			if !w.Crash.IntegrityOK {
				integrity = "**failed**"
			}
			fmt.Fprintf(&b, "| %s | %.0f | %.0f | %s | %s | %d | %d | %d | %s |\n", w.Engine, w.Submissions, w.BaselineInserts,
				ratio(w.Submissions, w.BaselineInserts), goal, w.Crash.Rounds, w.Crash.Acknowledged, w.Crash.Lost, integrity)
		}
	}
	fmt.Fprintf(&b, "\n%s\n", markerEnd)
	return b.String()
}

// importMarkdown is the OCDS import section, a block of its own so that it
// can be measured without the rest (-phases import).
func (r *report) importMarkdown() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s\n### OCDS import\n\n", importMarkerStart)
	fmt.Fprintf(&b, "Measured %s on %s, by `scripts/bench.sh -phases import -import-mb %d -import-pg-mb %d -ods-rows %d`.\n\n",
		r.started.UTC().Format("2006-01-02 15:04 MST"), machine(), r.opts.importMB, r.opts.importPGMB, r.opts.odsRows)
	b.WriteString("| engine | file | releases | import | plain decode | ratio (goal ≤ 2×) | import MB/s | peak RSS (goal < 100 MB) |\n|---|---:|---:|---:|---:|---:|---:|---:|\n")
	for _, im := range r.imports {
		fmt.Fprintf(&b, "| %s | %d MB | %d | %s | %s | %s: %s | %.1f | %.1f MB: %s |\n", im.Engine, im.Bytes>>20, im.Releases,
			im.Import.Round(100*time.Millisecond), im.Decode.Round(100*time.Millisecond),
			ratio(im.Import.Seconds(), im.Decode.Seconds()), check(im.Import <= 2*im.Decode),
			float64(im.Bytes)/(1<<20)/im.Import.Seconds(), im.PeakRSS, check(im.PeakRSS < 100))
	}
	b.WriteString("\nThe GP practice file (epraccur's shape, generated: practices and the sites Jigsaw keeps or leaves out, a third closed), `jigsaw import ods` timed whole:\n\n")
	b.WriteString("| engine | rows | import (goal ≤ 1 s) | result |\n|---|---:|---:|---|\n")
	for _, im := range r.ods {
		summary := im.Summary
		if _, after, ok := strings.Cut(summary, "): "); ok {
			summary = after
		}
		fmt.Fprintf(&b, "| %s | %d | %s: %s | %s |\n", im.Engine, im.Rows, im.Import.Round(10*time.Millisecond), check(im.Import <= time.Second), summary)
	}
	fmt.Fprintf(&b, "\n%s\n", importMarkerEnd)
	return b.String()
}

// reachMarkdown is the reach phase's section: the pages people reuse, each
// against the plain server, and a whole list exported.
func (r *report) reachMarkdown() string {
	var b strings.Builder
	o := r.opts
	fmt.Fprintf(&b, "%s\n### Search, feeds, map, charts and exports\n\n", reachMarkerStart)
	fmt.Fprintf(&b, "Measured %s on %s, by `scripts/bench.sh -sizes %s -duration %s -phases reach`, at the largest corpus: %s runs of %d clients, each page warm (as a running server serves it between two writes) and then the plain server answering one of its answers.\n",
		r.started.UTC().Format("2006-01-02 15:04 MST"), machine(), joinInts(o.sizes), o.duration, o.duration, o.concurrency)
	if r.postgres != "" {
		fmt.Fprintf(&b, "PostgreSQL %s.\n", r.postgres)
	}
	b.WriteString("\n| engine | stories | page | example | req/s | plain server req/s | ratio (goal ≥ 0.5×) | p99 | from page cache (warm-up runs) |\n|---|---:|---|---|---:|---:|---:|---:|---:|\n")
	for _, rr := range r.reach {
		for _, p := range rr.Pages {
			fmt.Fprintf(&b, "| %s | %d | %s | `%s` | %.0f | %.0f | %s: %s | %s | %.1f%% (%d) |\n", rr.Engine, rr.Size, p.Name, p.Path,
				p.Jigsaw.RPS(), p.Plain.RPS(), ratio(p.Jigsaw.RPS(), p.Plain.RPS()), check(p.Jigsaw.RPS() >= 0.5*p.Plain.RPS()),
				ms(p.Jigsaw.P99), 100*p.Jigsaw.HitRate(), p.WarmRuns)
		}
	}
	b.WriteString("\nSearch of every kind (stories, dangers, disputes, organisations: `store.SearchPublic`), 300 two-word searches one at a time after 300 others, against the raw queries that find and rank the same matches in the same four indexes:\n\n| engine | stories | search p50 | search p99 | raw p50 | raw p99 | goal p99 ≤ 30 ms and ≤ 1.5× raw |\n|---|---:|---:|---:|---:|---:|---|\n")
	for _, rr := range r.reach {
		fmt.Fprintf(&b, "| %s | %d | %s | %s | %s | %s | %s (%s) |\n", rr.Engine, rr.Size, ms(rr.Search.P50), ms(rr.Search.P99), ms(rr.SearchRaw.P50), ms(rr.SearchRaw.P99),
			check(rr.Search.P99 <= 30*time.Millisecond && float64(rr.Search.P99) <= 1.5*float64(rr.SearchRaw.P99)), ratio(float64(rr.Search.P99), float64(rr.SearchRaw.P99)))
	}
	b.WriteString("\nA whole list exported, by a server started for it (its RSS before, then the most anonymous memory it held while it exported: its RSS also counts the database pages SQLite's readers map):\n\n| engine | export | rows | size | time | rows/s | server RSS idle | server peak anonymous memory (goal < 100 MB) |\n|---|---|---:|---:|---:|---:|---:|---:|\n")
	for _, rr := range r.reach {
		e := rr.Export
		fmt.Fprintf(&b, "| %s | `%s` | %d | %.1f MB | %s | %.0f | %.1f MB | %.1f MB: %s |\n", rr.Engine, e.Path, e.Rows, float64(e.Bytes)/(1<<20),
			e.Took.Round(100*time.Millisecond), float64(e.Rows)/e.Took.Seconds(), e.IdleRSS, e.PeakAnon, check(e.PeakAnon < 100))
	}
	fmt.Fprintf(&b, "\n%s\n", reachMarkerEnd)
	return b.String()
}

// machine describes where a run was measured.
func machine() string {
	return fmt.Sprintf("%d cores (%s/%s, %s)", runtime.NumCPU(), runtime.GOOS, runtime.GOARCH, runtime.Version())
}

func joinInts(v []int) string {
	s := make([]string, len(v))
	for i, n := range v {
		s[i] = fmt.Sprint(n)
	}
	return strings.Join(s, ",")
}

// write puts the sections of the phases that ran between their markers in
// path, replacing the figures of the run before and keeping the rest of the
// file (the reference text, written by hand, and the sections of phases that
// did not run). The page holds the latest figures only; earlier ones are in
// its git history.
func (r *report) write(path string) error {
	var blocks [][3]string
	if r.opts.phase("pages") || r.opts.phase("writes") {
		blocks = append(blocks, [3]string{markerStart, markerEnd, r.markdown()})
	}
	if r.opts.phase("reach") && len(r.reach) > 0 {
		blocks = append(blocks, [3]string{reachMarkerStart, reachMarkerEnd, r.reachMarkdown()})
	}
	if r.opts.phase("import") && len(r.imports) > 0 {
		blocks = append(blocks, [3]string{importMarkerStart, importMarkerEnd, r.importMarkdown()})
	}
	if r.opts.phase("swarm") && len(r.swarm) > 0 {
		blocks = append(blocks, [3]string{swarmMarkerStart, swarmMarkerEnd, r.swarmMarkdown()})
	}
	if path == "-" {
		for _, b := range blocks {
			if _, err := os.Stdout.WriteString(b[2]); err != nil {
				return err
			}
		}
		return nil
	}
	old, err := os.ReadFile(path)
	if err != nil && !os.IsNotExist(err) {
		return err
	}
	doc := string(old)
	for _, b := range blocks {
		start, end, md := b[0], b[1], b[2]
		if i, j := strings.Index(doc, start), strings.Index(doc, end); i >= 0 && j > i {
			doc = doc[:i] + strings.TrimSuffix(md, "\n") + doc[j+len(end):]
		} else {
			if doc == "" {
				doc = "# Benchmarks\n\n"
			}
			doc = strings.TrimRight(doc, "\n") + "\n\n" + md
		}
	}
	logf("writing %s", path)
	return os.WriteFile(path, []byte(doc), 0o644)
}

// turnRatios lists the ratios of a measure's turns.
func turnRatios(rs []float64) string {
	turns := make([]string, len(rs))
	for i, r := range rs {
		turns[i] = fmt.Sprintf("%.2f×", r)
	}
	return strings.Join(turns, ", ")
}
