package api

import (
	"encoding/base64"
	"errors"
	"net/http"
	"strconv"
	"time"

	"jigsaw"
	"jigsaw/internal/listparams"
	"jigsaw/internal/server/respond"
)

// ResourceOut is a resource of the library as the API shows it.
type ResourceOut struct {
	ID               int64        `json:"id"`
	URL              string       `json:"url"`
	Title            string       `json:"title"`
	Kind             string       `json:"kind"`
	Summary          string       `json:"summary"`
	Organisation     int64        `json:"organisation"`
	OrganisationSlug string       `json:"organisation_slug"`
	OrganisationName string       `json:"organisation_name"`
	Campaign         *int64       `json:"campaign"`
	KeyIssues        []string     `json:"key_issues"`
	Versions         []VersionOut `json:"versions"`
	CreatedAt        time.Time    `json:"created_at"`
	UpdatedAt        time.Time    `json:"updated_at"`
	Version
}

// VersionOut is a version of a resource, newest first in ResourceOut: a
// file, with the address it is downloaded from, or a link.
type VersionOut struct {
	Number    int       `json:"number"`
	Note      string    `json:"note"`
	Link      string    `json:"link,omitempty"`
	File      *FileOut  `json:"file,omitempty"`
	CreatedAt time.Time `json:"created_at"`
}

// FileOut is a version's file, without its bytes.
type FileOut struct {
	Name        string `json:"name"`
	ContentType string `json:"content_type"`
	Size        int64  `json:"size"`
	SHA256      string `json:"sha256"`
	URL         string `json:"url"`
}

func (a *API) versionOut(v jigsaw.ResourceVersion) VersionOut {
	out := VersionOut{Number: v.Number, Note: v.Note, Link: v.Link, CreatedAt: v.CreatedAt}
	if f := v.File; f != nil {
		out.File = &FileOut{Name: f.Name, ContentType: f.ContentType, Size: f.Size, SHA256: f.SHA256,
			URL: a.BaseURL + v.FilePath()}
	}
	return out
}

func (a *API) resourceOut(r *jigsaw.Resource) ResourceOut {
	out := ResourceOut{ID: r.ID, URL: a.url("resources", r.ID), Title: r.Title, Kind: string(r.Kind), Summary: r.Summary,
		Organisation: r.OrgID, OrganisationSlug: r.OrgSlug, OrganisationName: r.OrgName, KeyIssues: strs(r.KeyIssues),
		Versions: []VersionOut{}, CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt, Version: versionOut(r.Version)}
	if r.CampaignID != 0 {
		out.Campaign = &r.CampaignID
	}
	for _, v := range r.Versions {
		out.Versions = append(out.Versions, a.versionOut(v))
	}
	return out
}

// ResourceIn is the body of POST and PATCH /api/v1/resources: every field
// is optional in a PATCH. Versions are added apart (ResourceVersionIn).
type ResourceIn struct {
	Title        *string   `json:"title"`
	Kind         *string   `json:"kind"`
	Summary      *string   `json:"summary"`
	Organisation *int64    `json:"organisation"`
	Campaign     *int64    `json:"campaign"` // 0 for none
	KeyIssues    *[]string `json:"key_issues"`
	Version
}

func (in *ResourceIn) apply(r *jigsaw.Resource) error {
	in.Version.set(&r.Version)
	if in.Title != nil {
		r.Title = *in.Title
	}
	if in.Kind != nil {
		r.Kind = jigsaw.ResourceKind(*in.Kind)
	}
	if in.Summary != nil {
		r.Summary = *in.Summary
	}
	if in.Organisation != nil {
		r.OrgID = *in.Organisation
	}
	if in.Campaign != nil {
		r.CampaignID = *in.Campaign
	}
	if in.KeyIssues != nil {
		r.KeyIssues = *in.KeyIssues
	}
	return nil
}

// HandleResourceList answers GET /api/v1/resources, newest first.
func (a *API) HandleResourceList(w http.ResponseWriter, r *http.Request) {
	list[jigsaw.ResourceFilter, *jigsaw.Resource, ResourceOut]{name: "resources", cursor: "resources",
		parse: listparams.Resources, limit: func(f *jigsaw.ResourceFilter) *int { return &f.Limit }, find: a.Store.FindResources,
		out: a.resourceOut, at: func(res *jigsaw.Resource) jigsaw.After { return jigsaw.After{ID: res.ID} },
	}.handler(a)(w, r)
}

// HandleResource answers GET /api/v1/resources/{id}.
func (a *API) HandleResource(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		a.fail(w, r, err)
		return
	}
	res, err := a.Store.FindResourceByID(r.Context(), id)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	respond.JSON(w, http.StatusOK, a.resourceOut(res))
}

func (a *API) resources() *record[*jigsaw.Resource, ResourceIn] {
	return &record[*jigsaw.Resource, ResourceIn]{
		path: "resources", blank: func() *jigsaw.Resource { return &jigsaw.Resource{} },
		find: byPathID(a.Edit.FindResourceByID), apply: (*ResourceIn).apply,
		create: a.Edit.CreateResource, update: a.Edit.UpdateResource,
		answer: readBack(a.Edit.FindResourceByID, func(res *jigsaw.Resource) int64 { return res.ID }, a.resourceOut),
	}
}

// HandleResourceCreate answers POST /api/v1/resources with 201.
func (a *API) HandleResourceCreate(w http.ResponseWriter, r *http.Request) {
	writeCreate(a, a.resources(), w, r)
}

// HandleResourceUpdate answers PATCH /api/v1/resources/{id}.
func (a *API) HandleResourceUpdate(w http.ResponseWriter, r *http.Request) {
	writeUpdate(a, a.resources(), w, r)
}

// ResourceVersionIn is the body of POST /api/v1/resources/{id}/versions:
// a note and either a link or a file, its bytes in base64 inside the JSON,
// so that a version is one JSON request like every other write of the API.
type ResourceVersionIn struct {
	Note string       `json:"note"`
	Link string       `json:"link"`
	File *FileContent `json:"file"`
}

// FileContent is a file sent in a body. Its type is found from its bytes;
// its name is kept, cleaned, with the extension of that type.
type FileContent struct {
	Name   string `json:"name"`
	Base64 string `json:"content_base64"`
}

// HandleResourceVersionCreate answers POST /api/v1/resources/{id}/versions
// with 201 and the new version. A file of a type the library does not
// take is refused with 400, one larger than the limit with 413, each
// naming the field "file".
func (a *API) HandleResourceVersionCreate(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		a.fail(w, r, err)
		return
	}
	tooLarge := &jigsaw.Error{Code: jigsaw.ETOOLARGE,
		Message: "The file is larger than " + jigsaw.FormatBytes(a.MaxResourceBytes) + ", the most a file may be.",
		Fields:  map[string]string{"file": "larger than " + jigsaw.FormatBytes(a.MaxResourceBytes)}}
	var in ResourceVersionIn
	if err := decode(r, &in); err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			err = tooLarge
		}
		a.fail(w, r, err)
		return
	}
	v := &jigsaw.ResourceVersion{ResourceID: id, Note: in.Note, Link: in.Link}
	if in.File != nil {
		if int64(base64.StdEncoding.DecodedLen(len(in.File.Base64))) > a.MaxResourceBytes+2 {
			a.fail(w, r, tooLarge)
			return
		}
		data, err := base64.StdEncoding.DecodeString(in.File.Base64)
		if err != nil {
			a.fail(w, r, &jigsaw.Error{Code: jigsaw.EINVALID, Message: "The file's content is not base64.",
				Fields: map[string]string{"file.content_base64": "not base64"}})
			return
		}
		if v.File, err = jigsaw.NewResourceFile("file", in.File.Name, data, a.MaxResourceBytes); err != nil {
			a.fail(w, r, err)
			return
		}
	}
	if err := a.Edit.AddResourceVersion(r.Context(), v); err != nil {
		a.fail(w, r, err)
		return
	}
	w.Header().Set("Location", "/api/v1/resources/"+strconv.FormatInt(id, 10))
	respond.JSON(w, http.StatusCreated, a.versionOut(*v))
}

// ResourceJSON is res as the API shows it.
func (a *API) ResourceJSON(res *jigsaw.Resource) ResourceOut { return a.resourceOut(res) }
