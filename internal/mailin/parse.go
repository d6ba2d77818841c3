package mailin

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net/http"
	"net/mail"
	"net/textproto"
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/text/encoding/htmlindex"

	"jigsaw"
)

// Message is what one email says: the story it brings, or why it is
// dropped without a word.
type Message struct {
	// Story has the title, text, teller's name and address, the
	// Message-ID as its token and the attachments kept.
	Story jigsaw.Submission
	// Refused names the attachments not kept, with why.
	Refused []string
	// Drop, when not "", says why the message is dropped without reply:
	// an auto-reply, a bounce, a mailing list, a loop.
	Drop string
}

// maxDepth bounds how deeply multiparts may nest: a hostile message must
// not make the parser recurse without end.
const maxDepth = 8

// Parse reads a raw message. envelopeFrom is the SMTP return path ("" for
// the null one, <>); ownDomain the domain of our own mail's Message-IDs, so
// that an answer to one of our mails is known for a loop. It returns an
// EINVALID error, saying why, for a message it cannot read.
func Parse(raw []byte, envelopeFrom, ownDomain string) (*Message, error) {
	msg, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		return nil, jigsaw.Errorf(jigsaw.EINVALID, "The message's headers cannot be read.")
	}
	m := &Message{}
	if m.Drop = dropReason(msg.Header, envelopeFrom, ownDomain); m.Drop != "" {
		return m, nil
	}
	dec := &mime.WordDecoder{CharsetReader: charsetReader}
	from, err := (&mail.AddressParser{WordDecoder: dec}).Parse(msg.Header.Get("From"))
	if err != nil {
		return nil, jigsaw.Errorf(jigsaw.EINVALID, "The message has no sender's address we can read in its From header.")
	}
	if isMailer(from.Address) {
		m.Drop = "from a mailer daemon"
		return m, nil
	}
	subject, err := dec.DecodeHeader(msg.Header.Get("Subject"))
	if err != nil {
		return nil, jigsaw.Errorf(jigsaw.EINVALID, "The subject cannot be read: %v.", err)
	}
	var p parts
	if err := p.walk(textproto.MIMEHeader(msg.Header), msg.Body, 0); err != nil {
		return nil, err
	}
	body := p.plain
	if body == "" && p.html != "" {
		body = htmlText(p.html)
	}
	name := from.Name
	if name == "" {
		name, _, _ = strings.Cut(from.Address, "@")
	}
	// Headers may carry raw bytes of any charset: what is not UTF-8
	// becomes U+FFFD.
	valid := func(s string) string { return strings.ToValidUTF8(s, "\uFFFD") }
	m.Story = jigsaw.Submission{
		Title: valid(subject), Body: valid(trimSignature(body)), Name: valid(name), Email: from.Address,
		Token: strings.TrimSpace(msg.Header.Get("Message-Id")), Channel: jigsaw.ChannelEmail,
	}
	for _, a := range p.files {
		if why := refusal(a, len(m.Story.Attachments)); why != "" {
			m.Refused = append(m.Refused, a.Filename+" ("+why+")")
			continue
		}
		m.Story.Attachments = append(m.Story.Attachments, a)
	}
	return m, nil
}

// dropReason says why a message must not be answered (RFC 3834): it was
// sent by a machine — an auto-reply, a bounce, a list — or answers a mail
// of ours, and a reply could start a loop.
func dropReason(h mail.Header, envelopeFrom, ownDomain string) string {
	if envelopeFrom == "" || strings.TrimSpace(h.Get("Return-Path")) == "<>" {
		return "bounce (empty return path)"
	}
	if isMailer(envelopeFrom) {
		return "from a mailer daemon"
	}
	if v := strings.ToLower(strings.TrimSpace(h.Get("Auto-Submitted"))); v != "" && v != "no" {
		return "auto-submitted: " + v
	}
	for _, k := range []string{"X-Autoreply", "X-Autorespond", "List-Id"} {
		if h.Get(k) != "" {
			return "has " + k
		}
	}
	switch p := strings.ToLower(strings.TrimSpace(h.Get("Precedence"))); p {
	case "bulk", "junk", "list":
		return "precedence: " + p
	}
	if mt, _, _ := mime.ParseMediaType(h.Get("Content-Type")); mt == "multipart/report" {
		return "delivery report"
	}
	if ownDomain != "" {
		own := "@" + strings.ToLower(ownDomain) + ">"
		for _, id := range strings.Fields(h.Get("In-Reply-To") + " " + h.Get("References")) {
			id = strings.ToLower(id)
			if strings.HasPrefix(id, "<jigsaw.") && strings.HasSuffix(id, own) {
				return "answers a mail of ours"
			}
		}
	}
	return ""
}

// isMailer reports an address of a mail system rather than a person.
func isMailer(addr string) bool {
	local, _, _ := strings.Cut(strings.ToLower(addr), "@")
	return local == "mailer-daemon" || local == "postmaster"
}

// parts collects what a message's MIME tree holds: its first text part,
// its first HTML part, its files.
type parts struct {
	plain, html string
	files       []jigsaw.Attachment
}

func (p *parts) walk(h textproto.MIMEHeader, body io.Reader, depth int) error {
	mt, params, err := mime.ParseMediaType(h.Get("Content-Type"))
	if err != nil {
		mt, params = "text/plain", map[string]string{}
	}
	disp, dparams, _ := mime.ParseMediaType(h.Get("Content-Disposition"))
	if strings.HasPrefix(mt, "multipart/") {
		if depth >= maxDepth {
			return jigsaw.Errorf(jigsaw.EINVALID, "The message's parts nest too deeply.")
		}
		r := multipart.NewReader(body, params["boundary"])
		for {
			part, err := r.NextPart()
			if err == io.EOF {
				return nil
			}
			if err != nil {
				return jigsaw.Errorf(jigsaw.EINVALID, "The message's MIME parts cannot be read: %v.", err)
			}
			if err := p.walk(part.Header, part, depth+1); err != nil {
				return err
			}
		}
	}
	data, err := decodeTransfer(h.Get("Content-Transfer-Encoding"), body)
	if err != nil {
		return jigsaw.Errorf(jigsaw.EINVALID, "A part of the message cannot be decoded: %v.", err)
	}
	filename := dparams["filename"]
	if filename == "" {
		filename = params["name"]
	}
	if filename != "" {
		if d, err := (&mime.WordDecoder{CharsetReader: charsetReader}).DecodeHeader(filename); err == nil {
			filename = d
		}
	}
	if disp != "attachment" && filename == "" && (mt == "text/plain" || mt == "text/html") {
		text, err := decodeCharset(params["charset"], data)
		if err != nil {
			return err
		}
		if mt == "text/plain" && p.plain == "" {
			p.plain = text
		} else if mt == "text/html" && p.html == "" {
			p.html = text
		}
		return nil
	}
	p.files = append(p.files, jigsaw.Attachment{Filename: jigsaw.SafeFilename(filename), ContentType: mt, Size: int64(len(data)), Data: data})
	return nil
}

// decodeTransfer undoes a part's Content-Transfer-Encoding. (A part read
// by multipart has had quoted-printable undone already, and its header
// removed.)
func decodeTransfer(cte string, r io.Reader) ([]byte, error) {
	switch strings.ToLower(strings.TrimSpace(cte)) {
	case "base64":
		return io.ReadAll(base64.NewDecoder(base64.StdEncoding, &lineSkipper{r: r}))
	case "quoted-printable":
		return io.ReadAll(quotedprintable.NewReader(r))
	}
	return io.ReadAll(r)
}

// lineSkipper drops the line breaks and spaces base64 bodies are wrapped
// with, which encoding/base64 reads past only as \r and \n.
type lineSkipper struct{ r io.Reader }

func (l *lineSkipper) Read(p []byte) (int, error) {
	n, err := l.r.Read(p)
	j := 0
	for _, b := range p[:n] {
		if b != ' ' && b != '\t' && b != '\r' && b != '\n' {
			p[j] = b
			j++
		}
	}
	return j, err
}

// decodeCharset reads text in its declared charset: UTF-8 and ASCII as
// they are, the rest (Latin-1, Windows-1252 and every charset of the WHATWG
// list) through golang.org/x/text.
func decodeCharset(charset string, data []byte) (string, error) {
	switch strings.ToLower(charset) {
	case "", "utf-8", "utf8", "us-ascii", "ascii":
		return strings.ToValidUTF8(string(data), "\uFFFD"), nil
	}
	enc, err := htmlindex.Get(charset)
	if err != nil {
		return "", jigsaw.Errorf(jigsaw.EINVALID, "The message's text is in a charset we cannot read (%q): please send it as UTF-8.", charset)
	}
	out, err := enc.NewDecoder().Bytes(data)
	if err != nil {
		return "", jigsaw.Errorf(jigsaw.EINVALID, "The message's text is not valid %s.", charset)
	}
	return string(out), nil
}

func charsetReader(charset string, r io.Reader) (io.Reader, error) {
	enc, err := htmlindex.Get(charset)
	if err != nil {
		return nil, fmt.Errorf("unknown charset %q", charset)
	}
	return enc.NewDecoder().Reader(r), nil
}

// refusal says why an attachment is not kept, given how many already are;
// "" keeps it. Its type is taken from its bytes, not from what the message
// declares: a program named photo.jpg is refused.
func refusal(a jigsaw.Attachment, kept int) string {
	sniffed, _, _ := strings.Cut(http.DetectContentType(a.Data), ";")
	switch {
	case !jigsaw.AttachmentTypes[sniffed]:
		return "not a picture or a PDF"
	case a.Size > jigsaw.MaxAttachmentBytes:
		return fmt.Sprintf("larger than %d MB", jigsaw.MaxAttachmentBytes>>20)
	case kept >= jigsaw.MaxAttachments:
		return fmt.Sprintf("more than %d files", jigsaw.MaxAttachments)
	}
	return ""
}

// trimSignature drops a signature after the usual "-- " line: the story
// is what comes before it.
func trimSignature(body string) string {
	body = strings.ReplaceAll(body, "\r\n", "\n")
	if i := strings.Index(body, "\n-- \n"); i >= 0 {
		body = body[:i]
	}
	return strings.TrimSpace(body)
}

// htmlText turns an HTML body into plain text: the words only, paragraphs
// kept apart; scripts, styles and every tag dropped. The story is stored
// as text (its Markdown source), never as HTML.
func htmlText(s string) string {
	z := html.NewTokenizer(strings.NewReader(s))
	var b strings.Builder
	skip := 0
	for {
		switch tt := z.Next(); tt {
		case html.ErrorToken:
			return tidyLines(b.String())
		case html.StartTagToken, html.EndTagToken, html.SelfClosingTagToken:
			name, _ := z.TagName()
			switch string(name) {
			case "script", "style", "head", "title":
				if tt == html.StartTagToken {
					skip++
				} else if tt == html.EndTagToken && skip > 0 {
					skip--
				}
			case "br":
				b.WriteString("\n")
			case "p", "div", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "table", "ul", "ol":
				b.WriteString("\n\n")
			}
		case html.TextToken:
			if skip == 0 {
				b.WriteString(strings.Join(strings.Fields(string(z.Text())), " ") + " ")
			}
		}
	}
}

// tidyLines trims each line and keeps at most one empty line between
// paragraphs.
func tidyLines(s string) string {
	var out []string
	blank := false
	for _, l := range strings.Split(s, "\n") {
		l = strings.TrimSpace(l)
		if l == "" {
			blank = len(out) > 0
			continue
		}
		if blank {
			out = append(out, "")
			blank = false
		}
		out = append(out, l)
	}
	return strings.Join(out, "\n")
}
