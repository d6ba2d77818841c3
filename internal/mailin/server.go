// Package mailin takes stories by email: a small SMTP listener for the one
// address of the instance (--mail-in-address), which turns each message
// into a story awaiting confirmation, as the story form does, and answers
// it with the confirmation mail. A message is acknowledged (250) only once
// its story is on disk.
package mailin

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net"
	"strings"
	"time"

	"github.com/emersion/go-smtp"
	"golang.org/x/net/netutil"

	"jigsaw"
)

// Submitter stores a story that came by email (stories.Service).
type Submitter interface {
	SubmitEmail(ctx context.Context, sub *jigsaw.Submission, limitKey string, limit jigsaw.Limit, refused []string) (int64, bool, error)
}

// Limiter counts events against rate limits (the store's rate_limits).
type Limiter interface {
	Hit(ctx context.Context, key string, window time.Duration) (int, time.Time, error)
}

// The listener's limits. A sender's stories are counted by the address the
// answer goes to, so SenderLimit is also how many times in an hour one
// address is ever answered. ClientLimit counts messages by the client's
// address: behind a local relay every message comes from it, so it is
// generous.
var (
	SenderLimit = jigsaw.Limit{Max: 10, Window: time.Hour}
	ClientLimit = jigsaw.Limit{Max: 200, Window: time.Hour}
)

// Server is the mail-in listener.
type Server struct {
	Address   string // the one address mail is taken for, e.g. stories@example.org
	MaxBytes  int64  // the largest message, announced with SIZE
	OwnDomain string // the domain of our own mail: an answer to it is a loop
	Hostname  string // the name the listener greets with
	Stories   Submitter
	Limits    Limiter
	Log       *slog.Logger
	// MaxConns is how many clients are served at once (the others wait
	// to be accepted); Timeout bounds each read and write.
	MaxConns int
	Timeout  time.Duration
}

// Serve answers SMTP on ln until ctx is cancelled, then lets messages in
// flight finish (for at most Timeout) and returns.
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	srv := smtp.NewServer(smtp.BackendFunc(func(c *smtp.Conn) (smtp.Session, error) {
		ip, _, _ := net.SplitHostPort(c.Conn().RemoteAddr().String())
		return &session{s: s, ip: ip}, nil
	}))
	srv.Domain = s.Hostname
	srv.MaxMessageBytes = s.MaxBytes
	srv.MaxRecipients = 10
	srv.ReadTimeout, srv.WriteTimeout = s.timeout(), s.timeout()
	srv.ErrorLog = slog.NewLogLogger(s.Log.Handler(), slog.LevelWarn)
	done := make(chan struct{})
	go func() {
		select {
		case <-ctx.Done():
			sctx, cancel := context.WithTimeout(context.Background(), s.timeout())
			defer cancel()
			if err := srv.Shutdown(sctx); err != nil {
				srv.Close()
			}
		case <-done:
		}
	}()
	defer close(done)
	s.Log.Info("taking stories by email", "addr", ln.Addr().String(), "address", s.Address)
	err := srv.Serve(netutil.LimitListener(ln, max(s.MaxConns, 1)))
	if errors.Is(err, smtp.ErrServerClosed) {
		return nil
	}
	return err
}

func (s *Server) timeout() time.Duration {
	if s.Timeout > 0 {
		return s.Timeout
	}
	return time.Minute
}

// session is one client's conversation.
type session struct {
	s    *Server
	ip   string
	from string
	rcpt bool
}

func (x *session) Reset()        { x.from, x.rcpt = "", false }
func (x *session) Logout() error { return nil }

// Mail counts the message against the client's limit before anything of
// it is read.
func (x *session) Mail(from string, _ *smtp.MailOptions) error {
	ctx, cancel := context.WithTimeout(context.Background(), x.s.timeout())
	defer cancel()
	n, end, err := x.s.Limits.Hit(ctx, "mail-in-ip:"+x.ip, ClientLimit.Window)
	if err != nil {
		x.s.Log.Error("mail-in: count client", "error", err)
		return errTemporary
	}
	if err := ClientLimit.Check(n, end, time.Now()); err != nil {
		return &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 7, 1}, Message: "Too many messages from your address: " + err.Error()}
	}
	x.from = from
	return nil
}

// Rcpt takes mail for the instance's address alone.
func (x *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	if !strings.EqualFold(to, x.s.Address) {
		return &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1}, Message: "No such mailbox: this server takes stories for " + x.s.Address + " only"}
	}
	x.rcpt = true
	return nil
}

var errTemporary = &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: "The story could not be stored just now: please try again later"}

// Data reads the message and stores its story; it answers 250 only once
// the story is durable. A message from a machine (auto-reply, bounce,
// list, loop) is taken and dropped without a word; one that is not a story
// is refused with why, so the sender's own mail system tells them.
func (x *session) Data(r io.Reader) error {
	raw, err := io.ReadAll(r)
	if err != nil {
		return err // go-smtp's 552 past the size limit, or the connection's error
	}
	// A store that does not answer in time is a temporary failure: the
	// sender keeps the message and tries again, and a story stored after
	// all is found again by its Message-ID.
	ctx, cancel := context.WithTimeout(context.Background(), x.s.timeout())
	defer cancel()
	m, err := Parse(raw, x.from, x.s.OwnDomain)
	if err != nil {
		return refused(err)
	}
	if m.Drop != "" {
		x.s.Log.Info("mail-in: dropped without reply", "client", x.ip, "reason", m.Drop)
		return nil
	}
	limitKey := "mail-in-from:" + strings.ToLower(m.Story.Email)
	id, existing, err := x.s.Stories.SubmitEmail(ctx, &m.Story, limitKey, SenderLimit, m.Refused)
	var rl *jigsaw.RateLimitError
	switch {
	case errors.As(err, &rl):
		return &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 7, 1}, Message: "Too many stories from this address: " + rl.Error()}
	case jigsaw.ErrorCode(err) == jigsaw.EINVALID || jigsaw.ErrorCode(err) == jigsaw.EUNPROCESSABLE:
		return refused(err)
	case err != nil:
		x.s.Log.Error("mail-in: store story", "client", x.ip, "error", err)
		return errTemporary
	}
	x.s.Log.Info("mail-in: story received", "story_id", id, "again", existing, "attachments", len(m.Story.Attachments), "refused", len(m.Refused))
	return nil
}

// refused is the permanent refusal of a message that is not a story we can
// take, saying why (every field's problem) on one line of ASCII.
func refused(err error) error {
	msg := jigsaw.ErrorMessage(err)
	if fields := jigsaw.FieldErrors(err); len(fields) > 0 {
		var ps []string
		for _, f := range []string{"title", "body", "name", "email", "token"} {
			if p, ok := fields[f]; ok {
				ps = append(ps, strings.TrimSpace(strings.ReplaceAll(map[string]string{
					"title": "Subject: ", "body": "Text: ", "name": "From: ", "email": "From: ", "token": "Message-ID: "}[f]+p, "\n", " ")))
			}
		}
		if len(ps) > 0 {
			msg = strings.Join(ps, " ")
		}
	}
	return &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 6, 0}, Message: ascii(msg)}
}

// ascii keeps a reply line to what SMTP carries: printable ASCII, quotes
// and dashes made plain.
func ascii(s string) string {
	s = strings.NewReplacer("“", `"`, "”", `"`, "‘", "'", "’", "'", "—", "-", "–", "-", "…", "...").Replace(s)
	return strings.Map(func(r rune) rune {
		if r < 0x20 || r > 0x7e {
			return -1
		}
		return r
	}, s)
}
