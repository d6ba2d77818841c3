package federation

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"jigsaw/internal/deliver"
)

func TestClient(t *testing.T) {
	a, _ := testKeys(t)
	var status int
	var got *http.Request
	var gotBody []byte
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got = r
		gotBody, _ = io.ReadAll(r.Body)
		if r.URL.Path == "/big" {
			w.Write([]byte(strings.Repeat("x", MaxResponseBytes+1)))
			return
		}
		w.WriteHeader(status)
		w.Write([]byte(`{"id":"x"}`))
	}))
	defer srv.Close()
	c := &Client{HTTP: srv.Client(), UserAgent: "Jigsaw/test (+https://a.example)"}
	ctx := context.Background()
	body := []byte(`{"type":"Create"}`)

	status = http.StatusAccepted
	if st, err := c.PostSigned(ctx, srv.URL+"/inbox", body, testKeyID, a); err != nil || st != http.StatusAccepted {
		t.Fatalf("PostSigned = %d, %v", st, err)
	}
	if got.Header.Get("Content-Type") != ContentType || got.Header.Get("User-Agent") != c.UserAgent || string(gotBody) != string(body) {
		t.Errorf("posted %q with Content-Type %q, User-Agent %q", gotBody, got.Header.Get("Content-Type"), got.Header.Get("User-Agent"))
	}
	if _, err := Verify(got, gotBody, fixedKey(testKeyID, a.Public()), time.Now()); err != nil {
		t.Errorf("the post's signature: %v", err)
	}
	for _, tt := range []struct {
		status    int
		permanent bool
	}{{400, true}, {401, false}, {410, true}, {408, false}, {429, false}, {500, false}, {503, false}} {
		status = tt.status
		st, err := c.PostSigned(ctx, srv.URL+"/inbox", body, testKeyID, a)
		if st != tt.status || err == nil || deliver.IsPermanent(err) != tt.permanent {
			t.Errorf("an answer %d: %d, %v; want permanent %v", tt.status, st, err, tt.permanent)
		}
	}

	status = http.StatusOK
	b, err := c.GetSigned(ctx, srv.URL+"/users/bob", testKeyID, a)
	if err != nil || string(b) != `{"id":"x"}` {
		t.Fatalf("GetSigned = %q, %v", b, err)
	}
	if !strings.Contains(got.Header.Get("Accept"), "application/activity+json") {
		t.Errorf("Accept %q", got.Header.Get("Accept"))
	}
	if _, err := Verify(got, nil, fixedKey(testKeyID, a.Public()), time.Now()); err != nil {
		t.Errorf("the GET's signature: %v", err)
	}
	if _, err := c.GetSigned(ctx, srv.URL+"/big", testKeyID, a); !errors.Is(err, ErrTooLarge) {
		t.Errorf("GetSigned of more than 1 MB: %v, want ErrTooLarge", err)
	}
}
