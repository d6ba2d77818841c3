package api

import (
	"net/http"
	"time"

	"jigsaw"
	"jigsaw/internal/auth"
	"jigsaw/internal/listparams"
	"jigsaw/internal/server/respond"
)

// StoryIn is the body of POST /api/v1/stories.
type StoryIn struct {
	Title            string   `json:"title"`
	Body             string   `json:"body"`
	Kind             string   `json:"kind"`
	KeyIssues        []string `json:"key_issues"`
	District         string   `json:"district"`
	Area             string   `json:"area"`
	HappenedOn       string   `json:"happened_on"`
	Organisations    []int64  `json:"organisations"`
	Name             string   `json:"name"`
	Email            string   `json:"email"`
	Phone            string   `json:"phone"`
	Postcode         string   `json:"postcode"`
	PublishAs        string   `json:"publish_as"`
	PublishName      string   `json:"publish_name"`
	ContactCoalition bool     `json:"contact_coalition"`
	ContactMedia     bool     `json:"contact_media"`
	Agree            bool     `json:"agree"`
}

// StoryOut is a published story as the API shows it: public fields only.
type StoryOut struct {
	ID            int64      `json:"id"`
	URL           string     `json:"url"`
	Title         string     `json:"title"`
	Body          string     `json:"body"`
	Kind          string     `json:"kind"`
	KeyIssues     []string   `json:"key_issues"`
	District      string     `json:"district,omitempty"`
	Area          string     `json:"area,omitempty"`
	HappenedOn    string     `json:"happened_on,omitempty"`
	Byline        string     `json:"byline"`
	Organisations []OrgOut   `json:"organisations"`
	Replies       []ReplyOut `json:"replies,omitempty"`
	PublishedAt   time.Time  `json:"published_at"`
}

// OrgOut names an organisation.
type OrgOut struct {
	ID   int64  `json:"id"`
	Slug string `json:"slug"`
	Name string `json:"name"`
}

// ReplyOut is a right-of-reply answer.
type ReplyOut struct {
	Organisation OrgOut    `json:"organisation"`
	Body         string    `json:"body"`
	At           time.Time `json:"at"`
}

func (a *API) storyOut(s *jigsaw.PublicStory) StoryOut {
	out := StoryOut{ID: s.ID, URL: a.url("stories", s.ID), Title: s.Title, Body: s.Body,
		Kind: string(s.Kind), KeyIssues: s.KeyIssues, District: s.District, Area: s.Area, HappenedOn: s.HappenedOn,
		Byline: s.Byline, PublishedAt: s.PublishedAt, Organisations: []OrgOut{}}
	if out.KeyIssues == nil {
		out.KeyIssues = []string{}
	}
	for _, o := range s.Organisations {
		out.Organisations = append(out.Organisations, OrgOut{o.ID, o.Slug, o.Name})
	}
	for _, rp := range s.Replies {
		out.Replies = append(out.Replies, ReplyOut{OrgOut{rp.Organisation.ID, rp.Organisation.Slug, rp.Organisation.Name}, rp.Body, rp.At})
	}
	return out
}

// HandleStoryCreate takes a story as JSON. 201 is sent only after the story
// is committed. An Idempotency-Key header makes a retry return the first
// story instead of creating another.
func (a *API) HandleStoryCreate(w http.ResponseWriter, r *http.Request) {
	var in StoryIn
	if err := decode(r, &in); err != nil {
		a.fail(w, r, err)
		return
	}
	s := &jigsaw.Submission{Title: in.Title, Body: in.Body, Kind: jigsaw.StoryKind(in.Kind), KeyIssues: in.KeyIssues, District: in.District,
		Area: in.Area, HappenedOn: in.HappenedOn, OrgIDs: in.Organisations, Name: in.Name, Email: in.Email, Phone: in.Phone,
		Postcode: in.Postcode, PublishAs: jigsaw.PublishAs(in.PublishAs), PublishName: in.PublishName, ContactCoalition: in.ContactCoalition, ContactMedia: in.ContactMedia,
		Agree: in.Agree, Token: r.Header.Get("Idempotency-Key")}
	if s.Token != "" {
		s.Token = "api:" + s.Token
	}
	id, err := a.Stories.Submit(r.Context(), s, auth.ClientIP(r), nil)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	respond.JSON(w, http.StatusCreated, map[string]any{"id": id, "status": jigsaw.StoryAwaitingConfirmation,
		"message": "Received. We have emailed a link to confirm the address; the story is reviewed once it is confirmed."})
}

// HandleStories lists published stories, newest first.
func (a *API) HandleStories(w http.ResponseWriter, r *http.Request) {
	list[jigsaw.StoryFilter, *jigsaw.PublicStory, StoryOut]{name: "stories", cursor: "stories",
		parse: listparams.Stories, limit: func(f *jigsaw.StoryFilter) *int { return &f.Limit }, find: a.Store.FindPublicStories, out: a.storyOut,
		at: func(s *jigsaw.PublicStory) jigsaw.After { return jigsaw.After{Key: timeKey(s.PublishedAt), ID: s.ID} },
	}.handler(a)(w, r)
}

// HandleStory answers one published story.
func (a *API) HandleStory(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		a.fail(w, r, err)
		return
	}
	s, err := a.Store.FindPublicStoryByID(r.Context(), id)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	respond.JSON(w, http.StatusOK, a.storyOut(s))
}

// QueueItemOut is a line of the moderation queue: no personal data, which
// a moderator reads story by story in the web view (each view audited).
type QueueItemOut struct {
	ID               int64     `json:"id"`
	Title            string    `json:"title"`
	Kind             string    `json:"kind"`
	Status           string    `json:"status"`
	Area             string    `json:"area,omitempty"`
	SubmittedAt      time.Time `json:"submitted_at"`
	ErasureRequested bool      `json:"erasure_requested,omitempty"`
}

// HandleModerationQueue answers GET /api/v1/moderation: the stories awaiting
// review, oldest first, or those of ?status= (all for "all").
func (a *API) HandleModerationQueue(w http.ResponseWriter, r *http.Request) {
	status, list, err := listparams.Queue(r.Context(), r.URL.Query(), defaultLimit)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	// One more than the page, to learn whether there is a next page.
	var items []jigsaw.QueueItem
	var total int
	if list.After != nil {
		items, total, err = a.Store.ModerationQueueAfter(r.Context(), status, list.Limit+1, list.After)
	} else {
		items, total, err = a.Stories.ModerationQueue(r.Context(), status, list.Limit+1, list.Offset)
	}
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writePage(w, r, a.BaseURL, "stories", "moderation", items, func(q jigsaw.QueueItem) QueueItemOut {
		return QueueItemOut{q.ID, q.Title, string(q.Kind), string(q.Status), q.Area, q.SubmittedAt, q.ErasureRequested}
	}, func(q jigsaw.QueueItem) jigsaw.After { return jigsaw.After{Key: timeKey(q.SubmittedAt), ID: q.ID} }, total, list)
}

// ModerationIn is the body of POST /api/v1/stories/{id}/{action}: what
// the action needs (reject: reason; redact: passage; edit: title and
// public_body; notes and verify: note). Publish and erase need no body.
type ModerationIn struct {
	Reason     string `json:"reason"`
	Passage    string `json:"passage"`
	Title      string `json:"title"`
	PublicBody string `json:"public_body"`
	Note       string `json:"note"`
}

// HandleModerate carries out a moderator's action on a story: POST
// /api/v1/stories/{id}/publish, …/reject with {"reason": "…"}, and
// likewise redact, edit, notes, verify and erase.
func (a *API) HandleModerate(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		a.fail(w, r, err)
		return
	}
	var in ModerationIn
	if r.ContentLength != 0 {
		if err := decode(r, &in); err != nil {
			a.fail(w, r, err)
			return
		}
	}
	m := jigsaw.Moderation{Action: r.PathValue("action"), Reason: in.Reason, Passage: in.Passage, Title: in.Title, PublicBody: in.PublicBody, Note: in.Note}
	if err := a.Stories.Moderate(r.Context(), id, m, jigsaw.UserFromContext(r.Context()), auth.ClientIP(r)); err != nil {
		a.fail(w, r, err)
		return
	}
	respond.JSON(w, http.StatusOK, map[string]any{"id": id, "done": m.Action})
}
