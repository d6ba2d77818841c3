package web

import (
	"context"
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"jigsaw"
	"jigsaw/internal/i18n"
	"jigsaw/internal/listparams"
)

const campaignsPerPage = 30

// CampaignListView is the view of /campaigns.
type CampaignListView struct {
	Page
	Campaigns    []*jigsaw.Campaign
	Pager        Pager
	Filter       jigsaw.CampaignFilter
	Organisation *jigsaw.Organisation
	Query        url.Values
	Statuses     []jigsaw.Choice[jigsaw.CampaignStatus]
	KeyIssues    []jigsaw.KeyIssue
	Form         *Form // the filters typed, with a message for each refused one
}

// FeedQuery is the page's filters as a query for its feeds and exports.
func (v CampaignListView) FeedQuery() template.URL { return template.URL(filterQuery(v.Query)) }

// campaignFilterLabels names the fields of the campaigns' filter form.
var campaignFilterLabels = map[string]string{"status": "Status", "issue": "Key issue"}

// HandleCampaignList serves /campaigns with its filters.
func (p *Pages) HandleCampaignList(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	issues, err := p.Store.KeyIssues(ctx)
	if err != nil {
		p.Error(w, r, err)
		return
	}
	f, list, err := listparams.Campaigns(ctx, p.Store, r.URL.Query(), campaignsPerPage)
	view := CampaignListView{Page: p.page(r, tr(r).Sprintf("Campaigns")), Query: r.URL.Query(), Statuses: jigsaw.CampaignStatuses,
		KeyIssues: issues, Organisation: list.Organisation, Form: newForm(r.URL.Query()), Filter: f}
	if err != nil {
		// A refused filter shows on the form, over no campaigns (see
		// HandleStoryList).
		form, ok := filterForm(r.URL.Query(), err, campaignFilterLabels)
		if !ok {
			p.Error(w, r, err)
			return
		}
		view.Form = form
		p.Render(w, r, http.StatusBadRequest, "campaigns", view)
		return
	}
	campaigns, total, err := p.Store.FindCampaigns(ctx, f)
	if err != nil {
		p.Error(w, r, err)
		return
	}
	view.Campaigns = campaigns
	view.Pager = newPager(list, total, r.URL.Query())
	p.Render(w, r, http.StatusOK, "campaigns", view)
}

// CampaignSection is one list of things that serve a campaign, shown on
// its page under a heading: the campaign page's room for what other parts
// of the record (events, plans, pledges, resources) hold about it.
type CampaignSection struct {
	Heading string // already in the reader's language
	Items   []CampaignSectionItem
}

// CampaignSectionItem is one entry of a CampaignSection.
type CampaignSectionItem struct {
	Title, URL, Note string
}

// CampaignView is the view of /campaigns/{id}.
type CampaignView struct {
	Page
	Campaign  *jigsaw.Campaign
	Topics    []*jigsaw.Topic
	KeyIssues map[string]string
	// Sections are what other parts gather about the campaign, each under
	// its own heading, after the campaign's own lists.
	Sections  []CampaignSection
	Revisions []*jigsaw.Revision // for editors only
}

// campaignTopicsShown caps the topics a campaign's page lists; the board
// filtered by the campaign has them all.
const campaignTopicsShown = 100

// HandleCampaign serves /campaigns/{id}, where id is the number or the
// slug; the number redirects to the slug, the campaign's one address.
func (p *Pages) HandleCampaign(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	c, err := p.findCampaign(ctx, p.Store, r.PathValue("id"))
	if err != nil {
		p.Error(w, r, err)
		return
	}
	if r.PathValue("id") != c.Slug {
		http.Redirect(w, r, campaignPath(c), http.StatusMovedPermanently)
		return
	}
	view := CampaignView{Page: p.page(r, c.Name), Campaign: c}
	if view.Sections, err = p.campaignSections(r, c); err != nil {
		p.Error(w, r, err)
		return
	}
	if view.Topics, _, err = p.Store.FindTopics(ctx, jigsaw.TopicFilter{CampaignID: c.ID, Limit: campaignTopicsShown}); err != nil {
		p.Error(w, r, err)
		return
	}
	if view.KeyIssues, err = p.keyIssueNames(r); err != nil {
		p.Error(w, r, err)
		return
	}
	if canEdit(view.User) {
		if view.Revisions, err = p.Edit.FindRevisions(ctx, jigsaw.ObjectCampaign, c.ID); err != nil {
			p.Error(w, r, err)
			return
		}
	}
	p.Render(w, r, http.StatusOK, "campaign", view)
}

// findCampaign finds a campaign by number or slug.
func (p *Pages) findCampaign(ctx context.Context, st jigsaw.PublicCampaignService, key string) (*jigsaw.Campaign, error) {
	if id, err := strconv.ParseInt(key, 10, 64); err == nil {
		return st.FindCampaignByID(ctx, id)
	}
	return st.FindCampaignBySlug(ctx, key)
}

func campaignPath(c *jigsaw.Campaign) string { return "/campaigns/" + c.Slug }

// CampaignFormView is the view of the form that creates or edits a
// campaign.
type CampaignFormView struct {
	EditForm
	Campaign *jigsaw.Campaign // nil for a new one
	Statuses []jigsaw.Choice[jigsaw.CampaignStatus]
	Roles    []jigsaw.Choice[jigsaw.CampaignRole]
}

// CampaignForms are the forms that record and edit campaigns.
func (p *Pages) CampaignForms() FormRoutes { return formRoutes(p, p.campaigns) }

// campaigns is the edit flow of campaigns.
func (p *Pages) campaigns() *recordKind[*jigsaw.Campaign] {
	return &recordKind[*jigsaw.Campaign]{
		template: "campaign_form", noun: "campaign", more: 4,
		blank: func() *Form {
			f := newForm(url.Values{"status": {string(jigsaw.CampaignActive)},
				"organisations[0].role": {string(jigsaw.CampaignLead)}, "organisations[1].role": {string(jigsaw.CampaignPartner)}})
			f.Extra = 1
			return f
		},
		find: func(r *http.Request) (*jigsaw.Campaign, error) {
			return p.findCampaign(r.Context(), p.Edit, r.PathValue("id"))
		},
		values: func(_ context.Context, c *jigsaw.Campaign) (url.Values, error) { return campaignValues(c), nil },
		read: func(ctx context.Context, v url.Values, old *jigsaw.Campaign) (*jigsaw.Campaign, *Form) {
			c, form := p.campaignFromForm(ctx, v)
			if old != nil {
				c.ID = old.ID
			}
			return c, form
		},
		create:  p.Edit.CreateCampaign,
		update:  p.Edit.UpdateCampaign,
		address: campaignPath,
		formAddress: func(c *jigsaw.Campaign) string {
			if c == nil {
				return "/campaigns/new"
			}
			return campaignPath(c) + "/edit"
		},
		fixErrors: func(fields map[string]string) {
			foldErrors(fields, "disputes")
			foldErrors(fields, "tracker_items")
			if msg, ok := fields["tracker_items"]; ok {
				delete(fields, "tracker_items")
				fields["tracker"] = msg
			}
		},
		title: func(c *jigsaw.Campaign) string { return c.Name },
		view: func(ctx context.Context, ef EditForm, c *jigsaw.Campaign) (any, error) {
			return CampaignFormView{EditForm: ef, Campaign: c, Statuses: jigsaw.CampaignStatuses, Roles: jigsaw.CampaignRoles}, nil
		},
	}
}

// campaignFromForm reads a campaign from a posted form. Its dangers are
// typed in the input "tracker", which finds them as /tracker/suggest does.
func (p *Pages) campaignFromForm(ctx context.Context, v url.Values) (*jigsaw.Campaign, *Form) {
	compactRows(v, "organisations", []string{"organisation"}, []string{"role"})
	form := newForm(v)
	rd := &reader{v: v, p: jigsaw.Problems{}, pr: i18n.FromContext(ctx).Printer()}
	c := &jigsaw.Campaign{
		Name:         rd.text("name"),
		Slug:         rd.text("slug"),
		Aim:          v.Get("aim"),
		Status:       jigsaw.CampaignStatus(rd.text("status")),
		StartedOn:    rd.date("started_on"),
		EndedOn:      rd.date("ended_on"),
		District:     rd.text("district"),
		Area:         rd.text("area"),
		TrackerItems: rd.links(ctx, p.Store, "tracker"),
		Disputes:     rd.links(ctx, p.Store, "disputes"),
		Version:      formVersion(v),
	}
	for i := 0; i < rowCount(v, "organisations"); i++ {
		c.Organisations = append(c.Organisations, jigsaw.CampaignOrg{
			OrgID: rd.organisation(ctx, p.Store, rowName("organisations", i, "organisation")),
			Role:  jigsaw.CampaignRole(rd.text(rowName("organisations", i, "role"))),
		})
	}
	addChecks(form, rd.p, c)
	if msg, ok := form.Errors["tracker_items"]; ok {
		delete(form.Errors, "tracker_items")
		form.addErrors(map[string]string{"tracker": msg})
	}
	return c, form
}

// campaignValues fills a form with a stored campaign.
func campaignValues(c *jigsaw.Campaign) url.Values {
	v := url.Values{}
	set := formValues(v).set
	set("name", c.Name)
	set("slug", c.Slug)
	set("aim", c.Aim)
	set("status", string(c.Status))
	set("started_on", c.StartedOn)
	set("ended_on", c.EndedOn)
	set("district", c.District)
	set("area", c.Area)
	set("tracker", linkLines(c.TrackerItems))
	set("disputes", linkLines(c.Disputes))
	for i, o := range c.Organisations {
		v.Set(rowName("organisations", i, "organisation"), o.Name)
		v.Set(rowName("organisations", i, "role"), string(o.Role))
	}
	v.Set(versionField, strconv.FormatInt(c.Version, 10))
	return v
}

// OrganisationCoordination is what an organisation's page lists of the
// coalition's coordination: the campaigns it is part of, with its role in
// each, and the topics it took.
type OrganisationCoordination struct {
	Campaigns []OrgCampaign
	Topics    []*jigsaw.Topic
}

// OrgCampaign is a campaign and an organisation's role in it.
type OrgCampaign struct {
	Campaign *jigsaw.Campaign
	Role     jigsaw.CampaignRole
}

// organisationCoordination reads the campaigns and topics of organisation
// id, as many as a page shows.
func (p *Pages) organisationCoordination(ctx context.Context, id int64) (OrganisationCoordination, error) {
	var oc OrganisationCoordination
	campaigns, _, err := p.Store.FindCampaigns(ctx, jigsaw.CampaignFilter{OrgID: id, Limit: campaignTopicsShown})
	if err != nil {
		return oc, err
	}
	for _, c := range campaigns {
		for _, o := range c.Organisations {
			if o.OrgID == id {
				oc.Campaigns = append(oc.Campaigns, OrgCampaign{Campaign: c, Role: o.Role})
			}
		}
	}
	oc.Topics, _, err = p.Store.FindTopics(ctx, jigsaw.TopicFilter{OrgID: id, Limit: campaignTopicsShown})
	return oc, err
}

// coordinationEntries are the feed entries of /campaigns and /topics: the
// campaigns or topics matching q, newest change first as feeds list them.
func (p *Pages) coordinationEntries(r *http.Request, list string, q url.Values) ([]feedEntry, error) {
	ctx := r.Context()
	var entries []feedEntry
	if list == "campaigns" {
		f, err := readFilter(q, notInFeeds, nil, func(v url.Values) (jigsaw.CampaignFilter, listparams.List, error) {
			return listparams.Campaigns(ctx, p.Store, v, feedLength)
		})
		if err != nil {
			return nil, err
		}
		campaigns, _, err := p.Store.FindCampaigns(ctx, f)
		for _, c := range campaigns {
			entries = append(entries, feedEntry{Path: campaignPath(c), Title: c.Name, Summary: excerpt(c.Aim, 600),
				Published: c.CreatedAt, Updated: c.UpdatedAt})
		}
		return entries, err
	}
	f, err := readFilter(q, notInFeeds, nil, func(v url.Values) (jigsaw.TopicFilter, listparams.List, error) {
		f, _, list, err := listparams.Topics(ctx, p.Store, v, feedLength)
		return f, list, err
	})
	if err != nil {
		return nil, err
	}
	topics, _, err := p.Store.FindTopics(ctx, f)
	pr := tr(r)
	for _, t := range topics {
		summary := pr.Text(jigsaw.LabelOf(jigsaw.TopicStates, t.State))
		if t.Notes != "" {
			summary += ": " + excerpt(t.Notes, 600)
		}
		entries = append(entries, feedEntry{Path: topicPath(t), Title: t.Title, Summary: summary,
			Published: t.CreatedAt, Updated: t.UpdatedAt})
	}
	return entries, err
}

// campaignColumns are the columns of /campaigns.csv.
func campaignColumns(base string) []column[*jigsaw.Campaign] {
	orgs := func(c *jigsaw.Campaign, role jigsaw.CampaignRole) string {
		var slugs []string
		for _, o := range c.OrgsInRole(role) {
			slugs = append(slugs, o.Slug)
		}
		return joinSlugs(slugs)
	}
	ids := func(links []jigsaw.LinkRef) string {
		out := make([]string, len(links))
		for i, l := range links {
			out[i] = id(l.ID)
		}
		return joinSlugs(out)
	}
	return []column[*jigsaw.Campaign]{
		{"id", func(c *jigsaw.Campaign) string { return id(c.ID) }},
		{"url", func(c *jigsaw.Campaign) string { return base + campaignPath(c) }},
		{"slug", func(c *jigsaw.Campaign) string { return c.Slug }},
		{"name", func(c *jigsaw.Campaign) string { return c.Name }},
		{"status", func(c *jigsaw.Campaign) string { return string(c.Status) }},
		{"started_on", func(c *jigsaw.Campaign) string { return c.StartedOn }},
		{"ended_on", func(c *jigsaw.Campaign) string { return c.EndedOn }},
		{"district", func(c *jigsaw.Campaign) string { return c.District }},
		{"area", func(c *jigsaw.Campaign) string { return c.Area }},
		{"leads", func(c *jigsaw.Campaign) string { return orgs(c, jigsaw.CampaignLead) }},
		{"partners", func(c *jigsaw.Campaign) string { return orgs(c, jigsaw.CampaignPartner) }},
		{"supporters", func(c *jigsaw.Campaign) string { return orgs(c, jigsaw.CampaignSupporter) }},
		{"tracker_items", func(c *jigsaw.Campaign) string { return ids(c.TrackerItems) }},
		{"disputes", func(c *jigsaw.Campaign) string { return ids(c.Disputes) }},
		{"created_at", func(c *jigsaw.Campaign) string { return timestamp(c.CreatedAt) }},
		{"updated_at", func(c *jigsaw.Campaign) string { return timestamp(c.UpdatedAt) }},
		{"aim", func(c *jigsaw.Campaign) string { return c.Aim }},
	}
}

// topicColumns are the columns of /topics.csv.
func topicColumns(base string) []column[*jigsaw.Topic] {
	return []column[*jigsaw.Topic]{
		{"id", func(t *jigsaw.Topic) string { return id(t.ID) }},
		{"url", func(t *jigsaw.Topic) string { return base + topicPath(t) }},
		{"title", func(t *jigsaw.Topic) string { return t.Title }},
		{"state", func(t *jigsaw.Topic) string { return string(t.State) }},
		{"organisations", func(t *jigsaw.Topic) string {
			slugs := make([]string, len(t.Organisations))
			for i, o := range t.Organisations {
				slugs[i] = o.Slug
			}
			return joinSlugs(slugs)
		}},
		{"campaign", func(t *jigsaw.Topic) string { return t.CampaignSlug }},
		{"links", func(t *jigsaw.Topic) string {
			urls := make([]string, len(t.Links))
			for i, l := range t.Links {
				urls[i] = l.URL
			}
			return strings.Join(urls, "\n")
		}},
		{"created_at", func(t *jigsaw.Topic) string { return timestamp(t.CreatedAt) }},
		{"updated_at", func(t *jigsaw.Topic) string { return timestamp(t.UpdatedAt) }},
		{"notes", func(t *jigsaw.Topic) string { return t.Notes }},
	}
}
