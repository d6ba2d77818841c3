package jigsaw

// TellerData is everything Jigsaw holds about one person, as they see and
// download it from their own page: their details as they gave them with
// each story, the stories with every text and revision, their consents with
// the history of each, the mail sent to them, and who viewed their details
// and when. The person is everyone who gave the same email address.
type TellerData struct {
	Email   string
	People  []Person
	Stories []TellerStory
	// Consents are every consent given, oldest first; a change of how a
	// story is named is a new consent, the old ones kept.
	Consents []Consent
	Mails    []Mail
	// Attachments are the files their stories by email brought (without
	// their bytes), Alerts the alerts by email their address holds.
	Attachments []Attachment
	Alerts      []AlertSubscription
	// Views are the moderators' views of their details.
	Views []AuditEntry
}

// TellerStory is one of a teller's stories as its teller sees it.
type TellerStory struct {
	Story
	PublishAs    PublishAs
	PublishName  string
	RejectReason string
	Revisions    []StoryRevision
}
