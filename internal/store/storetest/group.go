package storetest

import (
	"context"
	"sync"
	"testing"

	"jigsaw"
	"jigsaw/internal/store"
)

// testGroupCommit runs many writes at once through GroupTx: those that
// fail are undone alone, the rest all commit, and each caller learns its
// own outcome.
func (s *suite) testGroupCommit(t *testing.T) {
	ctx := context.Background()
	db := s.mustOpen(t)
	const n = 60
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = db.GroupTx(ctx, true, func(tx store.Execer) error {
				if _, err := tx.ExecContext(ctx, `INSERT INTO settings (key, value) VALUES ($1, 'v')`, "group-"+itoa(int64(i))); err != nil {
					return err
				}
				if i%3 == 0 {
					// Half-done work that must be undone with the failure.
					return jigsaw.Errorf(jigsaw.EINVALID, "job %d refuses", i)
				}
				return nil
			})
		}()
	}
	wg.Wait()
	for i, err := range errs {
		_, ok, gerr := db.GetSetting(ctx, "group-"+itoa(int64(i)))
		if gerr != nil {
			t.Fatal(gerr)
		}
		if i%3 == 0 {
			if jigsaw.ErrorCode(err) != jigsaw.EINVALID || ok {
				t.Errorf("job %d: err %v, row kept %v; want its own error and no row", i, err, ok)
			}
		} else if err != nil || !ok {
			t.Errorf("job %d: err %v, row kept %v; want it committed", i, err, ok)
		}
	}
}
