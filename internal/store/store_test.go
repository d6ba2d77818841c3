package store_test

import (
	"testing"

	"jigsaw/internal/store/storetest"
	"jigsaw/internal/testrig"
)

// TestStore runs the one store suite on every engine available: SQLite
// always, PostgreSQL under make test (and always in CI).
func TestStore(t *testing.T) {
	for _, engine := range testrig.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			storetest.Run(t, func(tb testing.TB) string { return testrig.NewDSN(tb, engine) },
				func(tb testing.TB) string { return testrig.NewMigratedDSN(tb, engine) })
		})
	}
}
