package api

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"jigsaw"
	"jigsaw/internal/listparams"
	"jigsaw/internal/server/respond"
)

// EventOut is an event as the API shows it. start and end are instants
// written with London's offset of the day ("2026-07-09T19:00:00+01:00").
type EventOut struct {
	ID          int64          `json:"id"`
	URL         string         `json:"url"`
	ICS         string         `json:"ics"`
	Kind        string         `json:"kind"`
	Title       string         `json:"title"`
	Description string         `json:"description"`
	Start       time.Time      `json:"start"`
	End         time.Time      `json:"end"`
	Venue       string         `json:"venue"`
	Postcode    string         `json:"postcode"`
	District    string         `json:"district"`
	Organisers  []OrganiserOut `json:"organisers"`
	Campaign    *LinkOut       `json:"campaign"`
	Topic       *LinkOut       `json:"topic"`
	MembersOnly bool           `json:"members_only"`
	Conclusions string         `json:"conclusions"`
	CreatedAt   time.Time      `json:"created_at"`
	UpdatedAt   time.Time      `json:"updated_at"`
	Version
}

// OrganiserOut is an organisation that organises an event.
type OrganiserOut struct {
	Organisation int64  `json:"organisation"`
	Slug         string `json:"slug"`
	Name         string `json:"name"`
}

// EventJSON is an event in its API shape, for the exports.
func (a *API) EventJSON(e *jigsaw.Event) EventOut { return a.eventOut(e) }

func (a *API) eventOut(e *jigsaw.Event) EventOut {
	out := EventOut{ID: e.ID, URL: a.url("events", e.ID), ICS: a.url("events", e.ID) + ".ics", Kind: string(e.Kind), Title: e.Title,
		Description: e.Description, Start: e.LocalStart(), End: e.LocalEnd(), Venue: e.Venue, Postcode: e.Postcode,
		District: e.District, Organisers: []OrganiserOut{}, MembersOnly: e.MembersOnly, Conclusions: e.Conclusions,
		CreatedAt: e.CreatedAt, UpdatedAt: e.UpdatedAt, Version: versionOut(e.Version)}
	for _, o := range e.Organisers {
		out.Organisers = append(out.Organisers, OrganiserOut{o.OrgID, o.Slug, o.Name})
	}
	if e.Campaign != nil {
		out.Campaign = &LinkOut{ID: e.Campaign.ID, Title: e.Campaign.Title}
	}
	if e.Topic != nil {
		out.Topic = &LinkOut{ID: e.Topic.ID, Title: e.Topic.Title}
	}
	return out
}

// EventIn is the body of POST and PATCH /api/v1/events; every field is
// optional in a PATCH. start and end are London's wall-clock time
// ("2026-07-09T19:00") or an instant with its offset (RFC 3339). campaign
// and topic are numbers, 0 for none; organisers, numbers of organisations.
type EventIn struct {
	Kind        *string  `json:"kind"`
	Title       *string  `json:"title"`
	Description *string  `json:"description"`
	Start       *string  `json:"start"`
	End         *string  `json:"end"`
	Venue       *string  `json:"venue"`
	Postcode    *string  `json:"postcode"`
	Organisers  *[]int64 `json:"organisers"`
	Campaign    *int64   `json:"campaign"`
	Topic       *int64   `json:"topic"`
	MembersOnly *bool    `json:"members_only"`
	Conclusions *string  `json:"conclusions"`
	Version
}

// eventTime reads a time of an event's body.
func eventTime(p jigsaw.Problems, field, s string) time.Time {
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t.UTC()
	}
	day, clock, ok := strings.Cut(s, "T")
	if !ok {
		p.Add(field, "Give London's time as 2026-07-09T19:00, or an instant with its offset (RFC 3339).")
		return time.Time{}
	}
	t, msg := jigsaw.ParseLondonTime(day, clock[:min(len(clock), 5)])
	if msg != "" {
		p.Add(field, msg)
	}
	return t
}

// apply copies the fields present in in onto e.
func (in *EventIn) apply(e *jigsaw.Event) error {
	in.Version.set(&e.Version)
	for _, f := range []struct {
		dst *string
		src *string
	}{{&e.Title, in.Title}, {&e.Description, in.Description}, {&e.Venue, in.Venue}, {&e.Postcode, in.Postcode}, {&e.Conclusions, in.Conclusions}} {
		if f.src != nil {
			*f.dst = *f.src
		}
	}
	if in.Kind != nil {
		e.Kind = jigsaw.EventKind(*in.Kind)
	}
	p := jigsaw.Problems{}
	if in.Start != nil {
		e.Start = eventTime(p, "start", *in.Start)
	}
	if in.End != nil {
		e.End = eventTime(p, "end", *in.End)
	}
	if in.Organisers != nil {
		e.Organisers = nil
		for _, id := range *in.Organisers {
			e.Organisers = append(e.Organisers, jigsaw.EventOrganiser{OrgID: id})
		}
	}
	if in.Campaign != nil {
		e.CampaignID = *in.Campaign
	}
	if in.Topic != nil {
		e.TopicID = *in.Topic
	}
	if in.MembersOnly != nil {
		e.MembersOnly = *in.MembersOnly
	}
	return p.Err()
}

// HandleEventList answers GET /api/v1/events with the filters of /events:
// upcoming events soonest first, past ones (past=1) latest first.
// Members-only events are listed to editors only.
func (a *API) HandleEventList(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	f, list, err := listparams.Events(ctx, a.Store, r.URL.Query(), defaultLimit, time.Now())
	if err != nil {
		a.fail(w, r, err)
		return
	}
	f.Limit++ // one more, to learn whether there is a next page
	var events []*jigsaw.Event
	var total int
	if editor(r) {
		f.MembersOnly = true
		events, total, err = a.Edit.FindEvents(ctx, f)
	} else {
		events, total, err = a.Store.FindPublicEvents(ctx, f)
	}
	if err != nil {
		a.fail(w, r, err)
		return
	}
	var next *string
	if len(events) > list.Limit {
		events = events[:list.Limit]
		q := r.URL.Query()
		q.Del("page")
		q.Set("offset", strconv.Itoa(list.Offset+list.Limit))
		u := strings.TrimSuffix(a.BaseURL, "/") + r.URL.Path + "?" + q.Encode()
		next = &u
	}
	outs := make([]EventOut, 0, len(events))
	for _, e := range events {
		outs = append(outs, a.eventOut(e))
	}
	respond.JSON(w, http.StatusOK, listAnswer{"events", outs, listPage{Total: total, LowerBound: jigsaw.TotalCapped(total, list.Offset+list.Limit),
		Limit: list.Limit, Offset: list.Offset, Next: next}})
}

// HandleEvent answers GET /api/v1/events/{id}; a members-only event is
// not found unless the caller is an editor.
func (a *API) HandleEvent(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		a.fail(w, r, err)
		return
	}
	var e *jigsaw.Event
	if editor(r) {
		e, err = a.Edit.FindEventByID(r.Context(), id)
	} else {
		e, err = a.Store.FindPublicEventByID(r.Context(), id)
	}
	if err != nil {
		a.fail(w, r, err)
		return
	}
	respond.JSON(w, http.StatusOK, a.eventOut(e))
}

// events is how the API keeps events.
func (a *API) events() *record[*jigsaw.Event, EventIn] {
	return &record[*jigsaw.Event, EventIn]{
		path: "events", blank: func() *jigsaw.Event { return &jigsaw.Event{} },
		find: byPathID(a.Edit.FindEventByID), apply: (*EventIn).apply,
		create: a.Edit.CreateEvent, update: a.Edit.UpdateEvent,
		answer: readBack(a.Edit.FindEventByID, func(e *jigsaw.Event) int64 { return e.ID }, a.eventOut),
	}
}

// HandleEventCreate answers POST /api/v1/events with 201 and the event.
func (a *API) HandleEventCreate(w http.ResponseWriter, r *http.Request) {
	writeCreate(a, a.events(), w, r)
}

// HandleEventUpdate answers PATCH /api/v1/events/{id}.
func (a *API) HandleEventUpdate(w http.ResponseWriter, r *http.Request) {
	writeUpdate(a, a.events(), w, r)
}
