package store

import "jigsaw"

// checkVersion refuses a change made from an older version of a record than
// the stored one: another editor saved it in between. want is the version
// the change was made from; 0 does not check (imports, and API clients that
// send no version).
func checkVersion(kind string, want, stored int64) error {
	if want == 0 || want == stored {
		return nil
	}
	return &jigsaw.Error{Code: jigsaw.ECONFLICT,
		Message: "This " + kind + " was changed by someone else since you opened it. Open it again to see their changes, then make yours.",
		Fields:  map[string]string{"version": "changed since you opened it"}}
}
