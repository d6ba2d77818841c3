package demo

import (
	"context"
	"fmt"
	"time"

	"jigsaw"
	"jigsaw/internal/store"
)

// eventsLoaded is the setting that records that the demo events exist,
// as storiesLoaded does for stories.
const eventsLoaded = "demo.events_loaded"

// loadEvents adds the demo events unless an earlier run did. Their days
// are set from the day of loading, so that the demo always has upcoming
// events (one in summer time and one in winter) and a past meeting with
// its conclusions. The first is public: tests address it as event 1.
func loadEvents(ctx context.Context, db *store.DB, ids map[string]int64, sum *Summary) error {
	if _, done, err := db.GetSetting(ctx, eventsLoaded); err != nil || done {
		return err
	}
	now := time.Now().In(jigsaw.London())
	// next returns the next day of month m, day d after now.
	next := func(m time.Month, d int) time.Time {
		t := time.Date(now.Year(), m, d, 0, 0, 0, 0, time.UTC)
		if !t.After(now) {
			t = t.AddDate(1, 0, 0)
		}
		return t
	}
	// daysFromNow is n days on, moved past a weekend or a bank holiday
	// of the season, on which no picket or training would be held.
	daysFromNow := func(n int) time.Time {
		d := time.Date(now.Year(), now.Month(), now.Day()+n, 0, 0, 0, 0, time.UTC)
		for d.Weekday() == time.Saturday || d.Weekday() == time.Sunday || d.Format("01-02") == "12-25" ||
			d.Format("01-02") == "12-26" || d.Format("01-02") == "01-01" {
			d = d.AddDate(0, 0, 1)
		}
		return d
	}
	// The first Thursday of the next May: local elections.
	election := next(time.May, 1)
	for election.Weekday() != time.Thursday {
		election = election.AddDate(0, 0, 1)
	}
	at := func(day time.Time, clock string) time.Time {
		t, msg := jigsaw.ParseLondonTime(day.Format("2006-01-02"), clock)
		if msg != "" {
			panic("demo event time: " + msg)
		}
		return t
	}
	orgs := func(keys ...string) []jigsaw.EventOrganiser {
		var out []jigsaw.EventOrganiser
		for _, k := range keys {
			out = append(out, jigsaw.EventOrganiser{OrgID: ids[k]})
		}
		return out
	}
	summer, winter, picket, training, past := next(time.July, 9), next(time.January, 27), daysFromNow(18), daysFromNow(11), daysFromNow(-40)
	hustings := election.AddDate(0, 0, -9)
	events := []jigsaw.Event{{
		Kind: jigsaw.EventPublicMeeting, Title: "Public meeting: Keep Our NHS Public in Keighley",
		Description: "Why the NHS is being broken up, and how we stop it: speakers from Keep Our NHS Public, UNISON and Unite, " +
			"and time for everyone's questions. Free; everyone welcome.",
		Start: at(summer, "19:00"), End: at(summer, "21:00"), Venue: "Keighley Library, North Street", Postcode: "BD21 3SX",
		Organisers: orgs("konp", "unison", "unite"),
	}, {
		Kind: jigsaw.EventLobby, Title: "Lobby the Airedale board: no to the SubCo",
		Description: "The trust's board meets in public to decide on moving staff into a wholly owned subsidiary. " +
			"Lobby the directors on the way in, then attend the public part of the meeting and ask the questions we agreed.",
		Start: at(winter, "09:30"), End: at(winter, "12:00"), Venue: "Airedale General Hospital, main entrance", Postcode: "BD20 6TD",
		Organisers: orgs("unison", "konp"),
	}, {
		Kind: jigsaw.EventPicket, Title: "Picket line: Dorset porters and cleaners",
		Description: "Join the picket line in support of staff fighting the transfer to a subsidiary company. Bring flags and a flask.",
		Start:       at(picket, "06:30"), End: at(picket, "09:00"), Venue: "Dorset County Hospital, Williams Avenue", Postcode: "DT1 2JY",
		Organisers: orgs("unison"),
	}, {
		Kind: jigsaw.EventHustings, Title: "Health hustings before the local elections",
		Description: "Candidates of every party answer questions on the NHS: will they sign the pledge, and will they bring services back in-house?",
		Start:       at(hustings, "19:00"), End: at(hustings, "21:00"), Venue: "Leeds Civic Hall", Postcode: "LS1 1UR",
		Organisers: orgs("sha", "konp"),
	}, {
		Kind: jigsaw.EventTraining, Title: "Training: standing for a Foundation Trust council of governors",
		Description: "For members only: how elections to councils of governors work, what governors can do, and how to stand.",
		Start:       at(training, "10:00"), End: at(training, "16:00"), Venue: "Unite regional office", Postcode: "LS1 4BR",
		Organisers: orgs("unite", "sha"), MembersOnly: true,
	}, {
		Kind: jigsaw.EventMeeting, Title: "Coalition meeting: dividing the topics",
		Description: "The coalition's organisations meet to share out the work: who takes which topic, and what comes next.",
		Start:       at(past, "18:30"), End: at(past, "20:30"), Venue: "Conway Hall, Red Lion Square", Postcode: "WC1R 4RL",
		Organisers: orgs("sha", "konp", "unite", "unison"),
		Conclusions: "- The Socialist Health Association takes the conflicts of interest of GPs.\n" +
			"- Unite and UNISON update the TUPE guidance for staff moved to subsidiaries.\n" +
			"- Keep Our NHS Public asks every CCG board to sign the pledge before the election.\n" +
			"- Work back from the election date to place hustings and lobbies at the right time.",
	}}
	coalition, err := db.FindCampaignBySlug(ctx, CoalitionCampaign)
	if err != nil {
		return err
	}
	for i := range events {
		if !events[i].MembersOnly {
			events[i].CampaignID = coalition.ID
		}
		if err := db.CreateEvent(ctx, &events[i]); err != nil {
			return fmt.Errorf("demo event %q: %w", events[i].Title, err)
		}
		sum.Events++
	}
	return db.SetSetting(ctx, eventsLoaded, time.Now().UTC().Format(time.RFC3339))
}
