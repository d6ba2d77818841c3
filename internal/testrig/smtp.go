package testrig

import (
	"bufio"
	"io"
	"mime"
	"mime/quotedprintable"
	"net"
	"net/mail"
	"strings"
	"sync"
	"testing"
	"time"
)

// SMTPServer is a small in-process SMTP server that keeps what it receives,
// so tests can read the mail Jigsaw sent over a real SMTP conversation.
type SMTPServer struct {
	Addr string // host:port
	// Reject, when set, makes RCPT TO answer 550 for that address.
	Reject string

	ln   net.Listener
	mu   sync.Mutex
	msgs []SMTPMessage
}

// SMTPMessage is one received mail, with its body decoded.
type SMTPMessage struct {
	From, To, Subject, Body string
	Header                  mail.Header
}

// StartSMTP starts a server on 127.0.0.1 that stops when the test ends.
func StartSMTP(tb testing.TB) *SMTPServer {
	tb.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	s := &SMTPServer{Addr: ln.Addr().String(), ln: ln}
	go s.serve()
	tb.Cleanup(func() { ln.Close() })
	return s
}

// URL returns the smtp:// URL of the server.
func (s *SMTPServer) URL() string { return "smtp://" + s.Addr }

// Messages returns a copy of what has been received so far.
func (s *SMTPServer) Messages() []SMTPMessage {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]SMTPMessage(nil), s.msgs...)
}

// WaitFor waits up to timeout until n messages have arrived and returns
// them, failing the test otherwise.
func (s *SMTPServer) WaitFor(tb testing.TB, n int, timeout time.Duration) []SMTPMessage {
	tb.Helper()
	deadline := time.Now().Add(timeout)
	for {
		msgs := s.Messages()
		if len(msgs) >= n {
			return msgs
		}
		if time.Now().After(deadline) {
			tb.Fatalf("SMTP: got %d messages in %v, want %d", len(msgs), timeout, n)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func (s *SMTPServer) serve() {
	for {
		c, err := s.ln.Accept()
		if err != nil {
			return
		}
		go s.session(c)
	}
}

func (s *SMTPServer) session(c net.Conn) {
	defer c.Close()
	c.SetDeadline(time.Now().Add(30 * time.Second))
	r := bufio.NewReader(c)
	say := func(line string) { io.WriteString(c, line+"\r\n") }
	say("220 test.invalid ESMTP")
	var from string
	var to []string
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			return
		}
		line = strings.TrimRight(line, "\r\n")
		verb := strings.ToUpper(line)
		switch {
		case strings.HasPrefix(verb, "EHLO"):
			say("250-test.invalid")
			say("250 8BITMIME")
		case strings.HasPrefix(verb, "HELO"):
			say("250 test.invalid")
		case strings.HasPrefix(verb, "MAIL FROM:"):
			from, to = addr(line[10:]), nil
			say("250 OK")
		case strings.HasPrefix(verb, "RCPT TO:"):
			a := addr(line[8:])
			if s.Reject != "" && strings.EqualFold(a, s.Reject) {
				say("550 no such user")
				continue
			}
			to = append(to, a)
			say("250 OK")
		case verb == "DATA":
			say("354 end with .")
			var b strings.Builder
			for {
				l, err := r.ReadString('\n')
				if err != nil {
					return
				}
				if l == ".\r\n" || l == ".\n" {
					break
				}
				b.WriteString(strings.TrimPrefix(l, "."))
			}
			s.keep(from, to, b.String())
			say("250 OK queued")
		case verb == "RSET", verb == "NOOP":
			say("250 OK")
		case verb == "QUIT":
			say("221 bye")
			return
		default:
			say("502 not implemented")
		}
	}
}

func (s *SMTPServer) keep(from string, to []string, raw string) {
	m := SMTPMessage{From: from, To: strings.Join(to, ",")}
	if msg, err := mail.ReadMessage(strings.NewReader(raw)); err == nil {
		m.Header = msg.Header
		dec := new(mime.WordDecoder)
		m.Subject, _ = dec.DecodeHeader(msg.Header.Get("Subject"))
		var body io.Reader = msg.Body
		if strings.EqualFold(msg.Header.Get("Content-Transfer-Encoding"), "quoted-printable") {
			body = quotedprintable.NewReader(body)
		}
		b, _ := io.ReadAll(body)
		m.Body = strings.ReplaceAll(string(b), "\r\n", "\n")
	} else {
		m.Body = raw
	}
	s.mu.Lock()
	s.msgs = append(s.msgs, m)
	s.mu.Unlock()
}

func addr(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexByte(s, ' '); i >= 0 {
		s = s[:i]
	}
	return strings.Trim(s, "<>")
}
