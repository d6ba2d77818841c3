package listparams

import (
	"context"
	"errors"
	"net/url"
	"testing"
	"time"

	"jigsaw"
)

// alertLookup knows one key issue and one organisation.
type alertLookup struct{}

func (alertLookup) KeyIssues(context.Context) ([]jigsaw.KeyIssue, error) {
	return []jigsaw.KeyIssue{{Slug: "outsourcing", Name: "Outsourcing"}}, nil
}

var serco = &jigsaw.Organisation{ID: 7, Slug: "serco", Name: "Serco"}

func (alertLookup) FindOrganisationByID(_ context.Context, id int64) (*jigsaw.Organisation, error) {
	if id == serco.ID {
		return serco, nil
	}
	return nil, jigsaw.Errorf(jigsaw.ENOTFOUND, "no")
}

func (alertLookup) FindOrganisationBySlug(_ context.Context, slug string) (*jigsaw.Organisation, error) {
	if slug == serco.Slug {
		return serco, nil
	}
	return nil, jigsaw.Errorf(jigsaw.ENOTFOUND, "no")
}

// An alert's filter is read as its list reads it and written one way
// whatever way it was given; a bad one is refused naming the parameter.
func TestAlertFilter(t *testing.T) {
	now := time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)
	for _, tt := range []struct {
		name  string
		list  jigsaw.AlertList
		query string
		want  string // the canonical query
		bad   string // the parameter refused
	}{
		{"whole list", jigsaw.AlertStories, "", "", ""},
		{"paging left out", jigsaw.AlertStories, "page=3&limit=10&utm_source=x", "", ""},
		{"closures in Dorset", jigsaw.AlertTracker, "district=dt1&kind=closure", "district=DT1&kind=closure", ""},
		{"the same, written otherwise", jigsaw.AlertTracker, "kind=closure&district=+DT1+", "district=DT1&kind=closure", ""},
		{"organisation by number", jigsaw.AlertDisputes, "organisation=7&live=yes", "live=1&organisation=serco", ""},
		{"issue and date", jigsaw.AlertStories, "issue=outsourcing&since=24/11/2025", "issue=outsourcing&since=2025-11-24", ""},
		{"events of a campaign", jigsaw.AlertEvents, "campaign=3&view=month&month=2026-05", "campaign=3", ""},
		{"bad district", jigsaw.AlertTracker, "district=BD", "", "district"},
		{"unknown parameter", jigsaw.AlertStories, "colour=red", "", "colour"},
		{"unknown organisation", jigsaw.AlertDisputes, "organisation=nobody", "", "organisation"},
		{"drafts", jigsaw.AlertTracker, "drafts=1", "", "drafts"},
		{"no such list", "organisations", "", "", "list"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			v, err := url.ParseQuery(tt.query)
			if err != nil {
				t.Fatal(err)
			}
			a, err := AlertFilter(context.Background(), alertLookup{}, tt.list, v, now)
			if tt.bad != "" {
				var e *jigsaw.Error
				if !errors.As(err, &e) || e.Code != jigsaw.EINVALID || e.Fields[tt.bad] == "" {
					t.Fatalf("got %v, want %s refused", err, tt.bad)
				}
				return
			}
			if err != nil || a.Query != tt.want {
				t.Fatalf("got %q (%v), want %q", a.Query, err, tt.want)
			}
		})
	}
}
