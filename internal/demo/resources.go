package demo

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"time"

	"jigsaw"
	"jigsaw/internal/store"
)

// resourcesLoaded is the setting that records that the demo library
// exists; like storiesLoaded, it is set only once it all committed.
const resourcesLoaded = "demo.resources_loaded"

// demoVersion is a version of a demo resource: a file made here (a PDF
// when pdf, else plain text) or a link.
type demoVersion struct {
	note, name, link string
	pdf              bool
	text             []string
}

type demoResource struct {
	res      jigsaw.Resource
	keeper   string // the key of the organisation that keeps it
	versions []demoVersion
}

// loadResources adds the library the 2012 meeting asked for: updated TUPE
// guidance, a leaflet, a briefing and a model motion, kept by the four
// organisations of the meeting.
func loadResources(ctx context.Context, db *store.DB, ids map[string]int64, sum *Summary) error {
	if _, done, err := db.GetSetting(ctx, resourcesLoaded); err != nil || done {
		return err
	}
	coalition, err := db.FindCampaignBySlug(ctx, CoalitionCampaign)
	if err != nil {
		return err
	}
	for _, d := range resources() {
		res := d.res
		res.OrgID = ids[d.keeper]
		res.CampaignID = coalition.ID
		if err := db.CreateResource(ctx, &res); err != nil {
			return fmt.Errorf("demo resource %q: %w", res.Title, err)
		}
		for _, dv := range d.versions {
			v := &jigsaw.ResourceVersion{ResourceID: res.ID, Note: dv.note, Link: dv.link}
			if dv.link == "" {
				data := []byte(strings.Join(dv.text, "\n") + "\n")
				if dv.pdf {
					data = textPDF(dv.text)
				}
				v.File = &jigsaw.ResourceFile{Name: dv.name, Data: data}
			}
			if err := db.AddResourceVersion(ctx, v); err != nil {
				return fmt.Errorf("demo resource %q version %q: %w", res.Title, dv.note, err)
			}
		}
		sum.Resources++
	}
	return db.SetSetting(ctx, resourcesLoaded, time.Now().UTC().Format(time.RFC3339))
}

func resources() []demoResource {
	tupe := []string{
		"Updated TUPE guidance for branches",
		"",
		"When a service is outsourced or moved to a wholly owned subsidiary, the",
		"Transfer of Undertakings (Protection of Employment) Regulations protect",
		"the terms and conditions of the staff who move with it.",
		"",
		"1. Ask for the measures letter in writing, and for it early.",
		"2. Pay, pensions and Agenda for Change terms transfer with you.",
		"3. New starters are not protected: organise for parity from day one.",
		"4. Record every change the new employer proposes, with its date.",
	}
	return []demoResource{
		{jigsaw.Resource{Title: "Updated TUPE guidance", Kind: jigsaw.ResourceGuidance,
			Summary: "What staff keep when their work is **transferred** to a contractor or a subsidiary company, and " +
				"what branches should ask for. The 2012 coalition meeting asked for this guidance to be brought up to date.",
			KeyIssues: []string{"outsourcing", "pay-and-conditions"}},
			"unison", []demoVersion{
				{note: "First edition, after the April 2012 meeting.", name: "tupe-guidance-2012.txt", text: tupe[:9]},
				{note: "Updated for transfers to wholly owned subsidiaries (SubCos).", name: "tupe-guidance.pdf", pdf: true, text: tupe},
			}},
		{jigsaw.Resource{Title: "Leaflet: our NHS is not for sale", Kind: jigsaw.ResourceLeaflet,
			Summary:   "A double-sided leaflet for stalls and public meetings: what privatisation means for patients, and how to join the campaign.",
			KeyIssues: []string{"outsourcing", "wasting-money"}},
			"konp", []demoVersion{
				{note: "For the spring stalls.", name: "not-for-sale.pdf", pdf: true, text: []string{
					"Our NHS is not for sale",
					"",
					"Contracts handed to private companies take money from patient care.",
					"Ask your councillors and your MP to sign the pledge.",
					"Join us: keep our NHS public.",
				}},
			}},
		{jigsaw.Resource{Title: "Briefing: conflicts of interest of GPs on commissioning boards", Kind: jigsaw.ResourceBriefing,
			Summary:   "How to find the declared interests of the GPs who sit on commissioning boards, and what to ask when a contract goes to a company they have a stake in.",
			KeyIssues: []string{"conflicts-of-interest"}},
			"sha", []demoVersion{
				{note: "First edition.", name: "gp-conflicts-briefing.txt", text: []string{
					"Conflicts of interest of GPs: a briefing",
					"",
					"Every board publishes a register of interests. Read it before each meeting.",
					"When a contract goes to a provider a board member has a stake in, ask that",
					"the member withdraw, and that the decision be minuted with the interest named.",
				}},
			}},
		{jigsaw.Resource{Title: "Model motion for councils: keep our NHS public", Kind: jigsaw.ResourceMotion,
			Summary:   "A motion for councillors to table: the council backs the coalition's pledge and asks its Health and Wellbeing Board to oppose outsourcing.",
			KeyIssues: []string{"outsourcing", "hospital-closures"}},
			"unite", []demoVersion{
				{note: "As moved in the first councils.", name: "model-motion.txt", text: []string{
					"This council notes the threat to local NHS services from outsourcing and closures.",
					"This council resolves to sign the Keep Our NHS Public pledge, and to ask its",
					"Health and Wellbeing Board to oppose any transfer of NHS services to private companies.",
				}},
			}},
	}
}

// textPDF makes a one-page PDF of lines of text, in Helvetica: enough for
// the demo to hold real PDFs without shipping any.
func textPDF(lines []string) []byte {
	var content bytes.Buffer
	content.WriteString("BT /F1 12 Tf 16 TL 72 770 Td\n")
	for _, l := range lines {
		l = strings.NewReplacer(`\`, `\\`, "(", `\(`, ")", `\)`).Replace(l)
		fmt.Fprintf(&content, "(%s) '\n", l)
	}
	content.WriteString("ET\n")
	objects := []string{
		"<< /Type /Catalog /Pages 2 0 R >>",
		"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
		"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
		fmt.Sprintf("<< /Length %d >>\nstream\n%sendstream", content.Len(), content.String()),
		"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
	}
	var b bytes.Buffer
	b.WriteString("%PDF-1.4\n")
	offsets := make([]int, len(objects))
	for i, o := range objects {
		offsets[i] = b.Len()
		fmt.Fprintf(&b, "%d 0 obj\n%s\nendobj\n", i+1, o)
	}
	xref := b.Len()
	fmt.Fprintf(&b, "xref\n0 %d\n0000000000 65535 f \n", len(objects)+1)
	for _, off := range offsets {
		fmt.Fprintf(&b, "%010d 00000 n \n", off)
	}
	fmt.Fprintf(&b, "trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n", len(objects)+1, xref)
	return b.Bytes()
}
