package jigsaw

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"
)

// Import kinds, as `jigsaw import KIND` names them.
const (
	ImportOCDS = "ocds"
	ImportODS  = "ods"
	ImportCSV  = "csv"
)

// ImportCounts says what an import did with the records it read. Created,
// Updated and Unchanged count the objects the import is about (tracker items
// for OCDS and CSV, organisations for ODS); Skipped counts records left out
// on purpose, with the reasons in Skips.
type ImportCounts struct {
	Read      int
	Created   int
	Updated   int
	Unchanged int
	Skipped   int
	// OrgsCreated and OrgsUpdated count organisations an OCDS or CSV import
	// added or completed on the way (buyers and suppliers).
	OrgsCreated int
	OrgsUpdated int
	// Closures counts organisations an ODS import found newly closed, each
	// recorded as a draft closure danger.
	Closures int
	Skips    map[string]int
}

// Skip counts a record left out for reason.
func (c *ImportCounts) Skip(reason string) {
	c.Skipped++
	if c.Skips == nil {
		c.Skips = map[string]int{}
	}
	c.Skips[reason]++
}

// String is the summary printed at the end of an import.
func (c ImportCounts) String() string {
	s := fmt.Sprintf("%d read: %d created, %d updated, %d unchanged, %d skipped", c.Read, c.Created, c.Updated, c.Unchanged, c.Skipped)
	if c.OrgsCreated+c.OrgsUpdated > 0 {
		s += fmt.Sprintf("; organisations: %d created, %d updated", c.OrgsCreated, c.OrgsUpdated)
	}
	if c.Closures > 0 {
		s += fmt.Sprintf("; %d newly closed (recorded as draft closures)", c.Closures)
	}
	if len(c.Skips) > 0 {
		var parts []string
		for _, r := range sortedKeys(c.Skips) {
			parts = append(parts, fmt.Sprintf("%s: %d", r, c.Skips[r]))
		}
		s += " (skipped — " + strings.Join(parts, ", ") + ")"
	}
	return s
}

// ImportRun is an import that committed: what it read and what it changed.
type ImportRun struct {
	ID         int64
	Kind       string
	Source     string // the file name, or "standard input"
	UserID     int64  // 0 for the command line
	StartedAt  time.Time
	FinishedAt time.Time
	ImportCounts
}

// ImportService lists the imports that committed, newest first.
type ImportService interface {
	FindImportRuns(ctx context.Context, limit int) ([]*ImportRun, error)
}

func sortedKeys(m map[string]int) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
