package web

import (
	"net/http"
	"net/url"
	"strconv"

	"jigsaw"
	"jigsaw/internal/listparams"
)

const storiesPerPage = 20

// StoryListView is the view of /stories.
type StoryListView struct {
	Page
	Stories   []*jigsaw.PublicStory
	Pager     Pager
	Filter    jigsaw.StoryFilter
	Query     url.Values
	KeyIssues []jigsaw.KeyIssue
	Kinds     []jigsaw.Choice[jigsaw.StoryKind]
	Form      *Form // the filters typed, with a message for each refused one
}

// storyFilterLabels names the fields of the stories' filter form.
var storyFilterLabels = map[string]string{"kind": "Kind", "issue": "Key issue", "district": "Postcode district",
	"since": "Published since", "until": "Published until"}

// HandleStoryList serves /stories with its filters.
func (p *Pages) HandleStoryList(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	issues, err := p.Store.KeyIssues(ctx)
	if err != nil {
		p.Error(w, r, err)
		return
	}
	f, list, err := listparams.Stories(ctx, p.Store, r.URL.Query(), storiesPerPage)
	if err != nil {
		// A refused filter shows on the form, over no stories: the whole
		// list would look like the answer to the filter typed.
		form, ok := filterForm(r.URL.Query(), err, storyFilterLabels)
		if !ok {
			p.Error(w, r, err)
			return
		}
		p.Render(w, r, http.StatusBadRequest, "stories", StoryListView{Page: p.page(r, tr(r).Sprintf("Stories")), Filter: f,
			Query: r.URL.Query(), KeyIssues: issues, Kinds: translateChoices(tr(r), jigsaw.StoryKinds), Form: form})
		return
	}
	stories, total, err := p.Store.FindPublicStories(ctx, f)
	if err != nil {
		p.Error(w, r, err)
		return
	}
	p.Render(w, r, http.StatusOK, "stories", StoryListView{
		Page:    p.page(r, tr(r).Sprintf("Stories")),
		Stories: stories, Filter: f, Query: r.URL.Query(), KeyIssues: issues, Kinds: translateChoices(tr(r), jigsaw.StoryKinds),
		Pager: newPager(list, total, r.URL.Query()), Form: newForm(r.URL.Query()),
	})
}

// StoryView is the view of /stories/{id}.
type StoryView struct {
	Page
	Story  *jigsaw.PublicStory
	Issues []jigsaw.KeyIssue // the story's key issues, named as this instance names them
	// Dangers are the published dangers that cite the story, and Disputes
	// those dangers' disputes: the way back from a story to what it shows.
	Dangers, Disputes []jigsaw.LinkRef
}

// HandleStory serves /stories/{id}.
func (p *Pages) HandleStory(w http.ResponseWriter, r *http.Request) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		p.NotFound(w, r)
		return
	}
	s, err := p.Store.FindPublicStoryPage(r.Context(), id)
	if err != nil {
		p.Error(w, r, err)
		return
	}
	names, err := p.keyIssueNames(r)
	if err != nil {
		p.Error(w, r, err)
		return
	}
	// Named here rather than in the template, where each lookup is a call
	// through reflection.
	issues := make([]jigsaw.KeyIssue, 0, len(s.KeyIssues))
	for _, slug := range s.KeyIssues {
		name := names[slug]
		if name == "" {
			name = slug
		}
		issues = append(issues, jigsaw.KeyIssue{Slug: slug, Name: name})
	}
	p.Render(w, r, http.StatusOK, "story", StoryView{Page: p.page(r, s.Title), Story: s, Issues: issues,
		Dangers: s.Dangers, Disputes: s.Disputes})
}

func (p *Pages) keyIssueNames(r *http.Request) (map[string]string, error) {
	issues, err := p.Store.KeyIssues(r.Context())
	if err != nil {
		return nil, err
	}
	m := make(map[string]string, len(issues))
	for _, k := range issues {
		m[k.Slug] = k.Name
	}
	return m, nil
}
