package api

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"jigsaw"
	"jigsaw/internal/auth"
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
	out := StoryOut{ID: s.ID, URL: a.Pages.Site.BaseURL + "/stories/" + strconv.FormatInt(s.ID, 10), Title: s.Title, Body: s.Body,
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
		Postcode: in.Postcode, PublishAs: jigsaw.PublishAs(in.PublishAs), ContactCoalition: in.ContactCoalition, ContactMedia: in.ContactMedia,
		Agree: in.Agree, Token: r.Header.Get("Idempotency-Key")}
	if s.Token != "" {
		s.Token = "api:" + s.Token
	}
	id, err := a.Pages.Submit(r, s, nil)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	respond.JSON(w, http.StatusCreated, map[string]any{"id": id, "status": jigsaw.StoryAwaitingConfirmation,
		"message": "Received. We have emailed a link to confirm the address; the story is reviewed once it is confirmed."})
}

// HandleStories lists published stories, newest first.
func (a *API) HandleStories(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	limit, err := intParam(q.Get("limit"), 20, 1, 100, "limit")
	if err != nil {
		a.fail(w, r, err)
		return
	}
	offset, err := intParam(q.Get("offset"), 0, 0, 1_000_000, "offset")
	if err != nil {
		a.fail(w, r, err)
		return
	}
	f := jigsaw.StoryFilter{Kind: jigsaw.StoryKind(q.Get("kind")), KeyIssue: q.Get("issue"), District: strings.ToUpper(q.Get("district")), Limit: limit, Offset: offset}
	if f.Kind != "" && !jigsaw.Valid(jigsaw.StoryKinds, f.Kind) {
		a.fail(w, r, &jigsaw.Error{Code: jigsaw.EINVALID, Message: "kind must be patient, staff, carer or blog.", Fields: map[string]string{"kind": "unknown kind"}})
		return
	}
	stories, total, err := a.Pages.Store.FindPublicStories(r.Context(), f)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	out := make([]StoryOut, 0, len(stories))
	for _, s := range stories {
		out = append(out, a.storyOut(s))
	}
	respond.JSON(w, http.StatusOK, struct {
		Stories []StoryOut `json:"stories"`
		page
	}{out, newPage(total, limit, offset)})
}

// HandleStory answers one published story.
func (a *API) HandleStory(w http.ResponseWriter, r *http.Request) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		a.fail(w, r, jigsaw.Errorf(jigsaw.ENOTFOUND, "Story not found."))
		return
	}
	s, err := a.Pages.Store.FindPublicStoryByID(r.Context(), id)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	respond.JSON(w, http.StatusOK, a.storyOut(s))
}

// HandleModerate publishes or rejects a story: POST
// /api/v1/stories/{id}/publish, or …/reject with {"reason": "…"}.
func (a *API) HandleModerate(w http.ResponseWriter, r *http.Request) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		a.fail(w, r, jigsaw.Errorf(jigsaw.ENOTFOUND, "Story not found."))
		return
	}
	u := jigsaw.UserFromContext(r.Context())
	ip := auth.ClientIP(r)
	switch r.PathValue("action") {
	case "publish":
		err = a.Pages.Mod.PublishStory(r.Context(), id, u, ip)
	case "reject":
		var in struct {
			Reason string `json:"reason"`
		}
		if err = decode(r, &in); err == nil {
			err = a.Pages.Mod.RejectStory(r.Context(), id, in.Reason, u, ip, func(email, title string) *jigsaw.Mail {
				return a.Pages.Links.RejectMail(email, title, in.Reason, id, time.Now())
			})
		}
	default:
		err = jigsaw.Errorf(jigsaw.ENOTFOUND, "Unknown action; use publish or reject.")
	}
	if err != nil {
		a.fail(w, r, err)
		return
	}
	if a.Pages.WakeMail != nil {
		a.Pages.WakeMail()
	}
	respond.JSON(w, http.StatusOK, map[string]any{"id": id, "done": r.PathValue("action")})
}

func intParam(s string, def, min, max int, name string) (int, error) {
	if s == "" {
		return def, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < min || n > max {
		return 0, &jigsaw.Error{Code: jigsaw.EINVALID, Message: fmt.Sprintf("%s must be a whole number from %d to %d.", name, min, max),
			Fields: map[string]string{name: "out of range"}}
	}
	return n, nil
}
