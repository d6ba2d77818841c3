package api

import (
	"context"
	"net/http"
	"strconv"

	"jigsaw/internal/server/respond"
)

// record is one kind of record that editors keep through the API: dangers,
// disputes, organisations. Its JSON shapes are its own; decoding, applying a
// body to the stored record, writing and answering are the same for every
// kind. In is the kind's request body.
type record[T any, In any] struct {
	path string // the collection's path under /api/v1, "tracker"
	// blank is a new record, before a body is applied to it.
	blank func() T
	// find returns the record of the request's path as editors see it.
	find func(r *http.Request) (T, error)
	// apply copies the fields present in a body onto rec.
	apply func(in *In, rec T) error
	// create and update store the record.
	create, update func(ctx context.Context, rec T) error
	// answer returns the record as stored, in its JSON shape, and its key
	// in its address (its number, or an organisation's slug).
	answer func(ctx context.Context, rec T) (any, string, error)
}

// byPathID finds the record whose number is the path's {id}.
func byPathID[T any](find func(context.Context, int64) (T, error)) func(*http.Request) (T, error) {
	return func(r *http.Request) (T, error) {
		id, err := pathID(r, "id")
		if err != nil {
			var zero T
			return zero, err
		}
		return find(r.Context(), id)
	}
}

// readBack answers with the record as stored, read again by its number:
// the store fills in what a write leaves out, such as the names of linked
// records.
func readBack[T any, O any](find func(context.Context, int64) (T, error), id func(T) int64, out func(T) O) func(context.Context, T) (any, string, error) {
	return func(ctx context.Context, rec T) (any, string, error) {
		stored, err := find(ctx, id(rec))
		if err != nil {
			return nil, "", err
		}
		return out(stored), strconv.FormatInt(id(rec), 10), nil
	}
}

// Version is a field of every editable record's body and answer: the
// version of the record a change is made from. An update whose version is
// not the stored one is refused with 409 (another editor changed it since it
// was read); an update without one is not checked.
type Version struct {
	Version *int64 `json:"version,omitempty"`
}

// set copies a version that was sent onto dst.
func (v Version) set(dst *int64) {
	if v.Version != nil {
		*dst = *v.Version
	}
}

func versionOut(v int64) Version { return Version{&v} }

// writeCreate answers POST /api/v1/{path} with 201, the new record and its
// Location.
func writeCreate[T any, In any](a *API, k *record[T, In], w http.ResponseWriter, r *http.Request) {
	var in In
	if err := decode(r, &in); err != nil {
		a.fail(w, r, err)
		return
	}
	rec := k.blank()
	if err := k.apply(&in, rec); err != nil {
		a.fail(w, r, err)
		return
	}
	if err := k.create(r.Context(), rec); err != nil {
		a.fail(w, r, err)
		return
	}
	writeAnswer(a, k, w, r, http.StatusCreated, rec)
}

// writeUpdate answers PATCH /api/v1/{path}/{id}: the fields sent change,
// the others stay.
func writeUpdate[T any, In any](a *API, k *record[T, In], w http.ResponseWriter, r *http.Request) {
	var in In
	if err := decode(r, &in); err != nil {
		a.fail(w, r, err)
		return
	}
	rec, err := k.find(r)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	if err := k.apply(&in, rec); err != nil {
		a.fail(w, r, err)
		return
	}
	if err := k.update(r.Context(), rec); err != nil {
		a.fail(w, r, err)
		return
	}
	writeAnswer(a, k, w, r, http.StatusOK, rec)
}

func writeAnswer[T any, In any](a *API, k *record[T, In], w http.ResponseWriter, r *http.Request, status int, rec T) {
	out, key, err := k.answer(r.Context(), rec)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	if status == http.StatusCreated {
		w.Header().Set("Location", "/api/v1/"+k.path+"/"+key)
	}
	respond.JSON(w, status, out)
}
