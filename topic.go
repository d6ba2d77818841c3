package jigsaw

import (
	"context"
	"fmt"
	"strings"
	"time"
)

// TopicState is how far the work on a topic has gone.
type TopicState string

// The states of a topic.
const (
	TopicOpen       TopicState = "open"
	TopicTaken      TopicState = "taken"
	TopicInProgress TopicState = "in-progress"
	TopicDone       TopicState = "done"
)

// TopicStates lists every state with its label, in the order the board
// shows them.
var TopicStates = []Choice[TopicState]{
	{TopicOpen, "Open"},
	{TopicTaken, "Taken"},
	{TopicInProgress, "In progress"},
	{TopicDone, "Done"},
}

// NeedsOrganisation reports whether a topic in state s must name the
// organisations that took it.
func (s TopicState) NeedsOrganisation() bool { return s == TopicTaken || s == TopicInProgress }

// TopicOrg is an organisation that took a topic. Slug and Name are filled
// in by reads.
type TopicOrg struct {
	OrgID int64
	Slug  string
	Name  string
}

// TopicLink is a page that helps with a topic.
type TopicLink struct {
	URL   string
	Label string
}

// Topic is a subject on the coalition's board ("conflicts of interest of
// GPs", "update TUPE guidance") and the organisations that took it: the
// way work is divided without a centre. It is public whole.
type Topic struct {
	ID            int64
	Title         string
	Notes         string // Markdown
	State         TopicState
	Organisations []TopicOrg
	Links         []TopicLink
	// CampaignID is the campaign the topic serves, 0 for none; reads fill
	// in its slug and name.
	CampaignID   int64
	CampaignSlug string
	CampaignName string

	CreatedAt time.Time
	// Version counts the record's changes. An update made from an older
	// version than the stored one is refused (ECONFLICT); 0 leaves it
	// unchecked.
	Version   int64
	UpdatedAt time.Time
}

// Normalize trims what people type loosely.
func (t *Topic) Normalize() {
	t.Title = strings.Join(strings.Fields(t.Title), " ")
	t.Notes = strings.TrimSpace(t.Notes)
	for i := range t.Links {
		t.Links[i].URL = strings.TrimSpace(t.Links[i].URL)
		t.Links[i].Label = strings.Join(strings.Fields(t.Links[i].Label), " ")
	}
}

// Validate reports every field that is wrong, named by JSON path
// ("links[0].url", "organisations[1].organisation"). A topic taken or in progress must name who took it.
func (t *Topic) Validate() error {
	p := Problems{}
	checkText(p, "title", "Title", t.Title, 1, 300)
	checkText(p, "notes", "Notes", t.Notes, 0, 20000)
	if !Valid(TopicStates, t.State) {
		p.Add("state", "Choose the state of the topic.")
	}
	seen := map[int64]bool{}
	for i, o := range t.Organisations {
		f := fmt.Sprintf("organisations[%d].organisation", i)
		if o.OrgID <= 0 {
			p.Add(f, "Choose an organisation.")
		} else if seen[o.OrgID] {
			p.Add(f, "This organisation is already listed.")
		}
		seen[o.OrgID] = true
	}
	if t.State.NeedsOrganisation() && len(t.Organisations) == 0 {
		p.Add("organisations", fmt.Sprintf("A topic that is %s needs the organisation that took it.",
			strings.ToLower(LabelOf(TopicStates, t.State))))
	}
	for i, l := range t.Links {
		f := fmt.Sprintf("links[%d].", i)
		if !validWebURL(l.URL) {
			p.Add(f+"url", "A link must be an http or https address.")
		}
		checkText(p, f+"label", "The label", l.Label, 0, 200)
	}
	if t.CampaignID < 0 {
		p.Add("campaign", "Choose a campaign.")
	}
	return p.Err()
}

// TopicFilter selects topics. Zero fields do not filter.
type TopicFilter struct {
	State      TopicState
	CampaignID int64
	OrgID      int64 // topics this organisation took
	// Untaken selects the topics no organisation has taken that are not
	// done: the work still to divide.
	Untaken bool
	Limit   int
	Offset  int
	// After starts the list past that topic; Key is its SortKey.
	After *After
}

// SortKey is the topic's place on the board: by state, in the board's
// order, then by title.
func (t *Topic) SortKey() string {
	for i, s := range TopicStates {
		if s.Value == t.State {
			return string(rune('0'+i)) + t.Title
		}
	}
	return "9" + t.Title
}

// PublicTopicService reads the topic board, which is public whole.
type PublicTopicService interface {
	// FindTopicByID returns ENOTFOUND if there is none.
	FindTopicByID(ctx context.Context, id int64) (*Topic, error)
	// FindTopics returns topics in the board's order of states, then by
	// title, and how many match in all.
	FindTopics(ctx context.Context, f TopicFilter) ([]*Topic, int, error)
}

// TopicService keeps the topic board.
type TopicService interface {
	PublicTopicService
	// CreateTopic stores t and sets its ID. Returns EINVALID naming each
	// bad field (an unknown organisation or campaign included).
	CreateTopic(ctx context.Context, t *Topic) error
	// UpdateTopic replaces the fields and lists of t. Returns ENOTFOUND if
	// it does not exist, EINVALID as Create does, and ECONFLICT if
	// t.Version is set and not the stored version.
	UpdateTopic(ctx context.Context, t *Topic) error
}
