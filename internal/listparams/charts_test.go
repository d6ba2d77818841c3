package listparams

import (
	"context"
	"errors"
	"net/url"
	"testing"

	"jigsaw"
)

// The charts' range is of months or years; every bad parameter is named.
func TestCharts(t *testing.T) {
	for _, tt := range []struct {
		query, from, to string
		bad             string // the parameter refused, "" if none
	}{
		{"", "", "", ""},
		{"from=2024-03&to=2025-02", "2024-03", "2025-02", ""},
		{"from=2024&to=2025", "2024-01", "2025-12", ""},
		{"to=2025&district=bd20", "", "2025-12", ""},
		{"from=2024-3", "", "", "from"},
		{"from=2025-13", "", "", "from"},
		{"to=1800", "", "", "to"},
		{"from=2025-02&to=2025-01", "", "", "to"},
		{"from=2015-01&to=2025-01", "", "", "to"},
		{"from=2015-02&to=2025-01", "2015-02", "2025-01", ""},
		{"district=B", "", "", "district"},
		{"page=2", "", "", "page"},
		{"from=2025&from=2024", "", "", "from"},
	} {
		t.Run(tt.query, func(t *testing.T) {
			v, err := url.ParseQuery(tt.query)
			if err != nil {
				t.Fatal(err)
			}
			f, _, err := Charts(context.Background(), nil, v)
			if tt.bad != "" {
				var e *jigsaw.Error
				if jigsaw.ErrorCode(err) != jigsaw.EINVALID || !errors.As(err, &e) || e.Fields[tt.bad] == "" {
					t.Fatalf("got %v, want %s refused", err, tt.bad)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if f.From != tt.from || f.To != tt.to {
				t.Errorf("range %q to %q, want %q to %q", f.From, f.To, tt.from, tt.to)
			}
		})
	}
}
