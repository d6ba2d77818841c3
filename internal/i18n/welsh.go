package i18n

// welsh is the Welsh catalogue: each entry is keyed by the English text
// exactly as the page or the Go code writes it (a fmt format), and gives
// the Welsh, with the same verbs in the same order. A key missing here is
// shown in English. TestCatalogueKeysUsed fails for a key no template or
// Go code uses any more: when the English changes, change the key too.
//
// The wording follows the usage of Welsh public-service sites. Examples
// that are Welsh places (CF10) replace the English ones (BD20) where they
// only illustrate a format.
var welsh = map[string]string{
	// The layout: navigation, skip link, footer.
	"Skip to content":       "Neidio i'r prif gynnwys",
	"Main":                  "Prif ddewislen",
	"Signed in as %s":       "Wedi mewngofnodi fel %s",
	"Stories":               "Straeon",
	"Dangers":               "Peryglon",
	"Disputes":              "Anghydfodau",
	"Organisations":         "Sefydliadau",
	"Moderation":            "Cymedroli",
	"Sign in":               "Mewngofnodi",
	"Sign out":              "Allgofnodi",
	"About this site":       "Ynglŷn â'r wefan hon",
	"Privacy and your data": "Preifatrwydd a'ch data",
	"Contact: %s":           "Cyswllt: %s",
	"%s is run with Jigsaw: stories, dangers and disputes, fitted together by the organisations that defend the health service.": "Mae %s yn rhedeg ar Jigsaw: straeon, peryglon ac anghydfodau, wedi'u gosod at ei gilydd gan y sefydliadau sy'n amddiffyn y gwasanaeth iechyd.",

	// The language switch (partials/language.html).
	"Language": "Iaith",

	// The byline of a story (web.byline).
	"Name withheld": "Enw heb ei gyhoeddi",
	"happened %s":   "digwyddodd %s",

	// Page titles set in Go.
	"Thank you":                    "Diolch",
	"Confirm your story":           "Cadarnhau eich stori",
	"Withdraw your story":          "Tynnu eich stori yn ôl",
	"Confirmed":                    "Wedi'i chadarnhau",
	"Withdrawn":                    "Wedi'i thynnu'n ôl",
	"Your stories":                 "Eich straeon",
	"Everything we hold about you": "Popeth sydd gennym amdanoch",
	"Privacy notice":               "Hysbysiad preifatrwydd",
	"About":                        "Ynglŷn â ni",

	// The error page.
	"Not Found":                         "Heb ddod o hyd i'r dudalen",
	"There is no page at this address.": "Nid oes tudalen yn y cyfeiriad hwn.",
	"Back to the home page":             "Yn ôl i'r hafan",
	"Reference:":                        "Cyfeirnod:",
	"Error %d":                          "Gwall %d",

	// The summary of a form's errors, and the mark of each.
	"There is a problem": "Mae problem wedi codi",
	"Error:":             "Gwall:",

	// The story form (story_new.html).
	"Tell your story": "Adrodd eich stori",
	"What has happened to you, your family or your work in the health service? Every story is read by a moderator before it is published, and published only as you choose below. Your contact details are never published.": "Beth sydd wedi digwydd i chi, i'ch teulu neu i'ch gwaith yn y gwasanaeth iechyd? Mae cymedrolwr yn darllen pob stori cyn ei chyhoeddi, a dim ond yn y ffordd a ddewiswch isod y caiff ei chyhoeddi. Ni chaiff eich manylion cyswllt fyth eu cyhoeddi.",
	"Your story":                  "Eich stori",
	"Title":                       "Teitl",
	"A few words that sum it up.": "Ychydig eiriau sy'n ei chrynhoi.",
	"What happened, when, and what it meant for you. You can use Markdown: *emphasis*, lists, links.": "Beth ddigwyddodd, pryd, a beth oedd ei ystyr i chi. Gallwch ddefnyddio Markdown: *pwyslais*, rhestrau, dolenni.",
	"Choose any that apply.":                              "Dewiswch unrhyw rai sy'n berthnasol.",
	"Town or area; published.":                            "Tref neu ardal; caiff ei gyhoeddi.",
	"The first half of a postcode, e.g. BD20; published.": "Hanner cyntaf cod post, e.e. CF10; caiff ei gyhoeddi.",
	"For example 2024, 2024-03 or 2024-03-15.":            "Er enghraifft 2024, 2024-03 neu 2024-03-15.",
	"Seen only by our moderators, never published.":       "Dim ond ein cymedrolwyr fydd yn gweld hyn; ni chaiff fyth ei gyhoeddi.",
	"We send a link to confirm it.":                       "Byddwn yn anfon dolen atoch i'w gadarnhau.",
	"Phone (optional)":                                    "Ffôn (dewisol)",
	"Postcode (optional)":                                 "Cod post (dewisol)",
	"Publishing":                                          "Cyhoeddi",
	"If you chose a first name and area: the name exactly as it should appear, e.g. Yolanda.": "Os dewisoch enw cyntaf ac ardal: yr enw yn union fel y dylai ymddangos, e.e. Siân.",
	"Send your story":       "Anfon eich stori",
	"(opens in a new tab).": "(yn agor mewn tab newydd).",
	"I am writing as":       "Rwy'n ysgrifennu fel",
	"Key issues":            "Materion allweddol",
	"The place you give here is published with your story.": "Caiff y lle a roddwch yma ei gyhoeddi gyda'ch stori.",
	"Where":                          "Ble",
	"Postcode district":              "Ardal cod post",
	"When it happened":               "Pryd y digwyddodd",
	"About you":                      "Amdanoch chi",
	"Your name":                      "Eich enw",
	"Email address":                  "Cyfeiriad e-bost",
	"How may we publish your story?": "Sut cawn ni gyhoeddi eich stori?",
	"Name to publish":                "Yr enw i'w gyhoeddi",
	"May we contact you?":            "A gawn ni gysylltu â chi?",
	"What we keep about you, who sees it, and how to see, correct or erase it:": "Beth rydym yn ei gadw amdanoch chi, pwy sy'n ei weld, a sut i'w weld, ei gywiro neu ei ddileu:",
	"our privacy notice": "ein hysbysiad preifatrwydd",
	"Send my story":      "Anfon fy stori",

	// The story form's organisation picker (partials/picker.html) and the
	// messages its script announces.
	"NHS organisations concerned":                              "Y sefydliadau GIG dan sylw",
	"Find an organisation":                                     "Dod o hyd i sefydliad",
	"Type part of its name or its ODS code, then choose Find.": "Teipiwch ran o'i enw neu ei god ODS, yna dewiswch Chwilio.",
	"Find": "Chwilio",
	"1 organisation matches “%s”: tick it if it is concerned.":          "Mae 1 sefydliad yn cyfateb i “%s”: ticiwch ef os yw dan sylw.",
	"%d organisations match “%s”: tick those concerned.":                "Mae %d sefydliad yn cyfateb i “%s”: ticiwch y rhai sydd dan sylw.",
	"No organisation matches “%s”. Try fewer letters, or its ODS code.": "Nid oes sefydliad yn cyfateb i “%s”. Rhowch gynnig ar lai o lythrennau, neu ar ei god ODS.",
	"No matches.": "Dim canlyniadau.",
	"1 suggestion: use the down arrow key to reach it and Enter to choose it.":                     "1 awgrym: defnyddiwch y saeth i lawr i'w gyrraedd ac Enter i'w ddewis.",
	"%s suggestions: use the up and down arrow keys to move through them and Enter to choose one.": "%s awgrym: defnyddiwch y saethau i fyny ac i lawr i symud drwyddynt ac Enter i ddewis un.",
	"Added %s.":       "Ychwanegwyd %s.",
	"Find one to add": "Dod o hyd i un i'w ychwanegu",

	// The kinds of story (jigsaw.StoryKinds), as the form and the story
	// cards show them.
	"Patient": "Claf",
	"Staff":   "Staff",
	"Carer":   "Gofalwr",
	"Blog":    "Blog",

	// The consent wording (jigsaw.ConsentWording), shown next to each
	// choice on the form.
	"Publish my story with my full name.":                                                                  "Cyhoeddi fy stori gyda fy enw llawn.",
	"Publish my story with a name I choose (such as my first name) and my area.":                           "Cyhoeddi fy stori gydag enw o'm dewis (fel fy enw cyntaf) a'm hardal.",
	"Publish my story with the name “%s” and my area only.":                                                "Cyhoeddi fy stori gyda'r enw “%s” a'm hardal yn unig.",
	"Publish my story without my name.":                                                                    "Cyhoeddi fy stori heb fy enw.",
	"The coalition may contact me about my story and its campaigns.":                                       "Caiff y glymblaid gysylltu â mi am fy stori a'i hymgyrchoedd.",
	"The coalition may pass my contact details to journalists who want to speak to me.":                    "Caiff y glymblaid roi fy manylion cyswllt i newyddiadurwyr sydd am siarad â mi.",
	"My story is true, it is mine to tell, and I agree to its moderation and publication as chosen above.": "Mae fy stori'n wir, fi biau hi i'w hadrodd, ac rwy'n cytuno iddi gael ei chymedroli a'i chyhoeddi fel y dewisais uchod.",

	// The story form's errors (jigsaw.Submission.Validate and the form
	// reader), translated where the form shows them.
	"Please correct the marked fields.":                                                               "Cywirwch y meysydd sydd wedi'u marcio.",
	"Give your story a title.":                                                                        "Rhowch deitl i'ch stori.",
	"The title is too long: at most 200 characters.":                                                  "Mae'r teitl yn rhy hir: 200 nod ar y mwyaf.",
	"Tell your story: at least a sentence or two.":                                                    "Adroddwch eich stori: o leiaf frawddeg neu ddwy.",
	"The story is too long: at most 20,000 characters. Split it, or send the rest to a moderator.":    "Mae'r stori'n rhy hir: 20,000 nod ar y mwyaf. Rhannwch hi, neu anfonwch y gweddill at gymedrolwr.",
	"Choose whether you are a patient, member of staff, carer, or writing a blog.":                    "Dewiswch a ydych chi'n glaf, yn aelod o staff, yn ofalwr, neu'n ysgrifennu blog.",
	"Choose key issues from the list.":                                                                "Dewiswch faterion allweddol o'r rhestr.",
	"Choose at most 8 key issues.":                                                                    "Dewiswch 8 mater allweddol ar y mwyaf.",
	"A postcode district looks like BD20 or SW1A.":                                                    "Mae ardal cod post yn edrych fel CF10 neu SA1.",
	"The area is too long: at most 100 characters.":                                                   "Mae'r ardal yn rhy hir: 100 nod ar y mwyaf.",
	"Give a year (2024), a month (2024-03) or a day (2024-03-15).":                                    "Rhowch flwyddyn (2024), mis (2024-03) neu ddiwrnod (2024-03-15).",
	"That date does not exist.":                                                                       "Nid yw'r dyddiad hwnnw'n bodoli.",
	"That date is in the future.":                                                                     "Mae'r dyddiad hwnnw yn y dyfodol.",
	"Choose organisations from the list.":                                                             "Dewiswch sefydliadau o'r rhestr.",
	"Choose at most 20 organisations.":                                                                "Dewiswch 20 sefydliad ar y mwyaf.",
	"Give your name: moderators need to know who told the story, even if it is published without it.": "Rhowch eich enw: mae angen i'r cymedrolwyr wybod pwy adroddodd y stori, hyd yn oed os caiff ei chyhoeddi hebddo.",
	"The name is too long.":                                                                           "Mae'r enw'n rhy hir.",
	"Give an email address such as name@example.org: we send a link to confirm it.":                   "Rhowch gyfeiriad e-bost fel enw@example.org: byddwn yn anfon dolen i'w gadarnhau.",
	"A phone number has 7 to 20 digits.":                                                              "Mae gan rif ffôn rhwng 7 ac 20 digid.",
	"A postcode looks like BD20 6TD.":                                                                 "Mae cod post yn edrych fel CF10 1EP.",
	"Choose how your story may be published.":                                                         "Dewiswch sut y caiff eich stori ei chyhoeddi.",
	"Give the name to publish with your story, such as your first name.":                              "Rhowch yr enw i'w gyhoeddi gyda'ch stori, fel eich enw cyntaf.",
	"The name to publish is too long: at most 60 characters.":                                         "Mae'r enw i'w gyhoeddi yn rhy hir: 60 nod ar y mwyaf.",
	"Please confirm the story is true and yours to tell.":                                             "Cadarnhewch fod y stori'n wir ac mai chi biau hi i'w hadrodd.",

	// The thank-you page (story_thanks.html).
	"Your story has been received and saved.": "Rydym wedi cael eich stori a'i chadw.",
	"What happens next":                       "Beth sy'n digwydd nesaf",
	"Please check your email":                 "Edrychwch ar eich e-bost",
	"we have sent you a link to confirm your address. Moderators review your story once you have confirmed it, and publish it only as you chose.": "rydym wedi anfon dolen atoch i gadarnhau eich cyfeiriad. Bydd y cymedrolwyr yn adolygu eich stori ar ôl i chi ei chadarnhau, a dim ond yn y ffordd a ddewisoch y byddant yn ei chyhoeddi.",
	"Every email we send you has a link to withdraw your story at any time.":                                                                      "Mae dolen ym mhob e-bost a anfonwn atoch i dynnu eich stori yn ôl unrhyw bryd.",
	"Read other stories": "Darllen straeon eraill",

	// The pages the links in the teller's mail open (story_confirm.html,
	// story_withdraw.html), and their errors (internal/stories).
	"Thank you for confirming": "Diolch am gadarnhau",
	"Your story “%s” is now waiting for a moderator. We will publish it only as you chose.": "Mae eich stori “%s” bellach yn aros am gymedrolwr. Dim ond yn y ffordd a ddewisoch y byddwn yn ei chyhoeddi.",
	"Your story: “%s”.":                              "Eich stori: “%s”.",
	"Yes, this is my story — confirm my email":       "Ie, fy stori i yw hon — cadarnhau fy e-bost",
	"This story is already confirmed.":               "Mae'r stori hon wedi'i chadarnhau eisoes.",
	"Your story is withdrawn":                        "Mae eich stori wedi'i thynnu'n ôl",
	"“%s” is no longer shown anywhere on this site.": "Nid yw “%s” i'w gweld yn unman ar y wefan hon mwyach.",
	"We have recorded your request to erase your personal data; a moderator will carry it out.": "Rydym wedi cofnodi eich cais i ddileu eich data personol; bydd cymedrolwr yn gwneud hynny.",
	"This story is already withdrawn.":                                 "Mae'r stori hon wedi'i thynnu'n ôl eisoes.",
	"Also erase my name, email, phone and postcode from your records.": "Dileu hefyd fy enw, fy e-bost, fy ffôn a'm cod post o'ch cofnodion.",
	"Withdraw my story":                                                "Tynnu fy stori yn ôl",
	"This link is not valid. Copy the whole link from the email, or ask the moderators for a new one.": "Nid yw'r ddolen hon yn ddilys. Copïwch y ddolen gyfan o'r e-bost, neu gofynnwch i'r cymedrolwyr am un newydd.",
	"This link has expired. Submit the story again, or ask the moderators to confirm it for you.":      "Mae'r ddolen hon wedi dod i ben. Anfonwch y stori eto, neu gofynnwch i'r cymedrolwyr ei chadarnhau ar eich rhan.",

	// The map (map.html).
	"Map":        "Map",
	"Show":       "Dangos",
	"Everything": "Popeth",
	"Since":      "Ers",
	"Districts":  "Ardaloedd",
	"District":   "Ardal",
	"All":        "Y cyfan",
	"%s: stories %d, dangers %d, disputes %d":   "%s: straeon %d, peryglon %d, anghydfodau %d",
	"Correct the marked filter to see the map.": "Cywirwch yr hidlydd a farciwyd i weld y map.",
	"Nothing recorded matches.":                 "Nid oes dim wedi'i gofnodi sy'n cyfateb.",
	"Every district on the map":                 "Pob ardal ar y map",
	// The charts (charts.html, web/charts.go).
	"Charts":                                        "Siartiau",
	"Dangers by kind, per month":                    "Peryglon yn ôl math, fesul mis",
	"Disputes and strike days, per month":           "Anghydfodau a diwrnodau streic, fesul mis",
	"Published stories by key issue":                "Straeon a gyhoeddwyd yn ôl mater allweddol",
	"Contract value to private suppliers, per year": "Gwerth contractau i gyflenwyr preifat, fesul blwyddyn",
	"Value to private suppliers, per year":          "Gwerth i gyflenwyr preifat, fesul blwyddyn",
	"Disputes with a step":                          "Anghydfodau â cham",
	"Strike days":                                   "Diwrnodau streic",
	"Published stories":                             "Straeon a gyhoeddwyd",
	"Month reported":                                "Mis yr adroddiad",
	"Month":                                         "Mis",
	"Year":                                          "Blwyddyn",
	"Value":                                         "Gwerth",
	"From":                                          "O",
	"To":                                            "I",
	"In all":                                        "Cyfanswm",
	// Search (search.html, the header's box).
	"Search":                              "Chwilio",
	"Search the site":                     "Chwilio'r wefan",
	"Search for":                          "Chwilio am",
	"Organisation":                        "Sefydliad",
	"Story":                               "Stori",
	"Danger":                              "Perygl",
	"Dispute":                             "Anghydfod",
	"Correct the marked field to search.": "Cywirwch y maes sydd wedi'i farcio i chwilio.",
	"Nothing public matches your search. Try fewer or other words, or fewer filters.":                                                                                           "Nid oes dim byd cyhoeddus yn cyfateb i'ch chwiliad. Rhowch gynnig ar lai o eiriau neu eiriau eraill, neu lai o hidlwyr.",
	"Search the published stories, dangers, disputes and organisations. Every word you type must appear; names, email addresses and other personal details are never searched.": "Chwiliwch y straeon, y peryglon, yr anghydfodau a'r sefydliadau a gyhoeddwyd. Rhaid i bob gair a deipiwch ymddangos; ni chwilir byth enwau, cyfeiriadau e-bost na manylion personol eraill.",
	// Embedded cards and the "Embed this" disclosure.
	"Embed this":           "Mewnosod hwn",
	"Code to copy":         "Cod i'w gopïo",
	"Read more on %s":      "Darllen mwy ar %s",
	"More":                 "Mwy",
	"Nothing to show yet.": "Dim byd i'w ddangos eto.",
	"Copy this code into your own site to show a card of this page there.": "Copïwch y cod hwn i'ch gwefan eich hun i ddangos cerdyn o'r dudalen hon yno.",

	// Tips (tip_form.html, tips.html, tip.html).
	"Report a danger or dispute":            "Rhoi gwybod am berygl neu anghydfod",
	"What are you reporting?":               "Am beth ydych chi'n rhoi gwybod?",
	"Send the tip":                          "Anfon y wybodaeth",
	"Confirm your tip":                      "Cadarnhau eich gwybodaeth",
	"Your tip has been received and saved.": "Mae eich gwybodaeth wedi dod i law ac wedi'i chadw.",
	"Tips":                                  "Gwybodaeth gan y cyhoedd",
	"Dismiss":                               "Gwrthod",
	"Make a draft danger":                   "Gwneud drafft o berygl",
	"Make a draft dispute":                  "Gwneud drafft o anghydfod",
	// The feeds and exports of the lists (partials/feeds.html).
	"Subscribe:":               "Tanysgrifio:",
	"Atom feed":                "Ffrwd Atom",
	"RSS feed":                 "Ffrwd RSS",
	"Download all that match:": "Lawrlwytho'r cyfan sy'n cyfateb:",
	// The API's page (/api): its chrome; the document itself is English.
	"API":                         "API",
	"Routes":                      "Llwybrau",
	"Parameters":                  "Paramedrau",
	"required":                    "gofynnol",
	"deprecated":                  "wedi'i anghymeradwyo",
	"One of:":                     "Un o:",
	"Body:":                       "Corff:",
	"Answers":                     "Atebion",
	"Errors":                      "Gwallau",
	"Shapes":                      "Siapiau",
	"always given":                "bob amser yn cael ei roi",
	"Unknown fields are refused.": "Gwrthodir meysydd anhysbys.",
	"The machine-readable document (OpenAPI 3.1):": "Y ddogfen y gall peiriant ei darllen (OpenAPI 3.1):",
	"Every error is answered as RFC 9457 problem details (application/problem+json). Its type is the address of its explanation below.": "Mae pob gwall yn cael ei ateb fel manylion problem RFC 9457 (application/problem+json). Ei fath yw cyfeiriad ei esboniad isod.",

	// Campaigns and the topic board.
	"Campaigns":               "Ymgyrchoedd",
	"Campaign":                "Ymgyrch",
	"Topic board":             "Bwrdd pynciau",
	"Topics":                  "Pynciau",
	"Topics no one has taken": "Pynciau nad oes neb wedi'u cymryd",
	"Campaigns and topics":    "Ymgyrchoedd a phynciau",
	"Led by":                  "Dan arweiniad",
	"Partners":                "Partneriaid",
	"Supporters":              "Cefnogwyr",
	"Taken by":                "Wedi'i gymryd gan",
	"Not taken yet":           "Heb ei gymryd eto",
	"Open":                    "Agored",
	"In progress":             "Ar y gweill",
	// People in public roles (representatives.html, representative.html)
	// and their roles.
	"People in public roles": "Pobl mewn swyddi cyhoeddus",
	"Declared interests":     "Buddiannau a ddatganwyd",
	"Office contact":         "Cyswllt swyddfa",
	"No interests recorded.": "Dim buddiannau wedi'u cofnodi.",
	"No one matches.":        "Does neb yn cyfateb.",
	"MP":                     "AS",
	"Councillor":             "Cynghorydd",
	"Mayor":                  "Maer",
	"Candidate":              "Ymgeisydd",
	"Chair":                  "Cadeirydd",
	"Chief executive":        "Prif weithredwr",
	"Director":               "Cyfarwyddwr",
	"Non-executive director": "Cyfarwyddwr anweithredol",
	"Board member":           "Aelod o'r bwrdd",
	"GP partner":             "Partner meddyg teulu",
	// Plans and seats.
	"Plans":     "Cynlluniau",
	"All plans": "Pob cynllun",
	"Seats":     "Seddi",
	"Seat":      "Sedd",
	"Past":      "Wedi bod",
	"Today":     "Heddiw",
	// Events (events.html, event.html, partials/event_card.html).
	"Events":                "Digwyddiadau",
	"Past events":           "Digwyddiadau a fu",
	"Upcoming events":       "Digwyddiadau i ddod",
	"Add to calendar":       "Ychwanegu at y calendr",
	"Month calendar":        "Calendr y mis",
	"Previous month":        "Y mis blaenorol",
	"Next month":            "Y mis nesaf",
	"Members only":          "Aelodau yn unig",
	"Conclusions":           "Casgliadau",
	"Organised by":          "Trefnwyd gan",
	"When":                  "Pryd",
	"No events match.":      "Does dim digwyddiadau'n cyfateb.",
	"No events this month.": "Dim digwyddiadau'r mis hwn.",
	"Mon":                   "Llun",
	"Tue":                   "Maw",
	"Wed":                   "Mer",
	"Thu":                   "Iau",
	"Fri":                   "Gwe",
	"Sat":                   "Sad",
	"Sun":                   "Sul",
	// The library of resources.
	"Resources":           "Adnoddau",
	"All resources":       "Pob adnodd",
	"Add a resource":      "Ychwanegu adnodd",
	"Edit resource":       "Golygu adnodd",
	"Add a version":       "Ychwanegu fersiwn",
	"Add the version":     "Ychwanegu'r fersiwn",
	"Versions":            "Fersiynau",
	"Version %d":          "Fersiwn %d",
	"version %d":          "fersiwn %d",
	"No version yet.":     "Dim fersiwn eto.",
	"No resources match.": "Does dim adnoddau'n cyfateb.",
	"Kept by":             "Yn cael ei gadw gan",
	"Guidance":            "Canllawiau",
	"Leaflet":             "Taflen",
	"Briefing":            "Papur briffio",
	"Motion":              "Cynnig",
	"Template letter":     "Llythyr templed",

	// Webhooks and the queue of deliveries (staff pages).
	"Webhooks":      "Bachau gwe",
	"Deliveries":    "Danfoniadau",
	"Add a webhook": "Ychwanegu bachyn gwe",
	"Edit webhook":  "Golygu bachyn gwe",
	"Send a test":   "Anfon prawf",
	"New secret":    "Cyfrinach newydd",
	"Retry now":     "Rhoi cynnig arall nawr",
	"Delivered":     "Wedi'i ddanfon",
}

// welshPlurals are the Welsh messages that follow a count: the count's
// plural form (CLDR: zero, one, two, few, many, other) picks the wording.
// With a number written in digits, "o" and the plural noun ("12 o
// weithwyr") reads right for every count but one; forms not given fall
// back to Other. A key here that also has an English plural is used for
// Welsh only.
var welshPlurals = map[string]Plural{
	// A dispute's workforce, a danger's staff affected (the cards).
	"%s workers": {One: "%s gweithiwr", Other: "%s o weithwyr"},
	"%s staff":   {One: "%s aelod o staff", Other: "%s o staff"},
	// The map's count of items without a place.
	"%d items have no known place": {One: "Nid oes lle hysbys i %d eitem", Other: "Nid oes lle hysbys i %d o eitemau"},
}

// englishPlurals are the English messages that follow a count, keyed by
// their "other" form, so that a page says "1 worker" and "2 workers". In
// Welsh, a key without a Welsh entry of its own is shown by these.
var englishPlurals = map[string]Plural{
	"%s workers":          {One: "%s worker", Other: "%s workers"},
	"%d fields changed":   {One: "%d field changed", Other: "%d fields changed"},
	"%d days":             {One: "%d day", Other: "%d days"},
	"%d drafts to review": {One: "%d draft to review", Other: "%d drafts to review"},
	"Failed after %d attempts; to be tried again": {One: "Failed after %d attempt; to be tried again", Other: "Failed after %d attempts; to be tried again"},
	"%d items have no known place":                {One: "%d item has no known place", Other: "%d items have no known place"},
	"%d milestones":                               {One: "%d milestone", Other: "%d milestones"},
	"%d weeks to go":                              {One: "%d week to go", Other: "%d weeks to go"},
	"%d days to go":                               {One: "%d day to go", Other: "%d days to go"},
}
