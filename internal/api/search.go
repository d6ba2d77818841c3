package api

import (
	"maps"
	"net/http"
	"strconv"
	"strings"

	"jigsaw"
	"jigsaw/internal/listparams"
	"jigsaw/internal/server/respond"
)

// SearchHitOut is a search hit in the API.
type SearchHitOut struct {
	Type  jigsaw.SearchType `json:"type"`
	ID    int64             `json:"id"`
	URL   string            `json:"url"`
	Title string            `json:"title"`
	// Snippet is HTML: the record's public text escaped, with each
	// matching word in <mark>.
	Snippet string `json:"snippet"`
	Date    string `json:"date,omitempty"`
}

// searchAnswer is a page of hits, with the paging of the other lists. Hits
// are ranked, not ordered by a key, so the next page is reached by offset
// (to jigsaw.SearchDepth), not by cursor.
type searchAnswer struct {
	Hits []SearchHitOut `json:"hits"`
	listPage
}

// HandleSearch answers GET /api/v1/search with the parameters of /search:
// q (required), type, issue, district, organisation, since, until, limit,
// offset or page.
func (a *API) HandleSearch(w http.ResponseWriter, r *http.Request) {
	v := r.URL.Query()
	f, list, err := listparams.Search(r.Context(), a.Store, v, defaultLimit)
	if err == nil && f.Query == "" {
		err = &jigsaw.Error{Code: jigsaw.EINVALID, Message: "Bad query parameter: q is required: give the words to search for.",
			Fields: map[string]string{"q": "is required: give the words to search for."}}
	}
	var res *jigsaw.SearchResult
	if err == nil {
		res, err = a.Store.SearchPublic(r.Context(), f)
	}
	if err != nil {
		a.fail(w, r, err)
		return
	}
	out := searchAnswer{Hits: make([]SearchHitOut, 0, len(res.Hits)),
		listPage: listPage{Total: res.Total, LowerBound: res.More, Limit: list.Limit, Offset: list.Offset}}
	base := strings.TrimSuffix(a.BaseURL, "/")
	for _, h := range res.Hits {
		out.Hits = append(out.Hits, SearchHitOut{Type: h.Type, ID: h.ID, URL: base + h.Path(), Title: h.Title, Snippet: h.Snippet, Date: h.Date})
	}
	if next := list.Offset + list.Limit; next < res.Total && next+list.Limit <= jigsaw.SearchDepth {
		q := maps.Clone(v)
		q.Del("page")
		q.Set("offset", strconv.Itoa(next))
		q.Set("limit", strconv.Itoa(list.Limit))
		next := base + "/api/v1/search?" + q.Encode()
		out.Next = &next
	}
	respond.JSON(w, http.StatusOK, out)
}
