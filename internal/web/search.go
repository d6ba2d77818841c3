package web

import (
	"html/template"
	"maps"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"jigsaw"
	"jigsaw/internal/listparams"
)

const searchPerPage = 20

// SearchView is the view of /search.
type SearchView struct {
	Page
	Filter       jigsaw.SearchFilter
	Organisation *jigsaw.Organisation // the organisation filtered by, if any
	Hits         []SearchHitView
	Pager        SearchPager
	Query        url.Values
	KeyIssues    []jigsaw.KeyIssue
	Types        []jigsaw.Choice[jigsaw.SearchType]
	Form         *Form // the search typed, with a message for each refused field
}

// SearchHitView is a hit as the page shows it.
type SearchHitView struct {
	jigsaw.SearchHit
	Label string // its kind, in the page's language
	// Snippet is the store's HTML: the public text escaped by the store,
	// then the matches marked (jigsaw.SearchHit.Snippet).
	Snippet template.HTML
}

// SearchPager is the pager of ranked results, whose total is a lower bound
// when there were more matches than were ranked.
type SearchPager struct {
	Pager
	More bool
}

// Shown is the total as people read it: "100+" when more matched.
func (p SearchPager) Shown() string {
	if p.More {
		return strconv.Itoa(p.Total) + "+"
	}
	return p.Pager.Shown()
}

// searchLabels names the fields of the search form.
var searchLabels = map[string]string{"q": "Search for", "type": "Show", "issue": "Key issue", "district": "Postcode district",
	"organisation": "Organisation", "since": "From", "until": "To"}

// HandleSearch serves /search: the form, and the hits of a search.
func (p *Pages) HandleSearch(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	pr := tr(r)
	issues, err := p.Store.KeyIssues(ctx)
	if err != nil {
		p.Error(w, r, err)
		return
	}
	q := p.organisationByName(r, r.URL.Query())
	view := SearchView{Page: p.page(r, pr.Sprintf("Search")), Query: q, KeyIssues: issues,
		Types: translateChoices(pr, jigsaw.SearchTypes), Form: newForm(q)}
	f, list, err := listparams.Search(ctx, p.Store, q, searchPerPage)
	var res *jigsaw.SearchResult
	if err == nil {
		res, err = p.Store.SearchPublic(ctx, f)
	}
	view.Filter = f
	if err != nil {
		// A refused field shows on the form, over no results.
		form, ok := filterForm(q, err, searchLabels)
		if !ok {
			p.Error(w, r, err)
			return
		}
		view.Form = form
		p.Render(w, r, http.StatusBadRequest, "search", view)
		return
	}
	if f.OrgID != 0 {
		view.Organisation, _ = p.Store.FindOrganisationByID(ctx, f.OrgID)
	}
	for _, h := range res.Hits {
		view.Hits = append(view.Hits, SearchHitView{SearchHit: h, Label: pr.Text(jigsaw.LabelOf(jigsaw.SearchTypes, h.Type)),
			Snippet: template.HTML(h.Snippet)})
	}
	view.Pager = SearchPager{Pager: newPager(list, res.Total, q), More: res.More}
	p.Render(w, r, http.StatusOK, "search", view)
}

// organisationByName lets the organisation filter be typed as a name, as
// the picker fills it: listparams takes a number or an address's slug, so a
// name that picks out one organisation is replaced by its slug. Anything
// else is left for listparams to refuse.
func (p *Pages) organisationByName(r *http.Request, q url.Values) url.Values {
	name := strings.TrimSpace(q.Get("organisation"))
	if name == "" || len(q["organisation"]) > 1 || len(name) > 100 {
		return q
	}
	if _, err := strconv.ParseInt(name, 10, 64); err == nil {
		return q
	}
	if _, err := p.Store.FindOrganisationBySlug(r.Context(), name); err == nil {
		return q
	}
	found, err := p.Store.SearchOrganisations(r.Context(), name, 2)
	if err != nil || len(found) == 0 {
		return q
	}
	pick := found[0]
	if len(found) > 1 && !strings.EqualFold(found[0].Name, name) {
		return q
	}
	q = maps.Clone(q)
	q.Set("organisation", pick.Slug)
	return q
}
