package jigsaw

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/mail"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"
)

// Submission is a story as a person sends it, with who they are and what
// they consent to.
type Submission struct {
	Title      string
	Body       string
	Kind       StoryKind
	KeyIssues  []string
	District   string
	Area       string
	HappenedOn string
	OrgIDs     []int64

	Name     string
	Email    string
	Phone    string
	Postcode string

	PublishAs PublishAs
	// PublishName is the name to publish with "first name and area",
	// as the teller typed it: never guessed from their name.
	PublishName      string
	ContactCoalition bool
	ContactMedia     bool
	// Agree confirms the story is true and theirs to tell; required.
	Agree bool
	// Wording is the consents' text as the form showed it, by
	// ConsentWording's keys, when not in English: what a person agreed to
	// is stored in the words they read.
	Wording map[string]string

	// Token identifies the form that was filled in, so a second submit of
	// the same form does not create a second story.
	Token string

	// Channel is how the story came: ChannelWeb ("" too) or ChannelEmail.
	// A story by email is stored without consents: its teller gives them
	// on the confirmation page.
	Channel string
	// Attachments came with a story by email, for moderators only.
	Attachments []Attachment
}

// Limits on what a submission may hold.
const (
	MaxTitleLen = 200
	MaxBodyLen  = 20000 // characters
	MinBodyLen  = 20
)

// ConsentWording is the text shown next to each consent; it is stored with
// the consent, so what a person agreed to stays known if the form changes.
var ConsentWording = map[string]string{
	"publish-as:" + string(PublishFullName):      "Publish my story with my full name.",
	"publish-as:" + string(PublishFirstNameArea): "Publish my story with a name I choose (such as my first name) and my area.",
	"publish-as:" + string(PublishWithoutName):   "Publish my story without my name.",
	"contact-coalition":                          "The coalition may contact me about my story and its campaigns.",
	"contact-media":                              "The coalition may pass my contact details to journalists who want to speak to me.",
	"agree":                                      "My story is true, it is mine to tell, and I agree to its moderation and publication as chosen above.",
	// The naming consent with the name the teller chose written in.
	"publish-as-name": "Publish my story with the name “%s” and my area only.",
}

// PublishAsChoices lists the naming consents in the order the form shows.
var PublishAsChoices = []Choice[PublishAs]{
	{PublishWithoutName, ConsentWording["publish-as:"+string(PublishWithoutName)]},
	{PublishFirstNameArea, ConsentWording["publish-as:"+string(PublishFirstNameArea)]},
	{PublishFullName, ConsentWording["publish-as:"+string(PublishFullName)]},
}

var (
	postcodeRE = regexp.MustCompile(`^[A-Z]{1,2}[0-9][0-9A-Z]? ?[0-9][A-Z]{2}$`)
	phoneRE    = regexp.MustCompile(`^\+?[0-9 ()-]{7,20}$`)
	happenedRE = regexp.MustCompile(`^[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?$`)
)

// Normalize tidies what people type loosely. Bytes that are not UTF-8
// become U+FFFD first, so tidying twice gives the same result.
func (s *Submission) Normalize() {
	for _, f := range []*string{&s.Title, &s.Body, &s.District, &s.Area, &s.HappenedOn, &s.Name, &s.PublishName, &s.Email, &s.Phone, &s.Postcode, &s.Token} {
		*f = strings.ToValidUTF8(*f, "\uFFFD")
	}
	s.Title = strings.Join(strings.Fields(s.Title), " ")
	s.Body = strings.TrimSpace(strings.ReplaceAll(s.Body, "\r\n", "\n"))
	s.District = strings.ToUpper(strings.TrimSpace(s.District))
	s.Area = strings.Join(strings.Fields(s.Area), " ")
	s.HappenedOn = strings.TrimSpace(s.HappenedOn)
	s.Name = strings.Join(strings.Fields(s.Name), " ")
	s.PublishName = strings.Join(strings.Fields(s.PublishName), " ")
	s.Email = strings.TrimSpace(s.Email)
	s.Phone = strings.TrimSpace(s.Phone)
	// The postcode is private: the public district is only ever what the
	// teller gave as the district, never the postcode's outward half.
	s.Postcode = strings.ToUpper(strings.Join(strings.Fields(s.Postcode), " "))
}

// Validate reports every wrong field; validKeyIssue says which key issue
// slugs exist. now bounds "when it happened".
func (s *Submission) Validate(validKeyIssue func(string) bool, now time.Time) error {
	p := Problems{}
	switch n := utf8.RuneCountInString(s.Title); {
	case n == 0:
		p.Add("title", "Give your story a title.")
	case n > MaxTitleLen:
		p.Add("title", "The title is too long: at most 200 characters.")
	}
	switch n := utf8.RuneCountInString(s.Body); {
	case n < MinBodyLen:
		p.Add("body", "Tell your story: at least a sentence or two.")
	case n > MaxBodyLen:
		p.Add("body", "The story is too long: at most 20,000 characters. Split it, or send the rest to a moderator.")
	}
	if !Valid(StoryKinds, s.Kind) {
		p.Add("kind", "Choose whether you are a patient, member of staff, carer, or writing a blog.")
	}
	for _, k := range s.KeyIssues {
		if !validKeyIssue(k) {
			p.Add("key_issues", "Choose key issues from the list.")
		}
	}
	if len(s.KeyIssues) > 8 {
		p.Add("key_issues", "Choose at most 8 key issues.")
	}
	if s.District != "" && !districtRE.MatchString(s.District) {
		p.Add("district", "A postcode district looks like BD20 or SW1A.")
	}
	if utf8.RuneCountInString(s.Area) > 100 {
		p.Add("area", "The area is too long: at most 100 characters.")
	}
	if s.HappenedOn != "" {
		if !happenedRE.MatchString(s.HappenedOn) {
			p.Add("happened_on", "Give a year (2024), a month (2024-03) or a day (2024-03-15).")
		} else if t, ok := parseHappened(s.HappenedOn); !ok {
			p.Add("happened_on", "That date does not exist.")
		} else if t.After(now) {
			p.Add("happened_on", "That date is in the future.")
		}
	}
	if len(s.OrgIDs) > 20 {
		p.Add("organisations", "Choose at most 20 organisations.")
	}
	switch n := utf8.RuneCountInString(s.Name); {
	case n == 0:
		p.Add("name", "Give your name: moderators need to know who told the story, even if it is published without it.")
	case n > 200:
		p.Add("name", "The name is too long.")
	}
	if a, err := mail.ParseAddress(s.Email); err != nil || a.Address != s.Email || len(s.Email) > 254 {
		p.Add("email", "Give an email address such as name@example.org: we send a link to confirm it.")
	}
	if s.Phone != "" && !phoneRE.MatchString(s.Phone) {
		p.Add("phone", "A phone number has 7 to 20 digits.")
	}
	if s.Postcode != "" && !postcodeRE.MatchString(s.Postcode) {
		p.Add("postcode", "A postcode looks like BD20 6TD.")
	}
	if !Valid(PublishAsChoices, s.PublishAs) {
		p.Add("publish_as", "Choose how your story may be published.")
	}
	switch n := utf8.RuneCountInString(s.PublishName); {
	case s.PublishAs == PublishFirstNameArea && n == 0:
		p.Add("publish_name", "Give the name to publish with your story, such as your first name.")
	case n > 60:
		p.Add("publish_name", "The name to publish is too long: at most 60 characters.")
	}
	if !s.Agree {
		p.Add("agree", "Please confirm the story is true and yours to tell.")
	}
	if len(s.Token) > 100 {
		p.Add("token", "The form token is malformed.")
	}
	return p.Err()
}

func parseHappened(s string) (time.Time, bool) {
	for _, layout := range []string{"2006-01-02", "2006-01", "2006"} {
		if len(layout) == len(s) {
			t, err := time.Parse(layout, s)
			return t, err == nil
		}
	}
	return time.Time{}, false
}

// Digest sums up everything the submission says, so that a form token or
// Idempotency-Key sent again can be told apart: the same story, or another
// one under a reused key.
func (s *Submission) Digest() string {
	h := sha256.New()
	for _, f := range []string{s.Title, s.Body, string(s.Kind), strings.Join(s.KeyIssues, ","), s.District, s.Area, s.HappenedOn,
		fmt.Sprint(s.OrgIDs), s.Name, strings.ToLower(s.Email), s.Phone, s.Postcode, string(s.PublishAs), s.PublishName,
		fmt.Sprint(s.ContactCoalition, s.ContactMedia, s.Agree)} {
		h.Write([]byte(f))
		h.Write([]byte{0})
	}
	return hex.EncodeToString(h.Sum(nil))
}

// ScopeToken makes the form token or Idempotency-Key the teller sent
// theirs alone: two people who send the same key (a shared client, a
// copied form) never find each other's story.
func (s *Submission) ScopeToken() {
	if s.Token == "" {
		return
	}
	sum := sha256.Sum256([]byte(strings.ToLower(s.Email) + "\x00" + s.Token))
	s.Token = hex.EncodeToString(sum[:])
}

// PublishAsWording is the naming consent as the teller gave it, the name
// they chose written in.
func (s *Submission) PublishAsWording() string {
	if s.PublishAs == PublishFirstNameArea {
		return fmt.Sprintf(s.ConsentText("publish-as-name"), s.PublishName)
	}
	return s.ConsentText("publish-as:" + string(s.PublishAs))
}

// ConsentText is the wording of a consent (by ConsentWording's keys) as the
// teller read it: in their language when the form was, else English.
func (s *Submission) ConsentText(key string) string {
	if w := s.Wording[key]; w != "" {
		return w
	}
	return ConsentWording[key]
}

// Byline is how a published story names its teller, exactly as they
// consented: their full name, the name they chose to publish with their
// area, or no name at all. A name is never guessed: a story without a name
// to publish is published without one.
func Byline(as PublishAs, name, publishName string, kind StoryKind, area string) string {
	in := ""
	if area != "" {
		in = " in " + area
	}
	named := ""
	switch as {
	case PublishFullName:
		named = name
	case PublishFirstNameArea:
		named = publishName
	}
	if named != "" {
		if area != "" {
			return named + ", " + area
		}
		return named
	}
	switch kind {
	case StoryStaff:
		return "A member of staff" + in
	case StoryCarer:
		return "A carer" + in
	case StoryBlog:
		return "A campaigner" + in
	}
	return "A patient" + in
}

// Consent is one consent given by a person, with the wording they saw.
type Consent struct {
	StoryID int64
	Kind    string // "publish-as", "contact-coalition", "contact-media", "agree"
	Value   string
	Wording string
	GivenAt time.Time
}

// StoryRevision is a story as it stood after a moderator's change.
type StoryRevision struct {
	ID         int64
	UserEmail  string
	At         time.Time
	Action     string // "submitted", "edit", "redact", "publish"
	Title      string
	Body       string
	PublicBody string
}

// Note is a moderator's private note on a story.
type Note struct {
	UserEmail string
	At        time.Time
	Body      string
}

// Reply is an organisation's answer to a published story, shown under it.
type Reply struct {
	ID           int64
	Organisation OrgRef
	Body         string
	At           time.Time
}

// ModerationView is everything a moderator sees of one story: private.
type ModerationView struct {
	Story     Story
	Person    Person
	PublishAs PublishAs
	Consents  []Consent
	Revisions []StoryRevision
	Notes     []Note
	Replies   []Reply
	Orgs      []OrgRef
	// ConfirmedAt and WithdrawnAt mark the person's own actions.
	ConfirmedAt, WithdrawnAt time.Time
	RejectReason             string
	ErasureRequestedAt       time.Time
	// OtherStories are the other stories told from the same email
	// address: one person's, whatever name they gave.
	OtherStories []QueueItem
	// Channel is how the story came; Attachments (without their data)
	// came with a story by email.
	Channel     string
	Attachments []Attachment
}

// QueueItem is a line of the moderation queue.
type QueueItem struct {
	ID          int64
	Title       string
	Kind        StoryKind
	Status      StoryStatus
	Area        string
	SubmittedAt time.Time
	// ErasureRequested flags a person who asked to have their data erased.
	ErasureRequested bool
	// Channel is how the story came (ChannelWeb, ChannelEmail).
	Channel string
}
