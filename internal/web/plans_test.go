package web_test

import (
	"bytes"
	"context"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-ical"

	"jigsaw"
	"jigsaw/internal/testrig"
)

// An editor makes a plan through the form, with offsets typed three ways;
// the timeline shows each milestone on the anchor's date plus its offset,
// and the seat whose election falls in the plan's span. Moving the anchor
// moves every milestone, and the calendar's events keep their UIDs.
func TestPlanTimelineFollowsTheAnchor(t *testing.T) {
	ctx := context.Background()
	a := testrig.StartApp(t, "sqlite", nil)
	editor, _ := a.AsUser(t, jigsaw.RoleEditor)
	trust := &jigsaw.Organisation{Name: "Airedale NHS Foundation Trust", Kind: jigsaw.OrgFoundationTrust}
	if err := a.DB.CreateOrganisation(ctx, trust); err != nil {
		t.Fatal(err)
	}

	// Mistakes are refused naming the row's field, what was typed kept.
	post(t, editor, a.URL+"/plan/new", url.Values{"name": {"General election"}, "anchor_label": {"Election day"}, "anchor_date": {"03/05/2029"},
		"milestones[0].offset": {"-1.5"}, "milestones[0].title": {"Half a day early"},
		"milestones[1].offset": {"soon"}, "milestones[1].title": {"Whenever"}}).
		expect(t, 422, "The offset must be a whole number of days.", `href="#f-milestones-0-offset"`, `value="-1.5"`,
			"Write the offset as -90, “90 days before”, “2 weeks after”, or a date.")
	post(t, editor, a.URL+"/plan/new", url.Values{"name": {"General election"}, "anchor_label": {"Election day"}}).
		expect(t, 422, "Give the anchor date")

	long := "Candidates' pledge asks; every candidate, in every seat, asked in writing to sign the pledge before nominations close"
	made := post(t, editor, a.URL+"/plan/new", url.Values{"name": {"General election"}, "anchor_label": {"Election day"}, "anchor_date": {"03/05/2029"},
		"milestones[0].offset": {"-90"}, "milestones[0].title": {long}, "milestones[0].kind": {"pledge-ask"},
		"milestones[1].offset": {"4 weeks before"}, "milestones[1].title": {"Hustings round"}, "milestones[1].note": {"Ask about \"the pledge\""},
		"milestones[3].offset": {"2029-05-03"}, "milestones[3].title": {"Election day"}})
	made.expect(t, 303)
	if !regexp.MustCompile(`^/plan/\d+$`).MatchString(made.location) {
		t.Fatalf("saved plan sent to %q", made.location)
	}
	id := strings.TrimPrefix(made.location, "/plan/")
	post(t, editor, a.URL+"/seats/new", url.Values{"kind": {"ft-governors"}, "title": {"Public governor"}, "body": {trust.Name},
		"holder": {"Jo Whitaker"}, "state": {"sought"}, "date": {"12/03/2029"}, "plan_id": {""}}).expect(t, 303)

	before := get(t, a.Client, a.URL+"/plan/"+id)
	before.expect(t, 200, "Election day: ", "3 May 2029", "2 February 2029</time> · 90 days before", "5 April 2029</time> · 28 days before",
		"12 March 2029", "Seat", "Jo Whitaker", "Pledge ask", `href="/plan/`+id+`.ics"`)
	if i, j := strings.Index(before.body, "2 February 2029"), strings.Index(before.body, "12 March 2029"); i < 0 || j < i {
		t.Errorf("the seat is not in date order among the milestones")
	}
	calBefore := planCalendar(t, a, id)

	// The election is called five weeks later: the editor changes the date
	// alone, and the whole plan follows.
	plan := mustPlan(t, a, id)
	v := url.Values{"name": {plan.Name}, "anchor_label": {plan.AnchorLabel}, "anchor_date": {"2029-06-07"}, "version": {itoa(plan.Version)}}
	for i, m := range plan.Milestones {
		v.Set(rowField(i, "id"), itoa(m.ID))
		v.Set(rowField(i, "offset"), itoa(int64(m.OffsetDays)))
		v.Set(rowField(i, "title"), m.Title)
		v.Set(rowField(i, "kind"), string(m.Kind))
		v.Set(rowField(i, "note"), m.Note)
	}
	post(t, editor, a.URL+"/plan/"+id+"/edit", v).expect(t, 303)
	after := get(t, a.Client, a.URL+"/plan/"+id)
	after.expect(t, 200, "7 June 2029", "9 March 2029</time> · 90 days before", "10 May 2029</time> · 28 days before", "12 March 2029", "Jo Whitaker")
	if strings.Contains(after.body, "2 February 2029") || strings.Contains(after.body, "5 April 2029") {
		t.Error("the timeline still shows the old dates")
	}
	calAfter := planCalendar(t, a, id)
	if len(calBefore) != 4 || len(calAfter) != 4 {
		t.Fatalf("calendar events: %d before, %d after; want 3 milestones and a seat", len(calBefore), len(calAfter))
	}
	for uid, day := range calBefore {
		moved, ok := calAfter[uid]
		switch {
		case !ok:
			t.Errorf("event %s is gone after the move", uid)
		case strings.HasPrefix(uid, "seat-") && moved != day:
			t.Errorf("the seat moved from %s to %s", day, moved)
		case !strings.HasPrefix(uid, "seat-") && moved.Sub(day) != 35*24*time.Hour:
			t.Errorf("event %s moved from %s to %s, want five weeks on", uid, day.Format(time.DateOnly), moved.Format(time.DateOnly))
		}
	}
}

// planCalendar fetches a plan's .ics, checks it as RFC 5545 asks (CRLF,
// lines folded at 75 octets) and parses it with an independent parser; it
// returns each event's start by UID.
func planCalendar(t *testing.T, a *testrig.TestApp, id string) map[string]time.Time {
	t.Helper()
	resp, err := a.Client.Get(a.URL + "/plan/" + id + ".ics")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var body bytes.Buffer
	body.ReadFrom(resp.Body)
	if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/calendar") {
		t.Fatalf("ics: status %d, type %q", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	raw := body.String()
	if strings.Count(raw, "\n") != strings.Count(raw, "\r\n") || !strings.HasSuffix(raw, "\r\n") {
		t.Fatal("ics lines do not all end in CRLF")
	}
	folded := false
	for _, line := range strings.Split(strings.TrimSuffix(raw, "\r\n"), "\r\n") {
		if len(line) > 75 {
			t.Fatalf("ics line of %d octets: %q", len(line), line)
		}
		folded = folded || strings.HasPrefix(line, " ")
	}
	if !folded {
		t.Error("the long summary was not folded")
	}
	cal, err := ical.NewDecoder(&body).Decode()
	if err != nil {
		t.Fatalf("parse ics: %v\n%s", err, raw)
	}
	// The parser's encoder checks what a calendar must hold (PRODID,
	// VERSION, each event's UID and DTSTAMP).
	if err := ical.NewEncoder(&bytes.Buffer{}).Encode(cal); err != nil {
		t.Fatalf("ics fails the parser's checks: %v", err)
	}
	out := map[string]time.Time{}
	for _, ev := range cal.Events() {
		uid, err := ev.Props.Text(ical.PropUID)
		if err != nil || uid == "" {
			t.Fatalf("event without UID: %v", err)
		}
		start, err := ev.DateTimeStart(time.UTC)
		if err != nil {
			t.Fatal(err)
		}
		end, err := ev.DateTimeEnd(time.UTC)
		if err != nil || end.Sub(start) != 24*time.Hour || ev.Props.Get(ical.PropDateTimeStart).ValueType() != ical.ValueDate {
			t.Errorf("event %s is not one whole day: %s to %s (%v)", uid, start, end, err)
		}
		summary, _ := ev.Props.Text(ical.PropSummary)
		if strings.HasPrefix(summary, "Candidates'") && !strings.HasSuffix(summary, "before nominations close") {
			t.Errorf("summary not unfolded and unescaped as written: %q", summary)
		}
		if desc, _ := ev.Props.Text(ical.PropDescription); strings.Contains(summary, "Hustings") && !strings.HasPrefix(desc, "Ask about \"the pledge\"\n") {
			t.Errorf("description %q", desc)
		}
		out[uid] = start
	}
	return out
}

func mustPlan(t *testing.T, a *testrig.TestApp, id string) *jigsaw.Plan {
	t.Helper()
	n, _ := strconv.ParseInt(id, 10, 64)
	p, err := a.DB.FindPlanByID(context.Background(), n)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func rowField(i int, f string) string { return "milestones[" + itoa(int64(i)) + "]." + f }

// A plan anchored in the past shows its milestones as past; the seats
// list filters by state and refuses an unknown one naming it.
func TestPlanPastAndSeatsList(t *testing.T) {
	ctx := context.Background()
	a := testrig.StartApp(t, "sqlite", nil)
	trust := &jigsaw.Organisation{Name: "Airedale NHS Foundation Trust", Kind: jigsaw.OrgFoundationTrust}
	if err := a.DB.CreateOrganisation(ctx, trust); err != nil {
		t.Fatal(err)
	}
	p := &jigsaw.Plan{Name: "Board vote", AnchorLabel: "Board meeting", AnchorDate: "2020-03-05",
		Milestones: []jigsaw.Milestone{{Title: "Deputation to the board", OffsetDays: -7}}}
	if err := a.DB.CreatePlan(ctx, p); err != nil {
		t.Fatal(err)
	}
	for _, s := range []*jigsaw.Seat{
		{Kind: jigsaw.SeatFTGovernors, BodyID: trust.ID, Holder: "Held Holder", State: jigsaw.SeatHeld, Date: "2020-03-01"},
		{Kind: jigsaw.SeatFTGovernors, BodyID: trust.ID, Holder: "Sought Holder", State: jigsaw.SeatSought},
	} {
		if err := a.DB.CreateSeat(ctx, s); err != nil {
			t.Fatal(err)
		}
	}
	get(t, a.Client, a.URL+"/plan/"+itoa(p.ID)).expect(t, 200, "27 February 2020", "Past", "Held Holder")
	get(t, a.Client, a.URL+"/plan").expect(t, 200, "Board vote", `Board meeting: <time datetime="2020-03-05">5 March 2020`, "1 milestone")
	held := get(t, a.Client, a.URL+"/seats?state=held")
	held.expect(t, 200, "Held Holder", "Airedale NHS Foundation Trust", "1 March 2020")
	if strings.Contains(held.body, "Sought Holder") {
		t.Error("the held seats list the sought one")
	}
	get(t, a.Client, a.URL+"/seats?state=won").expect(t, 400, "State must be one of")
	get(t, a.Client, a.URL+"/plan/"+itoa(p.ID+1)).expect(t, 404)
	get(t, a.Client, a.URL+"/plan/x.ics").expect(t, 404)
	get(t, a.Client, a.URL+"/plan.csv").expect(t, 200, "anchor_date", "2020-02-27 (-7): Deputation to the board", "/plan/"+itoa(p.ID)+".ics")
	get(t, a.Client, a.URL+"/plan.atom").expect(t, 200, "Board vote", "/plan/"+itoa(p.ID))
	get(t, a.Client, a.URL+"/seats.json?state=held").expect(t, 200, `"holder":"Held Holder"`)
	get(t, a.Client, a.URL+"/seats.rss").expect(t, 200, "Held Holder", "/seats#seat-")
	get(t, a.Client, a.URL+"/seats.csv?page=2").expect(t, 400, "page")
	get(t, a.Client, a.URL+"/sitemap.xml").expect(t, 200, "/sitemaps/plans-0.xml")
	get(t, a.Client, a.URL+"/sitemaps/plans-0.xml").expect(t, 200, "/plan/"+itoa(p.ID)+"</loc>")
}
