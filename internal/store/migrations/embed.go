// Package migrations holds the numbered schema steps of each database engine.
// A step that has shipped is never edited: changes go in a new step.
package migrations

import "embed"

// FS holds sqlite/NNNN_name.sql and postgres/NNNN_name.sql.
//
//go:embed sqlite/*.sql postgres/*.sql
var FS embed.FS
