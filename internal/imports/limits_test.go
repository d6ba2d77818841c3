package imports_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"io"
	"strings"
	"testing"

	"jigsaw"
	"jigsaw/internal/imports"
	"jigsaw/internal/store"
	"jigsaw/internal/testrig"
)

// repeat reads b over and over, n bytes in all.
type repeat struct {
	b    byte
	n    int64
	read func(total int64)
	done int64
}

func (r *repeat) Read(p []byte) (int, error) {
	if r.n <= 0 {
		return 0, io.EOF
	}
	k := min(int64(len(p)), r.n)
	for i := range p[:k] {
		p[i] = r.b
	}
	r.n -= k
	r.done += k
	if r.read != nil {
		r.read(r.done)
	}
	return int(k), nil
}

// longString is an OCDS release package whose first release's title is n
// bytes long.
func longString(n int64, read func(int64)) io.Reader {
	return io.MultiReader(strings.NewReader(`{"releases": [{"ocid": "ocds-x-1", "tender": {"title": "`),
		&repeat{b: 'a', n: n, read: read}, strings.NewReader(`"}}]}`))
}

// One value longer than any import needs is refused, naming where it
// begins, once it passes the bound: it is never read whole into memory,
// however small its gzip (a few hundred KB can hold gigabytes of one
// letter).
func TestImportRefusesAnOverlongValue(t *testing.T) {
	db := testrig.MustOpenDB(t, store.SQLite)
	var gz bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&gz, gzip.BestCompression)
	io.Copy(zw, longString(40<<20, nil))
	zw.Close()
	src, err := imports.NewSource("long.json.gz", &gz, int64(gz.Len()))
	if err != nil {
		t.Fatal(err)
	}
	_, err = imports.Import(context.Background(), db, jigsaw.ImportOCDS, src, imports.Options{})
	if jigsaw.ErrorCode(err) != jigsaw.EINVALID || !strings.Contains(jigsaw.ErrorMessage(err), "longer than 32 MB") ||
		!strings.Contains(jigsaw.ErrorMessage(err), "line 1") {
		t.Fatalf("got %v, want EINVALID naming the limit and the place", err)
	}
}

// An import stops when its context is cancelled (the server shutting
// down, the command interrupted), even in the middle of one long value.
func TestImportStopsWhenCancelled(t *testing.T) {
	db := testrig.MustOpenDB(t, store.SQLite)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	src, err := imports.NewSource("long.json", longString(20<<20, func(done int64) {
		if done > 1<<20 {
			cancel()
		}
	}), -1)
	if err != nil {
		t.Fatal(err)
	}
	_, err = imports.Import(ctx, db, jigsaw.ImportOCDS, src, imports.Options{})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("got %v, want the import cancelled", err)
	}
}
