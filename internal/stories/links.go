package stories

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"
	"time"

	"jigsaw"
)

// ConfirmFor is how long a confirmation link works. Withdrawal links work
// as long as the story exists: a teller may change their mind any time.
const ConfirmFor = 7 * 24 * time.Hour

// Settings is where the signing secret is kept (the store).
type Settings interface {
	GetSetting(ctx context.Context, key string) (string, bool, error)
	SetSettingIfAbsent(ctx context.Context, key, value string) error
}

const secretKey = "links.secret"

// Signer makes and checks signed links.
type Signer struct {
	secret  []byte
	BaseURL string
}

// NewSigner loads the instance's signing secret, creating it on first use.
// Every process sharing the database uses the same secret.
func NewSigner(ctx context.Context, s Settings, baseURL string) (*Signer, error) {
	b := make([]byte, 32)
	rand.Read(b)
	if err := s.SetSettingIfAbsent(ctx, secretKey, hex.EncodeToString(b)); err != nil {
		return nil, err
	}
	v, _, err := s.GetSetting(ctx, secretKey)
	if err != nil {
		return nil, err
	}
	secret, err := hex.DecodeString(v)
	if err != nil || len(secret) < 16 {
		return nil, fmt.Errorf("the setting %s is not a valid secret", secretKey)
	}
	return &Signer{secret: secret, BaseURL: strings.TrimSuffix(baseURL, "/")}, nil
}

// Token signs purpose and storyID, valid until expires (zero: forever).
func (s *Signer) Token(purpose string, storyID int64, expires time.Time) string {
	exp := int64(0)
	if !expires.IsZero() {
		exp = expires.Unix()
	}
	payload := purpose + "." + strconv.FormatInt(storyID, 10) + "." + strconv.FormatInt(exp, 10)
	return base64.RawURLEncoding.EncodeToString([]byte(payload)) + "." + s.sign(payload)
}

func (s *Signer) sign(payload string) string {
	m := hmac.New(sha256.New, s.secret)
	m.Write([]byte(payload))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// Check returns the story ID a token was signed for, if it is genuine, for
// purpose and unexpired at now.
func (s *Signer) Check(token, purpose string, now time.Time) (int64, error) {
	bad := jigsaw.Errorf(jigsaw.EINVALID, "This link is not valid. Copy the whole link from the email, or ask the moderators for a new one.")
	enc, sig, ok := strings.Cut(token, ".")
	if !ok {
		return 0, bad
	}
	raw, err := base64.RawURLEncoding.DecodeString(enc)
	if err != nil {
		return 0, bad
	}
	payload := string(raw)
	if !hmac.Equal([]byte(sig), []byte(s.sign(payload))) {
		return 0, bad
	}
	parts := strings.Split(payload, ".")
	if len(parts) != 3 || parts[0] != purpose {
		return 0, bad
	}
	id, err1 := strconv.ParseInt(parts[1], 10, 64)
	exp, err2 := strconv.ParseInt(parts[2], 10, 64)
	if err1 != nil || err2 != nil {
		return 0, bad
	}
	if exp != 0 && now.Unix() > exp {
		return 0, jigsaw.Errorf(jigsaw.EINVALID, "This link has expired. Submit the story again, or ask the moderators to confirm it for you.")
	}
	return id, nil
}

// URL returns the link for purpose on story id: the teller's own page
// (LinkTeller), or a story's confirmation or withdrawal.
func (s *Signer) URL(purpose string, id int64, now time.Time) string {
	var exp time.Time
	if purpose == jigsaw.LinkConfirm {
		exp = now.Add(ConfirmFor)
	}
	if purpose == jigsaw.LinkTeller {
		return s.BaseURL + "/me?t=" + s.Token(purpose, id, exp)
	}
	return s.BaseURL + "/stories/" + purpose + "?t=" + s.Token(purpose, id, exp)
}

// ConfirmMail asks the teller to confirm their address; like every mail to
// a teller it carries the withdrawal link.
func (s *Signer) ConfirmMail(to, name, title string, id int64, now time.Time) *jigsaw.Mail {
	return &jigsaw.Mail{Kind: "story-confirm", To: to, Subject: "Please confirm your story: " + oneLine(title), Body: fmt.Sprintf(`Dear %s,

Thank you for your story "%s".

Please confirm your email address by opening this link:

%s

Moderators read every story before it is published, and publish it only as you chose.
If you did not send this story, ignore this email and it will not be published.

%s`, name, oneLine(title), s.URL(jigsaw.LinkConfirm, id, now), s.footer(id, now))}
}

// RejectMail tells the teller why their story was not published.
func (s *Signer) RejectMail(to, title, reason string, id int64, now time.Time) *jigsaw.Mail {
	return &jigsaw.Mail{Kind: "story-reject", To: to, Subject: "About your story: " + oneLine(title), Body: fmt.Sprintf(`Hello,

Thank you for your story "%s". Our moderators have decided not to publish it:

%s

You can reply to the coalition to discuss this.

%s`, oneLine(title), reason, s.footer(id, now))}
}

// PublishMail tells the teller their story is published.
func (s *Signer) PublishMail(to, title string, id int64, now time.Time) *jigsaw.Mail {
	return &jigsaw.Mail{Kind: "story-publish", To: to, Subject: "Your story is published: " + oneLine(title), Body: fmt.Sprintf(`Hello,

Thank you for your story "%s". Our moderators have published it, naming you as you chose:

%s/stories/%d

%s`, oneLine(title), s.BaseURL, id, s.footer(id, now))}
}

// footer ends every mail to a teller: their own page, and the story's
// withdrawal link.
func (s *Signer) footer(id int64, now time.Time) string {
	return "Your page, where you see your stories, change how you are named, download everything we hold about you\n" +
		"or ask us to erase it:\n" + s.URL(jigsaw.LinkTeller, id, now) + "\n\n" +
		"To withdraw this story at any time:\n" + s.URL(jigsaw.LinkWithdraw, id, now) + "\n"
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }
