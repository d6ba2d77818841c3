package jigsaw

import (
	"context"
	"fmt"
	"strings"
	"time"
)

// ObjectCampaign and ObjectTopic are the object types of the revisions of
// campaigns and topics.
const (
	ObjectCampaign = "campaign"
	ObjectTopic    = "topic"
)

// CampaignStatus is where a campaign stands.
type CampaignStatus string

// The statuses of a campaign.
const (
	CampaignActive CampaignStatus = "active"
	CampaignWon    CampaignStatus = "won"
	CampaignLost   CampaignStatus = "lost"
	CampaignEnded  CampaignStatus = "ended"
)

// CampaignStatuses lists every status with its label.
var CampaignStatuses = []Choice[CampaignStatus]{
	{CampaignActive, "Active"},
	{CampaignWon, "Won"},
	{CampaignLost, "Lost"},
	{CampaignEnded, "Ended"},
}

// CampaignRole is an organisation's part in a campaign.
type CampaignRole string

// The roles of an organisation in a campaign.
const (
	CampaignLead      CampaignRole = "lead"
	CampaignPartner   CampaignRole = "partner"
	CampaignSupporter CampaignRole = "supporter"
)

// CampaignRoles lists the roles with their labels.
var CampaignRoles = []Choice[CampaignRole]{
	{CampaignLead, "Lead"},
	{CampaignPartner, "Partner"},
	{CampaignSupporter, "Supporter"},
}

// CampaignOrg is an organisation taking part in a campaign. Slug and Name
// are filled in by reads.
type CampaignOrg struct {
	OrgID int64
	Role  CampaignRole
	Slug  string
	Name  string
}

// Campaign is an aim that several organisations share: each does its own
// part, and the campaign's page gathers the dangers, disputes and topics
// (and, once their parts land, events, plans and pledges) that serve it.
// It is public whole.
type Campaign struct {
	ID        int64
	Slug      string // stable, readable key used in URLs; made from the name when empty
	Name      string
	Aim       string // Markdown
	Status    CampaignStatus
	StartedOn string // YYYY-MM-DD, YYYY-MM or YYYY; "" if not known
	EndedOn   string
	District  string
	Area      string

	Organisations []CampaignOrg
	// TrackerItems and Disputes are the linked dangers and disputes. Writes
	// need their IDs only; reads give the published dangers only.
	TrackerItems []LinkRef
	Disputes     []LinkRef

	CreatedAt time.Time
	// Version counts the record's changes. An update made from an older
	// version than the stored one is refused (ECONFLICT); 0 leaves it
	// unchecked.
	Version   int64
	UpdatedAt time.Time
}

// Normalize trims what people type loosely and makes the slug from the
// name when none is given.
func (c *Campaign) Normalize() {
	c.Name = strings.Join(strings.Fields(c.Name), " ")
	c.Aim = strings.TrimSpace(c.Aim)
	c.Slug = strings.TrimSpace(c.Slug)
	if c.Slug == "" {
		c.Slug = Slugify(c.Name)
	}
	c.StartedOn, c.EndedOn = NormalizeDate(c.StartedOn), NormalizeDate(c.EndedOn)
	c.District = NormalizeDistrict(c.District)
	c.Area = strings.TrimSpace(c.Area)
}

// Validate reports every field that is wrong, named by JSON path
// ("organisations[1].role").
func (c *Campaign) Validate() error {
	p := Problems{}
	checkText(p, "name", "Name", c.Name, 1, 300)
	if c.Name != "" && c.Slug != Slugify(c.Slug) {
		p.Add("slug", "A slug is lower-case letters, digits and hyphens.")
	} else if c.Name != "" && c.Slug == "" {
		p.Add("name", "Name must contain letters or digits.")
	}
	checkText(p, "aim", "Aim", c.Aim, 0, 20000)
	if !Valid(CampaignStatuses, c.Status) {
		p.Add("status", "Choose the status of the campaign.")
	}
	CheckDate(p, "started_on", "Started on", c.StartedOn, true)
	CheckDate(p, "ended_on", "Ended on", c.EndedOn, true)
	if c.StartedOn != "" && c.EndedOn != "" && validDate(c.StartedOn, true) && validDate(c.EndedOn, true) &&
		DateBefore(c.EndedOn, c.StartedOn) {
		p.Add("ended_on", "A campaign cannot end before it starts.")
	}
	checkDistrict(p, "district", c.District)
	checkText(p, "area", "Area", c.Area, 0, 100)
	lead := false
	seen := map[int64]bool{}
	for i, o := range c.Organisations {
		f := fmt.Sprintf("organisations[%d].", i)
		if o.OrgID <= 0 {
			p.Add(f+"organisation", "Choose an organisation.")
		} else if seen[o.OrgID] {
			p.Add(f+"organisation", "This organisation is already listed.")
		}
		seen[o.OrgID] = true
		if !Valid(CampaignRoles, o.Role) {
			p.Add(f+"role", "Choose lead, partner or supporter.")
		}
		lead = lead || o.Role == CampaignLead
	}
	if !lead {
		p.Add("organisations", "Name at least one organisation that leads the campaign.")
	}
	checkLinks(p, "tracker_items", c.TrackerItems)
	checkLinks(p, "disputes", c.Disputes)
	return p.Err()
}

// OrgsInRole returns the organisations in one role.
func (c *Campaign) OrgsInRole(role CampaignRole) []CampaignOrg {
	var out []CampaignOrg
	for _, o := range c.Organisations {
		if o.Role == role {
			out = append(out, o)
		}
	}
	return out
}

// CampaignFilter selects campaigns. Zero fields do not filter.
type CampaignFilter struct {
	Status   CampaignStatus
	OrgID    int64
	KeyIssue string // of a linked danger or dispute
	Limit    int
	Offset   int
	// After starts the list past that campaign; Key is its SortKey.
	After *After
}

// SortKey is the campaign's place in lists, which show active campaigns
// first, then each by name.
func (c *Campaign) SortKey() string {
	if c.Status == CampaignActive {
		return "0" + c.Name
	}
	return "1" + c.Name
}

// PublicCampaignService reads campaigns, which are public whole.
type PublicCampaignService interface {
	// FindCampaignByID returns the campaign with its organisations, its
	// disputes and its published dangers; ENOTFOUND if there is none.
	FindCampaignByID(ctx context.Context, id int64) (*Campaign, error)
	// FindCampaignBySlug is FindCampaignByID by the campaign's slug.
	FindCampaignBySlug(ctx context.Context, slug string) (*Campaign, error)
	// FindCampaigns returns campaigns, active first, then by name, and how
	// many match in all.
	FindCampaigns(ctx context.Context, f CampaignFilter) ([]*Campaign, int, error)
}

// CampaignService keeps campaigns.
type CampaignService interface {
	PublicCampaignService
	// CreateCampaign stores c and sets its ID. Returns EINVALID naming each
	// bad field (an unknown organisation, danger or dispute included) and
	// ECONFLICT when the slug is taken.
	CreateCampaign(ctx context.Context, c *Campaign) error
	// UpdateCampaign replaces the fields and lists of c. Returns ENOTFOUND
	// if it does not exist, EINVALID and ECONFLICT as Create does, and
	// ECONFLICT if c.Version is set and not the stored version.
	UpdateCampaign(ctx context.Context, c *Campaign) error
}
