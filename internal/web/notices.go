package web

import (
	"html/template"
	"net/http"
	"strings"

	"jigsaw"
	"jigsaw/internal/markdown"
)

// NoticeView is the view of the about page and of the privacy notice.
type NoticeView struct {
	Page
	Text template.HTML
}

// HandlePrivacy shows the privacy notice: what the instance keeps about
// the people who tell their stories, why, for how long, who sees it, and
// how to use each of their rights. Admins may replace the default text.
func (p *Pages) HandlePrivacy(w http.ResponseWriter, r *http.Request) {
	p.renderNotice(w, r, "privacy", "Privacy notice", func(s jigsaw.SiteSettings) string { return s.Privacy }, defaultPrivacy)
}

// HandleAbout shows what the instance is and who runs it. Admins may
// replace the default text.
func (p *Pages) HandleAbout(w http.ResponseWriter, r *http.Request) {
	p.renderNotice(w, r, "about", "About", func(s jigsaw.SiteSettings) string { return s.About }, defaultAbout)
}

func (p *Pages) renderNotice(w http.ResponseWriter, r *http.Request, name, title string, text func(jigsaw.SiteSettings) string, def string) {
	set, err := p.Store.SiteSettings(r.Context())
	if err != nil {
		p.Error(w, r, err)
		return
	}
	page := p.page(r, tr(r).Text(title))
	src := text(set)
	if src == "" {
		src = def
	}
	p.Render(w, r, http.StatusOK, name, NoticeView{Page: page, Text: p.md.HTML(fillNotice(src, page.Site))})
}

// fillNotice puts the site's name, description and contact in the places
// a notice marks {site}, {description} and {contact}, so that a notice
// stays true when an admin changes them. Without a contact, the notice
// names the coalition instead of an address nobody reads.
func fillNotice(src string, s Site) string {
	contact := s.Contact
	if contact == "" {
		contact = "the coalition that runs this site"
	}
	return strings.NewReplacer("{site}", s.Name, "{description}", s.Description, "{contact}", contact).Replace(src)
}

// noticeSetting is the text an admin typed for a notice as it is kept: the
// line ends browsers send made plain, and "" when it is the default text,
// so that an instance that never changed its notice gets the default of
// the version it runs.
func noticeSetting(typed, def string) string {
	s := strings.TrimSpace(strings.ReplaceAll(typed, "\r\n", "\n"))
	if s == strings.TrimSpace(def) {
		return ""
	}
	return s
}

// noticeOrDefault is the text an admin edits: the notice kept, or the
// default.
func noticeOrDefault(kept, def string) string {
	if kept == "" {
		return def
	}
	return kept
}

// checkSettings refuses settings that are too long, and notices that would
// make the Markdown renderer build too much, naming every field at once.
func checkSettings(s jigsaw.SiteSettings) error {
	p := jigsaw.Problems(jigsaw.FieldErrors(s.Validate()))
	if p == nil {
		p = jigsaw.Problems{}
	}
	for field, text := range map[string]string{"about": s.About, "privacy": s.Privacy} {
		for f, msg := range jigsaw.FieldErrors(markdown.Check(field, text)) {
			p.Add(f, msg)
		}
	}
	return p.Err()
}

// defaultAbout is the about page until an admin writes their own. It is
// Markdown; {site}, {description} and {contact} are filled in when it is
// shown. Notices hold no links to this site's own pages: the renderer
// keeps only absolute links, so the templates add those.
const defaultAbout = `{description}

{site} is where a coalition of organisations that defend the NHS — trade unions, patient groups and local campaigns — fit their work together into one picture: what is happening to the health service, who it happens to, and who is fighting back.

## What you find here

- **Stories** from patients, staff and carers, told in their own words. Anyone can tell their story here. A moderator reads every story before it is published, and publishes it only in the way its teller chose.
- **Dangers** to the health service: contracts, outsourcing, closures and downgrades, cuts, conflicts of interest and safety problems, each with its sources.
- **Disputes**: ballots, strikes and campaigns, and how they ended.
- **Organisations**: NHS trusts, health boards, GP practices and the companies that work for them, with what happened at each.

## Who runs this site

{site} is run by the coalition, not by the NHS or the government. To reach the people who run it, write to {contact}.

How we look after the personal details of the people who tell their stories is set out in our privacy notice, linked at the foot of every page.

## The software

This site runs on Jigsaw, software that coalitions run on their own server, so that what people tell them stays with them.`

// defaultPrivacy is the privacy notice until an admin writes their own. It
// is Markdown; {site} and {contact} are filled in when it is shown.
const defaultPrivacy = `This notice is for everyone who tells their story on {site}. It says what we keep about you, why, for how long, who can see it, and what you can ask us to do about it. If anything here is unclear, write to {contact} and we will explain.

## What we keep when you tell your story

- **Your story**: its title and your words; whether you write as a patient, a member of staff, a carer or a blogger; the key issues and NHS organisations you chose; the town or area and the postcode district you gave; and when it happened.
- **Your details**: your name and your email address, and your phone number and postcode if you gave them.
- **Your choices**: how you agreed to be named (by your full name, by a name you choose with your area, or not at all), whether the coalition may contact you, whether it may pass your details to journalists, and that you agreed to your story being checked and published. We keep the exact words you agreed to and when you agreed.
- **When** you sent your story and confirmed your email address, and the emails we send you.
- **Your internet (IP) address**, used to stop anyone from flooding the site with stories.

## Why we keep it

- To publish your story in the way you chose, and never in a way you did not.
- To be sure that a real person told it. A story from a real, checked person carries weight with journalists, MPs and NHS bodies, even when it is published without a name.
- To write to you about your story: to confirm your email address, and to tell you if we decide not to publish it and why.
- Only if you said yes: to contact you about the coalition's campaigns, or to pass your details to a journalist who wants to speak to you.

We do not sell your details, and we do not use them for advertising.

## Who can see it

- **Everyone** sees only your published story: its title and text as the moderators published it (they may take out passages that could identify you or someone else), the area and postcode district you gave, the organisations, the key issues, when it happened, and the name you agreed to, or no name.
- **Never published**: your postcode, email address and phone number, and your full name unless you chose to be named by it. They are not in any page, search result, feed or data download of the site.
- **The moderators and admins of {site}** see your details, to check your story and publish it. Every time one of them opens your details, the site records who did and when.
- **Journalists** get your contact details only if you ticked the box that allows it.
- **The people who run the server** can reach the database and its backups, which hold your details; they keep them as carefully as the site itself.

## How long we keep it

- **Your story and your details**: as long as your story is on the site, or until you withdraw it and ask us to erase your details.
- **Stories that are never confirmed**: if you do not confirm your email address, your story and your details are deleted after a while, without being published.
- **Internet (IP) addresses**: 30 days, unless the coalition sets a different period.
- **Copies of the emails we send**: 30 days after they are sent, unless the coalition sets a different period.

## Your rights, and how to use them

- **To see what we keep about you, and have a copy.** Write to {contact} from the email address you used. We will send you your story, your details and the choices you made.
- **To have your details put right, or to change how you are named.** Perhaps you would now rather be named by your first name only, or not at all, or a detail we hold is wrong. Write to {contact}, and a moderator will change it.
- **To withdraw your story.** Every email we send you has a link to withdraw your story. It then disappears from every page of the site at once. You do not have to give a reason.
- **To have your details erased.** On the same page, tick the box to have your name, email address, phone number and postcode erased, and a moderator will erase them. You can also write to {contact}.
- **To object, or to stop being contacted.** If you no longer want the coalition or journalists to contact you, or you object to how we use your details, write to {contact} and we will stop.

If you have lost our emails, write to {contact} from the address you used, and tell us the title of your story.

We answer within one month. If you are not happy with our answer, you can complain to the Information Commissioner's Office, which looks after data rights in the UK: [ico.org.uk/make-a-complaint](https://ico.org.uk/make-a-complaint/), telephone 0303 123 1113.

## If you sign in to this site

If you record dangers or disputes, moderate stories or run the site, we keep your name, email address and role, your password in a form that cannot be read back, and a record of your sign-ins and of what you change, with the internet address you did it from.`
