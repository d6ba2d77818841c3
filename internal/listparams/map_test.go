package listparams

import (
	"context"
	"errors"
	"net/url"
	"testing"

	"jigsaw"
)

// issuesOnly is a Lookup that knows one key issue and no organisations.
type issuesOnly struct{}

func (issuesOnly) KeyIssues(context.Context) ([]jigsaw.KeyIssue, error) {
	return []jigsaw.KeyIssue{{Slug: "cuts", Name: "Cuts"}}, nil
}

func (issuesOnly) FindOrganisationByID(context.Context, int64) (*jigsaw.Organisation, error) {
	return nil, jigsaw.Errorf(jigsaw.ENOTFOUND, "No organisation.")
}

func (issuesOnly) FindOrganisationBySlug(context.Context, string) (*jigsaw.Organisation, error) {
	return nil, jigsaw.Errorf(jigsaw.ENOTFOUND, "No organisation.")
}

func TestMap(t *testing.T) {
	for _, tt := range []struct {
		query string
		bad   []string // the parameters refused
	}{
		{"", nil},
		{"type=dangers&issue=cuts&since=2025-01-01&until=24/11/2025&utm_source=x", nil},
		{"type=hospitals", []string{"type"}},
		{"issue=nonsense&since=soon", []string{"issue", "since"}},
		{"organisation=no-such", []string{"organisation"}},
		{"page=2&district=BD20", []string{"page", "district"}},
	} {
		t.Run(tt.query, func(t *testing.T) {
			v, _ := url.ParseQuery(tt.query)
			f, _, err := Map(context.Background(), issuesOnly{}, v)
			var e *jigsaw.Error
			if tt.bad == nil {
				if err != nil {
					t.Fatal(err)
				}
				if tt.query != "" && (!f.Dangers || f.Stories || f.KeyIssue != "cuts" || f.Since.IsZero() || f.Until.Day() != 24) {
					t.Errorf("filter %+v", f)
				}
				return
			}
			if !errors.As(err, &e) || e.Code != jigsaw.EINVALID || len(e.Fields) != len(tt.bad) {
				t.Fatalf("got %v, want %q refused", err, tt.bad)
			}
			for _, name := range tt.bad {
				if e.Fields[name] == "" {
					t.Errorf("%s not refused: %v", name, e.Fields)
				}
			}
		})
	}
}

func TestWhole(t *testing.T) {
	v, _ := url.ParseQuery("kind=patient&issue=cuts")
	if err := Whole(v); err != nil {
		t.Errorf("filters only: %v", err)
	}
	v, _ = url.ParseQuery("kind=patient&limit=5&page=2")
	var e *jigsaw.Error
	if err := Whole(v); !errors.As(err, &e) || e.Fields["limit"] == "" || e.Fields["page"] == "" || e.Fields["kind"] != "" {
		t.Errorf("paging: got %v, want limit and page refused", err)
	}
}
