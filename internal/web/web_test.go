package web_test

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"jigsaw"
	"jigsaw/internal/testrig"
)

func TestPublicPages(t *testing.T) {
	for _, engine := range testrig.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			ctx := context.Background()
			a := testrig.StartApp(t, engine, nil)
			trust := &jigsaw.Organisation{Name: "Airedale NHS Foundation Trust", Kind: jigsaw.OrgFoundationTrust, ODSCode: "RCF", Region: "North East and Yorkshire"}
			if err := a.DB.CreateOrganisation(ctx, trust); err != nil {
				t.Fatal(err)
			}
			sub := &jigsaw.Organisation{Name: "AGH Solutions", Kind: jigsaw.OrgSubsidiary, ParentID: trust.ID}
			if err := a.DB.CreateOrganisation(ctx, sub); err != nil {
				t.Fatal(err)
			}
			story := &jigsaw.Story{Title: "Second-class <staff>", Body: "private original", PublicBody: "We are **second class** citizens. <script>alert(1)</script>",
				Kind: jigsaw.StoryStaff, District: "BD20", Area: "Keighley", HappenedOn: "2025-02", Status: jigsaw.StoryPublished,
				Byline: "Sam, a porter in Keighley", KeyIssues: []string{"outsourcing"}, OrgIDs: []int64{sub.ID},
				PublishedAt: time.Date(2025, 3, 1, 9, 0, 0, 0, time.UTC)}
			person := &jigsaw.Person{Name: "Samira Planted-Name", Email: "planted@example.invalid"}
			if err := a.DB.CreateStory(ctx, story, person); err != nil {
				t.Fatal(err)
			}
			pending := &jigsaw.Story{Title: "Not yet reviewed", Body: "x", Kind: jigsaw.StoryPatient, Status: jigsaw.StoryAwaitingReview}
			if err := a.DB.CreateStory(ctx, pending, &jigsaw.Person{Name: "P", Email: "p@example.invalid"}); err != nil {
				t.Fatal(err)
			}

			for _, tt := range []struct {
				path   string
				status int
				want   []string
				reject []string
			}{
				{"/", 200, []string{"Latest stories", "Second-class &lt;staff&gt;", "Sam, a porter in Keighley", `href="/stories?issue=outsourcing"`}, []string{"Not yet reviewed"}},
				{"/stories", 200, []string{"Second-class &lt;staff&gt;", "Keighley (BD20)", `href="/stories" aria-current="page"`}, []string{"Not yet reviewed", `href="/tracker" aria-current`}},
				{"/stories?issue=outsourcing&kind=staff&district=bd20", 200, []string{"Second-class"}, nil},
				{"/stories?issue=cuts", 200, []string{"No published stories match."}, []string{"Second-class"}},
				{"/stories?organisation=agh-solutions", 200, []string{"Second-class"}, nil},
				{"/stories?kind=martian", 400, []string{"Please correct the marked filters", `<a href="#f-kind">Kind must be one of patient, staff, carer, blog.</a>`,
					`<option value="martian" selected>martian</option>`, `aria-invalid="true"`}, []string{"Second-class"}},
				{"/stories?page=0", 400, []string{"page: must be a whole number from 1"}, nil},
				{"/stories?district=not+a+district&since=yesterday&kind=staff", 400, []string{"Postcode district must be a postcode district", "Published since must be a date",
					`value="not a district"`, `type="text" value="yesterday"`, `<option value="staff" selected>`, "Correct the marked filter"}, []string{"Second-class"}},
				{"/stories?organisation=nobody", 400, []string{"organisation: is not a known organisation"}, nil},
				{"/stories/" + itoa(story.ID), 200, []string{"<strong>second class</strong>", "Sam, a porter in Keighley · Keighley (BD20) · happened February 2025", "1 March 2025", `href="/organisations/agh-solutions"`, `<a href="/stories?issue=outsourcing">Outsourcing</a>`}, []string{"<script>alert", "private original", "aria-current"}},
				{"/stories/" + itoa(pending.ID), 404, []string{"not found"}, []string{"Not yet reviewed"}},
				{"/stories/abc", 404, nil, nil},
				{"/organisations", 200, []string{"Airedale NHS Foundation Trust", "AGH Solutions", "Subsidiary company", `href="/organisations" aria-current="page"`}, []string{`href="/stories" aria-current`}},
				{"/organisations?kind=subsidiary", 200, []string{"AGH Solutions"}, []string{"Airedale NHS Foundation Trust</a>"}},
				{"/organisations?kind=bank", 400, []string{"Kind must be one of", `<option value="bank" selected>`}, []string{"Airedale NHS Foundation Trust</a>"}},
				{"/organisations/agh-solutions", 200, []string{"Part of", `href="/organisations/airedale-nhs-foundation-trust"`, "Second-class"}, nil},
				{"/organisations/" + itoa(trust.ID), 200, []string{"RCF", "North East and Yorkshire"}, nil},
				{"/organisations/nobody", 404, nil, nil},
				{"/static/style.css", 200, []string{"--brand"}, nil},
			} {
				t.Run(tt.path, func(t *testing.T) {
					code, body := a.Get(t, tt.path)
					if code != tt.status {
						t.Fatalf("status %d, want %d; body %.300s", code, tt.status, body)
					}
					for _, w := range tt.want {
						if !strings.Contains(body, w) {
							t.Errorf("body lacks %q", w)
						}
					}
					for _, r := range append(tt.reject, "Samira", "Planted-Name", "planted@example.invalid") {
						if strings.Contains(body, r) {
							t.Errorf("body contains %q", r)
						}
					}
				})
			}
		})
	}
}

func itoa(id int64) string { return strconv.FormatInt(id, 10) }
