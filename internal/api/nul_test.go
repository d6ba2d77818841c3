package api

import "testing"

func TestNULString(t *testing.T) {
	for _, tt := range []struct{ body, path string }{
		{`{"title": "nul\u0000title"}`, "title"},
		{`{"title": "fine", "steps": [{"note": "x"}, {"kind": "strike", "note": "a\u0000"}]}`, "steps[1].note"},
		{`{"a": {"b": ["x", "\u0000"]}, "c": 1}`, "a.b[1]"},
		{`{"a": [[1, 2], ["\u0000"]]}`, "a[1][0]"},
		{`{"k\u0000ey": 1}`, "k\x00ey"},
		{`"\u0000"`, "body"},
		{`{"escaped": "\\u0000"}`, ""}, // a backslash, then text: no NUL
		{`{"title": "no nul at all"}`, ""},
		{`{"broken": "\u0000`, ""}, // not JSON: left to the decoder
	} {
		got, ok := nulString([]byte(tt.body))
		if ok != (tt.path != "") || got != tt.path {
			t.Errorf("nulString(%s) = %q, %v; want %q", tt.body, got, ok, tt.path)
		}
	}
}
