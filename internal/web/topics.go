package web

import (
	"context"
	"html/template"
	"net/http"
	"net/url"
	"strconv"

	"jigsaw"
	"jigsaw/internal/i18n"
	"jigsaw/internal/listparams"
)

// topicsPerPage is as many topics as a list may show at once: the board
// is read whole on one page while it is smaller than that.
const topicsPerPage = listparams.MaxLimit

// TopicColumn is one state's column of the topic board.
type TopicColumn struct {
	State  jigsaw.TopicState
	Topics []*jigsaw.Topic
}

// TopicListView is the view of /topics: the board, grouped by state.
type TopicListView struct {
	Page
	Columns      []TopicColumn
	Count        int // topics on this page
	Pager        Pager
	Filter       jigsaw.TopicFilter
	Campaign     *jigsaw.Campaign
	Organisation *jigsaw.Organisation
	Campaigns    []*jigsaw.Campaign // to filter by
	Query        url.Values
	States       []jigsaw.Choice[jigsaw.TopicState]
	Form         *Form // the filters typed, with a message for each refused one
}

// FeedQuery is the page's filters as a query for its feeds and exports.
func (v TopicListView) FeedQuery() template.URL { return template.URL(filterQuery(v.Query)) }

// topicFilterLabels names the fields of the board's filter form.
var topicFilterLabels = map[string]string{"state": "State", "campaign": "Campaign", "untaken": "Not taken by anyone:"}

// HandleTopicList serves /topics, the topic board, with its filters;
// /topics?untaken=1 is the work no organisation has taken yet.
func (p *Pages) HandleTopicList(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	campaigns, _, err := p.Store.FindCampaigns(ctx, jigsaw.CampaignFilter{Limit: listparams.MaxLimit})
	if err != nil {
		p.Error(w, r, err)
		return
	}
	f, campaign, list, err := listparams.Topics(ctx, p.Store, r.URL.Query(), topicsPerPage)
	title := tr(r).Sprintf("Topic board")
	if f.Untaken {
		title = tr(r).Sprintf("Topics no one has taken")
	}
	view := TopicListView{Page: p.page(r, title), Query: r.URL.Query(), States: jigsaw.TopicStates, Campaigns: campaigns,
		Filter: f, Campaign: campaign, Organisation: list.Organisation, Form: newForm(r.URL.Query())}
	if err != nil {
		form, ok := filterForm(r.URL.Query(), err, topicFilterLabels)
		if !ok {
			p.Error(w, r, err)
			return
		}
		view.Form = form
		p.Render(w, r, http.StatusBadRequest, "topics", view)
		return
	}
	topics, total, err := p.Store.FindTopics(ctx, f)
	if err != nil {
		p.Error(w, r, err)
		return
	}
	view.Columns, view.Count = boardColumns(topics), len(topics)
	view.Pager = newPager(list, total, r.URL.Query())
	p.Render(w, r, http.StatusOK, "topics", view)
}

// boardColumns groups topics, in the board's order, by state.
func boardColumns(topics []*jigsaw.Topic) []TopicColumn {
	var cols []TopicColumn
	for _, s := range jigsaw.TopicStates {
		col := TopicColumn{State: s.Value}
		for _, t := range topics {
			if t.State == s.Value {
				col.Topics = append(col.Topics, t)
			}
		}
		if len(col.Topics) > 0 {
			cols = append(cols, col)
		}
	}
	return cols
}

// TopicView is the view of /topics/{id}.
type TopicView struct {
	Page
	Topic *jigsaw.Topic
	// Conclusions are what meetings on the topic concluded, newest first:
	// the room for the events part's record of them.
	Conclusions []TopicConclusion
	Revisions   []*jigsaw.Revision // for editors only
}

// TopicConclusion is what one event concluded about a topic.
type TopicConclusion struct {
	Event string // the event's name, already in the reader's language
	URL   string
	Date  string // YYYY-MM-DD
	Text  string // Markdown
}

// HandleTopic serves /topics/{id}.
func (p *Pages) HandleTopic(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	t, err := p.editedTopic(r)
	if err != nil {
		p.Error(w, r, err)
		return
	}
	view := TopicView{Page: p.page(r, t.Title), Topic: t}
	if view.Conclusions, err = p.topicConclusions(r, t); err != nil {
		p.Error(w, r, err)
		return
	}
	if canEdit(view.User) {
		if view.Revisions, err = p.Edit.FindRevisions(ctx, jigsaw.ObjectTopic, t.ID); err != nil {
			p.Error(w, r, err)
			return
		}
	}
	p.Render(w, r, http.StatusOK, "topic", view)
}

// editedTopic returns the topic of the path.
func (p *Pages) editedTopic(r *http.Request) (*jigsaw.Topic, error) {
	id, ok := pathID(r)
	if !ok {
		return nil, jigsaw.Errorf(jigsaw.ENOTFOUND, "There is no page at this address.")
	}
	return p.Store.FindTopicByID(r.Context(), id)
}

func topicPath(t *jigsaw.Topic) string { return "/topics/" + strconv.FormatInt(t.ID, 10) }

// TopicFormView is the view of the form that creates or edits a topic.
type TopicFormView struct {
	EditForm
	Topic     *jigsaw.Topic // nil for a new one
	States    []jigsaw.Choice[jigsaw.TopicState]
	Campaigns []jigsaw.Choice[string] // by number
}

// TopicForms are the forms that add topics to the board and edit them.
func (p *Pages) TopicForms() FormRoutes { return formRoutes(p, p.topics) }

// topics is the edit flow of the topic board.
func (p *Pages) topics() *recordKind[*jigsaw.Topic] {
	return &recordKind[*jigsaw.Topic]{
		template: "topic_form", noun: "topic", more: 4,
		blank: func() *Form {
			f := newForm(url.Values{"state": {string(jigsaw.TopicOpen)}})
			f.Extra = 1
			return f
		},
		find:   p.editedTopic,
		values: func(_ context.Context, t *jigsaw.Topic) (url.Values, error) { return topicValues(t), nil },
		read: func(ctx context.Context, v url.Values, old *jigsaw.Topic) (*jigsaw.Topic, *Form) {
			t, form := p.topicFromForm(ctx, v)
			if old != nil {
				t.ID = old.ID
			}
			return t, form
		},
		create:  p.Edit.CreateTopic,
		update:  p.Edit.UpdateTopic,
		address: topicPath,
		formAddress: func(t *jigsaw.Topic) string {
			if t == nil {
				return "/topics/new"
			}
			return topicPath(t) + "/edit"
		},
		title: func(t *jigsaw.Topic) string { return t.Title },
		view: func(ctx context.Context, ef EditForm, t *jigsaw.Topic) (any, error) {
			campaigns, _, err := p.Store.FindCampaigns(ctx, jigsaw.CampaignFilter{Limit: listparams.MaxLimit})
			if err != nil {
				return nil, err
			}
			choices := make([]jigsaw.Choice[string], len(campaigns))
			for i, c := range campaigns {
				choices[i] = jigsaw.Choice[string]{Value: strconv.FormatInt(c.ID, 10), Label: c.Name}
			}
			return TopicFormView{EditForm: ef, Topic: t, States: jigsaw.TopicStates, Campaigns: choices}, nil
		},
	}
}

// topicFromForm reads a topic from a posted form.
func (p *Pages) topicFromForm(ctx context.Context, v url.Values) (*jigsaw.Topic, *Form) {
	compactRows(v, "organisations", []string{"organisation"}, nil)
	compactRows(v, "links", []string{"url", "label"}, nil)
	form := newForm(v)
	rd := &reader{v: v, p: jigsaw.Problems{}, pr: i18n.FromContext(ctx).Printer()}
	t := &jigsaw.Topic{
		Title:   rd.text("title"),
		Notes:   v.Get("notes"),
		State:   jigsaw.TopicState(rd.text("state")),
		Version: formVersion(v),
	}
	if s := rd.text("campaign"); s != "" {
		id, ok := positiveID(s)
		if !ok {
			rd.p.Add("campaign", rd.msg("Choose a campaign."))
		}
		t.CampaignID = id
	}
	for i := 0; i < rowCount(v, "organisations"); i++ {
		t.Organisations = append(t.Organisations, jigsaw.TopicOrg{
			OrgID: rd.organisation(ctx, p.Store, rowName("organisations", i, "organisation")),
		})
	}
	for i := 0; i < rowCount(v, "links"); i++ {
		t.Links = append(t.Links, jigsaw.TopicLink{
			URL:   rd.text(rowName("links", i, "url")),
			Label: rd.text(rowName("links", i, "label")),
		})
	}
	addChecks(form, rd.p, t)
	return t, form
}

// topicValues fills a form with a stored topic.
func topicValues(t *jigsaw.Topic) url.Values {
	v := url.Values{}
	set := formValues(v).set
	set("title", t.Title)
	set("notes", t.Notes)
	set("state", string(t.State))
	if t.CampaignID != 0 {
		v.Set("campaign", strconv.FormatInt(t.CampaignID, 10))
	}
	for i, o := range t.Organisations {
		v.Set(rowName("organisations", i, "organisation"), o.Name)
	}
	for i, l := range t.Links {
		v.Set(rowName("links", i, "url"), l.URL)
		v.Set(rowName("links", i, "label"), l.Label)
	}
	v.Set(versionField, strconv.FormatInt(t.Version, 10))
	return v
}
