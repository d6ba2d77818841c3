// Package config reads Jigsaw's settings from command-line flags and from
// JIGSAW_<FLAG> environment variables, and checks them once.
package config

import (
	"flag"
	"fmt"
	"net"
	"net/netip"
	"net/url"
	"os"
	"strings"
	"time"

	"jigsaw"
)

// Config is everything `jigsaw serve` needs to know.
type Config struct {
	Addr      string // listen address
	DB        string // SQLite file path or postgres:// URL
	BaseURL   string // the public address, used in links sent by email and feeds
	SMTP      string // smtp://user:pass@host:port; "" keeps mail in the outbox
	MailFrom  string
	Demo      bool
	LogFormat string // text or json
	LogLevel  string // debug, info, warn, error

	SubmitPerHour   int           // stories one address may submit in an hour
	DigestEvery     time.Duration // how often moderators may get the waiting-stories digest
	MaxBodyBytes    int64         // upper limit of any request body
	MaxImportBytes  int64         // upper limit of a file uploaded on the admin's import page
	PageCacheMB     int           // memory for cached public pages
	ShutdownTimeout time.Duration // how long in-flight requests may drain
	// TrustedProxies are the addresses of the proxies in front of Jigsaw,
	// "10.0.0.0/8 192.0.2.7": from them alone X-Forwarded-For is believed.
	TrustedProxies string
	// Proxies is TrustedProxies parsed by Validate.
	Proxies []netip.Prefix

	// MetricsAddr is where /metrics is served alone, so that it need not be
	// public; "" serves it on Addr with everything else.
	MetricsAddr string

	// MaxResourceBytes is the upper limit of a file of the library (a
	// resource version); 0 in a Config built in code is the default.
	MaxResourceBytes int64

	// How long personal data needed only for a while is kept (see
	// jigsaw.Retention): addresses in the audit log and on sessions, the
	// text of mail sent, and stories never confirmed.
	RetainIPs              time.Duration
	RetainMail             time.Duration
	DeleteUnconfirmedAfter time.Duration

	// AllowPrivatePeers lets deliveries and fetches (federation, webhooks)
	// reach loopback and private addresses: for tests and closed networks.
	AllowPrivatePeers bool
	// DeliveryGiveUp is how long a failing delivery is retried.
	DeliveryGiveUp time.Duration
}

// confirmLinkLife is how long a story's confirmation link works
// (stories.ConfirmFor, which config does not import): an unconfirmed story
// is kept at least that long, so that no working link leads to a story
// deleted.
const confirmLinkLife = 7 * 24 * time.Hour

// Retention is what the retention flags ask to be dropped, and when.
func (c *Config) Retention() jigsaw.Retention {
	return jigsaw.Retention{IPs: c.RetainIPs, MailBodies: c.RetainMail, Unconfirmed: c.DeleteUnconfirmedAfter}
}

// retentionFlag is a flag of how long some personal data is kept.
type retentionFlag struct {
	name     string
	dst      *time.Duration
	def, min time.Duration
	usage    string
}

// retentionFlags are the flags of Retention. Each refuses a period under
// its least, on the command line and in the environment alike: an
// operator who writes 0 asks for something Jigsaw does not do, and is told
// so rather than given the default.
func (c *Config) retentionFlags() []retentionFlag {
	return []retentionFlag{
		{"retain-ips", &c.RetainIPs, 30 * 24 * time.Hour, time.Hour,
			"blank clients' addresses in the audit log and on sessions after this `duration`"},
		{"retain-mail", &c.RetainMail, 30 * 24 * time.Hour, time.Hour,
			"blank the subject and text of mail sent after this `duration` (to whom, when and what kind stay)"},
		// Twice the confirmation link's life: no link confirms a story
		// after a week, and a second week lets a teller whose mail went
		// astray write to the coalition while moderators can still find
		// the story.
		{"delete-unconfirmed-after", &c.DeleteUnconfirmedAfter, 2 * confirmLinkLife, confirmLinkLife,
			"delete a story never confirmed, with its teller's details, this `duration` after its submission (at least 168h, the confirmation link's life)"},
	}
}

// minDuration is a duration flag's value that refuses periods under min.
type minDuration struct {
	dst *time.Duration
	min time.Duration
}

func (m *minDuration) String() string {
	if m.dst == nil {
		return ""
	}
	return m.dst.String()
}

func (m *minDuration) Set(s string) error {
	d, err := time.ParseDuration(s)
	if err != nil {
		return fmt.Errorf("want a duration such as 720h")
	}
	if d < m.min {
		return fmt.Errorf("want at least %s", m.min)
	}
	*m.dst = d
	return nil
}

// DefaultDB is the SQLite file used when --db is not given.
const DefaultDB = "jigsaw.db"

// DBFlag registers --db on fs.
func DBFlag(fs *flag.FlagSet, dst *string) {
	fs.StringVar(dst, "db", DefaultDB, "database: a SQLite file path or a postgres:// URL")
}

// LogFlags registers --log-format and --log-level on fs.
func LogFlags(fs *flag.FlagSet, c *Config) {
	fs.StringVar(&c.LogFormat, "log-format", "text", "log format: text or json")
	fs.StringVar(&c.LogLevel, "log-level", "info", "log level: debug, info, warn or error")
}

// ServeFlags registers every flag of `jigsaw serve` on fs.
func ServeFlags(fs *flag.FlagSet, c *Config) {
	fs.StringVar(&c.Addr, "addr", "127.0.0.1:8080", "address to listen on")
	fs.StringVar(&c.MetricsAddr, "metrics-addr", "", "address to serve /metrics on, apart from --addr so it need not be public (default: on --addr)")
	DBFlag(fs, &c.DB)
	fs.StringVar(&c.BaseURL, "base-url", "", "public URL of this instance (default http://ADDR)")
	fs.StringVar(&c.SMTP, "smtp", "", "SMTP server, smtp://user:password@host:port; without it mail goes to the log and the outbox")
	fs.StringVar(&c.MailFrom, "mail-from", "jigsaw@localhost", "sender address of outgoing mail")
	fs.BoolVar(&c.Demo, "demo", false, "load the demo data before serving")
	LogFlags(fs, c)
	fs.Int64Var(&c.MaxBodyBytes, "max-body-bytes", 1<<20, "largest request body accepted, in bytes")
	fs.IntVar(&c.PageCacheMB, "page-cache-mb", 64, "memory for cached public pages, in MB (0 turns the cache off)")
	fs.Int64Var(&c.MaxImportBytes, "max-import-bytes", 256<<20, "largest file an admin may upload to import, in bytes (the command line has no limit)")
	fs.Int64Var(&c.MaxResourceBytes, "max-resource-bytes", jigsaw.DefaultMaxResourceBytes, "largest file an editor may add to the library of resources, in bytes")
	fs.IntVar(&c.SubmitPerHour, "submit-per-hour", 20, "stories one address may submit in an hour")
	fs.DurationVar(&c.DigestEvery, "digest-every", time.Hour, "at most how often moderators are emailed the stories waiting for review")
	fs.DurationVar(&c.ShutdownTimeout, "shutdown-timeout", 20*time.Second, "how long requests in flight may finish after SIGINT or SIGTERM")
	for _, f := range c.retentionFlags() {
		*f.dst = f.def
		fs.Var(&minDuration{f.dst, f.min}, f.name, f.usage)
	}
	fs.BoolVar(&c.AllowPrivatePeers, "allow-private-peers", false, "let federation and webhooks reach loopback and private addresses (for tests and closed networks)")
	fs.DurationVar(&c.DeliveryGiveUp, "delivery-give-up", 48*time.Hour, "how long a delivery to a peer or webhook that keeps failing is retried")
	fs.StringVar(&c.TrustedProxies, "trusted-proxies", "", "addresses or CIDR ranges of the proxies in front of Jigsaw, separated by spaces or commas; X-Forwarded-For is read only from them")
}

// Parse parses args into fs, then fills every flag not given on the command
// line from JIGSAW_<FLAG> (upper case, dashes as underscores). Flags win over
// the environment.
func Parse(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		return err
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	var err error
	fs.VisitAll(func(f *flag.Flag) {
		if set[f.Name] || err != nil {
			return
		}
		name := EnvName(f.Name)
		if v, ok := os.LookupEnv(name); ok {
			if e := fs.Set(f.Name, v); e != nil {
				err = &EnvError{Name: name, Value: v, Err: e}
			}
		}
	})
	return err
}

// EnvError is a bad value in a JIGSAW_* environment variable.
type EnvError struct {
	Name, Value string
	Err         error
}

func (e *EnvError) Error() string {
	return fmt.Sprintf("invalid value %q for %s: %v", e.Value, e.Name, e.Err)
}

// EnvName returns the environment variable read for the flag name.
func EnvName(flagName string) string {
	return "JIGSAW_" + strings.ToUpper(strings.ReplaceAll(flagName, "-", "_"))
}

// Validate checks the settings and fills in derived defaults.
func (c *Config) Validate() error {
	if _, _, err := net.SplitHostPort(c.Addr); err != nil {
		return fmt.Errorf("--addr %q: want host:port", c.Addr)
	}
	if c.MetricsAddr != "" {
		_, port, err := net.SplitHostPort(c.MetricsAddr)
		if err != nil {
			return fmt.Errorf("--metrics-addr %q: want host:port", c.MetricsAddr)
		}
		if c.MetricsAddr == c.Addr && port != "0" {
			return fmt.Errorf("--metrics-addr %q: want an address apart from --addr", c.MetricsAddr)
		}
	}
	if c.DB == "" {
		return fmt.Errorf("--db is empty: give a SQLite file path or a postgres:// URL")
	}
	if c.BaseURL == "" {
		c.BaseURL = "http://" + c.Addr
	}
	u, err := url.Parse(c.BaseURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("--base-url %q: want an http or https URL", c.BaseURL)
	}
	c.BaseURL = strings.TrimSuffix(c.BaseURL, "/")
	if c.SMTP != "" {
		u, err := url.Parse(c.SMTP)
		if err != nil || (u.Scheme != "smtp" && u.Scheme != "smtps") || u.Host == "" {
			return fmt.Errorf("--smtp: want smtp://[user:password@]host:port or smtps://…")
		}
	}
	switch c.LogFormat {
	case "text", "json":
	default:
		return fmt.Errorf("--log-format %q: want text or json", c.LogFormat)
	}
	switch c.LogLevel {
	case "debug", "info", "warn", "error":
	default:
		return fmt.Errorf("--log-level %q: want debug, info, warn or error", c.LogLevel)
	}
	if c.MaxBodyBytes < 1024 {
		return fmt.Errorf("--max-body-bytes %d: want at least 1024", c.MaxBodyBytes)
	}
	if c.PageCacheMB < 0 {
		return fmt.Errorf("--page-cache-mb %d: want 0 or more", c.PageCacheMB)
	}
	if c.MaxImportBytes < c.MaxBodyBytes {
		return fmt.Errorf("--max-import-bytes %d: want at least --max-body-bytes (%d)", c.MaxImportBytes, c.MaxBodyBytes)
	}
	if c.MaxResourceBytes == 0 {
		c.MaxResourceBytes = jigsaw.DefaultMaxResourceBytes
	} else if c.MaxResourceBytes < 1024 {
		return fmt.Errorf("--max-resource-bytes %d: want at least 1024", c.MaxResourceBytes)
	}
	if c.SubmitPerHour < 1 {
		return fmt.Errorf("--submit-per-hour must be at least 1")
	}
	if c.DigestEvery < time.Minute {
		return fmt.Errorf("--digest-every must be at least 1m")
	}
	if c.ShutdownTimeout <= 0 {
		return fmt.Errorf("--shutdown-timeout must be positive")
	}
	if c.DeliveryGiveUp == 0 {
		c.DeliveryGiveUp = 48 * time.Hour // a Config built in code
	} else if c.DeliveryGiveUp < time.Minute {
		return fmt.Errorf("--delivery-give-up must be at least 1m")
	}
	// A Config built in code rather than from flags gets the defaults.
	for _, f := range c.retentionFlags() {
		if *f.dst == 0 {
			*f.dst = f.def
		} else if *f.dst < f.min {
			return fmt.Errorf("--%s %s: want at least %s", f.name, *f.dst, f.min)
		}
	}
	c.Proxies = nil
	for _, s := range strings.FieldsFunc(c.TrustedProxies, func(r rune) bool { return r == ',' || r == ' ' }) {
		p, err := netip.ParsePrefix(s)
		if err != nil {
			a, aerr := netip.ParseAddr(s)
			if aerr != nil {
				return fmt.Errorf("--trusted-proxies: %q is neither an address nor a CIDR range such as 10.0.0.0/8", s)
			}
			p = netip.PrefixFrom(a, a.BitLen())
		}
		c.Proxies = append(c.Proxies, p.Masked())
	}
	return nil
}
