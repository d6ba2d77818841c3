package main

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"jigsaw/internal/store"
)

// storyJSON is a valid submission; key makes each one distinct.
func storyJSON(key string) string {
	return `{"title": "Crash test story ` + key + `", "body": "A story submitted while the server is killed at random moments.",
		"kind": "patient", "name": "Crash Tester", "email": "crash+` + key + `@example.invalid", "publish_as": "without-name", "agree": true}`
}

// submit posts one story and returns its ID once the server acknowledged
// it with 201; any other outcome (the server died mid-request) returns 0.
func submit(client *http.Client, base, key string) int64 {
	req, _ := http.NewRequest("POST", base+"/api/v1/stories", strings.NewReader(storyJSON(key)))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Idempotency-Key", key)
	resp, err := client.Do(req)
	if err != nil {
		return 0
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil || resp.StatusCode != 201 {
		return 0
	}
	s := string(b)
	i := strings.Index(s, `"id":`)
	if i < 0 {
		return 0
	}
	s = s[i+5:]
	j := strings.IndexAny(s, ",}")
	id, _ := strconv.ParseInt(strings.TrimSpace(s[:j]), 10, 64)
	return id
}

// crashResult is what the crash test found.
type crashResult struct {
	Rounds, Acknowledged, Lost int
	IntegrityOK                bool
}

// crashTest submits stories from several clients, kills the server with
// SIGKILL at a random moment, restarts it, and checks that every story the
// server acknowledged is in the database and the database is sound.
func crashTest(ctx context.Context, bin, dsn string, rounds int, logf func(string, ...any)) (crashResult, error) {
	res := crashResult{Rounds: rounds, IntegrityOK: true}
	rng := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 1))
	for round := 0; round < rounds; round++ {
		srv, err := startProc(ctx, bin, "serve", "--db", dsn, "--log-level", "error", "--submit-per-hour", "100000000")
		if err != nil {
			return res, err
		}
		var acked sync.Map
		var n atomic.Int64
		stop := make(chan struct{})
		var wg sync.WaitGroup
		for w := 0; w < 8; w++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				client := &http.Client{Timeout: 5 * time.Second}
				for i := 0; ; i++ {
					select {
					case <-stop:
						return
					default:
					}
					key := fmt.Sprintf("r%d-w%d-%d-%d", round, w, i, rng.Uint32())
					if id := submit(client, "http://"+srv.addr, key); id != 0 {
						acked.Store(key, id)
						n.Add(1)
					}
				}
			}()
		}
		time.Sleep(time.Duration(100+rng.IntN(900)) * time.Millisecond)
		srv.cmd.Process.Signal(syscall.SIGKILL)
		srv.cmd.Wait()
		close(stop)
		wg.Wait()

		db, err := store.Open(ctx, dsn)
		if err != nil {
			return res, fmt.Errorf("round %d: reopen after kill: %w", round, err)
		}
		lost := 0
		acked.Range(func(k, v any) bool {
			if st, _, err := db.StoryStatus(ctx, v.(int64)); err != nil || st == "" {
				lost++
			}
			return true
		})
		if err := db.IntegrityCheck(ctx); err != nil {
			res.IntegrityOK = false
			logf("round %d: %v", round, err)
		}
		db.Close()
		res.Acknowledged += int(n.Load())
		res.Lost += lost
		if logf != nil {
			logf("crash round %d: %d acknowledged, %d lost", round+1, n.Load(), lost)
		}
	}
	return res, nil
}

// submissionRate measures acknowledged (durably committed) submissions per
// second, and as a baseline the rate of bare single-row INSERT
// transactions with the same durability on the same engine.
func submissionRate(ctx context.Context, bin, dsn, engine string, d time.Duration, clients int) (jigsaw, baseline float64, err error) {
	srv, err := startProc(ctx, bin, "serve", "--db", dsn, "--log-level", "error", "--submit-per-hour", "100000000")
	if err != nil {
		return 0, 0, err
	}
	var n atomic.Int64
	deadline := time.Now().Add(d)
	var wg sync.WaitGroup
	for w := 0; w < clients; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			client := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: 4}}
			for i := 0; time.Now().Before(deadline); i++ {
				if submit(client, "http://"+srv.addr, fmt.Sprintf("rate-%d-%d-%d", w, i, time.Now().UnixNano())) != 0 {
					n.Add(1)
				}
			}
		}()
	}
	wg.Wait()
	srv.stop()
	jigsaw = float64(n.Load()) / d.Seconds()

	driver, src := "sqlite", "file:"+dsn+"?_pragma=journal_mode(WAL)&_pragma=synchronous(FULL)&_txlock=immediate"
	if engine == "postgres" {
		driver, src = "pgx", dsn
	}
	db, err := sql.Open(driver, src)
	if err != nil {
		return jigsaw, 0, err
	}
	defer db.Close()
	if engine == "sqlite" {
		db.SetMaxOpenConns(1) // SQLite has one writer; more connections only spin on its lock
	}
	if _, err := db.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS bench_baseline (id INTEGER PRIMARY KEY, body TEXT)`); err != nil {
		return jigsaw, 0, err
	}
	var m atomic.Int64
	deadline = time.Now().Add(d)
	for w := 0; w < clients; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; time.Now().Before(deadline); i++ {
				if _, err := db.ExecContext(ctx, `INSERT INTO bench_baseline (id, body) VALUES ($1, $2)`, w*100_000_000+i+1, storyJSON("x")); err == nil {
					m.Add(1)
				}
			}
		}()
	}
	wg.Wait()
	db.ExecContext(ctx, `DROP TABLE bench_baseline`)
	return jigsaw, float64(m.Load()) / d.Seconds(), nil
}

// writeResult holds the write figures of one engine.
type writeResult struct {
	Engine          string
	Submissions     float64 // acknowledged per second
	BaselineInserts float64 // bare durable INSERT transactions per second
	Crash           crashResult
}

// benchWrites measures durable submissions and runs the crash test on a
// fresh database of the engine.
func benchWrites(ctx context.Context, o options, engine string, rep *report) error {
	dsn, cleanup, err := newDatabase(ctx, o, engine)
	if err != nil {
		return err
	}
	defer cleanup()
	if engine == "sqlite" {
		dsn = dsn + ".writes"
	}
	wr := writeResult{Engine: engine}
	if wr.Submissions, wr.BaselineInserts, err = submissionRate(ctx, o.bin, dsn, engine, o.duration, 16); err != nil {
		return err
	}
	logf("%s: %.0f acknowledged submissions/s; bare durable inserts %.0f/s", engine, wr.Submissions, wr.BaselineInserts)
	if wr.Crash, err = crashTest(ctx, o.bin, dsn, o.crashRounds, logf); err != nil {
		return err
	}
	rep.writes = append(rep.writes, wr)
	return nil
}
