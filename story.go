package jigsaw

import (
	"context"
	"strconv"
	"time"
)

// StoryKind says whose story it is.
type StoryKind string

// The kinds of story.
const (
	StoryPatient StoryKind = "patient"
	StoryStaff   StoryKind = "staff"
	StoryCarer   StoryKind = "carer"
	StoryBlog    StoryKind = "blog"
)

// StoryKinds lists every kind with its label.
var StoryKinds = []Choice[StoryKind]{
	{StoryPatient, "Patient"},
	{StoryStaff, "Staff"},
	{StoryCarer, "Carer"},
	{StoryBlog, "Blog"},
}

// StoryStatus is where a story is on its way from submission to publication.
type StoryStatus string

// The statuses of a story:
// awaiting-confirmation → awaiting-review → published | rejected | withdrawn.
const (
	StoryAwaitingConfirmation StoryStatus = "awaiting-confirmation"
	StoryAwaitingReview       StoryStatus = "awaiting-review"
	StoryPublished            StoryStatus = "published"
	StoryRejected             StoryStatus = "rejected"
	StoryWithdrawn            StoryStatus = "withdrawn"
)

// StoryStatuses lists every status with its label.
var StoryStatuses = []Choice[StoryStatus]{
	{StoryAwaitingConfirmation, "Awaiting confirmation"},
	{StoryAwaitingReview, "Awaiting review"},
	{StoryPublished, "Published"},
	{StoryRejected, "Rejected"},
	{StoryWithdrawn, "Withdrawn"},
}

// PublishAs is how the person consented to be named when their story is
// published.
type PublishAs string

// The naming consents.
const (
	PublishFullName      PublishAs = "full-name"
	PublishFirstNameArea PublishAs = "first-name-area"
	PublishWithoutName   PublishAs = "without-name"
)

// Story is the whole record of a story, as moderators see it. It carries the
// submitter's person ID but never their details: those live in Person, which
// only moderator and admin code paths load.
type Story struct {
	ID          int64
	Title       string
	Body        string // Markdown as submitted (or as last edited by a moderator)
	PublicBody  string // Markdown shown to the public: Body with redactions applied
	Kind        StoryKind
	KeyIssues   []string // key issue slugs
	District    string   // postcode district, e.g. "BD20", or ""
	Area        string   // a place name, e.g. "Keighley"
	HappenedOn  string   // "YYYY", "YYYY-MM" or "YYYY-MM-DD"; "" if not given
	Status      StoryStatus
	PersonID    int64
	Byline      string // fixed at publication from the person's consent
	OrgIDs      []int64
	SubmittedAt time.Time
	PublishedAt time.Time // zero until published
	UpdatedAt   time.Time
}

// PublicStory is a published story as anyone may see it. It is built by
// queries that never touch the people table, so it cannot carry personal data.
type PublicStory struct {
	ID    int64
	Title string
	Body  string // the public (redacted) Markdown
	// BodyHTML is Body rendered and sanitised when it was written ("" when
	// it was written without a renderer).
	BodyHTML      string
	Kind          StoryKind
	KeyIssues     []string
	District      string
	Area          string
	HappenedOn    string
	Byline        string
	Organisations []OrgRef
	Replies       []Reply
	PublishedAt   time.Time
	// Dangers are the published dangers that link the story, most recently
	// reported first, and Disputes the disputes those dangers link, each
	// once: what the story's page links back to. Only FindPublicStoryPage
	// fills them.
	Dangers, Disputes []LinkRef
}

// OrgRef names an organisation by its public keys.
type OrgRef struct {
	ID   int64
	Slug string
	Name string
}

// StoryFilter selects published stories. Zero fields do not filter.
type StoryFilter struct {
	Kind     StoryKind
	KeyIssue string
	District string
	OrgID    int64
	Since    time.Time
	Until    time.Time
	// PublishedAfter keeps the items first public after that instant (for
	// alerts' digests).
	PublishedAfter time.Time
	Limit          int
	Offset         int
	// After, when set, starts the list just past that story (keyset
	// paging); Key is its PublishedAt in RFC 3339.
	After *After
}

// After is a position in a list, for keyset paging: the sort key and ID of
// the last item of the page before. A list read from it goes on past that
// item in its own order, however many items were added or removed before
// it meanwhile, which an offset cannot. The key's form is the list's own
// (see each filter's After).
type After struct {
	Key string
	ID  int64
}

// CountCap is how far list totals are counted exactly; see
// PublicStoryService.FindPublicStories.
const CountCap = 1000

// TotalCapped reports whether a list's total, as counted for a page ending
// at item upTo, is a lower bound: totals are counted exactly up to CountCap,
// or to upTo when that is further, and a larger one is reported as that
// bound plus one.
func TotalCapped(total, upTo int) bool { return total > CountCap && total > upTo }

// TotalText writes a list's total, as counted for a page ending at item
// upTo, as people read it: "1000+" when it is a lower bound.
func TotalText(total, upTo int) string {
	if TotalCapped(total, upTo) {
		return strconv.Itoa(total-1) + "+"
	}
	return strconv.Itoa(total)
}

// PublicStoryService reads published stories. Public pages, feeds, exports
// and the API depend on this interface alone, so they cannot reach the
// submitters' personal data.
type PublicStoryService interface {
	// FindPublicStoryByID returns ENOTFOUND unless the story exists and is
	// published.
	FindPublicStoryByID(ctx context.Context, id int64) (*PublicStory, error)
	// FindPublicStoryPage is FindPublicStoryByID for a page that shows the
	// story's stored HTML: Body is left empty unless BodyHTML is (a story
	// stored before its HTML was kept), so the Markdown is not read.
	FindPublicStoryPage(ctx context.Context, id int64) (*PublicStory, error)
	// FindPublicStories returns published stories, newest first, and how
	// many match in all, counted exactly up to CountCap (or to the end of the
	// requested page if that is further): a larger total is reported as
	// that bound plus one, so counting never scans a million rows.
	FindPublicStories(ctx context.Context, f StoryFilter) ([]*PublicStory, int, error)
}

// Person is someone who submitted a story: private, shown to moderators and
// admins only.
type Person struct {
	ID               int64
	Name             string
	Email            string
	Phone            string
	Postcode         string
	EmailConfirmedAt time.Time
	VerifiedAt       time.Time
	VerifiedNote     string
	ErasedAt         time.Time
	CreatedAt        time.Time
}

// KeyIssue is one of the issues the coalition rallies round.
type KeyIssue struct {
	Slug string
	Name string
}

// DefaultKeyIssues are the key issues as the coalition named them; an
// instance may add its own.
var DefaultKeyIssues = []KeyIssue{
	{"conflicts-of-interest", "Conflicts of interest"},
	{"hospital-closures", "Hospital closures"},
	{"wasting-money", "Wasting money"},
	{"safety", "Safety"},
	{"private-patients", "Private patients"},
	{"outsourcing", "Outsourcing"},
	{"cuts", "Cuts"},
	{"pay-and-conditions", "Pay and conditions"},
}
