// Package app wires Jigsaw together: config → database → services → server.
// `jigsaw serve` and the end-to-end tests build the same App.
package app

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"time"

	"jigsaw"
	"jigsaw/internal/alerts"
	"jigsaw/internal/api"
	"jigsaw/internal/auth"
	"jigsaw/internal/config"
	"jigsaw/internal/deliver"
	"jigsaw/internal/demo"
	"jigsaw/internal/federation"
	"jigsaw/internal/imports"
	"jigsaw/internal/mailin"
	"jigsaw/internal/markdown"
	"jigsaw/internal/notify"
	"jigsaw/internal/server"
	"jigsaw/internal/store"
	"jigsaw/internal/stories"
	"jigsaw/internal/tips"
	"jigsaw/internal/watch"
	"jigsaw/internal/web"
	"jigsaw/internal/webhooks"
)

// Version is the version of this build, set at link time with
// -ldflags "-X jigsaw/internal/app.Version=…".
var Version = "dev"

// App is a running Jigsaw.
type App struct {
	Config config.Config
	Log    *slog.Logger
	DB     *store.DB
	Server *server.Server
	Mail   *notify.Sender
	// Watch fetches the watched sources on their schedules.
	Watch *watch.Runner
	// Deliver announces public changes to followers and webhooks and
	// delivers the queue; each part registers its consumer and channel.
	Deliver *deliver.Runner
	// FedKeys is the instance actor's key pair; FedActors finds other
	// servers' actors and keys; FedClient makes signed requests to them;
	// FedObjects builds what public items become when they go out.
	FedKeys    *federation.InstanceKeys
	FedActors  *federation.ActorKeys
	FedClient  *federation.Client
	FedObjects *federation.Builder
	// MailIn takes stories by email on mailInLn (--mail-in-addr); nil
	// when off.
	MailIn   *mailin.Server
	mailInLn net.Listener
	// Social is federation's social side: the inbox, followers, the
	// instances followed and the fan-out of public changes to followers.
	Social *federation.Social
	// Alerts sends the digests of alerts by email when they are due.
	Alerts *alerts.Digest

	lock *store.ServeLock // held until Close, so that no restore runs under us
}

// NewLogger returns the logger the config asks for, writing to w.
func NewLogger(w io.Writer, format, level string) *slog.Logger {
	var lv slog.Level
	lv.UnmarshalText([]byte(level))
	opts := &slog.HandlerOptions{Level: lv}
	if format == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}

// OpenDB opens the database with what every user of it needs besides SQL:
// the renderer of stories' public text, which is stored rendered.
func OpenDB(ctx context.Context, dsn string) (*store.DB, error) {
	db, err := store.Open(ctx, dsn)
	if err != nil {
		return nil, err
	}
	db.RenderHTML = markdown.New().Render
	return db, nil
}

// Open opens and migrates the database, loads the demo data if asked, and
// builds the server. cfg must have been validated.
func Open(ctx context.Context, cfg config.Config, log *slog.Logger) (_ *App, err error) {
	// Taken first, so that a restore cannot replace the database between
	// our opening it and locking it.
	lock, err := store.LockServe(ctx, cfg.DB, log)
	if err != nil {
		return nil, err
	}
	defer func() {
		if err != nil {
			lock.Release()
		}
	}()
	db, err := OpenDB(ctx, cfg.DB)
	if err != nil {
		return nil, err
	}
	a := &App{Config: cfg, Log: log, DB: db, lock: lock}
	// An existing PostgreSQL database is dumped into the working
	// directory first, as jigsaw migrate does.
	if _, err := db.MigrateWith(ctx, store.MigrateOptions{Log: log, DumpDir: "."}); err != nil {
		db.Close()
		return nil, fmt.Errorf("migrate %s: %w", db, err)
	}
	if cfg.Demo {
		sum, err := demo.Load(ctx, db)
		if err != nil {
			db.Close()
			return nil, fmt.Errorf("load demo data: %w", err)
		}
		log.Info("demo data loaded", "summary", fmt.Sprintf("%+v", sum))
	}
	var transport notify.Transport = notify.LogTransport{Log: log}
	if cfg.SMTP != "" {
		if transport, err = notify.NewSMTPTransport(cfg.SMTP); err != nil {
			db.Close()
			return nil, err
		}
	}
	a.Mail = notify.NewSender(db, transport, cfg.MailFrom, log)
	a.Deliver = &deliver.Runner{Store: db, Log: log, GiveUpAfter: cfg.DeliveryGiveUp, Channels: map[string]deliver.Func{}}
	db.OnContentChange = a.Deliver.Wake
	hooks := &webhooks.Service{Store: db, Item: (&api.API{Store: db, BaseURL: cfg.BaseURL, Log: log}).PublicJSON,
		Client: deliver.Client(cfg.AllowPrivatePeers), UserAgent: "Jigsaw/" + Version + " (+" + cfg.BaseURL + ")"}
	a.Deliver.Channels[webhooks.Channel] = hooks.Deliver
	a.Deliver.Consumers = append(a.Deliver.Consumers, deliver.Consumer{Name: webhooks.Consumer, Plan: hooks.Plan})
	a.Watch = &watch.Runner{Store: db, Log: log, UserAgent: "Jigsaw/" + Version + " (+" + cfg.BaseURL + ")",
		Import: func(ctx context.Context, kind string, src *imports.Source, opt imports.Options) (*jigsaw.ImportRun, error) {
			return imports.Import(ctx, db, kind, src, opt)
		}}
	a.FedKeys = federation.NewInstanceKeys(db, cfg.BaseURL)
	a.FedClient = &federation.Client{HTTP: deliver.Client(cfg.AllowPrivatePeers), UserAgent: "Jigsaw/" + Version + " (+" + cfg.BaseURL + ")"}
	a.FedActors = &federation.ActorKeys{Store: db, Client: a.FedClient, Keys: a.FedKeys}
	md := markdown.New()
	a.FedObjects = &federation.Builder{BaseURL: cfg.BaseURL, Markdown: md.Render}
	fed := &federation.Documents{Store: db, Keys: a.FedKeys, Objects: a.FedObjects, BaseURL: cfg.BaseURL, Version: Version,
		Name: siteName, Description: siteDescription, Log: log}
	a.Social = &federation.Social{DB: db, Actors: a.FedActors, Base: cfg.BaseURL, Sanitize: md.Sanitize, Text: markdown.Text, Log: log,
		Wake: a.Deliver.Wake, Documents: fed, Keys: a.FedKeys, Client: a.FedClient, PlainHTTP: cfg.AllowPrivatePeers}
	a.Deliver.Channels[federation.ChannelActivityPub] = a.Social.Deliver
	a.Deliver.Consumers = append(a.Deliver.Consumers, a.Social.Consumer())
	w, err := wire(ctx, cfg, db, a.Mail, a.Watch, fed, a.Social, log)
	if err != nil {
		db.Close()
		return nil, err
	}
	a.Server, a.Alerts = w.server, w.alerts
	if cfg.MailInAddr != "" {
		// Listened on here, so that a port taken is an error at start.
		if a.mailInLn, err = net.Listen("tcp", cfg.MailInAddr); err != nil {
			db.Close()
			return nil, fmt.Errorf("--mail-in-addr: %w", err)
		}
		a.MailIn = &mailin.Server{Address: cfg.MailInAddress, MaxBytes: cfg.MailInMaxBytes, OwnDomain: domainOf(cfg.MailFrom),
			Hostname: domainOf(cfg.MailInAddress), Stories: w.stories, Limits: db, Log: log, MaxConns: 8, Timeout: time.Minute}
	}
	return a, nil
}

// wire builds every service on db and hands them to the pages, the API and
// the server: the one place that knows which implementation stands behind
// each interface.
// wired is what wire builds that the App keeps or hands on.
type wired struct {
	server  *server.Server
	stories *stories.Service // for the mail-in listener
	alerts  *alerts.Digest
}

func wire(ctx context.Context, cfg config.Config, db *store.DB, mail *notify.Sender, watcher *watch.Runner, fed *federation.Documents, social *federation.Social, log *slog.Logger) (*wired, error) {
	authn := &auth.Service{DB: db, Secure: strings.HasPrefix(cfg.BaseURL, "https://")}
	links, err := stories.NewSigner(ctx, db, cfg.BaseURL)
	if err != nil {
		return nil, err
	}
	storySvc := &stories.Service{Store: db, Links: links, WakeMail: mail.Wake,
		SubmitLimit: jigsaw.Limit{Max: cfg.SubmitPerHour, Window: time.Hour}}
	tipSvc := &tips.Service{Store: db, Links: links, WakeMail: mail.Wake,
		Limit: jigsaw.Limit{Max: cfg.SubmitPerHour, Window: time.Hour}}
	alertSvc := &alerts.Service{Store: db, Links: links, WakeMail: mail.Wake,
		Limit: jigsaw.Limit{Max: cfg.SubmitPerHour, Window: time.Hour}}
	pages, err := web.New(web.Config{
		Store: db, Edit: db, Private: db, Account: db, Stories: storySvc, Tips: tipSvc, Alerts: alertSvc, Auth: authn,
		Import: func(ctx context.Context, kind string, src *imports.Source, opt imports.Options) (*jigsaw.ImportRun, error) {
			return imports.Import(ctx, db, kind, src, opt)
		},
		ImportRuns: db,
		Watch:      db,
		WakeWatch:  watcher.Wake,
		WakeMail:   mail.Wake,
		// The admins' federation page reads the store and acts through
		// the social layer.
		Federation: struct {
			*store.DB
			*federation.Social
		}{db, social},
		Site: web.Site{
			Name:        siteName,
			Description: siteDescription,
			BaseURL:     cfg.BaseURL,
		},
		Log:              log,
		MaxResourceBytes: cfg.MaxResourceBytes,
		MailInAddress:    cfg.MailInAddress,
	})
	if err != nil {
		return nil, err
	}
	api := &api.API{Store: db, Edit: db, Stories: storySvc, BaseURL: cfg.BaseURL, Log: log, MaxResourceBytes: cfg.MaxResourceBytes}
	return &wired{
		server:  server.New(server.Options{Config: cfg, DB: db, Log: log, Version: Version, Auth: authn, Pages: pages, API: api, Federation: fed, Social: social}),
		stories: storySvc,
		alerts:  &alerts.Digest{Service: alertSvc, Hour: cfg.AlertHour, From: cfg.MailFrom, Log: log},
	}, nil
}

// domainOf returns the domain of an email address.
func domainOf(addr string) string {
	_, d, _ := strings.Cut(addr, "@")
	return d
}

// MailInAddr is the address the mail-in listener answers on, "" when off.
func (a *App) MailInAddr() string {
	if a.mailInLn == nil {
		return ""
	}
	return a.mailInLn.Addr().String()
}

// siteName and siteDescription stand for the site's until an admin sets
// its own.
const (
	siteName        = "Jigsaw"
	siteDescription = "Stories, dangers and disputes of the health service, fitted together by the organisations that defend it."
)

// Serve answers on ln and sends queued mail until ctx is cancelled, then
// drains requests in flight and returns.
func (a *App) Serve(ctx context.Context, ln net.Listener) error {
	a.Log.Info("serving", "url", a.Config.BaseURL, "addr", ln.Addr().String(), "database", a.DB.String(), "version", Version)
	mailCtx, stopMail := context.WithCancel(context.WithoutCancel(ctx))
	mailDone := make(chan struct{})
	go func() {
		defer close(mailDone)
		a.Mail.Run(mailCtx)
	}()
	digest := &notify.Digest{Store: a.DB, Every: a.Config.DigestEvery, BaseURL: a.Config.BaseURL, Log: a.Log, Wake: a.Mail.Wake}
	digestDone := make(chan struct{})
	go func() {
		defer close(digestDone)
		digest.Run(mailCtx, min(a.Config.DigestEvery, 5*time.Minute))
	}()
	alertsDone := make(chan struct{})
	go func() {
		defer close(alertsDone)
		a.Alerts.Run(mailCtx, 5*time.Minute)
	}()
	// Watched sources are fetched until the server stops; a run cut short
	// is recorded and taken up again on the next start.
	watchDone := make(chan struct{})
	go func() {
		defer close(watchDone)
		a.Watch.Run(mailCtx)
	}()
	// Deliveries cut short are claimed again once their lease runs out.
	deliverDone := make(chan struct{})
	go func() {
		defer close(deliverDone)
		a.Deliver.Run(mailCtx)
	}()
	optimizeDone := make(chan struct{})
	go func() {
		defer close(optimizeDone)
		a.optimize(mailCtx, time.Hour)
	}()
	mailInDone := make(chan struct{})
	go func() {
		defer close(mailInDone)
		if a.MailIn != nil {
			if err := a.MailIn.Serve(mailCtx, a.mailInLn); err != nil {
				a.Log.Error("mail-in listener", "error", err)
			}
		}
	}()
	err := a.Server.Serve(ctx, ln)
	// Mail queued by the last requests is sent on the next start if the
	// sender stops before reaching it: the queue is in the database.
	stopMail()
	<-mailDone
	<-digestDone
	<-alertsDone
	<-optimizeDone
	<-watchDone
	<-deliverDone
	<-mailInDone
	return err
}

// ServeMetrics answers GET /metrics, and nothing else, on ln until ctx is
// cancelled, then lets scrapes in flight finish: the address of
// --metrics-addr, kept apart from the public one. The main address then has
// no /metrics (server.Server leaves the route out).
func (a *App) ServeMetrics(ctx context.Context, ln net.Listener) error {
	a.Log.Info("serving metrics", "addr", ln.Addr().String())
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", a.Server.MetricsHandler())
	srv := &http.Server{
		Handler:           mux,
		ReadHeaderTimeout: 10 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       120 * time.Second,
		ErrorLog:          slog.NewLogLogger(a.Log.Handler(), slog.LevelWarn),
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return fmt.Errorf("serve metrics: %w", err)
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), a.Config.ShutdownTimeout)
	defer cancel()
	err := srv.Shutdown(sctx)
	<-errc // http.ErrServerClosed
	return err
}

// optimize keeps the query planner's statistics current (store.DB.Optimize):
// at start, for a database that has none, and then every period.
func (a *App) optimize(ctx context.Context, every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		if err := a.DB.Optimize(ctx); err != nil && ctx.Err() == nil {
			a.Log.Warn("optimize database", "err", err)
		}
		// No limit's window is longer than a day.
		if _, err := a.DB.ExpireRateLimits(ctx, time.Now().Add(-24*time.Hour)); err != nil && ctx.Err() == nil {
			a.Log.Warn("expire rate-limit counters", "err", err)
		}
		// Deliveries finished a week ago, and the change log every
		// consumer has read.
		if _, err := a.DB.PruneDeliveries(ctx, time.Now().Add(-7*24*time.Hour)); err != nil && ctx.Err() == nil {
			a.Log.Warn("prune deliveries", "err", err)
		}
		// Personal data past its keeping (--retain-ips and the like).
		if n, err := a.DB.ApplyRetention(ctx, time.Now(), a.Config.Retention()); err != nil && ctx.Err() == nil {
			a.Log.Warn("drop personal data past its keeping", "err", err)
		} else if err == nil && !n.Zero() {
			a.Log.Info("dropped personal data past its keeping", "ips", n.IPs, "mail_bodies", n.MailBodies,
				"unconfirmed_stories", n.Stories, "people", n.People, "mails", n.Mails)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// Close closes the database, then lets its serve lock go.
func (a *App) Close() error {
	if a.mailInLn != nil {
		a.mailInLn.Close() // when Serve never ran; closed already otherwise
	}
	err := a.DB.Close()
	a.lock.Release()
	return err
}
