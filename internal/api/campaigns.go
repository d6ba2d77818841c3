package api

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"jigsaw"
	"jigsaw/internal/listparams"
	"jigsaw/internal/server/respond"
)

// CampaignOut is a campaign as the API shows it.
type CampaignOut struct {
	ID            int64     `json:"id"`
	Slug          string    `json:"slug"`
	URL           string    `json:"url"`
	Name          string    `json:"name"`
	Aim           string    `json:"aim"`
	Status        string    `json:"status"`
	StartedOn     string    `json:"started_on,omitempty"`
	EndedOn       string    `json:"ended_on,omitempty"`
	District      string    `json:"district,omitempty"`
	Area          string    `json:"area,omitempty"`
	Organisations []OrgRole `json:"organisations"`
	TrackerItems  []LinkOut `json:"tracker_items"`
	Disputes      []LinkOut `json:"disputes"`
	CreatedAt     time.Time `json:"created_at"`
	UpdatedAt     time.Time `json:"updated_at"`
	Version
}

func (a *API) campaignOut(c *jigsaw.Campaign) CampaignOut {
	out := CampaignOut{ID: c.ID, Slug: c.Slug, URL: a.url("campaigns", c.Slug), Name: c.Name, Aim: c.Aim, Status: string(c.Status),
		StartedOn: c.StartedOn, EndedOn: c.EndedOn, District: c.District, Area: c.Area, Organisations: []OrgRole{},
		TrackerItems: links(c.TrackerItems), Disputes: links(c.Disputes), CreatedAt: c.CreatedAt, UpdatedAt: c.UpdatedAt,
		Version: versionOut(c.Version)}
	for _, o := range c.Organisations {
		out.Organisations = append(out.Organisations, OrgRole{Organisation: o.OrgID, Slug: o.Slug, Name: o.Name, Role: string(o.Role)})
	}
	return out
}

// CampaignIn is the body of POST and PATCH /api/v1/campaigns: every field
// is optional in a PATCH, and a list given replaces the stored one.
type CampaignIn struct {
	Slug          *string            `json:"slug"`
	Name          *string            `json:"name"`
	Aim           *string            `json:"aim"`
	Status        *string            `json:"status"`
	StartedOn     *string            `json:"started_on"`
	EndedOn       *string            `json:"ended_on"`
	District      *string            `json:"district"`
	Area          *string            `json:"area"`
	Organisations *[]json.RawMessage `json:"organisations"`
	TrackerItems  *[]int64           `json:"tracker_items"`
	Disputes      *[]int64           `json:"disputes"`
	Version
}

func setStr(dst *string, src *string) {
	if src != nil {
		*dst = *src
	}
}

// apply copies the fields present in in onto c.
func (in *CampaignIn) apply(c *jigsaw.Campaign) error {
	in.Version.set(&c.Version)
	setStr(&c.Slug, in.Slug)
	setStr(&c.Name, in.Name)
	setStr(&c.Aim, in.Aim)
	setStr(&c.StartedOn, in.StartedOn)
	setStr(&c.EndedOn, in.EndedOn)
	setStr(&c.District, in.District)
	setStr(&c.Area, in.Area)
	if in.Status != nil {
		c.Status = jigsaw.CampaignStatus(*in.Status)
	}
	if in.Organisations != nil {
		list, err := decodeList[orgRoleIn](*in.Organisations, "organisations")
		if err != nil {
			return err
		}
		c.Organisations = nil
		for _, o := range list {
			c.Organisations = append(c.Organisations, jigsaw.CampaignOrg{OrgID: o.Organisation, Role: jigsaw.CampaignRole(o.Role)})
		}
	}
	if in.TrackerItems != nil {
		c.TrackerItems = linkRefs(*in.TrackerItems)
	}
	if in.Disputes != nil {
		c.Disputes = linkRefs(*in.Disputes)
	}
	return nil
}

// HandleCampaignList answers GET /api/v1/campaigns, active ones first.
func (a *API) HandleCampaignList(w http.ResponseWriter, r *http.Request) {
	list[jigsaw.CampaignFilter, *jigsaw.Campaign, CampaignOut]{name: "campaigns", cursor: "campaigns",
		parse: listparams.Campaigns, limit: func(f *jigsaw.CampaignFilter) *int { return &f.Limit }, find: a.Store.FindCampaigns,
		out: a.campaignOut, at: func(c *jigsaw.Campaign) jigsaw.After { return jigsaw.After{Key: c.SortKey(), ID: c.ID} },
	}.handler(a)(w, r)
}

// findCampaign finds the campaign of the path's {id}, its number or slug.
func findCampaign(st jigsaw.PublicCampaignService) func(r *http.Request) (*jigsaw.Campaign, error) {
	return func(r *http.Request) (*jigsaw.Campaign, error) {
		key := r.PathValue("id")
		if id, err := strconv.ParseInt(key, 10, 64); err == nil {
			return st.FindCampaignByID(r.Context(), id)
		}
		return st.FindCampaignBySlug(r.Context(), key)
	}
}

// HandleCampaign answers GET /api/v1/campaigns/{id}, by number or slug.
func (a *API) HandleCampaign(w http.ResponseWriter, r *http.Request) {
	c, err := findCampaign(a.Store)(r)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	respond.JSON(w, http.StatusOK, a.campaignOut(c))
}

// campaigns is how the API keeps campaigns.
func (a *API) campaigns() *record[*jigsaw.Campaign, CampaignIn] {
	return &record[*jigsaw.Campaign, CampaignIn]{
		path: "campaigns", blank: func() *jigsaw.Campaign { return &jigsaw.Campaign{} },
		find: findCampaign(a.Edit), apply: (*CampaignIn).apply,
		create: a.Edit.CreateCampaign, update: a.Edit.UpdateCampaign,
		answer: readBack(a.Edit.FindCampaignByID, func(c *jigsaw.Campaign) int64 { return c.ID }, a.campaignOut),
	}
}

// HandleCampaignCreate answers POST /api/v1/campaigns with 201.
func (a *API) HandleCampaignCreate(w http.ResponseWriter, r *http.Request) {
	writeCreate(a, a.campaigns(), w, r)
}

// HandleCampaignUpdate answers PATCH /api/v1/campaigns/{id}.
func (a *API) HandleCampaignUpdate(w http.ResponseWriter, r *http.Request) {
	writeUpdate(a, a.campaigns(), w, r)
}

// TopicOut is a topic of the board as the API shows it.
type TopicOut struct {
	ID            int64        `json:"id"`
	URL           string       `json:"url"`
	Title         string       `json:"title"`
	Notes         string       `json:"notes"`
	State         string       `json:"state"`
	Organisations []TopicOrg   `json:"organisations"`
	Links         []TopicLink  `json:"links"`
	Campaign      *CampaignRef `json:"campaign"`
	CreatedAt     time.Time    `json:"created_at"`
	UpdatedAt     time.Time    `json:"updated_at"`
	Version
}

// TopicOrg is an organisation that took a topic; slug and name are
// answered, not read.
type TopicOrg struct {
	Organisation int64  `json:"organisation"`
	Slug         string `json:"slug,omitempty"`
	Name         string `json:"name,omitempty"`
}

// TopicLink is a page that helps with a topic.
type TopicLink struct {
	URL   string `json:"url"`
	Label string `json:"label"`
}

// CampaignRef names a campaign.
type CampaignRef struct {
	ID   int64  `json:"id"`
	Slug string `json:"slug"`
	Name string `json:"name"`
}

func (a *API) topicOut(t *jigsaw.Topic) TopicOut {
	out := TopicOut{ID: t.ID, URL: a.url("topics", t.ID), Title: t.Title, Notes: t.Notes, State: string(t.State),
		Organisations: []TopicOrg{}, Links: []TopicLink{}, CreatedAt: t.CreatedAt, UpdatedAt: t.UpdatedAt, Version: versionOut(t.Version)}
	for _, o := range t.Organisations {
		out.Organisations = append(out.Organisations, TopicOrg{o.OrgID, o.Slug, o.Name})
	}
	for _, l := range t.Links {
		out.Links = append(out.Links, TopicLink(l))
	}
	if t.CampaignID != 0 {
		out.Campaign = &CampaignRef{t.CampaignID, t.CampaignSlug, t.CampaignName}
	}
	return out
}

// TopicIn is the body of POST and PATCH /api/v1/topics: every field is
// optional in a PATCH, and a list given replaces the stored one. A
// campaign of 0 takes the topic out of its campaign.
type TopicIn struct {
	Title         *string            `json:"title"`
	Notes         *string            `json:"notes"`
	State         *string            `json:"state"`
	Organisations *[]json.RawMessage `json:"organisations"`
	Links         *[]json.RawMessage `json:"links"`
	Campaign      *int64             `json:"campaign"`
	Version
}

// apply copies the fields present in in onto t.
func (in *TopicIn) apply(t *jigsaw.Topic) error {
	in.Version.set(&t.Version)
	setStr(&t.Title, in.Title)
	setStr(&t.Notes, in.Notes)
	if in.State != nil {
		t.State = jigsaw.TopicState(*in.State)
	}
	if in.Campaign != nil {
		t.CampaignID = *in.Campaign
	}
	if in.Organisations != nil {
		list, err := decodeList[TopicOrg](*in.Organisations, "organisations")
		if err != nil {
			return err
		}
		t.Organisations = nil
		for _, o := range list {
			t.Organisations = append(t.Organisations, jigsaw.TopicOrg{OrgID: o.Organisation})
		}
	}
	if in.Links != nil {
		list, err := decodeList[TopicLink](*in.Links, "links")
		if err != nil {
			return err
		}
		t.Links = nil
		for _, l := range list {
			t.Links = append(t.Links, jigsaw.TopicLink(l))
		}
	}
	return nil
}

// HandleTopicList answers GET /api/v1/topics in the board's order;
// untaken=1 gives the topics no organisation has taken.
func (a *API) HandleTopicList(w http.ResponseWriter, r *http.Request) {
	parse := func(ctx context.Context, l listparams.Lookup, v url.Values, perPage int) (jigsaw.TopicFilter, listparams.List, error) {
		f, _, list, err := listparams.Topics(ctx, a.Store, v, perPage)
		return f, list, err
	}
	list[jigsaw.TopicFilter, *jigsaw.Topic, TopicOut]{name: "topics", cursor: "topics",
		parse: parse, limit: func(f *jigsaw.TopicFilter) *int { return &f.Limit }, find: a.Store.FindTopics,
		out: a.topicOut, at: func(t *jigsaw.Topic) jigsaw.After { return jigsaw.After{Key: t.SortKey(), ID: t.ID} },
	}.handler(a)(w, r)
}

// HandleTopic answers GET /api/v1/topics/{id}.
func (a *API) HandleTopic(w http.ResponseWriter, r *http.Request) {
	t, err := byPathID(a.Store.FindTopicByID)(r)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	respond.JSON(w, http.StatusOK, a.topicOut(t))
}

// topics is how the API keeps the topic board.
func (a *API) topics() *record[*jigsaw.Topic, TopicIn] {
	return &record[*jigsaw.Topic, TopicIn]{
		path: "topics", blank: func() *jigsaw.Topic { return &jigsaw.Topic{State: jigsaw.TopicOpen} },
		find: byPathID(a.Edit.FindTopicByID), apply: (*TopicIn).apply,
		create: a.Edit.CreateTopic, update: a.Edit.UpdateTopic,
		answer: readBack(a.Edit.FindTopicByID, func(t *jigsaw.Topic) int64 { return t.ID }, a.topicOut),
	}
}

// HandleTopicCreate answers POST /api/v1/topics with 201.
func (a *API) HandleTopicCreate(w http.ResponseWriter, r *http.Request) {
	writeCreate(a, a.topics(), w, r)
}

// HandleTopicUpdate answers PATCH /api/v1/topics/{id}.
func (a *API) HandleTopicUpdate(w http.ResponseWriter, r *http.Request) {
	writeUpdate(a, a.topics(), w, r)
}

// CampaignJSON is c as the API shows it.
func (a *API) CampaignJSON(c *jigsaw.Campaign) CampaignOut { return a.campaignOut(c) }

// TopicJSON is t as the API shows it.
func (a *API) TopicJSON(t *jigsaw.Topic) TopicOut { return a.topicOut(t) }
