// Package notify delivers what Jigsaw tells people: queued email over SMTP
// (or, without an SMTP server, to the log).
package notify

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/tls"
	"encoding/hex"
	"fmt"
	"log/slog"
	"maps"
	"mime"
	"mime/quotedprintable"
	"net"
	"net/smtp"
	"net/textproto"
	"net/url"
	"slices"
	"strings"
	"time"

	"jigsaw"
)

// Transport delivers one mail.
type Transport interface {
	Send(ctx context.Context, from string, m *jigsaw.Mail) error
}

// Queue is the part of the store the sender needs.
type Queue interface {
	ClaimMail(ctx context.Context, limit int, lease time.Duration) ([]*jigsaw.Mail, error)
	MarkMailSent(ctx context.Context, ids ...int64) error
	MarkMailFailed(ctx context.Context, id int64, reason string, retryAt time.Time) error
}

// Sender delivers queued mail in the background, retrying failures with
// growing delays. Several processes may run senders on one database: each
// mail is claimed by one of them at a time.
type Sender struct {
	Queue     Queue
	Transport Transport
	From      string
	Log       *slog.Logger
	Interval  time.Duration // how often to look for due mail when not woken

	wake chan struct{}
}

// NewSender returns a sender; call Run to start it.
func NewSender(q Queue, t Transport, from string, log *slog.Logger) *Sender {
	return &Sender{Queue: q, Transport: t, From: from, Log: log, Interval: 5 * time.Second, wake: make(chan struct{}, 1)}
}

// Wake asks the sender to look for mail now rather than at its next tick.
func (s *Sender) Wake() {
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

// Run sends mail until ctx is cancelled.
func (s *Sender) Run(ctx context.Context) {
	t := time.NewTicker(s.Interval)
	defer t.Stop()
	for {
		s.SendDue(ctx)
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		case <-s.wake:
		}
	}
}

// SendDue sends every mail that is due now and returns how many were sent.
func (s *Sender) SendDue(ctx context.Context) int {
	sent := 0
	for ctx.Err() == nil {
		mails, err := s.Queue.ClaimMail(ctx, 20, 2*time.Minute)
		if err != nil {
			if ctx.Err() == nil { // stopping is not an error
				s.Log.ErrorContext(ctx, "claim mail", "error", err)
			}
			return sent
		}
		if len(mails) == 0 {
			return sent
		}
		// The batch's deliveries are recorded together, one write instead
		// of one per mail; a crash before that sends them again once their
		// claims lapse.
		var delivered []int64
		for _, m := range mails {
			if ctx.Err() != nil {
				break // claimed mail is retried once its lease ends
			}
			if err := s.Transport.Send(ctx, s.From, m); err != nil {
				retry := time.Now().Add(backoff(m.Attempts))
				s.Log.WarnContext(ctx, "mail not sent", "mail_id", m.ID, "kind", m.Kind, "attempt", m.Attempts, "retry_at", retry, "error", err)
				if err := s.Queue.MarkMailFailed(ctx, m.ID, err.Error(), retry); err != nil {
					s.Log.ErrorContext(ctx, "record mail failure", "mail_id", m.ID, "error", err)
				}
				continue
			}
			delivered = append(delivered, m.ID)
		}
		// Record the deliveries even if we are stopping: a mail sent but
		// not marked would go out twice.
		mctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
		err = s.Queue.MarkMailSent(mctx, delivered...)
		cancel()
		if err != nil {
			s.Log.ErrorContext(ctx, "record mail sent", "mail_ids", delivered, "error", err)
			continue
		}
		sent += len(delivered)
	}
	return sent
}

// backoff is the wait after the given number of failed attempts: 30 s
// doubling to at most 6 hours.
func backoff(attempts int) time.Duration {
	d := 30 * time.Second
	for i := 1; i < attempts && d < 6*time.Hour; i++ {
		d *= 2
	}
	return min(d, 6*time.Hour)
}

// LogTransport "delivers" mail by logging that it is in the outbox, for
// instances without an SMTP server. The body is not logged: it may carry
// personal data and links that act for the recipient.
type LogTransport struct{ Log *slog.Logger }

// Send implements Transport.
func (t LogTransport) Send(ctx context.Context, from string, m *jigsaw.Mail) error {
	// Of the further headers only the names: a List-Unsubscribe address
	// acts for the recipient as a link in the body does.
	t.Log.InfoContext(ctx, "mail kept in the outbox (no --smtp)", "mail_id", m.ID, "kind", m.Kind, "subject", m.Subject,
		"headers", strings.Join(slices.Sorted(maps.Keys(m.Headers)), ", "))
	return nil
}

// SMTPTransport sends mail through an SMTP server given as
// smtp://[user:password@]host:port (STARTTLS when offered) or smtps://…
// (TLS from the start).
type SMTPTransport struct {
	URL     *url.URL
	Timeout time.Duration
	// TLSConfig, if set, is used for STARTTLS and smtps (tests trust their
	// own certificate here).
	TLSConfig *tls.Config
}

// NewSMTPTransport parses raw.
func NewSMTPTransport(raw string) (*SMTPTransport, error) {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "smtp" && u.Scheme != "smtps") || u.Hostname() == "" {
		return nil, fmt.Errorf("SMTP URL must look like smtp://user:password@host:port")
	}
	return &SMTPTransport{URL: u, Timeout: 30 * time.Second}, nil
}

// Send implements Transport.
func (t *SMTPTransport) Send(ctx context.Context, from string, m *jigsaw.Mail) error {
	host := t.URL.Hostname()
	port := t.URL.Port()
	if port == "" {
		port = map[string]string{"smtp": "25", "smtps": "465"}[t.URL.Scheme]
	}
	tlsConf := t.TLSConfig
	if tlsConf == nil {
		tlsConf = &tls.Config{ServerName: host}
	}
	d := net.Dialer{Timeout: t.Timeout}
	conn, err := d.DialContext(ctx, "tcp", net.JoinHostPort(host, port))
	if err != nil {
		return err
	}
	conn.SetDeadline(time.Now().Add(t.Timeout))
	if t.URL.Scheme == "smtps" {
		conn = tls.Client(conn, tlsConf)
	}
	c, err := smtp.NewClient(conn, host)
	if err != nil {
		conn.Close()
		return err
	}
	defer c.Close()
	if err := c.Hello("localhost"); err != nil {
		return err
	}
	if ok, _ := c.Extension("STARTTLS"); ok && t.URL.Scheme == "smtp" {
		if err := c.StartTLS(tlsConf); err != nil {
			return err
		}
	}
	if u := t.URL.User; u != nil {
		pass, _ := u.Password()
		// net/smtp refuses PLAIN auth without TLS except to localhost.
		if err := c.Auth(smtp.PlainAuth("", u.Username(), pass, host)); err != nil {
			return err
		}
	}
	if err := c.Mail(from); err != nil {
		return err
	}
	if err := c.Rcpt(m.To); err != nil {
		return err
	}
	w, err := c.Data()
	if err != nil {
		return err
	}
	if _, err := w.Write(Format(from, m)); err != nil {
		return err
	}
	if err := w.Close(); err != nil {
		return err
	}
	return c.Quit()
}

// ownHeaders are the header fields Format writes itself, which a mail's
// Headers may not repeat.
var ownHeaders = map[string]bool{"From": true, "To": true, "Subject": true, "Date": true, "Message-Id": true,
	"Mime-Version": true, "Content-Type": true, "Content-Transfer-Encoding": true, "Auto-Submitted": true}

// Format renders m as an RFC 5322 message with a quoted-printable UTF-8
// text body.
func Format(from string, m *jigsaw.Mail) []byte {
	var b bytes.Buffer
	id := make([]byte, 12)
	rand.Read(id)
	domain := "jigsaw.invalid"
	if i := strings.LastIndexByte(from, '@'); i >= 0 {
		domain = from[i+1:]
	}
	fmt.Fprintf(&b, "From: %s\r\n", from)
	fmt.Fprintf(&b, "To: %s\r\n", m.To)
	fmt.Fprintf(&b, "Subject: %s\r\n", mime.QEncoding.Encode("utf-8", m.Subject))
	fmt.Fprintf(&b, "Date: %s\r\n", time.Now().UTC().Format(time.RFC1123Z))
	// The "jigsaw." prefix marks our own mail: a message that answers it is
	// a loop to the mail-in listener (internal/mailin).
	fmt.Fprintf(&b, "Message-ID: <jigsaw.%s@%s>\r\n", hex.EncodeToString(id), domain)
	fmt.Fprintf(&b, "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n")
	auto := "auto-generated"
	if m.Kind == jigsaw.MailKindEmailConfirm {
		auto = "auto-replied" // RFC 3834: it answers a message sent to us
	}
	fmt.Fprintf(&b, "Auto-Submitted: %s\r\n", auto)
	for _, k := range slices.Sorted(maps.Keys(m.Headers)) {
		if !ownHeaders[textproto.CanonicalMIMEHeaderKey(k)] {
			fmt.Fprintf(&b, "%s: %s\r\n", k, m.Headers[k])
		}
	}
	b.WriteString("\r\n")
	qp := quotedprintable.NewWriter(&b)
	qp.Write([]byte(strings.ReplaceAll(m.Body, "\n", "\r\n")))
	qp.Close()
	return b.Bytes()
}
