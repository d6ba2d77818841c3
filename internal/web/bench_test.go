package web_test

import (
	"context"
	"net/http/httptest"
	"strconv"
	"testing"
	"time"

	"jigsaw"
	"jigsaw/internal/store"
	"jigsaw/internal/testrig"
)

// BenchmarkStoryPage measures rendering a story page from the database, the
// page cache bypassed by asking for a different story each time.
func BenchmarkStoryPage(b *testing.B) {
	ctx := context.Background()
	a := testrig.StartApp(b, store.SQLite, nil)
	org := &jigsaw.Organisation{Name: "Bench Trust", Kind: jigsaw.OrgNHSTrust}
	a.DB.CreateOrganisation(ctx, org)
	body := "I waited **eleven hours** on a trolley in the corridor.\n\nThe ward was short of staff: two nurses for thirty beds. [Report](https://example.org/r).\n\n- one\n- two\n"
	var ids []int64
	for i := 0; i < 500; i++ {
		s := &jigsaw.Story{Title: "Story " + strconv.Itoa(i), Body: body, PublicBody: body, Kind: jigsaw.StoryPatient, District: "BD20", Area: "Keighley",
			Status: jigsaw.StoryPublished, Byline: "A patient", KeyIssues: []string{"safety", "cuts"}, OrgIDs: []int64{org.ID}, PublishedAt: time.Now()}
		if err := a.DB.CreateStory(ctx, s, &jigsaw.Person{Name: "P", Email: "p@example.invalid"}); err != nil {
			b.Fatal(err)
		}
		ids = append(ids, s.ID)
	}
	h := a.Server.Handler()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		req := httptest.NewRequest("GET", "/stories/"+strconv.FormatInt(ids[i%len(ids)], 10)+"?n="+strconv.Itoa(i), nil)
		w := httptest.NewRecorder()
		h.ServeHTTP(w, req)
		if w.Code != 200 {
			b.Fatalf("status %d", w.Code)
		}
	}
}
