package api

import "jigsaw"

// The exports of the public lists (/stories.json and the others, served by
// internal/web) give the same objects as the API's lists: these give them
// their shapes.

// StoryJSON is s as the API shows it.
func (a *API) StoryJSON(s *jigsaw.PublicStory) StoryOut { return a.storyOut(s) }

// TrackerJSON is t as the API shows it to the public.
func (a *API) TrackerJSON(t *jigsaw.TrackerItem) TrackerOut { return a.trackerOut(t) }

// DisputeJSON is d as the API shows it.
func (a *API) DisputeJSON(d *jigsaw.Dispute) DisputeOut { return a.disputeOut(d) }

// OrganisationJSON is o as the API shows it.
func (a *API) OrganisationJSON(o *jigsaw.Organisation) OrganisationOut { return a.organisationOut(o) }
