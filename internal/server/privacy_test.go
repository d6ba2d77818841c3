package server_test

import (
	"context"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"jigsaw"
	"jigsaw/internal/demo"
	"jigsaw/internal/server"
	"jigsaw/internal/testrig"
)

// secrets is personal data planted in stories in every state; none of it
// may appear on any public route in any format.
var secrets = []string{"Ophelia Marchbanks-Leakcheck", "Marchbanks", "ophelia.leakcheck@example.invalid", "07700 900777", "LS6 9ZZ",
	"MODNOTE-7f3a", "REDACTED-PASSAGE-9b1c", "VERIFIED-BY-PHONE-44d2", "REJECT-REASON-e5e5"}

// privacySamples gives each public GET route the requests that exercise
// it; {story} and {org} are replaced by IDs of stories holding the secrets.
// A public route without an entry fails the test.
var privacySamples = map[string][]string{
	"GET /healthz":                            {"/healthz"},
	"GET /readyz":                             {"/readyz"},
	"GET /metrics":                            {"/metrics"},
	"GET /static/":                            {"/static/style.css"},
	"GET /robots.txt":                         {"/robots.txt"},
	"GET /sitemap.xml":                        {"/sitemap.xml"},
	"GET /sitemaps/{file}":                    {"/sitemaps/pages.xml", "/sitemaps/stories-0.xml", "/sitemaps/organisations-0.xml"},
	"GET /favicon.ico":                        {"/favicon.ico"},
	"GET /manifest.webmanifest":               {"/manifest.webmanifest"},
	"GET /{$}":                                {"/"},
	"GET /stories":                            {"/stories", "/stories?issue=safety", "/stories?district=LS6", "/stories?kind=patient&page=1"},
	"GET /stories/{id}":                       {"/stories/{story}", "/stories/{pending}", "/stories/{rejected}", "/stories/{withdrawn}"},
	"GET /stories/new":                        {"/stories/new"},
	"GET /stories/thanks":                     {"/stories/thanks"},
	"GET /stories/confirm":                    {"/stories/confirm?t=x"},
	"GET /stories/withdraw":                   {"/stories/withdraw?t=x"},
	"GET /me":                                 {"/me?t=x"},
	"GET /me/data":                            {"/me/data?t=x"},
	"GET /me/data.json":                       {"/me/data.json?t=x"},
	"GET /organisations":                      {"/organisations", "/organisations?q=trust"},
	"GET /organisations/{id}":                 {"/organisations/{org}"},
	"GET /organisations/suggest":              {"/organisations/suggest?q=trust", "/organisations/suggest?q=airedale", "/organisations/suggest"},
	"GET /stories/suggest":                    {"/stories/suggest?q=story", "/stories/suggest?q=pending", "/stories/suggest?q=leeds"},
	"GET /disputes/suggest":                   {"/disputes/suggest?q=strike", "/disputes/suggest?q=a"},
	"GET /login":                              {"/login"},
	"GET /privacy":                            {"/privacy"},
	"GET /about":                              {"/about"},
	"GET /api":                                {"/api", "/api?group=stories", "/api?group=representatives"},
	"GET /api/v1/openapi.json":                {"/api/v1/openapi.json"},
	"GET /password/forgot":                    {"/password/forgot"},
	"GET /password/reset":                     {"/password/reset?t=x"},
	"GET /api/v1/stories":                     {"/api/v1/stories", "/api/v1/stories?issue=safety"},
	"GET /tracker":                            {"/tracker", "/tracker?kind=outsourcing"},
	"GET /tracker/{id}":                       {"/tracker/{tracker}"},
	"GET /disputes":                           {"/disputes"},
	"GET /disputes/{id}":                      {"/disputes/{dispute}"},
	"GET /events":                             {"/events", "/events?past=1", "/events?view=month"},
	"GET /events/{id}":                        {"/events/1", "/events/1.ics"},
	"GET /events.ics":                         {"/events.ics"},
	"GET /events.geojson":                     {"/events.geojson"},
	"GET /events.atom":                        {"/events.atom"},
	"GET /events.rss":                         {"/events.rss"},
	"GET /events.csv":                         {"/events.csv", "/events.csv?past=1"},
	"GET /events.json":                        {"/events.json"},
	"GET /api/v1/events":                      {"/api/v1/events", "/api/v1/events?past=1"},
	"GET /api/v1/events/{id}":                 {"/api/v1/events/1"},
	"GET /pledges":                            {"/pledges", "/pledges?kind=ask"},
	"GET /pledges/{id}":                       {"/pledges/1", "/pledges/1?state=signed&kind=icb"},
	"GET /pledges/{id}/targets.csv":           {"/pledges/1/targets.csv", "/pledges/1/targets.csv?state=signed"},
	"GET /pledges/{id}/targets.json":          {"/pledges/1/targets.json"},
	"GET /pledges.atom":                       {"/pledges.atom", "/pledges.atom?kind=ask"},
	"GET /pledges.rss":                        {"/pledges.rss"},
	"GET /pledges.csv":                        {"/pledges.csv"},
	"GET /pledges.json":                       {"/pledges.json", "/pledges.json?kind=promise"},
	"GET /areas/{district}":                   {"/areas/LS6", "/areas/BD20"},
	"GET /map":                                {"/map", "/map?type=stories", "/map?issue=safety"},
	"GET /stories.geojson":                    {"/stories.geojson", "/stories.geojson?issue=safety"},
	"GET /tracker.geojson":                    {"/tracker.geojson"},
	"GET /disputes.geojson":                   {"/disputes.geojson"},
	"GET /charts":                             {"/charts", "/charts?issue=safety", "/charts?district=LS6&from=2020"},
	"GET /plan":                               {"/plan"},
	"GET /plan/{id}":                          {"/plan/1", "/plan/1.ics", "/plan/2"},
	"GET /seats":                              {"/seats", "/seats?state=held"},
	"GET /plan.atom":                          {"/plan.atom"},
	"GET /plan.rss":                           {"/plan.rss"},
	"GET /plan.csv":                           {"/plan.csv"},
	"GET /plan.json":                          {"/plan.json"},
	"GET /seats.atom":                         {"/seats.atom", "/seats.atom?state=held"},
	"GET /seats.rss":                          {"/seats.rss"},
	"GET /seats.csv":                          {"/seats.csv", "/seats.csv?kind=healthwatch"},
	"GET /seats.json":                         {"/seats.json"},
	"GET /stories.atom":                       {"/stories.atom", "/stories.atom?issue=safety"},
	"GET /stories.rss":                        {"/stories.rss", "/stories.rss?issue=safety"},
	"GET /stories.csv":                        {"/stories.csv", "/stories.csv?issue=safety"},
	"GET /stories.json":                       {"/stories.json", "/stories.json?issue=safety"},
	"GET /tracker.atom":                       {"/tracker.atom", "/tracker.atom?kind=outsourcing"},
	"GET /tracker.rss":                        {"/tracker.rss", "/tracker.rss?kind=outsourcing"},
	"GET /tracker.csv":                        {"/tracker.csv", "/tracker.csv?kind=outsourcing"},
	"GET /tracker.json":                       {"/tracker.json", "/tracker.json?kind=outsourcing"},
	"GET /disputes.atom":                      {"/disputes.atom", "/disputes.atom?live=1"},
	"GET /disputes.rss":                       {"/disputes.rss", "/disputes.rss?live=1"},
	"GET /disputes.csv":                       {"/disputes.csv", "/disputes.csv?live=1"},
	"GET /disputes.json":                      {"/disputes.json", "/disputes.json?live=1"},
	"GET /organisations.atom":                 {"/organisations.atom", "/organisations.atom?q=trust"},
	"GET /organisations.rss":                  {"/organisations.rss", "/organisations.rss?q=trust"},
	"GET /organisations.csv":                  {"/organisations.csv", "/organisations.csv?q=trust"},
	"GET /organisations.json":                 {"/organisations.json", "/organisations.json?q=trust"},
	"GET /api/v1/tracker":                     {"/api/v1/tracker"},
	"GET /api/v1/tracker/{id}":                {"/api/v1/tracker/{tracker}"},
	"GET /api/v1/disputes":                    {"/api/v1/disputes"},
	"GET /api/v1/disputes/{id}":               {"/api/v1/disputes/{dispute}"},
	"GET /api/v1/pledges":                     {"/api/v1/pledges"},
	"GET /api/v1/pledges/{id}":                {"/api/v1/pledges/1"},
	"GET /api/v1/pledges/{id}/targets":        {"/api/v1/pledges/1/targets", "/api/v1/pledges/1/targets?state=signed"},
	"GET /api/v1/organisations":               {"/api/v1/organisations"},
	"GET /api/v1/organisations/{id}":          {"/api/v1/organisations/{orgid}"},
	"GET /api/v1/organisations/{id}/timeline": {"/api/v1/organisations/{orgid}/timeline"},
	"GET /api/v1/plans":                       {"/api/v1/plans"},
	"GET /api/v1/plans/{id}":                  {"/api/v1/plans/1", "/api/v1/plans/2"},
	"GET /api/v1/seats":                       {"/api/v1/seats"},
	"GET /api/v1/seats/{id}":                  {"/api/v1/seats/1"},
	"GET /campaigns":                          {"/campaigns", "/campaigns?organisation={org}"},
	"GET /campaigns/{id}":                     {"/campaigns/keep-our-nhs-public"},
	"GET /campaigns.atom":                     {"/campaigns.atom"},
	"GET /campaigns.rss":                      {"/campaigns.rss"},
	"GET /campaigns.csv":                      {"/campaigns.csv"},
	"GET /campaigns.json":                     {"/campaigns.json"},
	"GET /topics":                             {"/topics", "/topics?untaken=1"},
	"GET /topics/{id}":                        {"/topics/1"},
	"GET /topics.atom":                        {"/topics.atom"},
	"GET /topics.rss":                         {"/topics.rss"},
	"GET /topics.csv":                         {"/topics.csv"},
	"GET /topics.json":                        {"/topics.json"},
	"GET /api/v1/campaigns":                   {"/api/v1/campaigns"},
	"GET /api/v1/campaigns/{id}":              {"/api/v1/campaigns/keep-our-nhs-public"},
	"GET /api/v1/topics":                      {"/api/v1/topics"},
	"GET /api/v1/topics/{id}":                 {"/api/v1/topics/1"},
	"GET /api/v1/stories/{id}":                {"/api/v1/stories/{story}", "/api/v1/stories/{pending}", "/api/v1/stories/{withdrawn}"},
	// The search page repeats the query typed, so its queries are written
	// so as not to spell a secret themselves.
	"GET /search": {"/search", "/search?q=story", "/search?q=pending", "/search?q=leeds", "/search?q=marchbanks", "/search?q=ophelia+leakcheck",
		"/search?q=900777+07700", "/search?q=MODNOTE", "/search?q=REDACTED+PASSAGE", "/search?q=VERIFIED", "/search?q=REJECT+REASON"},
	"GET /api/v1/search": {"/api/v1/search?q=story", "/api/v1/search?q=pending", "/api/v1/search?q=leeds", "/api/v1/search?q=Marchbanks",
		"/api/v1/search?q=ophelia", "/api/v1/search?q=MODNOTE", "/api/v1/search?q=REDACTED+PASSAGE"},
	"GET /tips/new":            {"/tips/new", "/tips/new?kind=danger"},
	"GET /tips/thanks":         {"/tips/thanks"},
	"GET /tips/confirm":        {"/tips/confirm?t=x"},
	"GET /embed/stories/{id}":  {"/embed/stories/{story}", "/embed/stories/{pending}", "/embed/stories/{rejected}", "/embed/stories/{withdrawn}"},
	"GET /embed/tracker/{id}":  {"/embed/tracker/{tracker}"},
	"GET /embed/disputes/{id}": {"/embed/disputes/{dispute}"},
	"GET /embed/stories":       {"/embed/stories", "/embed/stories?issue=safety", "/embed/stories?district=LS6"},
	"GET /embed/tracker":       {"/embed/tracker"},
	"GET /embed/disputes":      {"/embed/disputes"},
	"GET /oembed":              {"/oembed?url={base}%2Fstories%2F{story}", "/oembed?url={base}%2Fstories%2F{pending}", "/oembed?url={base}%2Fstories%3Fdistrict%3DLS6"},
	// ActivityPub: the actor, its outbox and the objects of public items;
	// the stories that are not public must answer 404.
	"GET /.well-known/webfinger": {"/.well-known/webfinger?resource={base}%2Factor"},
	"GET /.well-known/nodeinfo":  {"/.well-known/nodeinfo"},
	"GET /nodeinfo/2.1":          {"/nodeinfo/2.1"},
	"GET /actor":                 {"/actor"},
	"GET /actor/outbox":          {"/actor/outbox", "/actor/outbox?page=true"},
	"GET /ap/{kind}/{id}": {"/ap/story/{story}", "/ap/story/{pending}", "/ap/story/{rejected}", "/ap/story/{withdrawn}",
		"/ap/danger/{tracker}", "/ap/dispute/{dispute}", "/ap/event/1", "/ap/event/2"},
	// People in public roles: the demo's, numbered from 1 on a fresh
	// database (11 is the director with declared interests).
	"GET /representatives":             {"/representatives", "/representatives?party=conservative", "/representatives?district=LS6"},
	"GET /representatives/{id}":        {"/representatives/1", "/representatives/11"},
	"GET /tracker/suggest":             {"/tracker/suggest?q=contract", "/tracker/suggest?q=leeds"},
	"GET /representatives.atom":        {"/representatives.atom"},
	"GET /representatives.rss":         {"/representatives.rss"},
	"GET /representatives.csv":         {"/representatives.csv", "/representatives.csv?role=director"},
	"GET /representatives.json":        {"/representatives.json"},
	"GET /api/v1/representatives":      {"/api/v1/representatives", "/api/v1/representatives?district=LS6"},
	"GET /api/v1/representatives/{id}": {"/api/v1/representatives/1", "/api/v1/representatives/11"},
	// The library: the demo's first resource is its TUPE guidance.
	"GET /resources":      {"/resources", "/resources?kind=guidance"},
	"GET /resources/{id}": {"/resources/1"},
	"GET /resources/{id}/files/{version}/{filename}": {"/resources/1/files/1/tupe-guidance-2012.txt", "/resources/1/files/2/tupe-guidance.pdf"},
	"GET /resources.atom":                            {"/resources.atom"},
	"GET /resources.rss":                             {"/resources.rss"},
	"GET /resources.csv":                             {"/resources.csv"},
	"GET /resources.json":                            {"/resources.json"},
	"GET /api/v1/resources":                          {"/api/v1/resources"},
	"GET /api/v1/resources/{id}":                     {"/api/v1/resources/1"},
}

func TestPrivacySweep(t *testing.T) {
	for _, engine := range testrig.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			ctx := context.Background()
			a := testrig.StartApp(t, engine, nil)
			if _, err := demo.Load(ctx, a.DB); err != nil {
				t.Fatal(err)
			}
			org, err := a.DB.FindOrganisationBySlug(ctx, "airedale-nhs-foundation-trust")
			if err != nil {
				t.Fatal(err)
			}
			_, mod := a.AsUser(t, jigsaw.RoleModerator)
			submitOne := func(title string, publishAs jigsaw.PublishAs) int64 {
				s := &jigsaw.Submission{Title: title, Body: "A story with a passage REDACTED-PASSAGE-9b1c that names someone.",
					Kind: jigsaw.StoryPatient, KeyIssues: []string{"safety"}, Area: "Leeds", Postcode: "LS6 9ZZ", OrgIDs: []int64{org.ID},
					Name: "Ophelia Marchbanks-Leakcheck", Email: "ophelia.leakcheck@example.invalid", Phone: "07700 900777",
					PublishAs: publishAs, Agree: true}
				s.Normalize()
				id, _, err := a.DB.SubmitStory(ctx, s, "", jigsaw.Limit{}, func(int64) []*jigsaw.Mail { return nil })
				if err != nil {
					t.Fatal(err)
				}
				a.DB.AddNote(ctx, id, "MODNOTE-7f3a", mod, "127.0.0.1")
				a.DB.VerifyPerson(ctx, id, "VERIFIED-BY-PHONE-44d2", mod, "127.0.0.1")
				return id
			}
			ids := map[string]int64{}
			ids["pending"] = submitOne("Pending story", jigsaw.PublishFullName)
			ids["story"] = submitOne("Published story", jigsaw.PublishWithoutName)
			ids["rejected"] = submitOne("Rejected story", jigsaw.PublishFullName)
			ids["withdrawn"] = submitOne("Withdrawn story", jigsaw.PublishFullName)
			for _, k := range []string{"story", "rejected", "withdrawn"} {
				a.DB.ConfirmStory(ctx, ids[k])
			}
			if err := a.DB.RedactStory(ctx, ids["story"], "REDACTED-PASSAGE-9b1c", mod, ""); err != nil {
				t.Fatal(err)
			}
			if err := a.DB.PublishStory(ctx, ids["story"], mod, ""); err != nil {
				t.Fatal(err)
			}
			a.DB.RejectStory(ctx, ids["rejected"], "REJECT-REASON-e5e5", mod, "", func(e, t string) *jigsaw.Mail {
				return &jigsaw.Mail{Kind: "t", To: e, Subject: "s", Body: "b"}
			})
			tip := &jigsaw.TipSubmission{Kind: jigsaw.TipDanger, What: "A tip about a closure in Leeds, told in confidence.", Area: "Leeds",
				District: "LS6", Name: "Ophelia Marchbanks-Leakcheck", Email: "ophelia.leakcheck@example.invalid"}
			if tipID, err := a.DB.SubmitTip(ctx, tip, nil, jigsaw.Limit{}, func(int64) *jigsaw.Mail {
				return &jigsaw.Mail{Kind: "tip-confirm", To: tip.Email, Subject: "s", Body: "b"}
			}); err != nil || a.DB.ConfirmTip(ctx, tipID) != nil {
				t.Fatalf("tip: %v", err)
			}
			a.DB.PublishStory(ctx, ids["withdrawn"], mod, "")
			a.DB.WithdrawStory(ctx, ids["withdrawn"], "")
			time.Sleep(10 * time.Millisecond)

			items, _, _ := a.DB.FindPublicTrackerItems(ctx, jigsaw.TrackerFilter{Limit: 1})
			disputes, _, _ := a.DB.FindDisputes(ctx, jigsaw.DisputeFilter{Limit: 1})
			fill := strings.NewReplacer("{org}", org.Slug, "{orgid}", itoa(org.ID), "{tracker}", itoa(items[0].ID), "{dispute}", itoa(disputes[0].ID), "{story}", itoa(ids["story"]), "{pending}", itoa(ids["pending"]),
				"{rejected}", itoa(ids["rejected"]), "{withdrawn}", itoa(ids["withdrawn"]), "{base}", url.QueryEscape(a.URL))
			fetched := 0
			for _, route := range a.Server.Routes() {
				if route.Access != server.Public || !strings.HasPrefix(route.Pattern, "GET ") {
					continue
				}
				samples, ok := privacySamples[route.Pattern]
				if !ok {
					t.Errorf("public route %q has no sample in privacySamples: add the requests that show what it serves", route.Pattern)
					continue
				}
				for _, s := range samples {
					path := fill.Replace(s)
					code, body := a.Get(t, path)
					fetched++
					for _, secret := range secrets {
						if strings.Contains(body, secret) || strings.Contains(body, url.QueryEscape(secret)) {
							t.Errorf("%s (%d) shows private %q", path, code, secret)
						}
					}
				}
			}
			// The published story really is on the public pages checked.
			if code, body := a.Get(t, "/stories/"+itoa(ids["story"])); code != 200 || !strings.Contains(body, "A patient in Leeds") {
				t.Fatalf("published story page: %d", code)
			}
			t.Logf("%d public requests checked", fetched)
		})
	}
}

func itoa(id int64) string { return strconv.FormatInt(id, 10) }
