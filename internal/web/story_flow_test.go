package web_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"jigsaw"
	"jigsaw/internal/config"
	"jigsaw/internal/testrig"
)

// planted is personal data distinctive enough to find anywhere it leaks.
var planted = struct{ name, email, phone, postcode, note, secret string }{
	name: "Quentin Zabriskie-Plantwell", email: "quentin.zp.planted@example.invalid", phone: "07700 900555",
	postcode: "BD20 6QZ", note: "PRIVATE-NOTE-zx81", secret: "Ward manager Hortensia Vellacott-Secret",
}

func storyForm(token string) url.Values {
	return url.Values{
		"token": {token}, "title": {"Eleven hours on a trolley"},
		"body": {"I waited eleven hours on a trolley in the corridor. " + planted.secret + " told me there were no beds.\n\nThe ward was short of staff."},
		"kind": {"patient"}, "key_issues": {"safety", "cuts"}, "area": {"Keighley"}, "district": {"bd20"}, "happened_on": {"2025-02"},
		"name": {planted.name}, "email": {planted.email}, "phone": {planted.phone}, "postcode": {planted.postcode},
		"publish_as": {"first-name-area"}, "publish_name": {"Quentin"}, "contact_coalition": {"yes"}, "agree": {"yes"},
	}
}

var linkRE = regexp.MustCompile(`http://[^\s]+/stories/(confirm|withdraw)\?t=[^\s]+`)

// links returns the confirm and withdraw links in a mail body.
func links(t *testing.T, body string) (confirm, withdraw string) {
	t.Helper()
	for _, m := range linkRE.FindAllStringSubmatch(body, -1) {
		if m[1] == "confirm" {
			confirm = m[0]
		} else {
			withdraw = m[0]
		}
	}
	if withdraw == "" {
		t.Fatalf("mail has no withdrawal link:\n%s", body)
	}
	return confirm, withdraw
}

func TestStoryJourney(t *testing.T) {
	for _, engine := range testrig.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			ctx := context.Background()
			smtpd := testrig.StartSMTP(t)
			a := testrig.StartApp(t, engine, func(c *config.Config) { c.SMTP = smtpd.URL() })

			// Submit. The thank-you page comes only after the commit.
			resp, _ := postForm(t, a.Client, a.URL+"/stories/new", storyForm("form-1"), nil)
			if resp.StatusCode != 303 || resp.Header.Get("Location") != "/stories/thanks" {
				t.Fatalf("submit: %d %s", resp.StatusCode, resp.Header.Get("Location"))
			}
			// A double submit of the same form creates nothing new.
			resp, _ = postForm(t, a.Client, a.URL+"/stories/new", storyForm("form-1"), nil)
			if resp.StatusCode != 303 {
				t.Fatalf("second submit: %d", resp.StatusCode)
			}
			queue, total, _ := a.DB.ModerationQueue(ctx, "", 10, 0)
			if total != 1 || queue[0].Status != jigsaw.StoryAwaitingConfirmation {
				t.Fatalf("after a double submit: %d stories %+v", total, queue)
			}
			id := queue[0].ID

			msgs := smtpd.WaitFor(t, 1, 10*time.Second)
			if msgs[0].To != planted.email || !strings.Contains(msgs[0].Subject, "Eleven hours") {
				t.Fatalf("confirmation mail: %+v", msgs[0])
			}
			confirm, withdraw := links(t, msgs[0].Body)

			// Opening the link alone (as a mail scanner would) confirms nothing.
			code, body := a.Get(t, strings.TrimPrefix(confirm, a.URL))
			if code != 200 || !strings.Contains(body, "confirm my email") {
				t.Fatalf("confirm page: %d", code)
			}
			if q, _, _ := a.DB.ModerationQueue(ctx, jigsaw.StoryAwaitingConfirmation, 10, 0); len(q) != 1 {
				t.Fatal("GET of the confirmation link changed the story")
			}
			u, _ := url.Parse(confirm)
			resp, body = postForm(t, a.Client, a.URL+"/stories/confirm", url.Values{"t": {u.Query().Get("t")}}, nil)
			if resp.StatusCode != 200 || !strings.Contains(body, "Thank you for confirming") {
				t.Fatalf("confirm: %d", resp.StatusCode)
			}
			// A forged or tampered link is refused.
			resp, _ = postForm(t, a.Client, a.URL+"/stories/confirm", url.Values{"t": {u.Query().Get("t") + "x"}}, nil)
			if resp.StatusCode != 400 {
				t.Fatalf("tampered link: %d", resp.StatusCode)
			}

			// Moderate: the queue, the story with its teller, a redaction, publish.
			mod, moderator := a.AsUser(t, jigsaw.RoleModerator)
			resp, err := mod.Get(a.URL + "/moderation")
			if err != nil || resp.StatusCode != 200 {
				t.Fatalf("queue: %v %v", resp, err)
			}
			resp.Body.Close()
			modPath := "/moderation/stories/" + strconv.FormatInt(id, 10)
			resp, err = mod.Get(a.URL + modPath)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			views, _, _ := a.DB.FindAudit(ctx, jigsaw.AuditFilter{Action: "person-view", UserID: moderator.ID})
			if len(views) != 1 || views[0].ObjectType != "person" {
				t.Fatalf("the moderator's view of personal data was not audited: %+v", views)
			}
			for _, step := range []struct {
				action string
				form   url.Values
			}{
				{"redact", url.Values{"passage": {planted.secret}}},
				{"notes", url.Values{"note": {planted.note}}},
				{"publish", nil},
			} {
				resp, _ := postForm(t, mod, a.URL+modPath+"/"+step.action, step.form, nil)
				if resp.StatusCode != 303 {
					t.Fatalf("%s: %d", step.action, resp.StatusCode)
				}
			}

			// Published, with the consented byline and the redaction mark.
			code, body = a.Get(t, "/stories/"+strconv.FormatInt(id, 10))
			if code != 200 {
				t.Fatalf("published story: %d", code)
			}
			for _, want := range []string{"Quentin, Keighley", "[redacted]", "told me there were no beds"} {
				if !strings.Contains(body, want) {
					t.Errorf("published page lacks %q", want)
				}
			}
			for _, bad := range []string{"Zabriskie", planted.email, planted.phone, planted.postcode, planted.note, "Hortensia"} {
				if strings.Contains(body, bad) {
					t.Errorf("published page shows %q", bad)
				}
			}

			// Withdraw from the link in the mail: gone from every page at once.
			wu, _ := url.Parse(withdraw)
			resp, body = postForm(t, a.Client, a.URL+"/stories/withdraw", url.Values{"t": {wu.Query().Get("t")}, "erase": {"yes"}}, nil)
			if resp.StatusCode != 200 || !strings.Contains(body, "Your story is withdrawn") {
				t.Fatalf("withdraw: %d", resp.StatusCode)
			}
			if code, _ := a.Get(t, "/stories/"+strconv.FormatInt(id, 10)); code != 404 {
				t.Fatalf("withdrawn story: %d, want 404", code)
			}
			if _, body := a.Get(t, "/stories"); strings.Contains(body, "Eleven hours") {
				t.Fatal("withdrawn story still listed")
			}
			if _, body := a.Get(t, "/"); strings.Contains(body, "Eleven hours") {
				t.Fatal("withdrawn story still on the home page")
			}
			// The moderator carries out the erasure.
			if resp, _ := postForm(t, mod, a.URL+modPath+"/erase", nil, nil); resp.StatusCode != 303 {
				t.Fatalf("erase: %d", resp.StatusCode)
			}
			v, err := a.DB.ModerationView(ctx, id, moderator, "127.0.0.1")
			if err != nil || v.Person.Email != "" || v.Person.Name != "Erased" || v.Person.ErasedAt.IsZero() {
				t.Fatalf("after erasure: %+v %v", v.Person, err)
			}
		})
	}
}

func TestStoryFormErrors(t *testing.T) {
	for _, engine := range testrig.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			a := testrig.StartApp(t, engine, nil)
			for _, tt := range []struct {
				name   string
				change func(url.Values)
				field  string
				msg    string
			}{
				{"missing consent", func(v url.Values) { v.Del("agree") }, "agree", "Please confirm the story is true"},
				{"bad email", func(v url.Values) { v.Set("email", "quentin at example") }, "email", "Give an email address"},
				{"oversized story", func(v url.Values) { v.Set("body", strings.Repeat("word ", 4001)) }, "body", "too long"},
				{"future date", func(v url.Values) { v.Set("happened_on", "2999-01") }, "happened_on", "in the future"},
				{"unknown organisation", func(v url.Values) { v.Add("organisations", "999999") }, "organisations", "does not exist"},
				{"no way to publish", func(v url.Values) { v.Set("publish_as", "shout-it") }, "publish_as", "Choose how"},
				// A name to publish is asked for, never guessed from the name.
				{"first name not given", func(v url.Values) { v.Del("publish_name") }, "publish_name", "Give the name to publish"},
				// A table that pads thousands of rows to hundreds of columns
				// would cost seconds and gigabytes at each view.
				{"table bomb", func(v url.Values) {
					v.Set("body", strings.Repeat("|a", 300)+"|\n"+strings.Repeat("|-", 300)+"|\n"+strings.Repeat("x\n", 2000))
				}, "body", "at most 30 columns"},
			} {
				t.Run(tt.name, func(t *testing.T) {
					form := storyForm("t-" + tt.name)
					tt.change(form)
					resp, body := postForm(t, a.Client, a.URL+"/stories/new", form, nil)
					if resp.StatusCode != http.StatusUnprocessableEntity {
						t.Fatalf("status %d, want 422", resp.StatusCode)
					}
					if !strings.Contains(body, tt.msg) {
						t.Errorf("page lacks the message %q", tt.msg)
					}
					// What the person typed is kept.
					for _, kept := range []string{"Eleven hours on a trolley", planted.name, "Keighley"} {
						if !strings.Contains(body, kept) {
							t.Errorf("the form lost %q", kept)
						}
					}
				})
			}
			if _, n, _ := a.DB.ModerationQueue(context.Background(), "", 10, 0); n != 0 {
				t.Fatalf("refused submissions stored %d stories", n)
			}
		})
	}
}

// TestRightOfReply: an editor adds an organisation's reply under a story
// that names it; the reply shows on the page and in the API.
func TestRightOfReply(t *testing.T) {
	for _, engine := range testrig.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			ctx := context.Background()
			a := testrig.StartApp(t, engine, nil)
			trust := &jigsaw.Organisation{Name: "Dorset County Hospital NHS Foundation Trust", Kind: jigsaw.OrgFoundationTrust}
			other := &jigsaw.Organisation{Name: "Another Trust", Kind: jigsaw.OrgNHSTrust}
			a.DB.CreateOrganisation(ctx, trust)
			a.DB.CreateOrganisation(ctx, other)
			st := &jigsaw.Story{Title: "Cleaners moved to a SubCo", Body: "b", PublicBody: "We were moved to a subsidiary.", Kind: jigsaw.StoryStaff,
				Status: jigsaw.StoryPublished, Byline: "A cleaner", OrgIDs: []int64{trust.ID}, PublishedAt: time.Now()}
			a.DB.CreateStory(ctx, st, &jigsaw.Person{Name: "P", Email: "p@example.invalid"})
			path := "/stories/" + strconv.FormatInt(st.ID, 10)
			editor, _ := a.AsUser(t, jigsaw.RoleEditor)
			if resp, _ := postForm(t, editor, a.URL+path+"/replies", url.Values{"organisation_id": {strconv.FormatInt(other.ID, 10)}, "body": {"Not us."}}, nil); resp.StatusCode != 400 {
				t.Fatalf("reply from an organisation the story does not name: %d, want 400", resp.StatusCode)
			}
			reply := url.Values{"organisation_id": {strconv.FormatInt(trust.ID, 10)}, "body": {"The trust says pay and conditions are **protected**."}}
			if resp, _ := postForm(t, a.Client, a.URL+path+"/replies", reply, nil); resp.StatusCode != 401 {
				t.Fatalf("anonymous reply: %d, want 401", resp.StatusCode)
			}
			if resp, _ := postForm(t, editor, a.URL+path+"/replies", reply, nil); resp.StatusCode != 303 {
				t.Fatalf("editor's reply: %d", resp.StatusCode)
			}
			_, body := a.Get(t, path)
			if !strings.Contains(body, "Right of reply") || !strings.Contains(body, "Dorset County Hospital NHS Foundation Trust</a> replies") ||
				!strings.Contains(body, "<strong>protected</strong>") {
				t.Fatal("reply not shown under the story")
			}
			_, api := a.Get(t, "/api/v1"+path)
			if !strings.Contains(api, `"replies":[{"organisation":{"id":`) {
				t.Fatalf("reply not in the API: %s", api)
			}
		})
	}
}

// TestStoryFormLimit posts the story form past the address's hourly limit:
// the form comes back with 429, Retry-After and what was typed, and the
// story is not stored.
func TestStoryFormLimit(t *testing.T) {
	for _, engine := range testrig.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			a := testrig.StartApp(t, engine, func(c *config.Config) { c.SubmitPerHour = 1 })
			if resp, _ := postForm(t, a.Client, a.URL+"/stories/new", storyForm("limit-1"), nil); resp.StatusCode != 303 {
				t.Fatalf("first story: %d", resp.StatusCode)
			}
			resp, body := postForm(t, a.Client, a.URL+"/stories/new", storyForm("limit-2"), nil)
			if ra, _ := strconv.Atoi(resp.Header.Get("Retry-After")); resp.StatusCode != 429 || ra < 1 || ra > 3600 {
				t.Fatalf("story past the limit: %d, Retry-After %q", resp.StatusCode, resp.Header.Get("Retry-After"))
			}
			if !strings.Contains(body, "Too many attempts") || !strings.Contains(body, "Eleven hours on a trolley") {
				t.Errorf("the refused form should say why and keep the story typed:\n%s", body)
			}
			if _, n, _ := a.DB.ModerationQueue(context.Background(), "", 10, 0); n != 1 {
				t.Fatalf("%d stories stored, want 1", n)
			}
		})
	}
}

// The private postcode never becomes the public place: with no district
// given, the published story has none, and its area page does not list it.
func TestPostcodeIsNotPublished(t *testing.T) {
	a := testrig.StartApp(t, "sqlite", nil)
	_, mod := a.AsUser(t, jigsaw.RoleModerator)
	form := storyForm("t-postcode")
	form.Del("district")
	form.Set("postcode", "ZE2 9QX")
	form.Set("area", "Shetland")
	if resp, _ := postForm(t, a.Client, a.URL+"/stories/new", form, nil); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("submit: %d", resp.StatusCode)
	}
	ctx := context.Background()
	items, _, err := a.DB.ModerationQueue(ctx, "", 10, 0)
	if err != nil || len(items) != 1 {
		t.Fatalf("queue: %v %v", items, err)
	}
	id := items[0].ID
	if err := a.DB.ConfirmStory(ctx, id); err != nil {
		t.Fatal(err)
	}
	if err := a.DB.PublishStory(ctx, id, mod, "127.0.0.1"); err != nil {
		t.Fatal(err)
	}
	s, err := a.DB.FindPublicStoryByID(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if s.District != "" || s.Byline != "Quentin, Shetland" {
		t.Fatalf("published district %q, byline %q: want none and \"Quentin, Shetland\"", s.District, s.Byline)
	}
	for _, path := range []string{"/areas/ZE2", "/stories?district=ZE2", "/api/v1/stories?district=ZE2"} {
		if _, body := a.Get(t, path); strings.Contains(body, "Eleven hours on a trolley") {
			t.Errorf("%s lists the story by its teller's private postcode", path)
		}
	}
	for _, path := range []string{"/stories/" + strconv.FormatInt(id, 10), "/api/v1/stories/" + strconv.FormatInt(id, 10)} {
		if _, body := a.Get(t, path); strings.Contains(body, "ZE2") || strings.Contains(body, "9QX") {
			t.Errorf("%s shows the teller's private postcode", path)
		}
	}
}
