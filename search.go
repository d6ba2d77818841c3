package jigsaw

import (
	"context"
	"strconv"
	"time"
)

// SearchType is a kind of public record that the site's search finds.
type SearchType string

// The kinds of record search finds.
const (
	SearchStory          SearchType = "story"
	SearchDanger         SearchType = "danger"
	SearchDispute        SearchType = "dispute"
	SearchOrganisation   SearchType = "organisation"
	SearchCampaign       SearchType = "campaign"
	SearchEvent          SearchType = "event"
	SearchTopic          SearchType = "topic"
	SearchPledge         SearchType = "pledge"
	SearchRepresentative SearchType = "representative"
	SearchResource       SearchType = "resource"
	SearchPlan           SearchType = "plan"
)

// SearchTypes lists every kind of search result with its label.
var SearchTypes = []Choice[SearchType]{
	{SearchStory, "Story"},
	{SearchDanger, "Danger"},
	{SearchDispute, "Dispute"},
	{SearchOrganisation, "Organisation"},
	{SearchCampaign, "Campaign"},
	{SearchEvent, "Event"},
	{SearchTopic, "Topic"},
	{SearchPledge, "Pledge"},
	{SearchRepresentative, "Person in a public role"},
	{SearchResource, "Resource"},
	{SearchPlan, "Plan"},
}

// SearchDepth is how many results of one search may be paged through:
// results are ranked among the newest matches of each kind, and a deeper
// page would rank a window as deep as itself.
const SearchDepth = 1000

// SearchFilter is a search and its filters. Zero fields do not filter. A
// filter that a kind of record does not have leaves that kind out:
// organisations have no key issue, district or date, so a search filtered
// by one of those finds no organisations. Filtered by an organisation,
// search finds the records concerning it, and the organisation itself and
// those it is the parent of.
type SearchFilter struct {
	Query    string
	Type     SearchType
	KeyIssue string
	District string
	OrgID    int64
	// Since and Until bound the date of each record, both days included:
	// when a story was published, a danger reported, a dispute's latest step.
	Since, Until time.Time
	Limit        int
	Offset       int
}

// SearchHit is one public record found by a search.
type SearchHit struct {
	Type  SearchType
	ID    int64
	Slug  string // an organisation's or a campaign's, which its address uses
	Title string
	// Snippet is HTML: a passage of the record's public text, escaped, with
	// each word that matched in <mark>. It is built by escaping the text
	// first, so stored text never becomes markup.
	Snippet string
	// Date is when a story was published, a danger reported or a dispute's
	// latest step took place (YYYY-MM-DD, or YYYY-MM or YYYY where only
	// that is known); "" for organisations.
	Date string
}

// Path is the address of the hit's page on the site.
func (h SearchHit) Path() string {
	switch h.Type {
	case SearchStory:
		return "/stories/" + strconv.FormatInt(h.ID, 10)
	case SearchDanger:
		return "/tracker/" + strconv.FormatInt(h.ID, 10)
	case SearchDispute:
		return "/disputes/" + strconv.FormatInt(h.ID, 10)
	case SearchCampaign:
		return "/campaigns/" + h.Slug
	case SearchEvent:
		return "/events/" + strconv.FormatInt(h.ID, 10)
	case SearchTopic:
		return "/topics/" + strconv.FormatInt(h.ID, 10)
	case SearchPledge:
		return "/pledges/" + strconv.FormatInt(h.ID, 10)
	case SearchRepresentative:
		return "/representatives/" + strconv.FormatInt(h.ID, 10)
	case SearchResource:
		return "/resources/" + strconv.FormatInt(h.ID, 10)
	case SearchPlan:
		return "/plan/" + strconv.FormatInt(h.ID, 10)
	}
	return "/organisations/" + h.Slug
}

// SearchResult is a page of a search's hits, best first.
type SearchResult struct {
	Hits []SearchHit
	// Total is how many records were ranked; More says there are more
	// matches than that, beyond the newest of some kind (Total is then a
	// lower bound).
	Total int
	More  bool
}

// SearchService searches the public records.
type SearchService interface {
	// SearchPublic finds the published stories, the published dangers,
	// the disputes and the organisations whose public text holds every
	// word of f.Query, best match first. Words are letters and digits:
	// quotes, operators and other punctuation are plain text, never query
	// syntax. Personal data and unpublished text are never searched. An
	// empty query finds nothing; a query with no words (only punctuation)
	// is EINVALID, naming the field "q".
	SearchPublic(ctx context.Context, f SearchFilter) (*SearchResult, error)
}
