package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"jigsaw"
	"jigsaw/internal/app"
	"jigsaw/internal/config"
	"jigsaw/internal/deliver"
)

// swarmResult is one item fanned out to every follower's inbox, on one
// engine: as the server does it (the change log, the queue, a signature
// for each inbox), against the same body posted plainly to the same
// inboxes; then again with a tenth of the peers dead.
type swarmResult struct {
	Engine   string
	Inboxes  int
	Workers  int
	Fanout   time.Duration // publication to the last inbox delivered
	Plain    time.Duration // the same body to the same inboxes: no queue, no signatures
	Unsigned int           // posts that came without a signature (must be 0)
	Twice    int           // inboxes that got an activity more than once (must be 0)

	Dead      int           // inboxes of dead peers in the second run
	WithDead  time.Duration // publication to the last live inbox delivered
	LiveMiss  int           // live inboxes not delivered in that run (must be 0)
	DeadRetry int           // deliveries to dead peers waiting for a retry afterwards
}

// inboxStub counts the posts each inbox of it receives.
type inboxStub struct {
	srv      *http.Server
	ln       net.Listener
	counts   []atomic.Int32
	unsigned atomic.Int32
	last     atomic.Pointer[[]byte] // the body of a post, for the plain posts
}

func startInboxStub(n int) (*inboxStub, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	s := &inboxStub{ln: ln, counts: make([]atomic.Int32, n)}
	s.srv = &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		s.last.Store(&body)
		i, err := strconv.Atoi(strings.TrimPrefix(r.URL.Path, "/inbox/"))
		if err != nil || i < 0 || i >= n {
			http.NotFound(w, r)
			return
		}
		if r.Header.Get("Signature") == "" {
			s.unsigned.Add(1)
		}
		s.counts[i].Add(1)
		w.WriteHeader(http.StatusAccepted)
	})}
	go s.srv.Serve(ln)
	return s, nil
}

func (s *inboxStub) inbox(i int) string { return fmt.Sprintf("http://%s/inbox/%d", s.ln.Addr(), i) }

// tally says how many inboxes below n got no post and how many more than
// one, and starts the counts afresh.
func (s *inboxStub) tally(n int) (missed, twice int) {
	for i := range n {
		switch c := s.counts[i].Swap(0); {
		case c == 0:
			missed++
		case c > 1:
			twice++
		}
	}
	return missed, twice
}

// startDeadPeer listens and drops every connection unanswered: a peer that
// is down behind a host that still answers.
func startDeadPeer() (net.Listener, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			c.Close()
		}
	}()
	return ln, nil
}

// benchSwarm measures the fan-out on each engine: the App as `jigsaw
// serve` builds it, its runner drained in this process.
func benchSwarm(ctx context.Context, o options, rep *report) error {
	for _, engine := range o.engines {
		res, err := swarmOn(ctx, o, engine)
		if err != nil {
			return fmt.Errorf("swarm %s: %w", engine, err)
		}
		logf("swarm %s: %d inboxes in %s (plain %s); with %d dead, the live ones in %s", engine, res.Inboxes,
			res.Fanout.Round(time.Millisecond), res.Plain.Round(time.Millisecond), res.Dead, res.WithDead.Round(time.Millisecond))
		rep.swarm = append(rep.swarm, res)
	}
	return nil
}

func swarmOn(ctx context.Context, o options, engine string) (res swarmResult, err error) {
	res = swarmResult{Engine: engine, Inboxes: o.inboxes, Dead: o.inboxes / 10}
	dsn, cleanup, err := emptyDatabase(ctx, o, engine, "swarm")
	if err != nil {
		return res, err
	}
	defer cleanup()
	stub, err := startInboxStub(o.inboxes)
	if err != nil {
		return res, err
	}
	defer stub.srv.Close()
	dead, err := startDeadPeer()
	if err != nil {
		return res, err
	}
	defer dead.Close()
	// The defaults of `jigsaw serve`, with peers on loopback allowed.
	var cfg config.Config
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	config.ServeFlags(fs, &cfg)
	if err := fs.Parse(nil); err != nil {
		return res, err
	}
	cfg.DB, cfg.BaseURL, cfg.AllowPrivatePeers = dsn, "http://127.0.0.1:1", true
	if err := cfg.Validate(); err != nil {
		return res, err
	}
	a, err := app.Open(ctx, cfg, app.NewLogger(io.Discard, "text", "error"))
	if err != nil {
		return res, err
	}
	defer a.Close()
	follow := func(actor, inbox string) error {
		return a.DB.AddFollower(ctx, &jigsaw.Follower{Actor: actor, Inbox: inbox, Domain: "127.0.0.1"})
	}
	for i := range o.inboxes {
		if err := follow(fmt.Sprintf("http://%s/users/%d", stub.ln.Addr(), i), stub.inbox(i)); err != nil {
			return res, err
		}
	}
	publish := func(title string) error {
		s := &jigsaw.Story{Title: title, PublicBody: "What happened on the ward, as the teller agreed it be published.",
			Kind: jigsaw.StoryStaff, District: "BD20", Area: "Keighley", Status: jigsaw.StoryPublished, PublishedAt: time.Now()}
		return a.DB.CreateStory(ctx, s, &jigsaw.Person{Name: "A porter", Email: "porter@example.invalid"})
	}
	// A first item, not timed, makes the instance's key and warms the
	// connections as a running server's would be.
	if err := publish("Warm-up"); err != nil {
		return res, err
	}
	if err := a.Deliver.Drain(ctx); err != nil {
		return res, err
	}
	stub.tally(o.inboxes)
	res.Workers = a.Deliver.Workers

	if err := publish("Porters moved to the subsidiary"); err != nil {
		return res, err
	}
	t0 := time.Now()
	if err := a.Deliver.Drain(ctx); err != nil {
		return res, err
	}
	res.Fanout = time.Since(t0)
	missed, twice := stub.tally(o.inboxes)
	res.Unsigned, res.Twice = int(stub.unsigned.Load()), twice
	if missed > 0 {
		return res, fmt.Errorf("%d of %d inboxes got nothing", missed, o.inboxes)
	}

	// The same body to the same inboxes, as many at once as the runner
	// sends: what posting costs without the queue and the signatures.
	if res.Plain, err = plainPosts(ctx, stub, o.inboxes, res.Workers, *stub.last.Load()); err != nil {
		return res, err
	}
	stub.tally(o.inboxes)

	// A tenth of the followers move to a peer that is dead.
	for i := range res.Dead {
		if _, err := a.DB.RemoveFollower(ctx, fmt.Sprintf("http://%s/users/%d", stub.ln.Addr(), i)); err != nil {
			return res, err
		}
		if err := follow(fmt.Sprintf("http://%s/users/%d", dead.Addr(), i), fmt.Sprintf("http://%s/inbox/%d", dead.Addr(), i)); err != nil {
			return res, err
		}
	}
	if err := publish("The strike is on"); err != nil {
		return res, err
	}
	t0 = time.Now()
	if err := a.Deliver.Drain(ctx); err != nil {
		return res, err
	}
	res.WithDead = time.Since(t0)
	missed, _ = stub.tally(o.inboxes)
	res.LiveMiss = missed - res.Dead // the first Dead inboxes of the stub have no follower now
	_, res.DeadRetry, err = a.DB.FindDeliveries(ctx, jigsaw.DeliveryFilter{Host: dead.Addr().String(), State: string(jigsaw.DeliveryPending)}, 1, 0)
	return res, err
}

func plainPosts(ctx context.Context, stub *inboxStub, n, workers int, body []byte) (time.Duration, error) {
	client := deliver.Client(true)
	next := atomic.Int64{}
	var wg sync.WaitGroup
	var failed atomic.Int32
	t0 := time.Now()
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := int(next.Add(1)) - 1; i < n; i = int(next.Add(1)) - 1 {
				req, _ := http.NewRequestWithContext(ctx, http.MethodPost, stub.inbox(i), strings.NewReader(string(body)))
				req.Header.Set("Content-Type", "application/activity+json")
				resp, err := client.Do(req)
				if err != nil {
					failed.Add(1)
					continue
				}
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
			}
		}()
	}
	wg.Wait()
	if f := failed.Load(); f > 0 {
		return 0, fmt.Errorf("%d plain posts failed", f)
	}
	return time.Since(t0), nil
}

// swarmMarkdown is the swarm phase's section.
func (r *report) swarmMarkdown() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s\n### Fan-out to followers\n\n", swarmMarkerStart)
	fmt.Fprintf(&b, "Measured %s on %s, by `scripts/bench.sh -phases swarm -inboxes %d`.\n\n",
		r.started.UTC().Format("2006-01-02 15:04 MST"), machine(), r.opts.inboxes)
	b.WriteString("| engine | inboxes | workers | fan-out (goal < 60 s) | plain posts | ratio | unsigned | twice | 10% dead: live ones delivered in | live missed | dead waiting to retry |\n|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n")
	for _, s := range r.swarm {
		fmt.Fprintf(&b, "| %s | %d | %d | %s: %s | %s | %s | %d | %d | %s | %d | %d of %d |\n", s.Engine, s.Inboxes, s.Workers,
			s.Fanout.Round(10*time.Millisecond), check(s.Fanout < time.Minute && s.Twice == 0 && s.Unsigned == 0),
			s.Plain.Round(10*time.Millisecond), ratio(s.Fanout.Seconds(), s.Plain.Seconds()), s.Unsigned, s.Twice,
			s.WithDead.Round(10*time.Millisecond), s.LiveMiss, s.DeadRetry, s.Dead)
	}
	fmt.Fprintf(&b, "\n%s\n", swarmMarkerEnd)
	return b.String()
}
