package config

import (
	"flag"
	"io"
	"strings"
	"testing"
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
