package imports_test

import (
	"bytes"
	"context"
	"io"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
	"testing/iotest"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/unicode"

	"jigsaw"
	"jigsaw/internal/imports"
	"jigsaw/internal/store"
	"jigsaw/internal/testrig"
)

// orgNames lists the names of every organisation, sorted.
func orgNames(t *testing.T, db *store.DB) []string {
	t.Helper()
	orgs, _, err := db.FindOrganisations(context.Background(), jigsaw.OrganisationFilter{Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, o := range orgs {
		names = append(names, o.Name)
	}
	slices.Sort(names)
	return names
}

func encode(t *testing.T, enc encoding.Encoding, b []byte) []byte {
	t.Helper()
	out, err := enc.NewEncoder().Bytes(b)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// A real file saved in another encoding is refused with the place of its
// first foreign byte and what to do, and read right when its encoding is
// named: the names come out as they do from the UTF-8 original, not with
// U+FFFD beside a misspelt twin.
func TestImportEncodings(t *testing.T) {
	utf8File, err := os.ReadFile(mexicanRecord)
	if err != nil {
		t.Fatal(err)
	}
	want := func() []string {
		db := testrig.MustOpenDB(t, store.SQLite)
		if _, err := importBytes(db, "ocds", "record.json", utf8File, imports.Options{}); err != nil {
			t.Fatal(err)
		}
		return orgNames(t, db)
	}()
	if !slices.ContainsFunc(want, func(n string) bool { return strings.Contains(n, "Antropología") }) {
		t.Fatalf("the UTF-8 original's organisations lack Antropología: %q", want)
	}
	utf16 := append([]byte{0xFF, 0xFE}, encode(t, unicode.UTF16(unicode.LittleEndian, unicode.IgnoreBOM), utf8File)...)
	for _, tc := range []struct {
		name, encoding string
		body           []byte
		refused        []string // what the refusal says, when the encoding is not named
	}{
		{"latin1", "latin1", encode(t, charmap.ISO8859_1, utf8File), []string{"record.json: byte ", "(line 1, column ", "0xCD is not UTF-8", `"Í"`, "--encoding"}},
		{"windows-1252", "windows-1252", encode(t, charmap.Windows1252, utf8File), []string{"0xCD is not UTF-8", "Latin-1 or Windows-1252"}},
		{"utf-16", "utf-16", utf16, []string{"record.json: byte 0: the file is UTF-16", "--encoding utf-16"}},
		{"utf-8 with a byte order mark", "", append([]byte{0xEF, 0xBB, 0xBF}, utf8File...), nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			db := testrig.MustOpenDB(t, store.SQLite)
			if tc.refused != nil {
				_, err := importBytes(db, "ocds", "record.json", tc.body, imports.Options{})
				msg := jigsaw.ErrorMessage(err)
				for _, w := range tc.refused {
					if !strings.Contains(msg, w) {
						t.Errorf("refusal %q lacks %q", msg, w)
					}
				}
				if n := orgNames(t, db); len(n) != 0 {
					t.Fatalf("a refused file wrote organisations %q", n)
				}
			}
			if _, err := importBytes(db, "ocds", "record.json", tc.body, imports.Options{Encoding: tc.encoding}); err != nil {
				t.Fatalf("with --encoding %q: %v", tc.encoding, err)
			}
			if got := orgNames(t, db); !slices.Equal(got, want) {
				t.Errorf("organisations = %q\nwant %q", got, want)
			}
		})
	}
}

// The place of a bad byte is exact whichever read it arrives in, a
// character split between reads is put together, and an unknown encoding
// or a file cut inside a character is named.
func TestUTF8Check(t *testing.T) {
	text := []byte("code,name\n\"RCF\",\"Ysbyty Gwynedd – Bangor\"\n\"R0A\",\"Môn\"\n")
	read := func(b []byte, oneByte bool, enc string) ([]byte, error) {
		var r io.Reader = bytes.NewReader(b)
		if oneByte {
			r = iotest.OneByteReader(r)
		}
		src, err := imports.NewSource("t.csv", r, -1)
		if err != nil {
			return nil, err
		}
		if enc != "" {
			if err := src.SetEncoding(enc); err != nil {
				return nil, err
			}
		}
		return io.ReadAll(src)
	}
	for _, oneByte := range []bool{false, true} {
		got, err := read(text, oneByte, "")
		if err != nil || !bytes.Equal(got, text) {
			t.Fatalf("one byte at a time %v: %q, %v", oneByte, got, err)
		}
		bad := bytes.Replace(text, []byte("Môn"), []byte("M\xf4n"), 1)
		_, err = read(bad, oneByte, "")
		at := bytes.IndexByte(bad, 0xF4)
		if msg := jigsaw.ErrorMessage(err); !strings.Contains(msg, "byte "+strconv.Itoa(at)+" (line 3, column 9): 0xF4 is not UTF-8") {
			t.Errorf("one byte at a time %v: %q", oneByte, msg)
		}
		cut := text[:bytes.Index(text, []byte("–"))+1]
		if _, err := read(cut, oneByte, ""); !strings.Contains(jigsaw.ErrorMessage(err), "ends in the middle of a UTF-8 character") {
			t.Errorf("a file cut inside a character, one byte at a time %v: %v", oneByte, err)
		}
	}
	if _, err := read(text, false, "ebcdic"); !strings.Contains(jigsaw.ErrorMessage(err), `unknown encoding "ebcdic"`) {
		t.Errorf("unknown encoding: %v", err)
	}
	if got, err := read([]byte("M\xf4n"), false, "latin1"); err != nil || string(got) != "Môn" {
		t.Errorf("latin1: %q, %v", got, err)
	}
}
