package web

import (
	"bufio"
	"context"
	"encoding/csv"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"jigsaw"
	"jigsaw/internal/api"
	"jigsaw/internal/listparams"
	"jigsaw/internal/server/respond"
)

// Every public list answers as exports, /X.csv and /X.json, with the list's
// own filters: every item that matches, not a page. The columns of the CSV
// are documented in docs/exports.md, and TestExportColumnsDocumented keeps
// the two together; the JSON is an array of the objects the API gives for
// the list's items. An export is written as it is read from the database
// (ExportStore), so a million rows take no more memory than a few hundred;
// it never goes through the page cache, which would keep it whole.

// ExportStore streams the public records of a list's filter, in the list's
// order, handing each to fn as it is read (the Limit and Offset of the
// filter are ignored, or set the size of the batches read). They stop at
// fn's first error and return it.
type ExportStore interface {
	EachPublicStory(ctx context.Context, f jigsaw.StoryFilter, fn func(*jigsaw.PublicStory) error) error
	EachPublicTrackerItem(ctx context.Context, f jigsaw.TrackerFilter, fn func(*jigsaw.TrackerItem) error) error
	EachDispute(ctx context.Context, f jigsaw.DisputeFilter, fn func(*jigsaw.Dispute) error) error
	EachOrganisation(ctx context.Context, f jigsaw.OrganisationFilter, fn func(*jigsaw.Organisation) error) error
	EachRepresentative(ctx context.Context, f jigsaw.RepresentativeFilter, fn func(*jigsaw.Representative) error) error
	EachCampaign(ctx context.Context, f jigsaw.CampaignFilter, fn func(*jigsaw.Campaign) error) error
	EachTopic(ctx context.Context, f jigsaw.TopicFilter, fn func(*jigsaw.Topic) error) error
	EachResource(ctx context.Context, f jigsaw.ResourceFilter, fn func(*jigsaw.Resource) error) error
}

// column is a column of a list's CSV export: its name in the header and
// in docs/exports.md, and its cell of a record.
type column[T any] struct {
	name string
	cell func(T) string
}

// Lists in a cell: slugs and numbers, which hold no semicolon, are joined
// with ";"; free text, with line breaks.
func joinSlugs(s []string) string { return strings.Join(s, ";") }

func id(n int64) string { return strconv.FormatInt(n, 10) }

func timestamp(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}

// storyColumns are the columns of /stories.csv.
func storyColumns(base string) []column[*jigsaw.PublicStory] {
	return []column[*jigsaw.PublicStory]{
		{"id", func(s *jigsaw.PublicStory) string { return id(s.ID) }},
		{"url", func(s *jigsaw.PublicStory) string { return base + "/stories/" + id(s.ID) }},
		{"title", func(s *jigsaw.PublicStory) string { return s.Title }},
		{"kind", func(s *jigsaw.PublicStory) string { return string(s.Kind) }},
		{"key_issues", func(s *jigsaw.PublicStory) string { return joinSlugs(s.KeyIssues) }},
		{"district", func(s *jigsaw.PublicStory) string { return s.District }},
		{"area", func(s *jigsaw.PublicStory) string { return s.Area }},
		{"happened_on", func(s *jigsaw.PublicStory) string { return s.HappenedOn }},
		{"byline", func(s *jigsaw.PublicStory) string { return s.Byline }},
		{"organisations", func(s *jigsaw.PublicStory) string {
			slugs := make([]string, len(s.Organisations))
			for i, o := range s.Organisations {
				slugs[i] = o.Slug
			}
			return joinSlugs(slugs)
		}},
		{"published_at", func(s *jigsaw.PublicStory) string { return timestamp(s.PublishedAt) }},
		{"body", func(s *jigsaw.PublicStory) string { return s.Body }},
	}
}

// trackerColumns are the columns of /tracker.csv.
func trackerColumns(base string) []column[*jigsaw.TrackerItem] {
	links := func(l []jigsaw.LinkRef) string {
		ids := make([]string, len(l))
		for i, r := range l {
			ids[i] = id(r.ID)
		}
		return joinSlugs(ids)
	}
	return []column[*jigsaw.TrackerItem]{
		{"id", func(t *jigsaw.TrackerItem) string { return id(t.ID) }},
		{"url", func(t *jigsaw.TrackerItem) string { return base + "/tracker/" + id(t.ID) }},
		{"kind", func(t *jigsaw.TrackerItem) string { return string(t.Kind) }},
		{"title", func(t *jigsaw.TrackerItem) string { return t.Title }},
		{"status", func(t *jigsaw.TrackerItem) string { return string(t.Status) }},
		{"status_on", func(t *jigsaw.TrackerItem) string { return t.StatusOn }},
		{"reported_on", func(t *jigsaw.TrackerItem) string { return t.ReportedOn }},
		{"decided_on", func(t *jigsaw.TrackerItem) string { return t.DecidedOn }},
		{"effective_on", func(t *jigsaw.TrackerItem) string { return t.EffectiveOn }},
		{"ends_on", func(t *jigsaw.TrackerItem) string { return t.EndsOn }},
		{"value_pence", func(t *jigsaw.TrackerItem) string {
			if t.ValuePence == 0 {
				return ""
			}
			return id(t.ValuePence)
		}},
		{"staff_affected", func(t *jigsaw.TrackerItem) string {
			if t.StaffAffected == 0 {
				return ""
			}
			return strconv.Itoa(t.StaffAffected)
		}},
		{"district", func(t *jigsaw.TrackerItem) string { return t.District }},
		{"area", func(t *jigsaw.TrackerItem) string { return t.Area }},
		{"key_issues", func(t *jigsaw.TrackerItem) string { return joinSlugs(t.KeyIssues) }},
		{"organisations", func(t *jigsaw.TrackerItem) string {
			roles := make([]string, len(t.Organisations))
			for i, o := range t.Organisations {
				roles[i] = string(o.Role) + ":" + o.Slug
			}
			return joinSlugs(roles)
		}},
		{"sources", func(t *jigsaw.TrackerItem) string {
			urls := make([]string, len(t.Sources))
			for i, s := range t.Sources {
				urls[i] = s.URL
			}
			return strings.Join(urls, "\n")
		}},
		{"stories", func(t *jigsaw.TrackerItem) string { return links(t.Stories) }},
		{"disputes", func(t *jigsaw.TrackerItem) string { return links(t.Disputes) }},
		{"published_at", func(t *jigsaw.TrackerItem) string { return timestamp(t.PublishedAt) }},
		{"updated_at", func(t *jigsaw.TrackerItem) string { return timestamp(t.UpdatedAt) }},
		{"summary", func(t *jigsaw.TrackerItem) string { return t.Summary }},
	}
}

// disputeColumns are the columns of /disputes.csv.
func disputeColumns(base string) []column[*jigsaw.Dispute] {
	parties := func(d *jigsaw.Dispute, role jigsaw.PartyRole) string {
		var slugs []string
		for _, p := range d.PartiesInRole(role) {
			slugs = append(slugs, p.Slug)
		}
		return joinSlugs(slugs)
	}
	latest := func(d *jigsaw.Dispute) *jigsaw.DisputeStep {
		if st := d.LatestStep(); st != nil {
			return st
		}
		return &jigsaw.DisputeStep{}
	}
	return []column[*jigsaw.Dispute]{
		{"id", func(d *jigsaw.Dispute) string { return id(d.ID) }},
		{"url", func(d *jigsaw.Dispute) string { return base + "/disputes/" + id(d.ID) }},
		{"title", func(d *jigsaw.Dispute) string { return d.Title }},
		{"status", func(d *jigsaw.Dispute) string { return string(d.Status) }},
		{"live", func(d *jigsaw.Dispute) string { return strconv.FormatBool(d.Status.Live()) }},
		{"employers", func(d *jigsaw.Dispute) string { return parties(d, jigsaw.PartyEmployer) }},
		{"unions", func(d *jigsaw.Dispute) string { return parties(d, jigsaw.PartyUnion) }},
		{"headcount", func(d *jigsaw.Dispute) string { return strconv.Itoa(d.Headcount()) }},
		{"workforce", func(d *jigsaw.Dispute) string {
			roles := make([]string, len(d.Workforce))
			for i, w := range d.Workforce {
				roles[i] = w.Role + ": " + strconv.Itoa(w.Headcount)
			}
			return strings.Join(roles, "\n")
		}},
		{"demands", func(d *jigsaw.Dispute) string { return strings.Join(d.Demands, "\n") }},
		{"district", func(d *jigsaw.Dispute) string { return d.District }},
		{"area", func(d *jigsaw.Dispute) string { return d.Area }},
		{"key_issues", func(d *jigsaw.Dispute) string { return joinSlugs(d.KeyIssues) }},
		{"latest_step", func(d *jigsaw.Dispute) string { return string(latest(d).Kind) }},
		{"latest_step_on", func(d *jigsaw.Dispute) string { return latest(d).Date }},
		{"strike_days", func(d *jigsaw.Dispute) string {
			days := 0
			for _, st := range d.Steps {
				if st.Kind == jigsaw.StepStrike {
					days += st.Days()
				}
			}
			return strconv.Itoa(days)
		}},
		{"outcome", func(d *jigsaw.Dispute) string { return d.Outcome }},
		{"tracker_items", func(d *jigsaw.Dispute) string {
			ids := make([]string, len(d.TrackerItems))
			for i, l := range d.TrackerItems {
				ids[i] = id(l.ID)
			}
			return joinSlugs(ids)
		}},
		{"created_at", func(d *jigsaw.Dispute) string { return timestamp(d.CreatedAt) }},
		{"updated_at", func(d *jigsaw.Dispute) string { return timestamp(d.UpdatedAt) }},
		{"summary", func(d *jigsaw.Dispute) string { return d.Summary }},
	}
}

// organisationColumns are the columns of /organisations.csv.
func organisationColumns(base string) []column[*jigsaw.Organisation] {
	return []column[*jigsaw.Organisation]{
		{"id", func(o *jigsaw.Organisation) string { return id(o.ID) }},
		{"url", func(o *jigsaw.Organisation) string { return base + "/organisations/" + o.Slug }},
		{"slug", func(o *jigsaw.Organisation) string { return o.Slug }},
		{"name", func(o *jigsaw.Organisation) string { return o.Name }},
		{"kind", func(o *jigsaw.Organisation) string { return string(o.Kind) }},
		{"ods_code", func(o *jigsaw.Organisation) string { return o.ODSCode }},
		{"company_number", func(o *jigsaw.Organisation) string { return o.CompanyNumber }},
		{"parent_id", func(o *jigsaw.Organisation) string {
			if o.ParentID == 0 {
				return ""
			}
			return id(o.ParentID)
		}},
		{"region", func(o *jigsaw.Organisation) string { return o.Region }},
		{"website", func(o *jigsaw.Organisation) string { return o.Website }},
		{"coalition_member", func(o *jigsaw.Organisation) string { return strconv.FormatBool(o.CoalitionMember) }},
		{"opened_on", func(o *jigsaw.Organisation) string { return o.OpenedOn }},
		{"closed_on", func(o *jigsaw.Organisation) string { return o.ClosedOn }},
		{"created_at", func(o *jigsaw.Organisation) string { return timestamp(o.CreatedAt) }},
		{"updated_at", func(o *jigsaw.Organisation) string { return timestamp(o.UpdatedAt) }},
	}
}

// ExportColumns returns the names of the columns of list's CSV export, in
// their order, for the test that holds docs/exports.md to them.
func ExportColumns(list string) []string {
	var names []string
	add := func(n string) { names = append(names, n) }
	switch list {
	case "stories":
		for _, c := range storyColumns("") {
			add(c.name)
		}
	case "tracker":
		for _, c := range trackerColumns("") {
			add(c.name)
		}
	case "disputes":
		for _, c := range disputeColumns("") {
			add(c.name)
		}
	case "organisations":
		for _, c := range organisationColumns("") {
			add(c.name)
		}
	case "representatives":
		for _, c := range representativeColumns("") {
			add(c.name)
		}
	case "plan":
		for _, c := range planColumns("") {
			add(c.name)
		}
	case "seats":
		for _, c := range seatColumns() {
			add(c.name)
		}
	case "campaigns":
		for _, c := range campaignColumns("") {
			add(c.name)
		}
	case "topics":
		for _, c := range topicColumns("") {
			add(c.name)
		}
	case "events":
		for _, c := range eventColumns("") {
			add(c.name)
		}
	case "pledges":
		for _, c := range pledgeColumns("") {
			add(c.name)
		}
	case "pledge-targets":
		for _, c := range targetColumns() {
			add(c.name)
		}
	case "resources":
		for _, c := range resourceExportColumns("") {
			add(c.name)
		}
	}
	return names
}

// safeCell neutralises a cell that a spreadsheet would take for a formula
// (CSV injection): one that begins with =, +, -, @, a tab or a carriage
// return gets a leading apostrophe, which spreadsheets show as text.
func safeCell(s string) string {
	if s != "" && strings.IndexByte("=+-@\t\r", s[0]) >= 0 {
		return "'" + s
	}
	return s
}

// HandleExport serves the exports of list ("stories", "tracker",
// "disputes" or "organisations"): /X.csv and /X.json.
func (p *Pages) HandleExport(list string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		q := r.URL.Query()
		// An export has no pages (listparams.Whole): its paging
		// parameters are named with the filter's bad ones.
		whole := listparams.Whole(q)
		base := p.Site.BaseURL
		shapes := &api.API{BaseURL: base}
		var err error
		switch list {
		case "stories":
			var f jigsaw.StoryFilter
			if f, err = readFilter(q, notInFeeds, whole, func(v url.Values) (jigsaw.StoryFilter, listparams.List, error) {
				return listparams.Stories(ctx, p.Store, v, 1)
			}); err == nil {
				f.Limit = 0
				err = writeExport(p, w, r, list, storyColumns(base), shapes.StoryJSON, func(fn func(*jigsaw.PublicStory) error) error {
					return p.Store.EachPublicStory(ctx, f, fn)
				})
			}
		case "tracker":
			var f jigsaw.TrackerFilter
			if f, err = readFilter(q, notInFeeds, whole, func(v url.Values) (jigsaw.TrackerFilter, listparams.List, error) {
				return listparams.Tracker(ctx, p.Store, v, 1)
			}); err == nil {
				f.Limit = 0
				err = writeExport(p, w, r, list, trackerColumns(base), shapes.TrackerJSON, func(fn func(*jigsaw.TrackerItem) error) error {
					return p.Store.EachPublicTrackerItem(ctx, f, fn)
				})
			}
		case "disputes":
			var f jigsaw.DisputeFilter
			if f, err = readFilter(q, notInFeeds, whole, func(v url.Values) (jigsaw.DisputeFilter, listparams.List, error) {
				return listparams.Disputes(ctx, p.Store, v, 1)
			}); err == nil {
				f.Limit = 0
				err = writeExport(p, w, r, list, disputeColumns(base), shapes.DisputeJSON, func(fn func(*jigsaw.Dispute) error) error {
					return p.Store.EachDispute(ctx, f, fn)
				})
			}
		case "organisations":
			var f jigsaw.OrganisationFilter
			if f, err = readFilter(q, notInFeeds, whole, func(v url.Values) (jigsaw.OrganisationFilter, listparams.List, error) {
				return listparams.Organisations(ctx, p.Store, v, 1)
			}); err == nil {
				f.Limit = 0
				err = writeExport(p, w, r, list, organisationColumns(base), shapes.OrganisationJSON, func(fn func(*jigsaw.Organisation) error) error {
					return p.Store.EachOrganisation(ctx, f, fn)
				})
			}
		case "representatives":
			var f jigsaw.RepresentativeFilter
			if f, err = readFilter(q, notInFeeds, whole, func(v url.Values) (jigsaw.RepresentativeFilter, listparams.List, error) {
				return listparams.Representatives(ctx, p.Store, v, 1)
			}); err == nil {
				f.Limit = 0
				err = writeExport(p, w, r, list, representativeColumns(base), shapes.RepresentativeJSON, func(fn func(*jigsaw.Representative) error) error {
					return p.Store.EachRepresentative(ctx, f, fn)
				})
			}
		case "plan":
			err = p.exportPlans(w, r, q, whole, shapes)
		case "seats":
			err = p.exportSeats(w, r, q, whole, shapes)
		case "campaigns":
			var f jigsaw.CampaignFilter
			if f, err = readFilter(q, notInFeeds, whole, func(v url.Values) (jigsaw.CampaignFilter, listparams.List, error) {
				return listparams.Campaigns(ctx, p.Store, v, 1)
			}); err == nil {
				f.Limit = 0
				err = writeExport(p, w, r, list, campaignColumns(base), shapes.CampaignJSON, func(fn func(*jigsaw.Campaign) error) error {
					return p.Store.EachCampaign(ctx, f, fn)
				})
			}
		case "topics":
			var f jigsaw.TopicFilter
			if f, err = readFilter(q, notInFeeds, whole, func(v url.Values) (jigsaw.TopicFilter, listparams.List, error) {
				f, _, list, err := listparams.Topics(ctx, p.Store, v, 1)
				return f, list, err
			}); err == nil {
				f.Limit = 0
				err = writeExport(p, w, r, list, topicColumns(base), shapes.TopicJSON, func(fn func(*jigsaw.Topic) error) error {
					return p.Store.EachTopic(ctx, f, fn)
				})
			}
		case "events":
			var f jigsaw.EventFilter
			if f, err = readFilter(q, notInFeeds, whole, func(v url.Values) (jigsaw.EventFilter, listparams.List, error) {
				f, l, err := listparams.Events(ctx, p.Store, v, 1, time.Now())
				return f, l.List, err
			}); err == nil {
				err = writeExport(p, w, r, list, eventColumns(base), shapes.EventJSON, func(fn func(*jigsaw.Event) error) error {
					return p.eachPublicEvent(ctx, f, fn)
				})
			}
		case "pledges":
			err = p.exportPledges(w, r, q, whole)
		case "resources":
			var f jigsaw.ResourceFilter
			if f, err = readFilter(q, notInFeeds, whole, func(v url.Values) (jigsaw.ResourceFilter, listparams.List, error) {
				return listparams.Resources(ctx, p.Store, v, 1)
			}); err == nil {
				f.Limit = 0
				err = writeExport(p, w, r, list, resourceExportColumns(base), shapes.ResourceJSON, func(fn func(*jigsaw.Resource) error) error {
					return p.Store.EachResource(ctx, f, fn)
				})
			}
		default:
			err = jigsaw.Errorf(jigsaw.ENOTFOUND, "There is no page at this address.")
		}
		if err == nil {
			return
		}
		// Nothing is written before the first rows are read: an error
		// until then, a bad filter among them, is answered as such.
		w.Header().Del("Content-Disposition")
		if strings.HasSuffix(r.URL.Path, ".json") {
			respond.JSONError(w, r, p.Log, err)
			return
		}
		p.Error(w, r, err)
	}
}

// writeExport writes the export of list in the format its address asks
// for: each record read by each, as a row of cols (CSV) or as its API
// object made by out (JSON). An error before anything was sent is
// returned for the caller to answer; after, the answer can only be cut
// short, so that the client sees a broken download rather than a short
// one that looks whole.
func writeExport[T, O any](p *Pages, w http.ResponseWriter, r *http.Request, list string, cols []column[T], out func(T) O,
	each func(func(T) error) error) error {
	asJSON := strings.HasSuffix(r.URL.Path, ".json")
	h := w.Header()
	h.Set("Cache-Control", "no-cache")
	ext := ".csv"
	h.Set("Content-Type", "text/csv; charset=utf-8; header=present")
	if asJSON {
		ext = ".json"
		h.Set("Content-Type", "application/json; charset=utf-8")
	}
	h.Set("Content-Disposition", `attachment; filename="`+list+ext+`"`)
	if r.Method == http.MethodHead {
		return nil // the headers are the answer: no need to read the whole list
	}
	sw := &startedWriter{w: w}
	var err error
	if asJSON {
		err = writeJSON(sw, out, each)
	} else {
		err = writeCSV(sw, cols, each)
	}
	if err != nil && sw.started {
		if r.Context().Err() == nil { // else the client went away: nothing to tell
			respond.LogError(r, p.Log, err)
		}
		panic(http.ErrAbortHandler)
	}
	return err
}

func writeCSV[T any](w io.Writer, cols []column[T], each func(func(T) error) error) error {
	cw := csv.NewWriter(w)
	cw.UseCRLF = true // RFC 4180
	row := make([]string, len(cols))
	for i, c := range cols {
		row[i] = c.name
	}
	if err := cw.Write(row); err != nil {
		return err
	}
	err := each(func(v T) error {
		for i, c := range cols {
			row[i] = safeCell(c.cell(v))
		}
		return cw.Write(row)
	})
	if err != nil {
		return err
	}
	cw.Flush()
	return cw.Error()
}

func writeJSON[T, O any](w io.Writer, out func(T) O, each func(func(T) error) error) error {
	bw := bufio.NewWriterSize(w, 16<<10)
	enc := json.NewEncoder(bw)
	enc.SetEscapeHTML(true)
	bw.WriteString("[")
	first := true
	err := each(func(v T) error {
		if !first {
			bw.WriteString(",")
		}
		first = false
		return enc.Encode(out(v))
	})
	if err != nil {
		return err
	}
	bw.WriteString("]\n")
	return bw.Flush()
}
