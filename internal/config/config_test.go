package config

import (
	"flag"
	"io"
	"strings"
	"testing"
	"time"

	"jigsaw"
	"jigsaw/internal/stories"
)

func parse(t *testing.T, env map[string]string, args ...string) (*Config, error) {
	t.Helper()
	for k, v := range env {
		t.Setenv(k, v)
	}
	var c Config
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	ServeFlags(fs, &c)
	if err := Parse(fs, args); err != nil {
		return nil, err
	}
	return &c, c.Validate()
}

func TestParse(t *testing.T) {
	for _, tt := range []struct {
		name    string
		env     map[string]string
		args    []string
		check   func(c *Config) bool
		wantErr string
	}{
		{"defaults", nil, nil, func(c *Config) bool {
			return c.Addr == "127.0.0.1:8080" && c.DB == "jigsaw.db" && c.BaseURL == "http://127.0.0.1:8080" && !c.Demo
		}, ""},
		{"env fills flags", map[string]string{"JIGSAW_DB": "postgres://u@h/d", "JIGSAW_DEMO": "true", "JIGSAW_LOG_FORMAT": "json"}, nil,
			func(c *Config) bool { return c.DB == "postgres://u@h/d" && c.Demo && c.LogFormat == "json" }, ""},
		{"flag beats env", map[string]string{"JIGSAW_ADDR": "127.0.0.1:1"}, []string{"--addr", "127.0.0.1:2"},
			func(c *Config) bool { return c.Addr == "127.0.0.1:2" }, ""},
		{"base URL trimmed", nil, []string{"--base-url", "https://nhs.example/"},
			func(c *Config) bool { return c.BaseURL == "https://nhs.example" }, ""},
		{"metrics on the main address by default", nil, nil, func(c *Config) bool { return c.MetricsAddr == "" }, ""},
		{"metrics address from env", map[string]string{"JIGSAW_METRICS_ADDR": "127.0.0.1:9090"}, nil,
			func(c *Config) bool { return c.MetricsAddr == "127.0.0.1:9090" }, ""},
		{"metrics and main on port 0", nil, []string{"--addr", "127.0.0.1:0", "--metrics-addr", "127.0.0.1:0"},
			func(c *Config) bool { return c.MetricsAddr == "127.0.0.1:0" }, ""},
		{"bad metrics addr", nil, []string{"--metrics-addr", "9090"}, nil, "--metrics-addr"},
		{"metrics addr is the main one", nil, []string{"--metrics-addr", "127.0.0.1:8080"}, nil, "--metrics-addr"},
		{"trusted proxies", map[string]string{"JIGSAW_TRUSTED_PROXIES": "10.0.0.0/8, 192.0.2.7 2001:db8::/32"}, nil,
			func(c *Config) bool {
				return len(c.Proxies) == 3 && c.Proxies[1].String() == "192.0.2.7/32" && c.Proxies[2].String() == "2001:db8::/32"
			}, ""},
		{"bad trusted proxy", nil, []string{"--trusted-proxies", "10.0.0.0/8,proxy.example"}, nil, "proxy.example"},
		{"bad env value", map[string]string{"JIGSAW_DEMO": "maybe"}, nil, nil, "JIGSAW_DEMO"},
		{"bad addr", nil, []string{"--addr", "8080"}, nil, "--addr"},
		{"bad base URL", nil, []string{"--base-url", "ftp://x"}, nil, "--base-url"},
		{"bad smtp", nil, []string{"--smtp", "mail.example"}, nil, "--smtp"},
		{"bad log format", nil, []string{"--log-format", "xml"}, nil, "--log-format"},
		{"unknown flag", nil, []string{"--colour", "red"}, nil, "colour"},
		{"retention defaults", nil, nil, func(c *Config) bool {
			return c.Retention() == jigsaw.Retention{IPs: 720 * time.Hour, MailBodies: 720 * time.Hour, Unconfirmed: 336 * time.Hour}
		}, ""},
		{"retention from env and flags", map[string]string{"JIGSAW_RETAIN_IPS": "24h", "JIGSAW_RETAIN_MAIL": "2160h", "JIGSAW_DELETE_UNCONFIRMED_AFTER": "720h"},
			[]string{"--retain-ips", "1h"}, func(c *Config) bool {
				return c.Retention() == jigsaw.Retention{IPs: time.Hour, MailBodies: 2160 * time.Hour, Unconfirmed: 720 * time.Hour}
			}, ""},
		{"unconfirmed kept as long as the link works", nil, []string{"--delete-unconfirmed-after", "168h"},
			func(c *Config) bool { return c.DeleteUnconfirmedAfter == stories.ConfirmFor }, ""},
		{"retain IPs under an hour", nil, []string{"--retain-ips", "59m"}, nil, "retain-ips: want at least 1h"},
		{"retain IPs zero", map[string]string{"JIGSAW_RETAIN_IPS": "0"}, nil, nil, "JIGSAW_RETAIN_IPS: want at least 1h"},
		{"retain mail under an hour", nil, []string{"--retain-mail", "30m"}, nil, "retain-mail: want at least 1h"},
		{"delete unconfirmed while the link works", nil, []string{"--delete-unconfirmed-after", "167h"}, nil, "delete-unconfirmed-after: want at least 168h"},
		{"bad retention duration", map[string]string{"JIGSAW_RETAIN_MAIL": "30 days"}, nil, nil, "JIGSAW_RETAIN_MAIL: want a duration"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			c, err := parse(t, tt.env, tt.args...)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("got error %v, want one mentioning %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !tt.check(c) {
				t.Fatalf("got %+v", c)
			}
		})
	}
}

// A Config built in code (as tests and tools do) gets the default periods
// for those it leaves out, and is held to the same least periods.
func TestRetentionInCode(t *testing.T) {
	base := Config{Addr: "127.0.0.1:0", DB: "x.db", LogFormat: "text", LogLevel: "info", MaxBodyBytes: 1 << 20,
		MaxImportBytes: 1 << 20, SubmitPerHour: 1, DigestEvery: time.Hour, ShutdownTimeout: time.Second}
	c := base
	c.RetainMail = 48 * time.Hour
	if err := c.Validate(); err != nil {
		t.Fatal(err)
	}
	if got, want := c.Retention(), (jigsaw.Retention{IPs: 720 * time.Hour, MailBodies: 48 * time.Hour, Unconfirmed: 336 * time.Hour}); got != want {
		t.Errorf("got %+v, want %+v", got, want)
	}
	c = base
	c.DeleteUnconfirmedAfter = 24 * time.Hour
	if err := c.Validate(); err == nil || !strings.Contains(err.Error(), "--delete-unconfirmed-after 24h0m0s: want at least 168h") {
		t.Errorf("got error %v, want one refusing --delete-unconfirmed-after under 168h", err)
	}
}
