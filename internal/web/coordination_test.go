package web_test

import (
	"context"
	"strings"
	"testing"

	"jigsaw/internal/demo"
	"jigsaw/internal/testrig"
)

// With the demo loaded, the coalition's campaign page gathers what the
// parts of coordination hold of it, and the home page reaches all of them.
func TestCoordinationIsReachable(t *testing.T) {
	a := testrig.StartApp(t, "sqlite", nil)
	if _, err := demo.Load(context.Background(), a.DB); err != nil {
		t.Fatal(err)
	}
	code, page := a.Get(t, "/campaigns/"+demo.CoalitionCampaign)
	for _, want := range []string{`href="/events/`, `href="/plan/`, `href="/pledges/`, `href="/resources/`, `href="/topics/`, `href="/tracker/`, `href="/disputes/`} {
		if code != 200 || !strings.Contains(page, want) {
			t.Errorf("the campaign's page (%d) has no link like %s", code, want)
		}
	}
	code, home := a.Get(t, "/")
	for _, want := range []string{`href="/campaigns/` + demo.CoalitionCampaign + `"`, `href="/events/`, `href="/topics"`, `href="/plan"`,
		`href="/pledges"`, `href="/representatives"`, `href="/seats"`, `href="/resources"`} {
		if code != 200 || !strings.Contains(home, want) {
			t.Errorf("the home page (%d) has no link like %s", code, want)
		}
	}
}
