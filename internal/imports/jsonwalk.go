package imports

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/big"
	"reflect"
	"regexp"
	"strconv"
	"strings"

	"jigsaw"
)

// jsonStream walks a stream of JSON values with a json.Decoder, turning every
// error into one that names the file, the line and column, and the JSON path.
type jsonStream struct {
	src *Source
	dec *json.Decoder
}

func newJSONStream(src *Source) *jsonStream {
	dec := json.NewDecoder(src)
	return &jsonStream{src: src, dec: dec}
}

// token reads the next token; path says where the stream is, for errors.
func (s *jsonStream) token(path string) (json.Token, error) {
	s.src.pos.setMark(s.dec.InputOffset())
	tok, err := s.dec.Token()
	if err != nil && err != io.EOF {
		return nil, s.syntaxError(err, path)
	}
	return tok, err
}

// expect reads a delimiter, failing with what was found instead.
func (s *jsonStream) expect(d json.Delim, path, what string) error {
	start := s.valueStart()
	tok, err := s.token(path)
	if err == io.EOF {
		return s.src.Errorf(s.src.At(s.dec.InputOffset()), "%s: the file ends where %s should be (is it truncated?)", pathOr(path), what)
	}
	if err != nil {
		return err
	}
	if tok != d {
		return s.src.Errorf(s.src.At(start), "%s: expected %s, found %s", pathOr(path), what, describeToken(tok))
	}
	return nil
}

// decode decodes the next value into v, path naming it.
func (s *jsonStream) decode(v any, path string) error {
	start := s.valueStart()
	s.src.pos.setMark(start)
	err := s.dec.Decode(v)
	if err == nil {
		return nil
	}
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		sub, at := te.Field, start
		if raw, ok := s.src.pos.bytesBetween(start, s.dec.InputOffset()); ok {
			if p, off, found := findField(raw, te.Field, te.Value); found {
				sub, at = p, start+off
			}
		}
		return s.src.Errorf(s.src.At(at), "%s: expected %s, found %s", joinPath(path, sub), typeName(te.Type), te.Value)
	}
	if errors.Is(err, errBadValue) {
		return s.src.Errorf(s.src.At(start), "%s: %v", path, err)
	}
	return s.syntaxError(err, path)
}

// valueStart is the offset where the next value begins: past white space and
// the comma the decoder has yet to consume.
func (s *jsonStream) valueStart() int64 {
	off := s.dec.InputOffset()
	var b [64]byte
	n, _ := s.dec.Buffered().Read(b[:])
	comma := false
	for i := 0; i < n; i++ {
		switch c := b[i]; {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
		case c == ',' && !comma:
			comma = true
		default:
			return off + int64(i)
		}
	}
	return off
}

// syntaxError places a syntax error. The decoder's own offsets are not
// reliable for a stream, so the value it stopped in is scanned again on its
// own, which gives the exact byte.
func (s *jsonStream) syntaxError(err error, path string) error {
	if isCoded(err) {
		return err // a read error already naming the file, e.g. corrupt gzip
	}
	if err == io.ErrUnexpectedEOF || err == io.EOF {
		return s.src.Errorf(s.src.At(s.src.pos.off), "%s: the file ends in the middle of a value (is it truncated?)", pathOr(path))
	}
	var se *json.SyntaxError
	if !errors.As(err, &se) {
		return s.src.readError(err)
	}
	// The decoder stops at the start of the value it failed in.
	rest, _ := io.ReadAll(s.dec.Buffered())
	value := bytes.TrimLeft(rest, " \t\r\n")
	at := s.dec.InputOffset()
	var inner *json.SyntaxError
	if e := json.Unmarshal(value, new(any)); errors.As(e, &inner) {
		at += int64(len(rest)-len(value)) + inner.Offset - 1
	} else if e != nil {
		return s.src.Errorf(s.src.At(s.src.pos.off), "%s: the file ends in the middle of a value (is it truncated?)", pathOr(path))
	}
	return s.src.Errorf(s.src.At(at), "%s: not valid JSON: %s", pathOr(path), syntaxMessage(se))
}

func syntaxMessage(se *json.SyntaxError) string { return strings.TrimPrefix(se.Error(), "json: ") }

func describeToken(tok json.Token) string {
	switch v := tok.(type) {
	case json.Delim:
		switch v {
		case '[':
			return "an array"
		case '{':
			return "an object"
		}
		return fmt.Sprintf("%q", string(v))
	case string:
		return "a string"
	case json.Number, float64:
		return "a number"
	case bool:
		return "true or false"
	case nil:
		return "null"
	}
	return fmt.Sprintf("%v", tok)
}

func typeName(t reflect.Type) string {
	switch {
	case t == nil:
		return "another type"
	case t == reflect.TypeOf(flexString("")):
		return "a string or number"
	case t == reflect.TypeOf(amount{}):
		return "a number"
	}
	switch t.Kind() {
	case reflect.Slice:
		return "an array"
	case reflect.Struct, reflect.Map:
		return "an object"
	case reflect.String:
		return "a string"
	case reflect.Int, reflect.Int64, reflect.Float64:
		return "a number"
	}
	return t.String()
}

func pathOr(p string) string {
	if p == "" {
		return "$"
	}
	return p
}

func joinPath(base, sub string) string {
	switch {
	case sub == "":
		return pathOr(base)
	case base == "":
		return sub
	case strings.HasPrefix(sub, "["):
		return base + sub
	}
	return base + "." + sub
}

// findField finds, in raw, the first value at the dotted field path (as
// encoding/json reports it, without array indices) whose JSON type matches
// what the error says was found, and returns its full path with indices
// ("awards[1].value.amount") and offset.
func findField(raw []byte, field, found string) (string, int64, bool) {
	type frame struct {
		arr     bool
		idx     int
		key     string
		wantKey bool
	}
	var stack []frame
	render := func(indices bool) string {
		var b strings.Builder
		for _, f := range stack {
			if f.arr {
				if indices {
					fmt.Fprintf(&b, "[%d]", f.idx)
				}
			} else if f.key != "" {
				if b.Len() > 0 {
					b.WriteByte('.')
				}
				b.WriteString(f.key)
			}
		}
		return b.String()
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	for {
		off := dec.InputOffset()
		tok, err := dec.Token()
		if err != nil {
			return "", 0, false
		}
		n := len(stack)
		if s, ok := tok.(string); ok && n > 0 && !stack[n-1].arr && stack[n-1].wantKey {
			stack[n-1].key, stack[n-1].wantKey = s, false
			continue
		}
		if d, ok := tok.(json.Delim); ok && (d == '}' || d == ']') {
			stack = stack[:n-1]
			if n := len(stack); n > 0 && !stack[n-1].arr {
				stack[n-1].wantKey = true
			}
			continue
		}
		if n > 0 && stack[n-1].arr {
			stack[n-1].idx++
		}
		if render(false) == field && strings.Contains(found, tokenKind(tok)) {
			return render(true), valueOffset(raw, off), true
		}
		if d, ok := tok.(json.Delim); ok {
			stack = append(stack, frame{arr: d == '[', idx: -1, wantKey: d == '{'})
		} else if n > 0 && !stack[n-1].arr {
			stack[n-1].wantKey = true
		}
	}
}

// valueOffset skips the separators before a value.
func valueOffset(raw []byte, off int64) int64 {
	for off < int64(len(raw)) && strings.IndexByte(" \t\r\n,:", raw[off]) >= 0 {
		off++
	}
	return off
}

func tokenKind(tok json.Token) string {
	switch v := tok.(type) {
	case json.Delim:
		if v == '[' {
			return "array"
		}
		return "object"
	case string:
		return "string"
	case json.Number:
		return "number"
	case bool:
		return "bool"
	}
	return "null"
}

var amountRE = regexp.MustCompile(`^-?[0-9]{1,30}(?:\.[0-9]{1,20})?(?:[eE][-+]?[0-9]{1,2})?$`)

// errBadValue marks a value of the right JSON type but unusable content.
var errBadValue = errors.New("bad value")

// flexString accepts a string, a number (kept as written), true/false or
// null (""): real OCDS files put numbers where the schema says string.
type flexString string

func (f *flexString) UnmarshalJSON(b []byte) error {
	switch {
	case len(b) == 0 || string(b) == "null":
		*f = ""
	case b[0] == '"' && bytes.IndexByte(b, '\\') < 0:
		// Nothing to unescape: the decoder has checked the syntax and the
		// source the UTF-8. Most strings take this way, at a tenth of the
		// cost of decoding them again.
		*f = flexString(b[1 : len(b)-1])
	case b[0] == '"':
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		*f = flexString(s)
	case b[0] == '{' || b[0] == '[':
		kind := "object"
		if b[0] == '[' {
			kind = "array"
		}
		return &json.UnmarshalTypeError{Value: kind, Type: reflect.TypeOf(flexString(""))}
	default:
		*f = flexString(b)
	}
	return nil
}

func (f flexString) String() string { return string(f) }

// flexStrings accepts an array of flexStrings, one flexString or null.
type flexStrings []flexString

func (f *flexStrings) UnmarshalJSON(b []byte) error {
	if len(b) > 0 && b[0] == '[' {
		var list []flexString
		if err := json.Unmarshal(b, &list); err != nil {
			return err
		}
		*f = list
		return nil
	}
	var one flexString
	if err := one.UnmarshalJSON(b); err != nil {
		return err
	}
	*f = nil
	if one != "" {
		*f = flexStrings{one}
	}
	return nil
}

// amount is a money amount exactly as written: a JSON number or a numeric
// string; absent or null is unknown.
type amount struct {
	r     *big.Rat
	known bool
}

func (a *amount) UnmarshalJSON(b []byte) error {
	s := string(b)
	if s == "null" {
		*a = amount{}
		return nil
	}
	if len(b) > 0 && b[0] == '"' {
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		s = strings.ReplaceAll(strings.TrimSpace(s), ",", "")
		if s == "" {
			*a = amount{}
			return nil
		}
	}
	// Checked before big.Rat sees it: "1e999999999" would take it minutes.
	if !amountRE.MatchString(s) {
		return &json.UnmarshalTypeError{Value: describeRaw(b), Type: reflect.TypeOf(amount{})}
	}
	r, ok := new(big.Rat).SetString(s)
	if !ok {
		return &json.UnmarshalTypeError{Value: describeRaw(b), Type: reflect.TypeOf(amount{})}
	}
	*a = amount{r: r, known: true}
	return nil
}

// pence returns the amount in pence, rounded half up, and whether it fits.
func (a amount) pence() (int64, bool) {
	if !a.known {
		return 0, false
	}
	p := new(big.Rat).Mul(a.r, big.NewRat(100, 1))
	p.Add(p, big.NewRat(1, 2))
	n := new(big.Int).Quo(p.Num(), p.Denom()) // floors for positive values
	if p.Sign() < 0 || !n.IsInt64() {
		return 0, false
	}
	return n.Int64(), true
}

func (a amount) String() string {
	if !a.known {
		return ""
	}
	if a.r.IsInt() {
		return a.r.Num().String()
	}
	f, _ := a.r.Float64()
	return strconv.FormatFloat(f, 'f', -1, 64)
}

func describeRaw(b []byte) string {
	switch {
	case len(b) == 0:
		return "nothing"
	case b[0] == '"':
		if len(b) > 40 {
			return "a string"
		}
		return "the string " + string(b)
	case b[0] == '{':
		return "object"
	case b[0] == '[':
		return "array"
	case b[0] == 't' || b[0] == 'f':
		return "bool"
	}
	return "number"
}

func isCoded(err error) bool {
	var e *jigsaw.Error
	return errors.As(err, &e)
}
