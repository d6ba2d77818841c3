//go:build !(linux || darwin || freebsd || netbsd || openbsd || dragonfly)

package store

import "os"

// tryFlock takes no lock where flock(2) is missing: serving and restoring
// are not kept apart there.
func tryFlock(f *os.File, exclusive bool) (bool, error) { return true, nil }

func flockHolders(path string) []int { return nil }
