package web

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"jigsaw"
	"jigsaw/internal/api"
	"jigsaw/internal/listparams"
)

// The feeds and exports of /plan and /seats. Plans and seats are few, so
// their exports read them a batch at a time through the public lists
// rather than through an ExportStore stream of their own.

// exportBatch is how many plans or seats an export reads at once.
const exportBatch = 100

// planFeedEntries are the entries of /plan.atom and /plan.rss.
func (p *Pages) planFeedEntries(ctx context.Context, q url.Values) ([]feedEntry, error) {
	f, err := readFilter(q, notInFeeds, nil, func(v url.Values) (jigsaw.PlanFilter, listparams.List, error) {
		return listparams.Plans(ctx, p.Store, v, feedLength)
	})
	if err != nil {
		return nil, err
	}
	plans, _, err := p.Store.FindPlans(ctx, f)
	var entries []feedEntry
	for _, pl := range plans {
		entries = append(entries, feedEntry{Path: "/plan/" + id(pl.ID), Title: pl.Name,
			Summary:   pl.AnchorLabel + ": " + happened(pl.AnchorDate) + ". " + excerpt(pl.Description, 500),
			Published: pl.CreatedAt, Updated: pl.UpdatedAt})
	}
	return entries, err
}

// seatFeedEntries are the entries of /seats.atom and /seats.rss. A seat
// has no page of its own: its entry points at its row of the list.
func (p *Pages) seatFeedEntries(r *http.Request, q url.Values) ([]feedEntry, error) {
	ctx := r.Context()
	f, err := readFilter(q, notInFeeds, nil, func(v url.Values) (jigsaw.SeatFilter, listparams.List, error) {
		return listparams.Seats(ctx, p.Store, v, feedLength)
	})
	if err != nil {
		return nil, err
	}
	seats, _, err := p.Store.FindSeats(ctx, f)
	tr := tr(r)
	var entries []feedEntry
	for _, s := range seats {
		summary := s.Holder + " · " + s.BodyName + " · " + tr.Text(s.State.Label())
		if s.Date != "" {
			summary += " · " + happened(s.Date)
		}
		entries = append(entries, feedEntry{Path: "/seats#seat-" + id(s.ID), Title: s.Label() + ": " + s.Holder, Summary: summary,
			Published: s.CreatedAt, Updated: s.UpdatedAt})
	}
	return entries, err
}

// exportPlans writes /plan.csv or /plan.json.
func (p *Pages) exportPlans(w http.ResponseWriter, r *http.Request, q url.Values, whole error, shapes *api.API) error {
	ctx := r.Context()
	f, err := readFilter(q, notInFeeds, whole, func(v url.Values) (jigsaw.PlanFilter, listparams.List, error) {
		return listparams.Plans(ctx, p.Store, v, 1)
	})
	if err != nil {
		return err
	}
	f.Limit, f.Offset = exportBatch, 0
	return writeExport(p, w, r, "plan", planColumns(p.Site.BaseURL), shapes.PlanJSON, func(fn func(*jigsaw.Plan) error) error {
		for {
			plans, _, err := p.Store.FindPlans(ctx, f)
			if err != nil {
				return err
			}
			for _, pl := range plans {
				if err := fn(pl); err != nil {
					return err
				}
			}
			if len(plans) < f.Limit {
				return nil
			}
			last := plans[len(plans)-1]
			f.After = &jigsaw.After{Key: last.AnchorDate, ID: last.ID}
		}
	})
}

// exportSeats writes /seats.csv or /seats.json.
func (p *Pages) exportSeats(w http.ResponseWriter, r *http.Request, q url.Values, whole error, shapes *api.API) error {
	ctx := r.Context()
	f, err := readFilter(q, notInFeeds, whole, func(v url.Values) (jigsaw.SeatFilter, listparams.List, error) {
		return listparams.Seats(ctx, p.Store, v, 1)
	})
	if err != nil {
		return err
	}
	f.Limit, f.Offset = exportBatch, 0
	return writeExport(p, w, r, "seats", seatColumns(), shapes.SeatJSON, func(fn func(*jigsaw.Seat) error) error {
		for {
			seats, _, err := p.Store.FindSeats(ctx, f)
			if err != nil {
				return err
			}
			for _, s := range seats {
				if err := fn(s); err != nil {
					return err
				}
			}
			if len(seats) < f.Limit {
				return nil
			}
			last := seats[len(seats)-1]
			f.After = &jigsaw.After{Key: last.Date, ID: last.ID}
		}
	})
}

// planColumns are the columns of /plan.csv.
func planColumns(base string) []column[*jigsaw.Plan] {
	return []column[*jigsaw.Plan]{
		{"id", func(pl *jigsaw.Plan) string { return id(pl.ID) }},
		{"url", func(pl *jigsaw.Plan) string { return base + "/plan/" + id(pl.ID) }},
		{"name", func(pl *jigsaw.Plan) string { return pl.Name }},
		{"anchor_label", func(pl *jigsaw.Plan) string { return pl.AnchorLabel }},
		{"anchor_date", func(pl *jigsaw.Plan) string { return pl.AnchorDate }},
		{"campaign", func(pl *jigsaw.Plan) string { return pl.CampaignSlug }},
		{"milestones", func(pl *jigsaw.Plan) string {
			lines := make([]string, len(pl.Milestones))
			for i, m := range pl.Milestones {
				lines[i] = pl.DayAt(m.OffsetDays) + " (" + strconv.Itoa(m.OffsetDays) + "): " + m.Title
			}
			return strings.Join(lines, "\n")
		}},
		{"calendar", func(pl *jigsaw.Plan) string { return base + "/plan/" + id(pl.ID) + ".ics" }},
		{"created_at", func(pl *jigsaw.Plan) string { return timestamp(pl.CreatedAt) }},
		{"updated_at", func(pl *jigsaw.Plan) string { return timestamp(pl.UpdatedAt) }},
		{"description", func(pl *jigsaw.Plan) string { return pl.Description }},
	}
}

// seatColumns are the columns of /seats.csv.
func seatColumns() []column[*jigsaw.Seat] {
	optional := func(n int64) string {
		if n == 0 {
			return ""
		}
		return id(n)
	}
	return []column[*jigsaw.Seat]{
		{"id", func(s *jigsaw.Seat) string { return id(s.ID) }},
		{"kind", func(s *jigsaw.Seat) string { return string(s.Kind) }},
		{"title", func(s *jigsaw.Seat) string { return s.Title }},
		{"body", func(s *jigsaw.Seat) string { return s.BodySlug }},
		{"holder", func(s *jigsaw.Seat) string { return s.Holder }},
		{"representative_id", func(s *jigsaw.Seat) string { return optional(s.RepresentativeID) }},
		{"member_organisation", func(s *jigsaw.Seat) string { return s.MemberOrgSlug }},
		{"state", func(s *jigsaw.Seat) string { return string(s.State) }},
		{"date", func(s *jigsaw.Seat) string { return s.Date }},
		{"term_end", func(s *jigsaw.Seat) string { return s.TermEnd }},
		{"plan_id", func(s *jigsaw.Seat) string { return optional(s.PlanID) }},
		{"updated_at", func(s *jigsaw.Seat) string { return timestamp(s.UpdatedAt) }},
		{"note", func(s *jigsaw.Seat) string { return s.Note }},
	}
}
