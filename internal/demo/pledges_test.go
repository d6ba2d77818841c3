package demo_test

import (
	"context"
	"testing"

	"jigsaw"
	"jigsaw/internal/demo"
	"jigsaw/internal/store"
	"jigsaw/internal/testrig"
)

func TestDemoPledges(t *testing.T) {
	testrig.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		for range 2 {
			if _, err := demo.Load(ctx, db); err != nil {
				t.Fatal(err)
			}
		}
		konp, err := db.FindPledgeBySlug(ctx, "the-konp-pledge-for-ccgs-and-icbs")
		if err != nil {
			t.Fatal(err)
		}
		if len(konp.Versions) != 2 || konp.KeeperName != "Keep Our NHS Public" {
			t.Fatalf("KONP pledge: %+v", konp)
		}
		targets, err := db.FindPledgeTargets(ctx, jigsaw.PledgeTargetFilter{PledgeID: konp.ID})
		if err != nil {
			t.Fatal(err)
		}
		states := map[jigsaw.PledgeState]int{}
		for _, tg := range targets {
			states[tg.State]++
			if tg.Name == "Airedale NHS Foundation Trust" && (tg.VersionNumber != 1 || len(tg.History) != 2) {
				t.Fatalf("Airedale signed in 2013: want the first wording and two states, got %+v", tg)
			}
		}
		for _, s := range jigsaw.PledgeStates {
			if states[s.Value] == 0 {
				t.Errorf("no target of the KONP pledge is %s (%v), want every state shown", s.Value, states)
			}
		}
		if len(targets) != 7 {
			t.Fatalf("targets after loading twice: %d, want 7", len(targets))
		}
		promise, err := db.FindPledgeBySlug(ctx, "bring-nhs-services-back-in-house")
		if err != nil || promise.Kind != jigsaw.PledgePromise {
			t.Fatalf("the promise: %+v %v", promise, err)
		}
	})
}
