// Package imports reads what others publish — OCDS procurement data, NHS ODS
// organisation files, CSV — into Jigsaw. Every file is read as a stream and
// imported in one transaction: all of it or, with an error that says where
// the file went wrong, none of it.
package imports

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"sync/atomic"

	"jigsaw"
)

// Source is an input file being read: its name for messages, its bytes
// (gunzipped when it was compressed) and how far reading has got.
type Source struct {
	Name string
	r    io.Reader
	raw  *countingReader // the bytes as stored, for progress
	pos  *positionReader // the bytes as parsed, for error locations
	body *bufio.Reader   // the content in the file's encoding (SetEncoding)
	Size int64           // the stored size, or -1 when unknown (a pipe)
	c    io.Closer
}

// Open opens the file at path ("-" is standard input) for reading,
// decompressing it when it starts with gzip's magic bytes.
func Open(path string, stdin io.Reader) (*Source, error) {
	s := &Source{Name: path, Size: -1}
	var in io.Reader
	if path == "-" {
		s.Name = "standard input"
		in = stdin
	} else {
		f, err := os.Open(path)
		if err != nil {
			return nil, jigsaw.Errorf(jigsaw.EINVALID, "%s: cannot open: %s", path, pathErrorReason(err))
		}
		if fi, err := f.Stat(); err == nil && fi.Mode().IsRegular() {
			s.Size = fi.Size()
		}
		in, s.c = f, f
	}
	return s.wrap(in)
}

// NewSource reads r, named name in messages, with size bytes (-1 if unknown).
func NewSource(name string, r io.Reader, size int64) (*Source, error) {
	s := &Source{Name: name, Size: size}
	return s.wrap(r)
}

func (s *Source) wrap(in io.Reader) (*Source, error) {
	s.raw = &countingReader{r: in}
	br := bufio.NewReaderSize(s.raw, 64<<10)
	magic, _ := br.Peek(2)
	body := br
	if bytes.Equal(magic, []byte{0x1f, 0x8b}) {
		zr, err := gzip.NewReader(br)
		if err != nil {
			s.Close()
			switch {
			case s.raw.err != nil:
				return nil, s.readError(s.raw.err)
			case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
				return nil, jigsaw.Errorf(jigsaw.EINVALID, "%s: the gzip data ends early (the file is truncated)", s.Name)
			}
			return nil, fmt.Errorf("%w: %w", jigsaw.Errorf(jigsaw.EINVALID, "%s: not a readable gzip file (its header is damaged)", s.Name), err)
		}
		body = bufio.NewReaderSize(&gzipErrors{zr: zr, src: s}, 64<<10)
	}
	s.body = body
	skipUTF8BOM(s.body)
	s.pos = newPositionReader(&utf8Check{r: s.body, src: s})
	s.r = s.pos
	return s, nil
}

// Read reads the (decompressed) content.
func (s *Source) Read(p []byte) (int, error) { return s.r.Read(p) }

// BytesRead is how many stored bytes have been read so far.
func (s *Source) BytesRead() int64 { return s.raw.n.Load() }

// Close closes the file, if this Source opened one.
func (s *Source) Close() error {
	if s.c != nil {
		return s.c.Close()
	}
	return nil
}

// At describes the place at byte offset off of the content: "line L, column
// C" when the line is still known, else "byte N".
func (s *Source) At(off int64) string {
	if line, col, ok := s.pos.lineCol(off); ok {
		return fmt.Sprintf("line %d, column %d", line, col)
	}
	return fmt.Sprintf("byte %d", off)
}

// readError reports that the input itself could not be read (a disk's
// error, an upload cut short) in the person's terms: the file's name and,
// for a file on disk, the system's reason. The cause itself, which may name
// the connection or a temporary file, stays behind it for the log, where
// errors.As also finds it (an upload's size limit, say).
func (s *Source) readError(err error) error {
	switch {
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return err
	case errors.Is(err, errValueTooLarge):
		return jigsaw.Errorf(jigsaw.EINVALID, "%s: the value that begins at %s is longer than %d MB, more than any import needs (is the file damaged?)",
			s.Name, s.At(s.pos.mark), MaxValueBytes>>20)
	}
	reason := "it ends early or the upload was cut short"
	var pe *os.PathError
	if errors.As(err, &pe) {
		reason = pe.Err.Error() // the system's words, without the path
	}
	return fmt.Errorf("%w: %w", jigsaw.Errorf(jigsaw.EINVALID, "%s: cannot read: %s", s.Name, reason), err)
}

// storeError places err, which the store returned for what the file says,
// in the file: a coded error (a row invalid, or clashing with another)
// becomes the file's EINVALID error at where, its message after prefix
// (when not empty). Any other error is a fault of the database or of ours,
// not of the file: it is returned as it is, to be logged and shown as
// "Internal error.", never with its text copied into the message.
func (s *Source) storeError(err error, where, prefix string) error {
	if !isCoded(err) {
		return err
	}
	msg := message(err)
	if prefix != "" {
		msg = prefix + ": " + msg
	}
	return fmt.Errorf("%w: %w", s.Errorf(where, "%s", msg), err)
}

// Errorf returns an EINVALID error naming the file and where in it.
func (s *Source) Errorf(where, format string, args ...any) error {
	msg := fmt.Sprintf(format, args...)
	if where != "" {
		return jigsaw.Errorf(jigsaw.EINVALID, "%s: %s: %s", s.Name, where, msg)
	}
	return jigsaw.Errorf(jigsaw.EINVALID, "%s: %s", s.Name, msg)
}

func pathErrorReason(err error) string {
	switch {
	case os.IsNotExist(err):
		return "no such file"
	case os.IsPermission(err):
		return "permission denied"
	}
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	return err.Error()
}

// gzipErrors turns a corrupt or truncated gzip stream into a clear error,
// and a failure to read the stored bytes into src's readError: the gzip
// reader passes those on as they are.
type gzipErrors struct {
	zr  *gzip.Reader
	src *Source
}

func (g *gzipErrors) Read(p []byte) (int, error) {
	n, err := g.zr.Read(p)
	switch {
	case err == nil || err == io.EOF:
		return n, err
	case g.src.raw.err != nil:
		return n, g.src.readError(g.src.raw.err)
	case err == io.ErrUnexpectedEOF:
		return n, jigsaw.Errorf(jigsaw.EINVALID, "%s: the gzip data ends early (the file is truncated)", g.src.Name)
	}
	return n, fmt.Errorf("%w: %w", jigsaw.Errorf(jigsaw.EINVALID, "%s: the gzip data is corrupt", g.src.Name), err)
}

// countingReader counts the bytes read, and keeps the first error of
// reading other than io.EOF, so that the input's own failures can be told
// from a decompressor's; the progress bar reads the count from another
// goroutine.
type countingReader struct {
	r   io.Reader
	n   atomic.Int64
	err error
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n.Add(int64(n))
	if err != nil && err != io.EOF && c.err == nil {
		c.err = err
	}
	return n, err
}

// positionReader counts lines as the parser reads and keeps what it handed
// out from a mark onwards (the start of the value being parsed), so that an
// error inside that value can be placed exactly — line, column and JSON
// path — without keeping the whole file.
type positionReader struct {
	r      io.Reader
	off    int64 // bytes handed out so far
	lines  int64 // newlines in them
	lastNL int64 // the offset just after the last of them
	mark   int64
	chunks []chunk
	spare  [][]byte
	// ctx, when set, stops reading once it is done: a value being
	// decoded (which may be long) notices only at its next read.
	ctx context.Context
}

// MaxValueBytes is the longest one value of an imported file (an OCDS
// release, a CSV row) may be. Everything read since the value began is
// kept, by the decoder and for the place of an error, so without a bound
// one long string (a few hundred KB of gzip) could take the process's
// memory.
const MaxValueBytes = 32 << 20

// errValueTooLarge is returned by positionReader.Read past MaxValueBytes.
var errValueTooLarge = errors.New("value too large")

type chunk struct {
	off   int64 // offset of data[0]
	line  int64 // 1-based line of data[0]
	lastN int64 // offset just after the last newline before data[0]
	data  []byte
}

func newPositionReader(r io.Reader) *positionReader { return &positionReader{r: r} }

func (p *positionReader) Read(b []byte) (int, error) {
	if p.ctx != nil && p.ctx.Err() != nil {
		return 0, p.ctx.Err()
	}
	if p.off-p.mark > MaxValueBytes {
		return 0, errValueTooLarge
	}
	n, err := p.r.Read(b)
	if n > 0 {
		p.drop()
		c := chunk{off: p.off, line: p.lines + 1, lastN: p.lastNL}
		var buf []byte
		if k := len(p.spare); k > 0 {
			buf, p.spare = p.spare[k-1][:0], p.spare[:k-1]
		}
		c.data = append(buf, b[:n]...)
		p.chunks = append(p.chunks, c)
		if i := bytes.LastIndexByte(b[:n], '\n'); i >= 0 {
			p.lastNL = p.off + int64(i) + 1
			p.lines += int64(bytes.Count(b[:n], []byte{'\n'}))
		}
		p.off += int64(n)
	}
	return n, err
}

// setMark says nothing before off will be asked about again.
func (p *positionReader) setMark(off int64) { p.mark = off }

// drop forgets chunks that end before the mark, keeping the newest.
func (p *positionReader) drop() {
	k := 0
	for k < len(p.chunks)-1 && p.chunks[k].off+int64(len(p.chunks[k].data)) <= p.mark {
		k++
	}
	if k == 0 {
		return
	}
	for _, c := range p.chunks[:k] {
		p.spare = append(p.spare, c.data)
	}
	p.chunks = append(p.chunks[:0], p.chunks[k:]...)
}

// lineCol returns the 1-based line and column (in bytes) of offset off.
func (p *positionReader) lineCol(off int64) (line, col int64, ok bool) {
	if off > p.off {
		off = p.off
	}
	if len(p.chunks) == 0 {
		return 1, off + 1, off == 0
	}
	for i, c := range p.chunks {
		end := c.off + int64(len(c.data))
		if off < c.off || (off >= end && i < len(p.chunks)-1) {
			continue
		}
		before := c.data[:off-c.off]
		line = c.line + int64(bytes.Count(before, []byte{'\n'}))
		if j := bytes.LastIndexByte(before, '\n'); j >= 0 {
			return line, int64(len(before) - j), true
		}
		return line, off - c.lastN + 1, true
	}
	return 0, 0, false
}

// bytesBetween returns the content from start to end, when still kept.
func (p *positionReader) bytesBetween(start, end int64) ([]byte, bool) {
	if len(p.chunks) == 0 || start < p.chunks[0].off || end > p.off || start > end {
		return nil, false
	}
	out := make([]byte, 0, end-start)
	for _, c := range p.chunks {
		lo, hi := max(start, c.off), min(end, c.off+int64(len(c.data)))
		if lo < hi {
			out = append(out, c.data[lo-c.off:hi-c.off]...)
		}
	}
	return out, true
}
