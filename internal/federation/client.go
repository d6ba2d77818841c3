package federation

import (
	"bytes"
	"context"
	"crypto"
	"errors"
	"fmt"
	"io"
	"net/http"

	"jigsaw/internal/deliver"
)

// MaxResponseBytes bounds what is read of a peer's answer: an actor
// document, a WebFinger answer, or whatever an inbox answers a post with.
const MaxResponseBytes = 1 << 20

// ContentType is the media type of what we send and fetch.
const ContentType = "application/activity+json"

// acceptActivity asks for an ActivityPub document in either of its names,
// JSON (WebFinger's JRD) after them.
const acceptActivity = `application/activity+json, application/ld+json; profile="https://www.w3.org/ns/activitystreams", application/jrd+json;q=0.9, application/json;q=0.8`

// Client makes signed requests to other servers.
type Client struct {
	// HTTP is deliver.Client(allowPrivate): timeouts, and no loopback or
	// private addresses unless allowed.
	HTTP *http.Client
	// UserAgent names Jigsaw, its version and the instance's base URL.
	UserAgent string
}

// ErrTooLarge is returned for an answer over MaxResponseBytes.
var ErrTooLarge = errors.New("the answer is larger than 1 MB")

// PostSigned posts body, an activity, to inbox, signed with key under keyID,
// and returns the answer's status. An answer other than 2xx is an error;
// a 4xx other than 408 and 429 is a permanent one (deliver.Permanent),
// not worth retrying.
func (c *Client) PostSigned(ctx context.Context, inbox string, body []byte, keyID string, key crypto.Signer) (status int, err error) {
	r, err := http.NewRequestWithContext(ctx, http.MethodPost, inbox, bytes.NewReader(body))
	if err != nil {
		return 0, deliver.Permanent(fmt.Errorf("post to %s: %w", inbox, err))
	}
	r.Header.Set("Content-Type", ContentType)
	r.Header.Set("Accept", acceptActivity)
	r.Header.Set("User-Agent", c.UserAgent)
	if err := Sign(r, body, keyID, key); err != nil {
		return 0, err
	}
	resp, err := c.HTTP.Do(r)
	if err != nil {
		return 0, fmt.Errorf("post to %s: %w", inbox, err)
	}
	defer resp.Body.Close()
	// Read (a bounded part of) the answer so that the connection is reused.
	io.Copy(io.Discard, io.LimitReader(resp.Body, MaxResponseBytes))
	return resp.StatusCode, deliver.StatusError(resp.StatusCode, "post to "+inbox)
}

// GetSigned fetches url with a GET signed with key under keyID (servers in
// Mastodon's secure mode answer only those) and returns the answer's body,
// at most MaxResponseBytes. An answer other than 2xx is an error, permanent
// as PostSigned's are.
func (c *Client) GetSigned(ctx context.Context, url, keyID string, key crypto.Signer) ([]byte, error) {
	r, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return nil, deliver.Permanent(fmt.Errorf("fetch %s: %w", url, err))
	}
	r.Header.Set("Accept", acceptActivity)
	r.Header.Set("User-Agent", c.UserAgent)
	if err := Sign(r, nil, keyID, key); err != nil {
		return nil, err
	}
	resp, err := c.HTTP.Do(r)
	if err != nil {
		return nil, fmt.Errorf("fetch %s: %w", url, err)
	}
	defer resp.Body.Close()
	if err := deliver.StatusError(resp.StatusCode, "fetch "+url); err != nil {
		return nil, err
	}
	b, err := io.ReadAll(io.LimitReader(resp.Body, MaxResponseBytes+1))
	if err != nil {
		return nil, fmt.Errorf("fetch %s: %w", url, err)
	}
	if len(b) > MaxResponseBytes {
		return nil, deliver.Permanent(fmt.Errorf("fetch %s: %w", url, ErrTooLarge))
	}
	return b, nil
}
