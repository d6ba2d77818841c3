package server

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"time"

	"jigsaw"
	"jigsaw/internal/api"
)

// Access is who may use a route.
type Access int

// The access levels. Each grants what the ones before it grant.
const (
	Public    Access = iota // anyone, signed in or not
	Editor                  // editors, moderators and admins
	Moderator               // moderators and admins
	Admin                   // admins only
)

func (a Access) String() string {
	return [...]string{"public", "editor", "moderator", "admin"}[a]
}

func (a Access) role() jigsaw.Role {
	return [...]jigsaw.Role{"", jigsaw.RoleEditor, jigsaw.RoleModerator, jigsaw.RoleAdmin}[a]
}

// Route is one registered route. Routes() lists them so tests can check
// every route against the authorisation matrix.
type Route struct {
	Pattern string // "GET /stories/{id}"
	Access  Access
}

// Routes returns every registered route.
func (s *Server) Routes() []Route { return append([]Route(nil), s.routes...) }

// registerRoutes is the one list of every route the server answers.
func (s *Server) registerRoutes() {
	p := s.Pages

	// Operations.
	s.handleUncached("GET /healthz", Public, s.handleHealthz)
	s.handleUncached("GET /readyz", Public, s.handleReadyz)
	if s.Config.MetricsAddr == "" { // else only its own address serves it
		s.handleUncached("GET /metrics", Public, s.MetricsHandler().ServeHTTP)
	}
	s.handleUncached("GET /static/", Public, p.HandleStatic)

	// Public pages.
	s.handle("GET /{$}", Public, p.HandleHome)
	s.handle("GET /stories", Public, p.HandleStoryList)
	s.handle("GET /stories/{id}", Public, p.HandleStory)
	s.handle("GET /privacy", Public, p.HandlePrivacy)
	s.handle("GET /about", Public, p.HandleAbout)
	s.handle("GET /search", Public, p.HandleSearch)

	// Sharing and discovery: what crawlers, browsers and other sites read.
	s.handleUncached("GET /robots.txt", Public, p.HandleRobots)
	s.handle("GET /sitemap.xml", Public, p.HandleSitemapIndex)
	s.handle("GET /sitemaps/{file}", Public, p.HandleSitemap)
	s.handleUncached("GET /favicon.ico", Public, p.HandleFavicon)
	s.handleUncached("GET /manifest.webmanifest", Public, p.HandleManifest)

	// The story teller's journey: submit, confirm, withdraw. The forms carry
	// one-time tokens and signed links, so none of these pages is cached.
	s.handleUncached("GET /stories/new", Public, p.HandleStoryNew)
	s.handle("POST /stories/new", Public, p.HandleStoryCreate)
	s.handle("GET /stories/thanks", Public, p.HandleStoryThanks)
	s.handleUncached("GET /stories/confirm", Public, p.HandleConfirmPage)
	s.handle("POST /stories/confirm", Public, p.HandleConfirm)
	s.handleUncached("GET /stories/withdraw", Public, p.HandleWithdrawPage)
	s.handle("POST /stories/withdraw", Public, p.HandleWithdraw)
	s.handle("POST /stories/{id}/replies", Editor, p.HandleReply)

	// Tips of dangers and disputes: sent by anyone as a story is (one-time
	// form tokens, signed links: never cached), queued for editors, never
	// public.
	s.handleUncached("GET /tips/new", Public, p.HandleTipNew)
	s.handle("POST /tips/new", Public, p.HandleTipCreate)
	s.handleUncached("GET /tips/thanks", Public, p.HandleTipThanks)
	s.handleUncached("GET /tips/confirm", Public, p.HandleTipConfirmPage)
	s.handle("POST /tips/confirm", Public, p.HandleTipConfirm)
	s.handle("GET /tips", Editor, p.HandleTips)
	s.handle("GET /tips/{id}", Editor, p.HandleTip)
	s.handle("POST /tips/{id}/{action}", Editor, p.HandleTipAction)
	s.handle("GET /tips/{id}/draft/{kind}", Editor, p.HandleTipDraft)

	// Alerts by email of filtered lists: the form, then pages reached by
	// signed links (confirm, manage, unsubscribe), never cached. The
	// one-click unsubscribe POST is exempt from the cross-origin check
	// (crossOrigin).
	s.handleUncached("GET /alerts/new", Public, p.HandleAlertNew)
	s.handle("POST /alerts/new", Public, p.HandleAlertCreate)
	s.handleUncached("GET /alerts/sent", Public, p.HandleAlertSent)
	s.handleUncached("GET /alerts/confirm/{token}", Public, p.HandleAlertConfirmPage)
	s.handle("POST /alerts/confirm/{token}", Public, p.HandleAlertConfirm)
	s.handleUncached("GET /alerts/manage/{token}", Public, p.HandleAlertManage)
	s.handleUncached("GET /alerts/unsubscribe/{token}", Public, p.HandleAlertUnsubscribePage)
	s.handle("POST /alerts/unsubscribe/{token}", Public, p.HandleAlertUnsubscribe)

	// The teller's own page, through the link in every mail to them: their
	// stories, how they are named, their data, erasure. Personal data:
	// never cached.
	s.handleUncached("GET /me", Public, p.HandleTeller)
	s.handleUncached("GET /me/data", Public, p.HandleTellerData)
	s.handleUncached("GET /me/data.json", Public, p.HandleTellerDataJSON)
	s.handle("POST /me/{action}", Public, p.HandleTellerAction)

	// Moderation.
	s.handle("GET /moderation", Moderator, p.HandleQueue)
	s.handle("GET /moderation/stories/{id}", Moderator, p.HandleModerate)
	s.handle("POST /moderation/stories/{id}/{action}", Moderator, p.HandleModerationAction)
	s.handle("GET /moderation/stories/{id}/attachments/{aid}", Moderator, p.HandleAttachment)
	// The pickers' suggestions as people type (picker.js): public
	// records only, a few at a time.
	s.handle("GET /organisations/suggest", Public, p.HandleSuggest("organisations"))
	s.handle("GET /stories/suggest", Public, p.HandleSuggest("stories"))
	s.handle("GET /disputes/suggest", Public, p.HandleSuggest("disputes"))
	s.handle("GET /organisations", Public, p.HandleOrganisationList)
	s.handle("GET /organisations/{id}", Public, p.HandleOrganisation)
	s.handle("GET /tracker", Public, p.HandleTrackerList)
	s.handle("GET /tracker/{id}", Public, p.HandleTrackerItem)
	s.handle("GET /disputes", Public, p.HandleDisputeList)
	s.handle("GET /disputes/{id}", Public, p.HandleDispute)
	s.handle("GET /areas/{district}", Public, p.HandleArea)
	s.handle("GET /campaigns", Public, p.HandleCampaignList)
	s.handle("GET /campaigns/{id}", Public, p.HandleCampaign)
	s.handle("GET /topics", Public, p.HandleTopicList)
	s.handle("GET /topics/{id}", Public, p.HandleTopic)
	s.handle("GET /events", Public, p.HandleEventList)
	s.handle("GET /events/{id}", Public, p.HandleEvent) // and /events/{id}.ics
	s.handle("GET /events.ics", Public, p.HandleEventsICS)
	s.handle("GET /map", Public, p.HandleMap)
	// GeoJSON exports stream every item the filters select: the page
	// cache would hold whole answers in memory.
	s.handleUncached("GET /stories.geojson", Public, p.HandleStoriesGeoJSON)
	s.handleUncached("GET /tracker.geojson", Public, p.HandleTrackerGeoJSON)
	s.handleUncached("GET /disputes.geojson", Public, p.HandleDisputesGeoJSON)
	s.handle("GET /charts", Public, p.HandleCharts)
	// Plans worked back from an anchor date, and the seats that feed them;
	// /plan/{id} also answers as /plan/{id}.ics.
	s.handle("GET /plan", Public, p.HandlePlanList)
	s.handle("GET /plan/{id}", Public, p.HandlePlan)
	s.handle("GET /seats", Public, p.HandleSeatList)
	s.handle("GET /resources", Public, p.HandleResourceList)
	s.handle("GET /resources/{id}", Public, p.HandleResource)
	// A resource's files are read from the database at each request: the
	// page cache would keep whole files in memory.
	s.handleUncached("GET /resources/{id}/files/{version}/{filename}", Public, p.HandleResourceFile)
	// What the instances this one follows sent: marked with its origin,
	// never in the local lists, feeds or exports.
	s.handle("GET /coalition", Public, p.HandleCoalition)

	// Embedded cards, the only pages other sites may frame
	// (securityHeaders), and the oEmbed answer that points to them.
	s.handle("GET /embed/stories/{id}", Public, p.HandleEmbedStory)
	s.handle("GET /embed/tracker/{id}", Public, p.HandleEmbedTracker)
	s.handle("GET /embed/disputes/{id}", Public, p.HandleEmbedDispute)
	s.handle("GET /embed/stories", Public, p.HandleEmbedList("stories"))
	s.handle("GET /embed/tracker", Public, p.HandleEmbedList("tracker"))
	s.handle("GET /embed/disputes", Public, p.HandleEmbedList("disputes"))
	s.handle("GET /oembed", Public, p.HandleOEmbed)

	// ActivityPub: what other servers read of this one. Uncached: the
	// answers depend on Accept, and the documents keep their own counts.
	if f := s.Federation; f != nil {
		s.handleUncached("GET /.well-known/webfinger", Public, f.HandleWebFinger)
		s.handleUncached("GET /.well-known/nodeinfo", Public, f.HandleNodeInfoLinks)
		s.handleUncached("GET /nodeinfo/2.1", Public, f.HandleNodeInfo)
		s.handleUncached("GET /actor", Public, f.HandleActor)
		s.handleUncached("GET /actor/outbox", Public, f.HandleOutbox)
		s.handleUncached("GET /ap/{kind}/{id}", Public, f.HandleObject)
	}
	// The inboxes: the actor's and the shared one, for activities of
	// other servers, signed (see federation.Social.HandleInbox).
	if so := s.Social; so != nil {
		s.handle("POST /actor/inbox", Public, so.HandleInbox)
		s.handle("POST /inbox", Public, so.HandleInbox)
		s.handleUncached("GET /actor/followers", Public, so.HandleFollowers)
		s.handleUncached("GET /actor/following", Public, so.HandleFollowing)
	}
	// Feeds and exports of every public list, with the list's filters.
	// The feeds are pages to the cache; an export holds every matching
	// item and is written as it is read, which the cache, keeping whole
	// answers, would undo.
	s.handleUncached("GET /events.geojson", Public, p.HandleEventsGeoJSON)
	for _, list := range []string{"stories", "tracker", "disputes", "organisations", "representatives", "plan", "seats", "campaigns", "topics", "events", "pledges", "resources"} {
		s.handle("GET /"+list+".atom", Public, p.HandleFeed(list))
		s.handle("GET /"+list+".rss", Public, p.HandleFeed(list))
		s.handleUncached("GET /"+list+".csv", Public, p.HandleExport(list))
		s.handleUncached("GET /"+list+".json", Public, p.HandleExport(list))
	}

	// Monitoring the dangers: editors record dangers, disputes and
	// organisations.
	dangers, disputes, orgs := p.DangerForms(), p.DisputeForms(), p.OrganisationForms()
	s.handle("GET /tracker/new", Editor, dangers.New)
	s.handle("POST /tracker/new", Editor, dangers.Create)
	s.handle("GET /tracker/{id}/edit", Editor, dangers.Edit)
	s.handle("POST /tracker/{id}/edit", Editor, dangers.Update)
	s.handle("GET /disputes/new", Editor, disputes.New)
	s.handle("POST /disputes/new", Editor, disputes.Create)
	s.handle("GET /disputes/{id}/edit", Editor, disputes.Edit)
	s.handle("POST /disputes/{id}/edit", Editor, disputes.Update)
	s.handle("GET /disputes/{id}/steps", Editor, p.HandleDisputeSteps)
	s.handle("POST /disputes/{id}/steps", Editor, p.HandleDisputeStepAdd)
	s.handle("GET /disputes/{id}/steps/{step}/edit", Editor, p.HandleDisputeStepEdit)
	s.handle("POST /disputes/{id}/steps/{step}/edit", Editor, p.HandleDisputeStepUpdate)
	s.handle("POST /disputes/{id}/steps/{step}/delete", Editor, p.HandleDisputeStepDelete)
	s.handle("GET /organisations/new", Editor, orgs.New)
	s.handle("POST /organisations/new", Editor, orgs.Create)
	s.handle("GET /organisations/{id}/edit", Editor, orgs.Edit)
	s.handle("POST /organisations/{id}/edit", Editor, orgs.Update)
	s.handle("GET /organisations/{id}/merge", Editor, p.HandleOrganisationMerge)
	s.handle("POST /organisations/{id}/merge", Editor, p.HandleOrganisationMergePost)
	plans, seats := p.PlanForms(), p.SeatForms()
	s.handle("GET /plan/new", Editor, plans.New)
	s.handle("POST /plan/new", Editor, plans.Create)
	s.handle("GET /plan/{id}/edit", Editor, plans.Edit)
	s.handle("POST /plan/{id}/edit", Editor, plans.Update)
	s.handle("GET /seats/new", Editor, seats.New)
	s.handle("POST /seats/new", Editor, seats.Create)
	s.handle("GET /seats/{id}/edit", Editor, seats.Edit)
	s.handle("POST /seats/{id}/edit", Editor, seats.Update)
	campaigns, topics := p.CampaignForms(), p.TopicForms()
	s.handle("GET /campaigns/new", Editor, campaigns.New)
	s.handle("POST /campaigns/new", Editor, campaigns.Create)
	s.handle("GET /campaigns/{id}/edit", Editor, campaigns.Edit)
	s.handle("POST /campaigns/{id}/edit", Editor, campaigns.Update)
	s.handle("GET /topics/new", Editor, topics.New)
	s.handle("POST /topics/new", Editor, topics.Create)
	s.handle("GET /topics/{id}/edit", Editor, topics.Edit)
	s.handle("POST /topics/{id}/edit", Editor, topics.Update)

	// People in public roles and their declared interests: public pages,
	// editors' forms, and the danger picker of the interest form.
	reps := p.RepresentativeForms()
	s.handle("GET /representatives", Public, p.HandleRepresentativeList)
	s.handle("GET /representatives/{id}", Public, p.HandleRepresentative)
	s.handle("GET /tracker/suggest", Public, p.HandleSuggest("tracker"))
	s.handle("GET /representatives/new", Editor, reps.New)
	s.handle("POST /representatives/new", Editor, reps.Create)
	s.handle("GET /representatives/{id}/edit", Editor, reps.Edit)
	s.handle("POST /representatives/{id}/edit", Editor, reps.Update)
	s.handle("GET /representatives/{id}/interests/new", Editor, p.HandleInterestNew)
	s.handle("POST /representatives/{id}/interests/new", Editor, p.HandleInterestCreate)
	s.handle("GET /representatives/{id}/interests/{interest}/edit", Editor, p.HandleInterestEdit)
	s.handle("POST /representatives/{id}/interests/{interest}/edit", Editor, p.HandleInterestUpdate)
	s.handle("POST /representatives/{id}/interests/{interest}/delete", Editor, p.HandleInterestDelete)
	events := p.EventForms()
	s.handle("GET /events/new", Editor, events.New)
	s.handle("POST /events/new", Editor, events.Create)
	s.handle("GET /events/{id}/edit", Editor, events.Edit)
	s.handle("POST /events/{id}/edit", Editor, events.Update)

	// Pledges: the public table of who signed; editors keep the pledges
	// and change their targets' states.
	pledges, pledgeTargets := p.PledgeForms(), p.PledgeTargetForms()
	s.handle("GET /pledges", Public, p.HandlePledgeList)
	s.handle("GET /pledges/{id}", Public, p.HandlePledge)
	s.handleUncached("GET /pledges/{id}/targets.csv", Public, p.HandlePledgeTargetsExport)
	s.handleUncached("GET /pledges/{id}/targets.json", Public, p.HandlePledgeTargetsExport)
	s.handle("GET /pledges/new", Editor, pledges.New)
	s.handle("POST /pledges/new", Editor, pledges.Create)
	s.handle("GET /pledges/{id}/edit", Editor, pledges.Edit)
	s.handle("POST /pledges/{id}/edit", Editor, pledges.Update)
	s.handle("GET /pledges/{id}/targets/new", Editor, pledgeTargets.New)
	s.handle("POST /pledges/{id}/targets/new", Editor, pledgeTargets.Create)
	s.handle("GET /pledges/{id}/targets/{target}/edit", Editor, pledgeTargets.Edit)
	s.handle("POST /pledges/{id}/targets/{target}/edit", Editor, pledgeTargets.Update)
	resources := p.ResourceForms()
	s.handle("GET /resources/new", Editor, resources.New)
	s.handle("POST /resources/new", Editor, resources.Create)
	s.handle("GET /resources/{id}/edit", Editor, resources.Edit)
	s.handle("POST /resources/{id}/edit", Editor, resources.Update)
	s.handle("GET /resources/{id}/versions", Editor, p.HandleResourceVersionNew)
	s.handle("POST /resources/{id}/versions", Editor, p.HandleResourceVersionAdd)

	// Webhooks: editors' own tools, sent signed messages of public changes.
	webhooks := p.WebhookForms()
	s.handle("GET /webhooks", Editor, p.HandleWebhooks)
	s.handle("GET /webhooks/new", Editor, webhooks.New)
	s.handle("POST /webhooks/new", Editor, webhooks.Create)
	s.handle("GET /webhooks/{id}", Editor, p.HandleWebhook)
	s.handle("GET /webhooks/{id}/edit", Editor, webhooks.Edit)
	s.handle("POST /webhooks/{id}/edit", Editor, webhooks.Update)
	s.handle("POST /webhooks/{id}/{action}", Editor, p.HandleWebhookAction)
	// The queue of deliveries of every channel: how an admin sees a dead peer.
	s.handle("GET /admin/deliveries", Admin, p.HandleDeliveries)
	s.handle("POST /admin/deliveries/{id}/retry", Admin, p.HandleDeliveryRetry)

	// The JSON API for dangers, disputes and organisations: reads are
	// public (editors also see drafts), writes are for editors.
	a := s.API
	s.handle("GET /api/v1/search", Public, a.HandleSearch)
	s.handle("GET /api/v1/tracker", Public, a.HandleTrackerList)
	s.handle("GET /api/v1/tracker/{id}", Public, a.HandleTrackerItem)
	s.handle("POST /api/v1/tracker", Editor, a.HandleTrackerCreate)
	s.handle("PATCH /api/v1/tracker/{id}", Editor, a.HandleTrackerUpdate)
	s.handle("GET /api/v1/disputes", Public, a.HandleDisputeList)
	s.handle("GET /api/v1/disputes/{id}", Public, a.HandleDispute)
	s.handle("POST /api/v1/disputes", Editor, a.HandleDisputeCreate)
	s.handle("PATCH /api/v1/disputes/{id}", Editor, a.HandleDisputeUpdate)
	s.handle("POST /api/v1/disputes/{id}/steps", Editor, a.HandleStepCreate)
	s.handle("PATCH /api/v1/disputes/{id}/steps/{step}", Editor, a.HandleStepUpdate)
	s.handle("DELETE /api/v1/disputes/{id}/steps/{step}", Editor, a.HandleStepDelete)
	s.handle("GET /api/v1/events", Public, a.HandleEventList)
	s.handle("GET /api/v1/events/{id}", Public, a.HandleEvent)
	s.handle("POST /api/v1/events", Editor, a.HandleEventCreate)
	s.handle("PATCH /api/v1/events/{id}", Editor, a.HandleEventUpdate)
	s.handle("GET /api/v1/organisations", Public, a.HandleOrganisationList)
	s.handle("GET /api/v1/organisations/{id}", Public, a.HandleOrganisation)
	s.handle("GET /api/v1/organisations/{id}/timeline", Public, a.HandleOrganisationTimeline)
	s.handle("POST /api/v1/organisations", Editor, a.HandleOrganisationCreate)
	s.handle("PATCH /api/v1/organisations/{id}", Editor, a.HandleOrganisationUpdate)
	s.handle("POST /api/v1/organisations/{id}/merge", Editor, a.HandleOrganisationMerge)
	s.handle("GET /api/v1/campaigns", Public, a.HandleCampaignList)
	s.handle("GET /api/v1/campaigns/{id}", Public, a.HandleCampaign)
	s.handle("POST /api/v1/campaigns", Editor, a.HandleCampaignCreate)
	s.handle("PATCH /api/v1/campaigns/{id}", Editor, a.HandleCampaignUpdate)
	s.handle("GET /api/v1/topics", Public, a.HandleTopicList)
	s.handle("GET /api/v1/topics/{id}", Public, a.HandleTopic)
	s.handle("POST /api/v1/topics", Editor, a.HandleTopicCreate)
	s.handle("PATCH /api/v1/topics/{id}", Editor, a.HandleTopicUpdate)
	s.handle("GET /api/v1/representatives", Public, a.HandleRepresentativeList)
	s.handle("GET /api/v1/representatives/{id}", Public, a.HandleRepresentative)
	s.handle("POST /api/v1/representatives", Editor, a.HandleRepresentativeCreate)
	s.handle("PATCH /api/v1/representatives/{id}", Editor, a.HandleRepresentativeUpdate)
	s.handle("POST /api/v1/representatives/{id}/interests", Editor, a.HandleInterestCreate)
	s.handle("PATCH /api/v1/representatives/{id}/interests/{interest}", Editor, a.HandleInterestUpdate)
	s.handle("DELETE /api/v1/representatives/{id}/interests/{interest}", Editor, a.HandleInterestDelete)
	s.handle("GET /api/v1/plans", Public, a.HandlePlanList)
	s.handle("GET /api/v1/plans/{id}", Public, a.HandlePlan)
	s.handle("POST /api/v1/plans", Editor, a.HandlePlanCreate)
	s.handle("PATCH /api/v1/plans/{id}", Editor, a.HandlePlanUpdate)
	s.handle("POST /api/v1/plans/{id}/milestones", Editor, a.HandleMilestoneCreate)
	s.handle("GET /api/v1/seats", Public, a.HandleSeatList)
	s.handle("GET /api/v1/seats/{id}", Public, a.HandleSeat)
	s.handle("POST /api/v1/seats", Editor, a.HandleSeatCreate)
	s.handle("PATCH /api/v1/seats/{id}", Editor, a.HandleSeatUpdate)
	s.handle("GET /api/v1/pledges", Public, a.HandlePledgeList)
	s.handle("GET /api/v1/pledges/{id}", Public, a.HandlePledge)
	s.handle("POST /api/v1/pledges", Editor, a.HandlePledgeCreate)
	s.handle("PATCH /api/v1/pledges/{id}", Editor, a.HandlePledgeUpdate)
	s.handle("GET /api/v1/pledges/{id}/targets", Public, a.HandlePledgeTargets)
	s.handle("POST /api/v1/pledges/{id}/targets", Editor, a.HandlePledgeTargetCreate)
	s.handle("PATCH /api/v1/pledges/{id}/targets/{tid}", Editor, a.HandlePledgeTargetUpdate)
	s.handle("GET /api/v1/resources", Public, a.HandleResourceList)
	s.handle("GET /api/v1/resources/{id}", Public, a.HandleResource)
	s.handle("POST /api/v1/resources", Editor, a.HandleResourceCreate)
	s.handle("PATCH /api/v1/resources/{id}", Editor, a.HandleResourceUpdate)
	s.handle("POST /api/v1/resources/{id}/versions", Editor, a.HandleResourceVersionCreate)
	s.handle("GET /api/v1/webhooks", Editor, a.HandleWebhookList)
	s.handle("POST /api/v1/webhooks", Editor, a.HandleWebhookCreate)
	s.handle("GET /api/v1/webhooks/{id}", Editor, a.HandleWebhook)
	s.handle("PATCH /api/v1/webhooks/{id}", Editor, a.HandleWebhookUpdate)
	s.handle("DELETE /api/v1/webhooks/{id}", Editor, a.HandleWebhookDelete)

	// Signing in, and what signed-in staff manage.
	s.handleUncached("GET /login", Public, p.HandleLogin)
	s.handle("POST /login", Public, p.HandleLoginPost)
	s.handle("POST /logout", Public, p.HandleLogout)
	s.handleUncached("GET /password/forgot", Public, p.HandleForgot)
	s.handle("POST /password/forgot", Public, p.HandleForgotPost)
	s.handleUncached("GET /password/reset", Public, p.HandleReset)
	s.handle("POST /password/reset", Public, p.HandleResetPost)
	s.handle("GET /account/2fa", Editor, p.HandleTwoFactor)
	s.handle("POST /account/2fa", Editor, p.HandleTwoFactorPost)
	s.handle("GET /account/tokens", Editor, p.HandleTokens)
	s.handle("POST /account/tokens", Editor, p.HandleTokenCreate)
	s.handle("POST /account/tokens/{id}/revoke", Editor, p.HandleTokenRevoke)
	s.handle("GET /admin/users", Admin, p.HandleUsers)
	s.handle("POST /admin/users", Admin, p.HandleUserCreate)
	s.handle("POST /admin/users/{id}/role", Admin, p.HandleUserRole)
	s.handle("GET /admin/audit", Admin, p.HandleAudit)
	s.handle("GET /admin/outbox", Admin, p.HandleOutbox)
	s.handle("GET /admin/outbox/{id}", Admin, p.HandleOutboxMail)
	s.handle("GET /admin/imports", Admin, p.HandleImports)
	s.handle("POST /admin/imports", Admin, p.HandleImportPost)
	s.handle("GET /admin/imports/sources", Admin, p.HandleSources)
	s.handle("POST /admin/imports/sources", Admin, p.HandleSourceCreate)
	s.handle("GET /admin/imports/sources/{id}", Admin, p.HandleSource)
	s.handle("POST /admin/imports/sources/{id}/{action}", Admin, p.HandleSourceAction)
	s.handle("GET /admin/settings", Admin, p.HandleSettings)
	s.handle("POST /admin/settings", Admin, p.HandleSettingsPost)
	s.handle("POST /admin/settings/key-issues", Admin, p.HandleKeyIssuePost)
	s.handle("GET /admin/federation", Admin, p.HandleFederation)
	s.handle("POST /admin/federation/{action}", Admin, p.HandleFederationAction)

	// The JSON API.
	s.handle("GET /api/v1/stories", Public, s.API.HandleStories)
	s.handle("GET /api/v1/stories/{id}", Public, s.API.HandleStory)
	s.handle("POST /api/v1/stories", Public, s.API.HandleStoryCreate)
	s.handle("POST /api/v1/stories/{id}/{action}", Moderator, s.API.HandleModerate)
	s.handle("GET /api/v1/moderation", Moderator, s.API.HandleModerationQueue)
	s.handle("GET /api/v1/openapi.json", Public, s.API.HandleOpenAPI)
	s.handle("GET /api", Public, p.HandleAPIPage(api.Document))

	// Everything else is a page that does not exist.
	s.mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		s.fail(w, r, jigsaw.Errorf(jigsaw.ENOTFOUND, "There is no page at this address."))
	})
}

// handle registers h for pattern behind the access check. Every route goes
// through here, so no handler can be reached without its check. Anonymous
// GETs of public pages go through the page cache.
func (s *Server) handle(pattern string, access Access, h http.HandlerFunc) {
	s.handleRoute(pattern, access, h, access == Public && strings.HasPrefix(pattern, "GET /"))
}

// handleUncached registers a public route whose answer must always be
// computed afresh (health checks, metrics).
func (s *Server) handleUncached(pattern string, access Access, h http.HandlerFunc) {
	s.handleRoute(pattern, access, h, false)
}

func (s *Server) handleRoute(pattern string, access Access, h http.HandlerFunc, cacheable bool) {
	s.routes = append(s.routes, Route{Pattern: pattern, Access: access})
	s.mux.Handle(pattern, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if info, ok := r.Context().Value(routeInfoKey{}).(*routeInfo); ok {
			info.pattern = pattern
		}
		if access != Public {
			u := jigsaw.UserFromContext(r.Context())
			if u == nil {
				if r.Method == http.MethodGet && !wantsJSON(r) {
					http.Redirect(w, r, "/login?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
					return
				}
				s.fail(w, r, jigsaw.Errorf(jigsaw.EUNAUTHORIZED, "Please sign in first."))
				return
			}
			if !u.Role.AtLeast(access.role()) {
				s.fail(w, r, jigsaw.Errorf(jigsaw.EFORBIDDEN, "Your role does not allow this."))
				return
			}
		}
		if cacheable && r.Method == http.MethodGet && jigsaw.UserFromContext(r.Context()) == nil {
			s.serveCached(w, r, h)
			return
		}
		h(w, r)
	}))
}

func (s *Server) handleHealthz(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.Write([]byte("ok\n"))
}

// handleReadyz answers 200 when the database answers and its schema is
// current, 503 with the reason otherwise, so a load balancer sends no
// traffic to a process that cannot serve it.
func (s *Server) handleReadyz(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 3*time.Second)
	defer cancel()
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	err := s.DB.Ping(ctx)
	if err == nil {
		err = s.DB.CheckSchema(ctx)
	}
	if err != nil {
		s.Log.WarnContext(ctx, "not ready", "error", err)
		w.WriteHeader(http.StatusServiceUnavailable)
		w.Write([]byte("not ready: " + strings.TrimSpace(jigsaw.ErrorMessage(err)) + "\n"))
		return
	}
	w.Write([]byte("ok\n"))
}
