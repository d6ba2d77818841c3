package jigsaw

import (
	"context"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"

	// Events are kept in Europe/London time: the zone's rules go into the
	// binary so that a host without a zone database reads them right.
	_ "time/tzdata"
)

// EventKind is what sort of gathering an event is.
type EventKind string

// The kinds of event.
const (
	EventMeeting       EventKind = "meeting"
	EventPublicMeeting EventKind = "public-meeting"
	EventLobby         EventKind = "lobby"
	EventPicket        EventKind = "picket"
	EventRally         EventKind = "rally"
	EventMarch         EventKind = "march"
	EventStall         EventKind = "stall"
	EventHustings      EventKind = "hustings"
	EventTraining      EventKind = "training"
	EventBoardMeeting  EventKind = "board-meeting"
)

// EventKinds lists every kind of event with its label.
var EventKinds = []Choice[EventKind]{
	{EventMeeting, "Meeting"},
	{EventPublicMeeting, "Public meeting"},
	{EventLobby, "Lobby"},
	{EventPicket, "Picket"},
	{EventRally, "Rally"},
	{EventMarch, "March"},
	{EventStall, "Stall"},
	{EventHustings, "Hustings"},
	{EventTraining, "Training"},
	{EventBoardMeeting, "Board meeting to attend"},
}

// ObjectEvent is the object type of events' revisions.
const ObjectEvent = "event"

// London returns the Europe/London time zone, in which events are given
// and shown.
var London = sync.OnceValue(func() *time.Location {
	loc, err := time.LoadLocation("Europe/London")
	if err != nil {
		panic("jigsaw: the Europe/London zone is built in, yet: " + err.Error())
	}
	return loc
})

var clockRE = regexp.MustCompile(`^([01]?[0-9]|2[0-3])[:.]([0-5][0-9])$`)

// ParseLondonTime reads a day (YYYY-MM-DD or 24/11/2025) and a clock time
// (19:00 or 19.00) as the time they name in Europe/London. A time the
// clocks skip in spring (01:30 on the last Sunday of March) or pass twice
// in autumn (01:30 on the last Sunday of October) is refused: the message
// says why, for the caller to show beside its field.
func ParseLondonTime(day, clock string) (time.Time, string) {
	day = NormalizeDate(day)
	if !validDate(day, false) {
		return time.Time{}, "Give the day as 24/11/2025 or 2025-11-24."
	}
	m := clockRE.FindStringSubmatch(strings.TrimSpace(clock))
	if m == nil {
		return time.Time{}, "Give the time on the 24-hour clock, such as 19:00."
	}
	d, _ := time.Parse("2006-01-02", day)
	h, _ := strconv.Atoi(m[1])
	min, _ := strconv.Atoi(m[2])
	t := time.Date(d.Year(), d.Month(), d.Day(), h, min, 0, 0, London())
	if t.Hour() != h || t.Minute() != min || t.Day() != d.Day() {
		return time.Time{}, fmt.Sprintf("The clocks go forward that night: %02d:%02d does not happen on %s. Choose a time after 02:00.",
			h, min, d.Format("2 January 2006"))
	}
	for _, other := range []time.Time{t.Add(-time.Hour), t.Add(time.Hour)} {
		if l := other.In(London()); l.Hour() == h && l.Minute() == min {
			return time.Time{}, fmt.Sprintf("The clocks go back that night: %02d:%02d happens twice on %s. Choose a time after 02:00.",
				h, min, d.Format("2 January 2006"))
		}
	}
	return t.UTC(), ""
}

// EventOrganiser is an organisation that organises an event. Slug and Name
// are filled in by reads.
type EventOrganiser struct {
	OrgID int64
	Slug  string
	Name  string
}

// Event is a gathering the coalition holds or goes to: a meeting, a lobby
// of a trust board, a picket, a hustings. It is public unless MembersOnly,
// when only signed-in editors and above may see it anywhere.
type Event struct {
	ID          int64
	Kind        EventKind
	Title       string
	Description string // Markdown
	// Start and End are instants in UTC; people give and read them as
	// Europe/London local time (ParseLondonTime, Local).
	Start, End time.Time
	Venue      string
	// Postcode is the venue's postcode, which is public; District, its
	// outward half, is derived from it.
	Postcode    string
	District    string
	Organisers  []EventOrganiser
	CampaignID  int64 // 0 for none
	TopicID     int64 // 0 for none
	MembersOnly bool
	// Conclusions are what the event decided, recorded after it started
	// (Markdown); they feed the event's topic.
	Conclusions string

	// Campaign and Topic name the linked campaign and topic; reads fill
	// them, writes ignore them.
	Campaign *LinkRef
	Topic    *LinkRef

	CreatedAt time.Time
	// Version counts changes, as Dispute.Version does.
	Version   int64
	UpdatedAt time.Time
}

var eventPostcodeRE = regexp.MustCompile(`^([A-Z]{1,2}[0-9][0-9A-Z]?) ?([0-9][A-Z]{2})$`)

// Normalize trims what people type loosely and derives the district from
// the postcode.
func (e *Event) Normalize() {
	e.Title = strings.Join(strings.Fields(e.Title), " ")
	e.Description, e.Conclusions = strings.TrimSpace(e.Description), strings.TrimSpace(e.Conclusions)
	e.Venue = strings.Join(strings.Fields(e.Venue), " ")
	pc := strings.ToUpper(strings.Join(strings.Fields(e.Postcode), ""))
	if m := eventPostcodeRE.FindStringSubmatch(pc); m != nil {
		pc = m[1] + " " + m[2]
		e.District = m[1]
	} else {
		e.District = ""
	}
	e.Postcode = pc
	e.Start, e.End = e.Start.UTC().Truncate(time.Minute), e.End.UTC().Truncate(time.Minute)
}

// Validate reports every field that is wrong, named as the form and the
// API name them. now is the present, against which conclusions are
// checked: an event that has not started has none yet.
func (e *Event) Validate() error { return e.ValidateAt(time.Now()) }

// ValidateAt is Validate with the present given.
func (e *Event) ValidateAt(now time.Time) error {
	p := Problems{}
	if !Valid(EventKinds, e.Kind) {
		p.Add("kind", "Choose what kind of event it is.")
	}
	checkText(p, "title", "Title", e.Title, 1, 300)
	checkText(p, "description", "Description", e.Description, 0, 20000)
	checkText(p, "venue", "Venue", e.Venue, 0, 300)
	if e.Postcode != "" && e.District == "" {
		p.Add("postcode", "A postcode looks like BD20 6TD.")
	}
	switch {
	case e.Start.IsZero():
		p.Add("start", "Give the day and time the event starts.")
	case e.End.IsZero():
		p.Add("end", "Give the day and time the event ends.")
	case e.End.Before(e.Start):
		p.Add("end", "The event cannot end before it starts.")
	case e.End.Sub(e.Start) > 31*24*time.Hour:
		p.Add("end", "An event lasts at most 31 days.")
	}
	seen := map[int64]bool{}
	for i, o := range e.Organisers {
		f := fmt.Sprintf("organisers[%d]", i)
		if o.OrgID <= 0 {
			p.Add(f, "Choose an organisation.")
		} else if seen[o.OrgID] {
			p.Add(f, "This organisation is already listed.")
		}
		seen[o.OrgID] = true
	}
	if e.CampaignID < 0 {
		p.Add("campaign", "Give the number of an existing campaign.")
	}
	if e.TopicID < 0 {
		p.Add("topic", "Give the number of an existing topic.")
	}
	checkText(p, "conclusions", "Conclusions", e.Conclusions, 0, 20000)
	if e.Conclusions != "" && !e.Start.IsZero() && e.Start.After(now) {
		p.Add("conclusions", "Conclusions can be recorded once the event has started.")
	}
	return p.Err()
}

// LocalStart and LocalEnd are the event's times in Europe/London.
func (e *Event) LocalStart() time.Time { return e.Start.In(London()) }

// LocalEnd is the event's end in Europe/London.
func (e *Event) LocalEnd() time.Time { return e.End.In(London()) }

// SameDay reports whether the event starts and ends on one London day.
func (e *Event) SameDay() bool {
	return e.LocalStart().Format("2006-01-02") == e.LocalEnd().Format("2006-01-02")
}

// EventFilter selects events. Zero fields do not filter.
type EventFilter struct {
	Kind       EventKind
	District   string
	OrgID      int64
	CampaignID int64
	TopicID    int64
	// From and To select events that are on at some time between the
	// start of the London day From and the end of the London day To.
	From, To time.Time
	// Past lists events that have ended, latest first; otherwise events
	// not yet ended are listed, soonest first (From and To aside, when
	// they are listed soonest first whatever their time).
	Past bool
	// WithConclusions keeps only events with conclusions recorded.
	WithConclusions bool
	// MembersOnly includes members-only events: for editors only.
	MembersOnly bool
	// PublishedAfter keeps the items created after that instant (for
	// alerts' digests).
	PublishedAfter time.Time
	Limit          int
	Offset         int
}

// PublicEventService reads public events. Members-only events are never
// found through it.
type PublicEventService interface {
	// FindPublicEventByID returns a public event; ENOTFOUND for one that
	// does not exist or is for members only.
	FindPublicEventByID(ctx context.Context, id int64) (*Event, error)
	// FindPublicEvents returns public events as f orders them and how many
	// match in all, counted as FindDisputes counts; f.MembersOnly is
	// ignored.
	FindPublicEvents(ctx context.Context, f EventFilter) ([]*Event, int, error)
	// UpcomingPublicEvents returns the next n public events not yet ended.
	UpcomingPublicEvents(ctx context.Context, n int) ([]*Event, error)
	// CampaignPublicEvents returns a campaign's public events, soonest
	// first, past ones after.
	CampaignPublicEvents(ctx context.Context, campaignID int64) ([]*Event, error)
	// TopicEventConclusions returns the public events on a topic that
	// have conclusions, latest first.
	TopicEventConclusions(ctx context.Context, topicID int64) ([]*Event, error)
}

// EventService keeps events.
type EventService interface {
	PublicEventService
	// FindEventByID returns an event, members-only or not; ENOTFOUND if
	// there is none.
	FindEventByID(ctx context.Context, id int64) (*Event, error)
	// FindEvents is FindPublicEvents with members-only events included
	// when f.MembersOnly.
	FindEvents(ctx context.Context, f EventFilter) ([]*Event, int, error)
	// CreateEvent stores e and sets its ID. Returns EINVALID naming each
	// bad field (an unknown organisation, campaign or topic included).
	CreateEvent(ctx context.Context, e *Event) error
	// UpdateEvent replaces every field of e. Returns ENOTFOUND if it does
	// not exist, ECONFLICT if e.Version is set and not the stored one,
	// otherwise as CreateEvent.
	UpdateEvent(ctx context.Context, e *Event) error
}
