package web

import (
	"context"
	"html/template"
	"net/http"
	"net/url"
	"strconv"

	"jigsaw"
	"jigsaw/internal/i18n"
	"jigsaw/internal/listparams"
)

const seatsPerPage = 50

// SeatListView is the view of /seats.
type SeatListView struct {
	Page
	Seats        []*jigsaw.Seat
	Pager        Pager
	Filter       jigsaw.SeatFilter
	Organisation *jigsaw.Organisation
	Query        url.Values
	Kinds        []jigsaw.Choice[jigsaw.SeatKind]
	States       []jigsaw.Choice[jigsaw.SeatState]
	Form         *Form // the filters typed, with a message for each refused one
}

// seatFilterLabels names the fields of the seats' filter form.
var seatFilterLabels = map[string]string{"kind": "Kind of seat", "state": "State"}

// HandleSeatList serves /seats: the positions coalition members hold or
// seek, with their filters.
func (p *Pages) HandleSeatList(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	f, list, err := listparams.Seats(ctx, p.Store, r.URL.Query(), seatsPerPage)
	view := SeatListView{Page: p.page(r, tr(r).Sprintf("Seats")), Query: r.URL.Query(), Kinds: jigsaw.SeatKinds,
		States: jigsaw.SeatStates, Organisation: list.Organisation, Form: newForm(r.URL.Query())}
	if err != nil {
		form, ok := filterForm(r.URL.Query(), err, seatFilterLabels)
		if !ok {
			p.Error(w, r, err)
			return
		}
		view.Filter, view.Form = f, form
		p.Render(w, r, http.StatusBadRequest, "seats", view)
		return
	}
	seats, total, err := p.Store.FindSeats(ctx, f)
	if err != nil {
		p.Error(w, r, err)
		return
	}
	view.Seats, view.Filter = seats, f
	view.Pager = newPager(list, total, r.URL.Query())
	p.Render(w, r, http.StatusOK, "seats", view)
}

// SeatFormView is the view of the form that records or edits a seat.
type SeatFormView struct {
	EditForm
	Seat   *jigsaw.Seat // nil for a new one
	Kinds  []jigsaw.Choice[jigsaw.SeatKind]
	States []jigsaw.Choice[jigsaw.SeatState]
	Plans  []jigsaw.Choice[string] // by ID
}

// SeatForms are the forms that record and edit seats.
func (p *Pages) SeatForms() FormRoutes { return formRoutes(p, p.seats) }

// seats is the edit flow of seats. A seat has no page of its own: saved,
// it is shown in the list.
func (p *Pages) seats() *recordKind[*jigsaw.Seat] {
	return &recordKind[*jigsaw.Seat]{
		template: "seat_form", noun: "seat",
		blank: func() *Form {
			return newForm(url.Values{"state": {string(jigsaw.SeatSought)}, "kind": {string(jigsaw.SeatFTGovernors)}})
		},
		find: func(r *http.Request) (*jigsaw.Seat, error) {
			id, ok := pathID(r)
			if !ok {
				return nil, jigsaw.Errorf(jigsaw.ENOTFOUND, "There is no page at this address.")
			}
			return p.Edit.FindSeatByID(r.Context(), id)
		},
		values: func(_ context.Context, s *jigsaw.Seat) (url.Values, error) { return seatValues(s), nil },
		read: func(ctx context.Context, v url.Values, old *jigsaw.Seat) (*jigsaw.Seat, *Form) {
			s, form := p.seatFromForm(ctx, v)
			if old != nil {
				s.ID = old.ID
			}
			return s, form
		},
		create:  p.Edit.CreateSeat,
		update:  p.Edit.UpdateSeat,
		address: func(s *jigsaw.Seat) string { return "/seats#seat-" + strconv.FormatInt(s.ID, 10) },
		formAddress: func(s *jigsaw.Seat) string {
			if s == nil {
				return "/seats/new"
			}
			return "/seats/" + strconv.FormatInt(s.ID, 10) + "/edit"
		},
		title: func(s *jigsaw.Seat) string { return s.Label() + ": " + s.Holder },
		view: func(ctx context.Context, ef EditForm, s *jigsaw.Seat) (any, error) {
			plans, _, err := p.Store.FindPlans(ctx, jigsaw.PlanFilter{Limit: listparams.MaxLimit})
			if err != nil {
				return nil, err
			}
			view := SeatFormView{EditForm: ef, Seat: s, Kinds: jigsaw.SeatKinds, States: jigsaw.SeatStates}
			for _, pl := range plans {
				view.Plans = append(view.Plans, jigsaw.Choice[string]{Value: strconv.FormatInt(pl.ID, 10), Label: pl.Name})
			}
			return view, nil
		},
	}
}

// seatFromForm reads a seat from a posted form.
func (p *Pages) seatFromForm(ctx context.Context, v url.Values) (*jigsaw.Seat, *Form) {
	form := newForm(v)
	rd := &reader{v: v, p: jigsaw.Problems{}, pr: i18n.FromContext(ctx).Printer()}
	s := &jigsaw.Seat{
		Kind:             jigsaw.SeatKind(rd.text("kind")),
		Title:            rd.text("title"),
		BodyID:           rd.organisation(ctx, p.Store, "body"),
		Holder:           rd.text("holder"),
		RepresentativeID: int64(rd.int("representative_id", "The number of the person")),
		MemberOrgID:      rd.organisation(ctx, p.Store, "member_organisation"),
		State:            jigsaw.SeatState(rd.text("state")),
		Date:             rd.date("date"),
		TermEnd:          rd.date("term_end"),
		PlanID:           int64(rd.int("plan_id", "The number of the plan")),
		Note:             rd.text("note"),
		Version:          formVersion(v),
	}
	addChecks(form, rd.p, s)
	return s, form
}

// seatValues fills a form with a stored seat.
func seatValues(s *jigsaw.Seat) url.Values {
	v := url.Values{}
	set := formValues(v).set
	set("kind", string(s.Kind))
	set("title", s.Title)
	set("body", s.BodyName)
	set("holder", s.Holder)
	if s.RepresentativeID != 0 {
		set("representative_id", strconv.FormatInt(s.RepresentativeID, 10))
	}
	set("member_organisation", s.MemberOrgName)
	set("state", string(s.State))
	set("date", s.Date)
	set("term_end", s.TermEnd)
	if s.PlanID != 0 {
		set("plan_id", strconv.FormatInt(s.PlanID, 10))
	}
	set("note", s.Note)
	v.Set(versionField, strconv.FormatInt(s.Version, 10))
	return v
}

// FeedQuery is the page's filters as a query for its feeds and exports.
func (v SeatListView) FeedQuery() template.URL { return template.URL(filterQuery(v.Query)) }
