package web_test

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"jigsaw"
	"jigsaw/internal/testrig"
)

// TestEvents exercises every page of events: the list, the month view,
// the page and its calendar file, the feeds and exports, the API, the
// area's and organisation's pages, with members-only events hidden from
// anonymous callers on each, and the form's refusals.
func TestEvents(t *testing.T) {
	ctx := context.Background()
	a := testrig.StartApp(t, "sqlite", nil)
	ed, _ := a.AsUser(t, jigsaw.RoleEditor)
	u := func(path string) string { return a.URL + path }
	unison := &jigsaw.Organisation{Name: "UNISON", Kind: jigsaw.OrgUnion}
	if err := a.DB.CreateOrganisation(ctx, unison); err != nil {
		t.Fatal(err)
	}
	year := time.Now().Year() + 1
	day := func(m time.Month, d int) string {
		return time.Date(year, m, d, 0, 0, 0, 0, time.UTC).Format("2006-01-02")
	}
	at := func(d, clock string) time.Time {
		tm, msg := jigsaw.ParseLondonTime(d, clock)
		if msg != "" {
			t.Fatal(msg)
		}
		return tm
	}
	mk := func(e *jigsaw.Event) *jigsaw.Event {
		if err := a.DB.CreateEvent(ctx, e); err != nil {
			t.Fatal(err)
		}
		return e
	}
	summer := mk(&jigsaw.Event{Kind: jigsaw.EventPublicMeeting, Title: "Summer public meeting", Start: at(day(time.July, 9), "19:00"),
		End: at(day(time.July, 9), "21:00"), Venue: "Keighley Library", Postcode: "BD21 3SX", Organisers: []jigsaw.EventOrganiser{{OrgID: unison.ID}}})
	winter := mk(&jigsaw.Event{Kind: jigsaw.EventLobby, Title: "Winter lobby", Start: at(day(time.January, 27), "19:00"),
		End: at(day(time.January, 27), "20:00"), Postcode: "BD21 1AA", Organisers: []jigsaw.EventOrganiser{{OrgID: unison.ID}}})
	secret := mk(&jigsaw.Event{Kind: jigsaw.EventTraining, Title: "Secret training zebra", Start: at(day(time.July, 9), "10:00"),
		End: at(day(time.July, 9), "12:00"), Postcode: "BD21 3SX", MembersOnly: true, Organisers: []jigsaw.EventOrganiser{{OrgID: unison.ID}}})
	pastDay := time.Now().AddDate(0, 0, -20).Format("2006-01-02")
	past := mk(&jigsaw.Event{Kind: jigsaw.EventMeeting, Title: "Past meeting", Start: at(pastDay, "18:00"), End: at(pastDay, "20:00"),
		Conclusions: "Ask every CCG to sign the pledge."})
	sid, pid := itoa(secret.ID), itoa(summer.ID)

	// Anonymous callers never see the members-only event.
	for _, path := range []string{"/events", "/events?view=month&month=" + strconv.Itoa(year) + "-07", "/events.ics", "/events.atom",
		"/events.rss", "/events.csv", "/events.json", "/events.geojson", "/api/v1/events", "/areas/BD21", "/organisations/unison",
		"/search?q=zebra", "/api/v1/search?q=zebra", "/sitemaps/events-0.xml"} {
		if p := get(t, a.Client, u(path)); strings.Contains(p.body, "Secret training") || p.status >= 500 {
			t.Errorf("GET %s as anonymous: %d, shows the members-only event", path, p.status)
		}
	}
	for _, path := range []string{"/events/" + sid, "/events/" + sid + ".ics", "/api/v1/events/" + sid} {
		get(t, a.Client, u(path)).expect(t, 404)
		get(t, ed, u(path)).expect(t, 200, "Secret training zebra")
	}
	get(t, ed, u("/events")).expect(t, 200, "Secret training zebra", "Members only")
	get(t, ed, u("/api/v1/events")).expect(t, 200, "Secret training zebra")
	if p := get(t, ed, u("/events.ics")); strings.Contains(p.body, "zebra") {
		t.Errorf("/events.ics shows editors the members-only event: a subscription's address is shared")
	}

	// The list, soonest first, in London time; past events with their
	// conclusions.
	list := get(t, a.Client, u("/events"))
	list.expect(t, 200, "Summer public meeting", "–21:00", "Winter lobby", "–20:00")
	if strings.Index(list.body, "Winter lobby") > strings.Index(list.body, "Summer public meeting") {
		t.Errorf("upcoming events not soonest first")
	}
	if strings.Contains(list.body, "Past meeting") {
		t.Errorf("the upcoming list shows a past event")
	}
	get(t, a.Client, u("/events?past=1")).expect(t, 200, "Past meeting", "Ask every CCG to sign the pledge.")
	get(t, a.Client, u("/events?kind=lobby")).expect(t, 200, "Winter lobby")
	if p := get(t, a.Client, u("/events?kind=lobby")); strings.Contains(p.body, "Summer public meeting") {
		t.Errorf("kind filter: shows another kind")
	}
	for _, tt := range []struct{ query, want string }{
		{"kind=party", "Kind must be one of"},
		{"view=week", "must be list or month"},
		{"view=month&month=2026-13", "must be a month such as 2026-05"},
		{"from=31/02/2026", "must be a date"},
		{"from=2026-05-02&to=2026-05-01", "must not be before"},
		{"district=Keighley", "postcode district"},
	} {
		get(t, a.Client, u("/events?"+tt.query)).expect(t, 400, tt.want)
	}
	get(t, a.Client, u("/api/v1/events?kind=party")).expect(t, 400, "kind")
	get(t, a.Client, u("/events.ics?page=2")).expect(t, 400, "page")

	// The month: a table, the summer meeting on the 9th at 19:00.
	month := get(t, a.Client, u("/events?view=month&month="+strconv.Itoa(year)+"-07"))
	month.expect(t, 200, `<table class="month-calendar">`, "19:00 Summer public meeting", "Next month")
	if strings.Contains(month.body, "Winter lobby") {
		t.Errorf("July shows January's event")
	}

	// The page, with its calendar file.
	get(t, a.Client, u("/events/"+pid)).expect(t, 200, "Summer public meeting", "19:00", "21:00", `href="/events/`+pid+`.ics"`, "Add to calendar", "BD21")
	ics := get(t, a.Client, u("/events/"+pid+".ics"))
	ics.expect(t, 200, "BEGIN:VCALENDAR\r\n", "DTSTART;TZID=Europe/London:"+strconv.Itoa(year)+"0709T190000\r\n", "UID:event-"+pid+"@")
	all := get(t, a.Client, u("/events.ics"))
	all.expect(t, 200, "DTSTART;TZID=Europe/London:"+strconv.Itoa(year)+"0127T190000\r\n", "BEGIN:VTIMEZONE")
	get(t, a.Client, u("/areas/BD21")).expect(t, 200, "Upcoming events", "Summer public meeting")
	get(t, a.Client, u("/organisations/unison")).expect(t, 200, "Upcoming events", "Winter lobby")
	get(t, a.Client, u("/events.csv")).expect(t, 200, "Summer public meeting", strconv.Itoa(year)+"-07-09T19:00:00+01:00")
	get(t, a.Client, u("/api/v1/events/"+itoa(winter.ID))).expect(t, 200, strconv.Itoa(year)+`-01-27T19:00:00Z`)
	get(t, a.Client, u("/events.geojson")).expect(t, 200, "Summer public meeting", `"kind":"public-meeting"`)
	get(t, a.Client, u("/events.atom")).expect(t, 200, "Summer public meeting")

	// The form: refusals name the field; a good one is kept in London time.
	form := func(change func(v url.Values)) url.Values {
		v := url.Values{"kind": {"picket"}, "title": {"Picket"}, "start_date": {"15/3/" + strconv.Itoa(year)}, "start_time": {"07:00"},
			"end_time": {"09:00"}, "organisers[0].organisation": {"UNISON"}}
		if change != nil {
			change(v)
		}
		return v
	}
	for _, tt := range []struct {
		name   string
		change func(v url.Values)
		want   string
	}{
		{"ends before it starts", func(v url.Values) { v.Set("end_time", "06:00") }, "The event cannot end before it starts."},
		{"clocks go forward", func(v url.Values) {
			v.Set("start_date", "2026-03-29")
			v.Set("start_time", "01:30")
		}, "The clocks go forward that night"},
		{"clocks go back", func(v url.Values) {
			v.Set("start_date", "2026-10-25")
			v.Set("start_time", "01:30")
			v.Set("end_time", "03:00")
		}, "happens twice"},
		{"conclusions before it starts", func(v url.Values) { v.Set("conclusions", "Too soon") }, "once the event has started"},
		{"unknown organisation", func(v url.Values) { v.Set("organisers[0].organisation", "Nobody Ltd") }, "No organisation is called"},
		{"bad postcode", func(v url.Values) { v.Set("postcode", "Keighley") }, "A postcode looks like"},
		{"no start", func(v url.Values) { v.Del("start_date"); v.Del("start_time") }, "Give the day and time the event starts."},
	} {
		t.Run(tt.name, func(t *testing.T) {
			post(t, ed, u("/events/new"), form(tt.change)).expect(t, 422, tt.want)
		})
	}
	p := post(t, ed, u("/events/new"), form(func(v url.Values) { v.Set("members_only", "1") }))
	p.expect(t, 303)
	id, err := strconv.ParseInt(strings.TrimPrefix(p.location, "/events/"), 10, 64)
	if err != nil {
		t.Fatalf("redirect to %q", p.location)
	}
	e, err := a.DB.FindEventByID(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if e.Start.Format(time.RFC3339) != strconv.Itoa(year)+"-03-15T07:00:00Z" || e.LocalEnd().Format("15:04") != "09:00" ||
		!e.MembersOnly || len(e.Organisers) != 1 {
		t.Fatalf("stored %+v", e)
	}
	get(t, ed, u("/events/"+itoa(id)+"/edit")).expect(t, 200, `value="07:00"`, `value="UNISON"`)
	get(t, a.Client, u("/events/"+itoa(id))).expect(t, 404)
	// The past meeting takes conclusions.
	edit := form(func(v url.Values) {
		v.Set("start_date", pastDay)
		v.Set("conclusions", "Write to the CCG.")
		v.Del("members_only")
	})
	post(t, ed, u("/events/"+itoa(past.ID)+"/edit"), edit).expect(t, 303)
}

// TestEventsAPIWrite creates and changes an event through the API, with
// times given in London's wall-clock time.
func TestEventsAPIWrite(t *testing.T) {
	a := testrig.StartApp(t, "sqlite", nil)
	ed, _ := a.AsUser(t, jigsaw.RoleEditor)
	year := strconv.Itoa(time.Now().Year() + 1)
	body := `{"kind": "rally", "title": "Rally", "start": "` + year + `-07-01T12:00", "end": "` + year + `-07-01T14:00", "postcode": "ls1 1ur"}`
	resp, out := apiDo(t, ed, "POST", a.URL+"/api/v1/events", body)
	if resp != 201 || !strings.Contains(out, `"start":"`+year+`-07-01T12:00:00+01:00"`) || !strings.Contains(out, `"district":"LS1"`) {
		t.Fatalf("POST: %d %s", resp, out)
	}
	bad := `{"kind": "rally", "title": "Rally", "start": "` + year + `-07-01T12:00", "end": "` + year + `-07-01T11:00"}`
	if resp, out := apiDo(t, ed, "POST", a.URL+"/api/v1/events", bad); resp != 400 || !strings.Contains(out, `"end"`) {
		t.Fatalf("POST ending before it starts: %d %s", resp, out)
	}
	gap := `{"kind": "rally", "title": "Rally", "start": "2026-03-29T01:30", "end": "2026-03-29T03:00"}`
	if resp, out := apiDo(t, ed, "POST", a.URL+"/api/v1/events", gap); resp != 400 || !strings.Contains(out, "clocks go forward") {
		t.Fatalf("POST in the spring gap: %d %s", resp, out)
	}
}

// apiDo sends a JSON body with method and returns the status and answer.
func apiDo(t *testing.T, c *http.Client, method, u, body string) (int, string) {
	t.Helper()
	req, _ := http.NewRequest(method, u, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}
