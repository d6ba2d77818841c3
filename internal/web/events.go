package web

import (
	"bytes"
	"context"
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"jigsaw"
	"jigsaw/internal/geo"
	"jigsaw/internal/i18n"
	"jigsaw/internal/ical"
	"jigsaw/internal/listparams"
)

const eventsPerPage = 30

// upcomingEventsShown is how many upcoming events an area's or an
// organisation's page shows.
const upcomingEventsShown = 10

// EventListView is the view of /events: a list, or a month's calendar.
type EventListView struct {
	Page
	Events       []*jigsaw.Event
	Pager        Pager
	Filter       jigsaw.EventFilter
	Organisation *jigsaw.Organisation
	Query        url.Values
	Kinds        []jigsaw.Choice[jigsaw.EventKind]
	Form         *Form
	Month        *MonthView // nil for the list
}

// FeedQuery is the page's filters as a query for its feeds and exports.
func (v EventListView) FeedQuery() template.URL { return template.URL(filterQuery(v.Query)) }

// MonthView is a month's calendar: weeks from Monday, each day with its
// events.
type MonthView struct {
	Month      time.Time
	Prev, Next string // the months either side, as the month parameter
	Weeks      [][]CalendarDay
}

// CalendarDay is one day of a month's calendar.
type CalendarDay struct {
	Date    time.Time
	InMonth bool
	Events  []*jigsaw.Event
}

// eventFilterLabels names the fields of the events' filter form.
var eventFilterLabels = map[string]string{"kind": "Kind", "district": "Postcode district", "from": "From", "to": "To",
	"month": "Month", "past": "Past events:"}

// findEvents lists events as the caller may see them: members-only
// events for editors and above only.
func (p *Pages) findEvents(ctx context.Context, f jigsaw.EventFilter) ([]*jigsaw.Event, int, error) {
	if canEdit(jigsaw.UserFromContext(ctx)) {
		f.MembersOnly = true
		return p.Edit.FindEvents(ctx, f)
	}
	return p.Store.FindPublicEvents(ctx, f)
}

// HandleEventList serves /events: upcoming events, past ones (past=1) or
// a month's calendar (view=month), with the filters.
func (p *Pages) HandleEventList(w http.ResponseWriter, r *http.Request) {
	followsClock(w)
	ctx := r.Context()
	f, list, err := listparams.Events(ctx, p.Store, r.URL.Query(), eventsPerPage, time.Now())
	title := tr(r).Sprintf("Events")
	if f.Past {
		title = tr(r).Sprintf("Past events")
	}
	view := EventListView{Page: p.page(r, title), Query: r.URL.Query(), Kinds: jigsaw.EventKinds,
		Organisation: list.Organisation, Form: newForm(r.URL.Query()), Filter: f}
	if err != nil {
		form, ok := filterForm(r.URL.Query(), err, eventFilterLabels)
		if !ok {
			p.Error(w, r, err)
			return
		}
		view.Form = form
		p.Render(w, r, http.StatusBadRequest, "events", view)
		return
	}
	events, total, err := p.findEvents(ctx, f)
	if err != nil {
		p.Error(w, r, err)
		return
	}
	view.Events = events
	if list.Month.IsZero() {
		view.Pager = newPager(list.List, total, r.URL.Query())
	} else {
		view.Month = monthView(list.Month, events)
		view.Title = tr(r).Sprintf("Events in %s", list.Month.Format("January 2006"))
	}
	p.Render(w, r, http.StatusOK, "events", view)
}

// monthView lays out a month's events by their London days, in weeks from
// Monday. An event of several days shows on each.
func monthView(month time.Time, events []*jigsaw.Event) *MonthView {
	m := &MonthView{Month: month, Prev: listparams.MonthParam(month.AddDate(0, -1, 0)), Next: listparams.MonthParam(month.AddDate(0, 1, 0))}
	first := month.AddDate(0, 0, -((int(month.Weekday()) + 6) % 7))
	last := month.AddDate(0, 1, -1)
	for day := first; !day.After(last) || day.Weekday() != time.Monday; day = day.AddDate(0, 0, 1) {
		if day.Weekday() == time.Monday {
			m.Weeks = append(m.Weeks, nil)
		}
		d := CalendarDay{Date: day, InMonth: day.Month() == month.Month()}
		key := day.Format("2006-01-02")
		for _, e := range events {
			if e.LocalStart().Format("2006-01-02") <= key && key <= e.LocalEnd().Format("2006-01-02") {
				d.Events = append(d.Events, e)
			}
		}
		m.Weeks[len(m.Weeks)-1] = append(m.Weeks[len(m.Weeks)-1], d)
	}
	return m
}

// findEvent reads the event of the path as the caller may see it.
func (p *Pages) findEvent(ctx context.Context, id int64, editor bool) (*jigsaw.Event, error) {
	if editor {
		return p.Edit.FindEventByID(ctx, id)
	}
	return p.Store.FindPublicEventByID(ctx, id)
}

// HandleEvent serves /events/{id}, and /events/{id}.ics, its calendar
// file: the mux's wildcards take whole segments only.
func (p *Pages) HandleEvent(w http.ResponseWriter, r *http.Request) {
	followsClock(w)
	if id, ok := strings.CutSuffix(r.PathValue("id"), ".ics"); ok {
		n, ok := positiveID(id)
		if !ok {
			p.NotFound(w, r)
			return
		}
		e, err := p.findEvent(r.Context(), n, canEdit(jigsaw.UserFromContext(r.Context())))
		if err != nil {
			p.Error(w, r, err)
			return
		}
		p.writeCalendar(w, r, e.Title, "event-"+id+".ics", []*jigsaw.Event{e})
		return
	}
	showRecord(p, w, r, "event", jigsaw.ObjectEvent, p.findEvent, func(e *jigsaw.Event) string { return e.Title })
}

// HandleEventsICS serves /events.ics: the public events the list's
// filters select (upcoming ones when none are given), as a calendar apps
// subscribe to. Members-only events are never in it, whoever asks: a
// subscription's address is easily shared.
func (p *Pages) HandleEventsICS(w http.ResponseWriter, r *http.Request) {
	followsClock(w)
	ctx := r.Context()
	if err := listparams.Whole(r.URL.Query()); err != nil {
		p.Error(w, r, err)
		return
	}
	f, _, err := listparams.Events(ctx, p.Store, r.URL.Query(), listparams.MaxLimit, time.Now())
	if err != nil {
		p.Error(w, r, err)
		return
	}
	f.Limit, f.Offset = 500, 0
	events, _, err := p.Store.FindPublicEvents(ctx, f)
	if err != nil {
		p.Error(w, r, err)
		return
	}
	p.writeCalendar(w, r, tr(r).Sprintf("Events"), "events.ics", events)
}

func (p *Pages) writeCalendar(w http.ResponseWriter, r *http.Request, name, file string, events []*jigsaw.Event) {
	var buf bytes.Buffer
	if err := ical.Write(&buf, ical.Calendar{Name: p.Site.Name + ": " + name, BaseURL: p.Site.BaseURL}, events); err != nil {
		p.Error(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "text/calendar; charset=utf-8")
	w.Header().Set("Content-Disposition", `inline; filename="`+file+`"`)
	w.Write(buf.Bytes())
}

// EventFormView is the view of the form that creates or edits an event.
type EventFormView struct {
	EditForm
	Event *jigsaw.Event // nil for a new one
	Kinds []jigsaw.Choice[jigsaw.EventKind]
}

// EventForms are the forms that record and edit events.
func (p *Pages) EventForms() FormRoutes { return formRoutes(p, p.events) }

// events is the edit flow of events.
func (p *Pages) events() *recordKind[*jigsaw.Event] {
	return &recordKind[*jigsaw.Event]{
		template: "event_form", noun: "event", more: 3,
		blank: func() *Form {
			f := newForm(url.Values{"kind": {string(jigsaw.EventPublicMeeting)}})
			f.Extra = 2
			return f
		},
		find: func(r *http.Request) (*jigsaw.Event, error) {
			id, ok := pathID(r)
			if !ok {
				return nil, jigsaw.Errorf(jigsaw.ENOTFOUND, "There is no page at this address.")
			}
			return p.Edit.FindEventByID(r.Context(), id)
		},
		values: func(_ context.Context, e *jigsaw.Event) (url.Values, error) { return eventValues(e), nil },
		read: func(ctx context.Context, v url.Values, old *jigsaw.Event) (*jigsaw.Event, *Form) {
			e, form := p.eventFromForm(ctx, v)
			if old != nil {
				e.ID = old.ID
			}
			return e, form
		},
		create:  p.Edit.CreateEvent,
		update:  p.Edit.UpdateEvent,
		address: func(e *jigsaw.Event) string { return "/events/" + strconv.FormatInt(e.ID, 10) },
		formAddress: func(e *jigsaw.Event) string {
			if e == nil {
				return "/events/new"
			}
			return "/events/" + strconv.FormatInt(e.ID, 10) + "/edit"
		},
		fixErrors: fixEventErrors,
		title:     func(e *jigsaw.Event) string { return e.Title },
		view: func(_ context.Context, ef EditForm, e *jigsaw.Event) (any, error) {
			return EventFormView{EditForm: ef, Event: e, Kinds: jigsaw.EventKinds}, nil
		},
	}
}

// fixEventErrors moves the store's messages to the inputs that hold them:
// a start or end to its time, an organiser to its picker.
func fixEventErrors(fields map[string]string) {
	move := func(from, to string) {
		if msg, ok := fields[from]; ok {
			delete(fields, from)
			if fields[to] == "" {
				fields[to] = msg
			}
		}
	}
	move("start", "start_time")
	move("end", "end_time")
	for k := range fields {
		if strings.HasPrefix(k, "organisers[") && !strings.Contains(k, ".") {
			move(k, k+".organisation")
		}
	}
}

// eventFromForm reads an event from a posted form. Days and times are
// London's; the end's day is the start's when left out.
func (p *Pages) eventFromForm(ctx context.Context, v url.Values) (*jigsaw.Event, *Form) {
	compactRows(v, "organisers", []string{"organisation"}, nil)
	form := newForm(v)
	rd := &reader{v: v, p: jigsaw.Problems{}, pr: i18n.FromContext(ctx).Printer()}
	e := &jigsaw.Event{
		Kind:        jigsaw.EventKind(rd.text("kind")),
		Title:       rd.text("title"),
		Description: v.Get("description"),
		Venue:       rd.text("venue"),
		Postcode:    rd.text("postcode"),
		MembersOnly: v.Get("members_only") != "",
		Conclusions: v.Get("conclusions"),
		Version:     formVersion(v),
	}
	at := func(dayField, timeField, day string) time.Time {
		if day == "" && rd.text(timeField) == "" {
			return time.Time{}
		}
		t, msg := jigsaw.ParseLondonTime(day, rd.text(timeField))
		if msg != "" {
			field := timeField
			if strings.Contains(msg, "day") && !strings.Contains(msg, "clocks") {
				field = dayField
			}
			rd.p.Add(field, msg)
		}
		return t
	}
	startDay := rd.text("start_date")
	e.Start = at("start_date", "start_time", startDay)
	endDay := rd.text("end_date")
	if endDay == "" && rd.text("end_time") != "" {
		endDay = startDay
	}
	e.End = at("end_date", "end_time", endDay)
	if s := rd.text("campaign"); s != "" {
		if id, ok := positiveID(s); ok {
			e.CampaignID = id
		} else {
			rd.p.Add("campaign", rd.msg("Give the number of the campaign."))
		}
	}
	if s := rd.text("topic"); s != "" {
		if id, ok := positiveID(s); ok {
			e.TopicID = id
		} else {
			rd.p.Add("topic", rd.msg("Give the number of the topic."))
		}
	}
	for i := 0; i < rowCount(v, "organisers"); i++ {
		e.Organisers = append(e.Organisers, jigsaw.EventOrganiser{OrgID: rd.organisation(ctx, p.Store, rowName("organisers", i, "organisation"))})
	}
	addChecks(form, rd.p, e)
	fixEventErrors(form.Errors)
	return e, form
}

// eventValues fills a form with a stored event.
func eventValues(e *jigsaw.Event) url.Values {
	v := url.Values{}
	set := formValues(v).set
	set("kind", string(e.Kind))
	set("title", e.Title)
	set("description", e.Description)
	set("start_date", e.LocalStart().Format("2006-01-02"))
	set("start_time", e.LocalStart().Format("15:04"))
	set("end_date", e.LocalEnd().Format("2006-01-02"))
	set("end_time", e.LocalEnd().Format("15:04"))
	set("venue", e.Venue)
	set("postcode", e.Postcode)
	if e.CampaignID != 0 {
		set("campaign", strconv.FormatInt(e.CampaignID, 10))
	}
	if e.TopicID != 0 {
		set("topic", strconv.FormatInt(e.TopicID, 10))
	}
	if e.MembersOnly {
		set("members_only", "1")
	}
	set("conclusions", e.Conclusions)
	for i, o := range e.Organisers {
		v.Set(rowName("organisers", i, "organisation"), o.Name)
	}
	v.Set(versionField, strconv.FormatInt(e.Version, 10))
	return v
}

// eventSummary is an event's feed summary: when and where, then the start
// of its description.
func eventSummary(e *jigsaw.Event) string {
	s := e.LocalStart().Format("Monday 2 January 2006, 15:04") + "–" + e.LocalEnd().Format("15:04")
	if !e.SameDay() {
		s = e.LocalStart().Format("Monday 2 January 2006, 15:04") + " – " + e.LocalEnd().Format("Monday 2 January 2006, 15:04")
	}
	if where := strings.Trim(e.Venue+", "+e.Postcode, ", "); where != "" {
		s += ", " + where
	}
	if e.Description != "" {
		s += ". " + excerpt(e.Description, 500)
	}
	return s
}

// eachPublicEvent calls fn with every public event f selects, its paging
// aside, a page at a time.
func (p *Pages) eachPublicEvent(ctx context.Context, f jigsaw.EventFilter, fn func(*jigsaw.Event) error) error {
	const batch = 500
	for offset := 0; ; offset += batch {
		f.Limit, f.Offset = batch, offset
		events, _, err := p.Store.FindPublicEvents(ctx, f)
		if err != nil {
			return err
		}
		for _, e := range events {
			if err := fn(e); err != nil {
				return err
			}
		}
		if len(events) < batch {
			return nil
		}
	}
}

// eventColumns are the columns of /events.csv. Times are London's, with
// the offset of the day.
func eventColumns(base string) []column[*jigsaw.Event] {
	ref := func(l *jigsaw.LinkRef) string {
		if l == nil {
			return ""
		}
		return id(l.ID)
	}
	return []column[*jigsaw.Event]{
		{"id", func(e *jigsaw.Event) string { return id(e.ID) }},
		{"url", func(e *jigsaw.Event) string { return base + "/events/" + id(e.ID) }},
		{"kind", func(e *jigsaw.Event) string { return string(e.Kind) }},
		{"title", func(e *jigsaw.Event) string { return e.Title }},
		{"start", func(e *jigsaw.Event) string { return e.LocalStart().Format(time.RFC3339) }},
		{"end", func(e *jigsaw.Event) string { return e.LocalEnd().Format(time.RFC3339) }},
		{"venue", func(e *jigsaw.Event) string { return e.Venue }},
		{"postcode", func(e *jigsaw.Event) string { return e.Postcode }},
		{"district", func(e *jigsaw.Event) string { return e.District }},
		{"organisers", func(e *jigsaw.Event) string {
			slugs := make([]string, len(e.Organisers))
			for i, o := range e.Organisers {
				slugs[i] = o.Slug
			}
			return joinSlugs(slugs)
		}},
		{"campaign", func(e *jigsaw.Event) string { return ref(e.Campaign) }},
		{"topic", func(e *jigsaw.Event) string { return ref(e.Topic) }},
		{"created_at", func(e *jigsaw.Event) string { return timestamp(e.CreatedAt) }},
		{"updated_at", func(e *jigsaw.Event) string { return timestamp(e.UpdatedAt) }},
		{"description", func(e *jigsaw.Event) string { return e.Description }},
		{"conclusions", func(e *jigsaw.Event) string { return e.Conclusions }},
	}
}

// HandleEventsGeoJSON serves /events.geojson: the public events that
// /events's filters select, placed at their district's centre.
func (p *Pages) HandleEventsGeoJSON(w http.ResponseWriter, r *http.Request) {
	f, _, err := listparams.Events(r.Context(), p.Store, r.URL.Query(), 1, time.Now())
	p.serveGeoJSON(w, r, err, "/events/", true, false, func(ctx context.Context, fn func(*geo.Item) error) error {
		return p.eachPublicEvent(ctx, f, func(e *jigsaw.Event) error {
			return fn(&geo.Item{ID: e.ID, Title: e.Title, Kind: string(e.Kind), District: e.District, Area: e.Venue,
				Date: e.LocalStart().Format("2006-01-02")})
		})
	})
}
