package store_test

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"jigsaw"
	"jigsaw/internal/store"
	"jigsaw/internal/testrig"
)

// Erasing a person leaves nothing of them anywhere in the database: strings
// planted in every place a teller's data goes (their details, two stories
// told from the same address, the story's texts and revisions, a note, a
// reply, the mails sent to them, the addresses they acted from) are found
// nowhere in a whole dump of the database afterwards, on either engine;
// the audit log still says that the erasure happened.
func TestErasureLeavesNothing(t *testing.T) {
	for _, engine := range testrig.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			ctx := context.Background()
			dsn := testrig.NewDSN(t, engine)
			db, err := store.Open(ctx, dsn)
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			if _, err := db.Migrate(ctx, nil); err != nil {
				t.Fatal(err)
			}
			planted := map[string]string{
				"name": "Wilhelmina Quarrendon", "email": "wquarrendon@example.invalid", "phone": "07700 900999",
				"postcode": "ZE2 9QX", "title": "Plumtree ward closed", "body": "Sister Vexhaven on Plumtree ward said",
				"publish name": "Wilhelmina", "note": "Called Wilhelmina back", "reply": "Plumtree ward reopens",
				"ip": "198.51.100.77", "redacted": "Vexhaven",
			}
			mod := &jigsaw.User{Email: "mod@example.org", Role: jigsaw.RoleModerator}
			if err := db.CreateUser(ctx, mod); err != nil {
				t.Fatal(err)
			}
			org := &jigsaw.Organisation{Name: "Lerwick Trust", Kind: jigsaw.OrgNHSTrust}
			if err := db.CreateOrganisation(ctx, org); err != nil {
				t.Fatal(err)
			}
			var ids []int64
			for i, email := range []string{planted["email"], strings.ToUpper(planted["email"])} {
				s := &jigsaw.Submission{Title: fmt.Sprintf("%s %d", planted["title"], i), Body: planted["body"] + " nothing could be done, twice over.",
					Kind: jigsaw.StoryPatient, Area: "Lerwick", District: "ZE1", Name: planted["name"], Email: email, Phone: planted["phone"],
					Postcode: planted["postcode"], PublishAs: jigsaw.PublishFirstNameArea, PublishName: planted["publish name"], Agree: true,
					Token: fmt.Sprintf("form-%d", i), OrgIDs: []int64{org.ID}}
				s.Normalize()
				id, _, err := db.SubmitStory(ctx, s, "submit-ip:"+planted["ip"], jigsaw.Limit{Max: 10, Window: time.Hour}, func(id int64) []*jigsaw.Mail {
					return []*jigsaw.Mail{{Kind: "story-confirm", To: email, Subject: "Please confirm: " + s.Title, Body: "Dear " + planted["name"] + ", " + s.Title}}
				})
				if err != nil {
					t.Fatal(err)
				}
				if err := db.ConfirmStory(ctx, id); err != nil {
					t.Fatal(err)
				}
				ids = append(ids, id)
			}
			// A story by email, with an attachment that names her.
			if _, _, err := db.SubmitStory(ctx, &jigsaw.Submission{Title: planted["title"] + " by email", Body: planted["body"] + " in a letter.",
				Name: planted["name"], Email: planted["email"], Channel: jigsaw.ChannelEmail,
				Attachments: []jigsaw.Attachment{{Filename: planted["name"] + ".pdf", ContentType: "application/pdf", Data: []byte("%PDF-1.4 " + planted["name"])}},
			}, "", jigsaw.Limit{}, func(int64) []*jigsaw.Mail { return nil }); err != nil {
				t.Fatal(err)
			}
			must := func(err error) {
				t.Helper()
				if err != nil {
					t.Fatal(err)
				}
			}
			must(db.RedactStory(ctx, ids[0], planted["redacted"], mod, "192.0.2.1"))
			must(db.EditStory(ctx, ids[0], planted["title"]+" (edited)", planted["body"]+" [redacted] and more besides.", mod, "192.0.2.1"))
			must(db.AddNote(ctx, ids[0], planted["note"], mod, "192.0.2.1"))
			must(db.PublishStory(ctx, ids[0], mod, "192.0.2.1"))
			must(db.AddReply(ctx, ids[0], org.ID, planted["reply"], mod, "192.0.2.1"))
			must(db.RejectStory(ctx, ids[1], "Too close to "+planted["name"]+"'s first story.", mod, "192.0.2.1", func(email, title string) *jigsaw.Mail {
				return &jigsaw.Mail{Kind: "story-reject", To: email, Subject: "About " + title, Body: "Hello " + planted["name"]}
			}))
			must(db.WithdrawStory(ctx, ids[0], planted["ip"]))
			must(db.RequestErasure(ctx, ids[0], planted["ip"]))
			// An alert by email to the same address, its mail with headers.
			must(db.SubscribeAlert(ctx, &jigsaw.AlertRequest{Email: strings.ToUpper(planted["email"]), List: jigsaw.AlertStories,
				Frequency: jigsaw.AlertDaily, Language: "en"}, nil, jigsaw.Limit{Max: 10, Window: time.Hour}, func(int64) *jigsaw.Mail {
				return &jigsaw.Mail{Kind: "alert-confirm", To: planted["email"], Subject: "Please confirm your alert", Body: "link",
					Headers: map[string]string{"List-Id": planted["name"]}}
			}))

			before := dump(t, engine, dsn)
			for what, s := range planted {
				if !strings.Contains(before, strings.ToLower(s)) {
					t.Fatalf("the %s %q was never stored: the test plants it nowhere", what, s)
				}
			}
			must(db.ErasePerson(ctx, ids[1], mod, "192.0.2.1"))
			must(db.ErasePerson(ctx, ids[1], mod, "192.0.2.1")) // twice is harmless
			after := dump(t, engine, dsn)
			for what, s := range planted {
				if strings.Contains(after, strings.ToLower(s)) {
					i := strings.Index(after, strings.ToLower(s))
					t.Errorf("the %s %q is still in the database after erasure: …%s…", what, s, after[max(0, i-200):min(len(after), i+100)])
				}
			}
			entries, _, err := db.FindAudit(ctx, jigsaw.AuditFilter{Action: "person-erase", Limit: 10})
			if err != nil || len(entries) != 2 || !strings.Contains(entries[1].Detail, fmt.Sprintf("stories %d, %d", ids[0], ids[1])) {
				for _, e := range entries {
					t.Logf("audit: %+v", *e)
				}
				t.Fatalf("the audit log's record of the erasure: %d entries (%v)", len(entries), err)
			}
		})
	}
}

// dump returns every value of every table of the database, lower-cased: on
// SQLite every table, the full-text index's own tables included; on
// PostgreSQL pg_dump's output.
func dump(t *testing.T, engine, dsn string) string {
	t.Helper()
	if engine == store.Postgres {
		return pgDump(t, dsn)
	}
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	rows, err := db.Query(`SELECT name FROM sqlite_master WHERE type = 'table'`)
	if err != nil {
		t.Fatal(err)
	}
	var tables []string
	for rows.Next() {
		var name string
		rows.Scan(&name)
		tables = append(tables, name)
	}
	rows.Close()
	var b strings.Builder
	for _, table := range tables {
		rows, err := db.Query(`SELECT * FROM "` + table + `"`)
		if err != nil {
			t.Fatalf("dump %s: %v", table, err)
		}
		cols, _ := rows.Columns()
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		for rows.Next() {
			if err := rows.Scan(ptrs...); err != nil {
				t.Fatal(err)
			}
			for _, v := range vals {
				switch v := v.(type) {
				case []byte:
					b.Write(v)
				default:
					fmt.Fprint(&b, v)
				}
				b.WriteByte('|')
			}
			b.WriteByte('\n')
		}
		rows.Close()
	}
	return strings.ToLower(b.String())
}

// pgDump runs pg_dump on the test's schema.
func pgDump(t *testing.T, dsn string) string {
	t.Helper()
	tool, err := exec.LookPath("pg_dump")
	if err != nil {
		matches, _ := filepath.Glob("/usr/lib/postgresql/*/bin/pg_dump")
		if len(matches) == 0 {
			t.Fatal("pg_dump is not installed")
		}
		tool = matches[len(matches)-1]
	}
	u, err := url.Parse(dsn)
	if err != nil {
		t.Fatal(err)
	}
	schema := u.Query().Get("search_path")
	u.RawQuery = ""
	out, err := exec.Command(tool, "--schema="+schema, "--no-owner", u.String()).CombinedOutput()
	if err != nil {
		t.Fatalf("pg_dump: %v\n%s", err, out)
	}
	return strings.ToLower(string(out))
}
