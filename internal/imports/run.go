package imports

import (
	"context"

	"jigsaw"
	"jigsaw/internal/store"
)

// Options choose how files are imported.
type Options struct {
	OCDS   OCDSOptions
	ODS    ODSOptions
	DryRun bool // do everything, then roll back: the counts say what would change
	// Encoding is the file's character encoding when not UTF-8 (Encodings).
	Encoding string
	UserID   int64
	// Progress draws a progress bar; nil draws none.
	Progress *Progress
}

// Kinds are the kinds of file Import reads.
var Kinds = []string{jigsaw.ImportOCDS, jigsaw.ImportODS, jigsaw.ImportCSV}

// Import reads src, a file of the given kind, into db in one transaction:
// all of it, or nothing and an error that says where the file is wrong.
func Import(ctx context.Context, db *store.DB, kind string, src *Source, opt Options) (*jigsaw.ImportRun, error) {
	run := &jigsaw.ImportRun{Kind: kind, Source: src.Name, UserID: opt.UserID}
	if opt.Encoding != "" {
		if err := src.SetEncoding(opt.Encoding); err != nil {
			return nil, err
		}
	}
	src.pos.ctx = ctx // a cancelled import stops at its next read
	err := db.Import(ctx, run, opt.DryRun, func(it *store.ImportTx) error {
		switch kind {
		case jigsaw.ImportOCDS:
			return ImportOCDS(it, src, opt.OCDS, &run.ImportCounts, opt.Progress)
		case jigsaw.ImportODS:
			return ImportODS(it, src, opt.ODS, &run.ImportCounts, opt.Progress)
		case jigsaw.ImportCSV:
			return ImportCSV(it, src, &run.ImportCounts, opt.Progress)
		}
		return jigsaw.Errorf(jigsaw.EINVALID, "Unknown kind of import %q: choose ocds, ods or csv.", kind)
	})
	opt.Progress.Done()
	if err != nil {
		return nil, err
	}
	return run, nil
}

// ValidDay reports whether s is a day, YYYY-MM-DD, as --since takes.
func ValidDay(s string) bool {
	p := jigsaw.Problems{}
	jigsaw.CheckDate(p, "since", "Since", s, false)
	return len(p) == 0 && len(s) == len("2006-01-02")
}
