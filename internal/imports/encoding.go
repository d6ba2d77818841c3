package imports

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"slices"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/unicode"
	"golang.org/x/text/transform"

	"jigsaw"
)

// Encodings are the character encodings a file may be read in besides
// UTF-8, the default, by their names for --encoding. Files are UTF-8 unless
// someone says otherwise: guessing an encoding from the bytes would put a
// misspelt organisation beside the right one without a word.
var Encodings = []string{"utf-8", "latin1", "windows-1252", "utf-16", "utf-16le", "utf-16be"}

func decoder(name string) (encoding.Encoding, bool) {
	switch strings.ToLower(name) {
	case "", "utf-8", "utf8":
		return nil, true
	case "latin1", "latin-1", "iso-8859-1":
		return charmap.ISO8859_1, true
	case "windows-1252", "cp1252":
		return charmap.Windows1252, true
	case "utf-16", "utf16":
		// A byte order mark says which; without one, Windows's order.
		return unicode.UTF16(unicode.LittleEndian, unicode.UseBOM), true
	case "utf-16le":
		return unicode.UTF16(unicode.LittleEndian, unicode.IgnoreBOM), true
	case "utf-16be":
		return unicode.UTF16(unicode.BigEndian, unicode.IgnoreBOM), true
	}
	return nil, false
}

// ValidEncoding reports whether name is one of Encodings (or an alias).
func ValidEncoding(name string) bool {
	_, ok := decoder(name)
	return ok
}

// SetEncoding says what the file's bytes are in; the parsers then read
// UTF-8, converted from it. It must be called before anything is read. For
// UTF-8, the default, the bytes are checked instead: the first that is not
// UTF-8 stops the import with its place, rather than becoming U+FFFD in a
// name.
func (s *Source) SetEncoding(name string) error {
	enc, ok := decoder(name)
	if !ok {
		return jigsaw.Errorf(jigsaw.EINVALID, "unknown encoding %q: choose one of %s", name, strings.Join(Encodings, ", "))
	}
	if s.pos.off != 0 {
		return fmt.Errorf("imports: SetEncoding after reading began")
	}
	body := s.body
	if enc == nil {
		s.pos = newPositionReader(&utf8Check{r: body, src: s})
	} else {
		s.pos = newPositionReader(transform.NewReader(body, enc.NewDecoder()))
	}
	s.r = s.pos
	return nil
}

// skipUTF8BOM drops a UTF-8 byte order mark at the start of b. It says
// nothing a UTF-8 file needs saying, and spreadsheets write one when saving
// "CSV UTF-8".
func skipUTF8BOM(b *bufio.Reader) {
	if head, _ := b.Peek(3); bytes.Equal(head, []byte{0xEF, 0xBB, 0xBF}) {
		b.Discard(3)
	}
}

// utf8Check passes UTF-8 through and stops at the first byte that is not,
// with an error naming it and its place. A character split between two
// reads is held back until its last byte has come.
type utf8Check struct {
	r     io.Reader
	src   *Source
	off   int64  // bytes of the content before held[0]
	held  []byte // the start of a character not yet complete
	fault error  // to return once the bytes before it have been read
	// bad is called at the next read for a byte found wrong: by then the
	// bytes before it have been read and its line is known.
	bad func() error
}

func (u *utf8Check) Read(p []byte) (int, error) {
	if u.bad != nil {
		u.fault, u.bad = u.bad(), nil
	}
	if u.fault != nil {
		return 0, u.fault
	}
	if len(p) < 4 {
		return 0, io.ErrShortBuffer // never: the readers above read in kilobytes
	}
	k := copy(p, u.held)
	n, err := u.r.Read(p[k:])
	n += k
	data := p[:n]
	if u.off == 0 && n >= 2 && (data[0] == 0xFF && data[1] == 0xFE || data[0] == 0xFE && data[1] == 0xFF) {
		u.fault = u.src.Errorf("byte 0", "the file is UTF-16 (it begins with a UTF-16 byte order mark), not UTF-8: save it as UTF-8, or import it with --encoding utf-16")
		return 0, u.fault
	}
	// Hold back a character whose last bytes are still to come.
	end := n
	for back := 1; back <= 3 && back <= n; back++ {
		b := data[n-back]
		if b < 0x80 {
			break
		}
		if b >= 0xC0 {
			if need := leadLength(b); need > back && err == nil {
				end = n - back
			}
			break
		}
	}
	good := end
	if !utf8.Valid(data[:end]) {
		good = validPrefix(data[:end])
	}
	u.held = append(u.held[:0], data[end:n]...)
	if good < end {
		at, rest, atEOF := u.off+int64(good), slices.Clone(data[good:n]), err == io.EOF
		u.bad = func() error { return u.badByte(at, rest, atEOF) }
		u.off = at
		if good > 0 {
			return good, nil
		}
		return u.Read(p)
	}
	u.off += int64(end)
	return end, err
}

// badByte describes the byte at offset at, which begins rest, the last
// bytes read (the file's last bytes when atEOF).
func (u *utf8Check) badByte(at int64, rest []byte, atEOF bool) error {
	where := fmt.Sprintf("byte %d (%s)", at, u.src.At(at))
	b := rest[0]
	hint := "save the file as UTF-8, or name its encoding with --encoding (latin1 or windows-1252 for files from older spreadsheets and Windows programs)"
	if atEOF && len(rest) < leadLength(b) && allContinuation(rest[1:]) {
		return u.src.Errorf(where, "the file ends in the middle of a UTF-8 character: %s", hint)
	}
	return u.src.Errorf(where, "0x%02X is not UTF-8 (in Windows-1252 it would be %q): the file is probably Latin-1 or Windows-1252; %s", b, charmapRune(b), hint)
}

func allContinuation(b []byte) bool {
	for _, c := range b {
		if c&0xC0 != 0x80 {
			return false
		}
	}
	return true
}

// charmapRune is b read as Windows-1252, which agrees with Latin-1 on the
// printable characters both have.
func charmapRune(b byte) string {
	r := charmap.Windows1252.DecodeByte(b)
	return string(r)
}

// leadLength is the length of the UTF-8 sequence lead byte b begins (1 for
// a byte that begins none).
func leadLength(b byte) int {
	switch {
	case b&0xE0 == 0xC0:
		return 2
	case b&0xF0 == 0xE0:
		return 3
	case b&0xF8 == 0xF0:
		return 4
	}
	return 1
}

// validPrefix is the length of the longest valid UTF-8 prefix of b.
func validPrefix(b []byte) int {
	i := 0
	for i < len(b) {
		r, size := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && size <= 1 {
			return i
		}
		i += size
	}
	return i
}
