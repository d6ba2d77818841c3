package mailin

import (
	"encoding/base64"
	"net/http"
	"strings"
	"testing"
	"unicode/utf8"

	"jigsaw"
)

// crlf writes a message as it travels: lines ended by CRLF.
func crlf(s string) []byte { return []byte(strings.ReplaceAll(s, "\n", "\r\n")) }

func TestParseCharsets(t *testing.T) {
	for _, tt := range []struct {
		name, msg, title, body string
	}{
		{"latin-1 quoted-printable", `From: =?ISO-8859-1?Q?Ren=E9e_Dupr=E9?= <renee@example.org>
Subject: =?ISO-8859-1?Q?Caf=E9_ferm=E9_=E0_l'h=F4pital?=
Message-ID: <1@example.org>
Content-Type: text/plain; charset=ISO-8859-1
Content-Transfer-Encoding: quoted-printable

Le caf=E9 de l'h=F4pital a ferm=E9 et le personnel a =E9t=E9 transf=E9r=
=E9 =E0 une soci=E9t=E9.
`, "Café fermé à l'hôpital", "Le café de l'hôpital a fermé et le personnel a été transféré à une société."},
		{"windows-1252 8bit", "From: Sam <sam@example.org>\nSubject: Cuts\nContent-Type: text/plain; charset=windows-1252\nContent-Transfer-Encoding: 8bit\n\n\x93Efficiency savings\x94 \x96 they cut \x80200,000 from the ward.\n",
			"Cuts", "“Efficiency savings” – they cut €200,000 from the ward."},
		{"utf-8 base64", "From: Sam <sam@example.org>\nSubject: =?UTF-8?B?" + base64.StdEncoding.EncodeToString([]byte("Ysbyty’r dref")) + "?=\nContent-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: base64\n\n" +
			base64.StdEncoding.EncodeToString([]byte("Mae’r ward wedi cau dros nos, a bu’n rhaid aros.")) + "\n",
			"Ysbyty’r dref", "Mae’r ward wedi cau dros nos, a bu’n rhaid aros."},
		{"html only, sanitised to text", `From: Sam <sam@example.org>
Subject: Closure
Content-Type: text/html; charset=utf-8

<html><head><title>x</title><style>p{color:red}</style></head><body><p>The <b>ward</b> closed &amp; we waited.</p><script>alert(1)</script><div>Second<br>line</div><img src=x onerror=alert(2)></body></html>
`, "Closure", "The ward closed & we waited.\n\nSecond\nline"},
		{"signature trimmed, plain preferred", `From: sam@example.org
Subject: Waiting
MIME-Version: 1.0
Content-Type: multipart/alternative; boundary="b"

--b
Content-Type: text/plain; charset=utf-8
Content-Transfer-Encoding: quoted-printable

We waited eleven hours in A&E.
--=20
Sam, Keighley
--b
Content-Type: text/html; charset=utf-8

<p>HTML version</p>
--b--
`, "Waiting", "We waited eleven hours in A&E."},
	} {
		t.Run(tt.name, func(t *testing.T) {
			m, err := Parse(crlf(tt.msg), "sender@example.org", "test.invalid")
			if err != nil {
				t.Fatal(err)
			}
			if m.Drop != "" {
				t.Fatalf("dropped: %s", m.Drop)
			}
			if m.Story.Title != tt.title {
				t.Errorf("title: got %q, want %q", m.Story.Title, tt.title)
			}
			if m.Story.Body != tt.body {
				t.Errorf("body: got %q, want %q", m.Story.Body, tt.body)
			}
			if m.Story.Channel != jigsaw.ChannelEmail {
				t.Errorf("channel: got %q", m.Story.Channel)
			}
		})
	}
}

func TestParseSender(t *testing.T) {
	m, err := Parse(crlf("From: =?ISO-8859-1?Q?Ren=E9e_Dupr=E9?= <renee@example.org>\nSubject: x\nMessage-ID: <abc@example.org>\n\nText.\n"), "renee@example.org", "")
	if err != nil {
		t.Fatal(err)
	}
	if m.Story.Name != "Renée Dupré" || m.Story.Email != "renee@example.org" || m.Story.Token != "<abc@example.org>" {
		t.Errorf("got name %q email %q token %q", m.Story.Name, m.Story.Email, m.Story.Token)
	}
	m, err = Parse(crlf("From: sam@example.org\nSubject: x\n\nText.\n"), "sam@example.org", "")
	if err != nil || m.Story.Name != "sam" {
		t.Errorf("no display name: got %q, %v; want the address's local part", m.Story.Name, err)
	}
	if _, err := Parse(crlf("Subject: x\n\nText.\n"), "sam@example.org", ""); jigsaw.ErrorCode(err) != jigsaw.EINVALID {
		t.Errorf("no From: got %v, want EINVALID", err)
	}
	if _, err := Parse(crlf("From: sam@example.org\nSubject: x\nContent-Type: text/plain; charset=x-klingon\n\nText.\n"), "sam@example.org", ""); jigsaw.ErrorCode(err) != jigsaw.EINVALID {
		t.Errorf("unknown charset: got %v, want EINVALID", err)
	}
}

func TestParseDrops(t *testing.T) {
	const story = "From: Sam <sam@example.org>\nSubject: x\n%s\nText of the story.\n"
	for _, tt := range []struct {
		name, headers, envelope string
		drop                    bool
	}{
		{"person", "", "sam@example.org", false},
		{"auto-submitted no", "Auto-Submitted: no\n", "sam@example.org", false},
		{"auto-replied", "Auto-Submitted: auto-replied\n", "sam@example.org", true},
		{"auto-generated", "Auto-Submitted: auto-generated\n", "sam@example.org", true},
		{"x-autoreply", "X-Autoreply: yes\n", "sam@example.org", true},
		{"x-autorespond", "X-Autorespond: yes\n", "sam@example.org", true},
		{"precedence bulk", "Precedence: bulk\n", "sam@example.org", true},
		{"precedence junk", "Precedence: junk\n", "sam@example.org", true},
		{"precedence list", "Precedence: list\n", "sam@example.org", true},
		{"list-id", "List-Id: <nhs.lists.example.org>\n", "sam@example.org", true},
		{"bounce: null return path", "", "", true},
		{"return-path <>", "Return-Path: <>\n", "sam@example.org", true},
		{"mailer-daemon", "", "MAILER-DAEMON@example.org", true},
		{"postmaster", "", "postmaster@example.org", true},
		{"delivery report", "Content-Type: multipart/report; report-type=delivery-status; boundary=x\n", "sam@example.org", true},
		{"answers our mail", "In-Reply-To: <jigsaw.0a1b2c@test.invalid>\n", "sam@example.org", true},
		{"references our mail", "References: <a@example.org> <jigsaw.0a1b2c@TEST.invalid>\n", "sam@example.org", true},
		{"answers another's mail", "In-Reply-To: <jigsaw.0a1b2c@elsewhere.example>\n", "sam@example.org", false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			msg := strings.Replace(story, "%s", tt.headers, 1)
			if strings.Contains(tt.headers, "multipart/report") {
				msg += "--x--\n"
			}
			m, err := Parse(crlf(msg), tt.envelope, "test.invalid")
			if err != nil {
				t.Fatal(err)
			}
			if got := m.Drop != ""; got != tt.drop {
				t.Errorf("dropped: got %v (%q), want %v", got, m.Drop, tt.drop)
			}
		})
	}
	m, err := Parse(crlf("From: MAILER-DAEMON@example.org\nSubject: Undelivered\n\nSorry.\n"), "bounces@example.org", "")
	if err != nil || m.Drop == "" {
		t.Errorf("From MAILER-DAEMON: got %+v, %v; want dropped", m, err)
	}
}

func TestParseAttachments(t *testing.T) {
	png := "\x89PNG\r\n\x1a\n" + strings.Repeat("\x00", 40)
	part := func(ct, name, data string) string {
		return "--b\nContent-Type: " + ct + "\nContent-Disposition: attachment; filename=\"" + name + "\"\nContent-Transfer-Encoding: base64\n\n" +
			base64.StdEncoding.EncodeToString([]byte(data)) + "\n"
	}
	msg := "From: Sam <sam@example.org>\nSubject: Letters\nMIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=b\n\n" +
		"--b\nContent-Type: text/plain; charset=utf-8\n\nThe trust's letter and a photo of the sign are attached.\n" +
		part("application/pdf", "letter.pdf", "%PDF-1.4\n1 0 obj") +
		part("image/png", "../../sign.png", png) +
		part("application/x-msdownload", "run.exe", "MZ\x90\x00binary") +
		part("image/jpeg", "photo.jpg", "MZ\x90\x00a program named as a picture") +
		"--b--\n"
	m, err := Parse(crlf(msg), "sam@example.org", "")
	if err != nil {
		t.Fatal(err)
	}
	if m.Story.Body != "The trust's letter and a photo of the sign are attached." {
		t.Errorf("body: got %q", m.Story.Body)
	}
	var kept []string
	for _, a := range m.Story.Attachments {
		kept = append(kept, a.Filename+" "+a.ContentType)
	}
	if strings.Join(kept, ", ") != "letter.pdf application/pdf, sign.png image/png" {
		t.Errorf("kept: got %q, want letter.pdf and sign.png (no path)", kept)
	}
	if strings.Join(m.Refused, ", ") != "run.exe (not a picture or a PDF), photo.jpg (not a picture or a PDF)" {
		t.Errorf("refused: got %q", m.Refused)
	}
}

// FuzzParse reads hostile messages: never a panic, and what it takes is
// text — valid UTF-8, never HTML from an HTML part.
func FuzzParse(f *testing.F) {
	for _, seed := range []string{
		"From: Sam <sam@example.org>\r\nSubject: x\r\n\r\nText of the story.\r\n",
		"From: sam@example.org\r\nSubject: =?ISO-8859-1?Q?Caf=E9?=\r\nContent-Type: text/plain; charset=iso-8859-1\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\nCaf=E9=\r\n ferm=E9\r\n",
		"From: sam@example.org\r\nSubject: x\r\nContent-Type: text/html\r\n\r\n<p>a<script>b</script><style>c</style></p>\r\n",
		"From: sam@example.org\r\nSubject: x\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: multipart/alternative; boundary=c\r\n\r\n--c\r\n\r\nhi\r\n--c--\r\n--b\r\nContent-Type: image/png\r\nContent-Transfer-Encoding: base64\r\n\r\niVBORw0KGgo=\r\n--b--\r\n",
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		m, err := Parse(raw, "sam@example.org", "test.invalid")
		if err != nil {
			if jigsaw.ErrorCode(err) != jigsaw.EINVALID {
				t.Fatalf("error without EINVALID: %v", err)
			}
			return
		}
		if m.Drop != "" {
			return
		}
		for _, s := range []string{m.Story.Title, m.Story.Body, m.Story.Name} {
			if !utf8.ValidString(s) {
				t.Fatalf("not UTF-8: %q", s)
			}
		}
		for _, a := range m.Story.Attachments {
			sniffed, _, _ := strings.Cut(http.DetectContentType(a.Data), ";")
			if !jigsaw.AttachmentTypes[sniffed] || strings.ContainsAny(a.Filename, `/\`) || a.Filename == "" {
				t.Fatalf("kept %q (%s, %d bytes)", a.Filename, sniffed, len(a.Data))
			}
		}
	})
}
