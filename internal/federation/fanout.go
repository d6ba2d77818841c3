package federation

import (
	"context"
	"encoding/json"
	"fmt"

	"jigsaw"
	"jigsaw/internal/deliver"
)

// Consumer is the consumer of the change log that announces public
// changes to followers.
func (s *Social) Consumer() deliver.Consumer {
	return deliver.Consumer{Name: ChannelActivityPub, Plan: s.Plan}
}

// Plan turns changes into activities for the followers (deliver.Consumer's
// Plan): a Create or Update of the item's public view, a Delete of a
// tombstone when it stopped being public; each to the distinct inboxes of
// the followers, one payload per change. With no followers nothing is
// queued, and the changes are read all the same.
func (s *Social) Plan(ctx context.Context, cs []jigsaw.Change) ([]jigsaw.Outgoing, error) {
	inboxes, err := s.DB.FollowerInboxes(ctx)
	if err != nil || len(inboxes) == 0 {
		return nil, err
	}
	var out []jigsaw.Outgoing
	for _, c := range cs {
		var obj map[string]any
		if c.Action == jigsaw.ChangeDelete {
			obj = s.Documents.Objects.Tombstone(c.Kind, c.ObjectID)
		} else {
			var err error
			obj, err = s.Documents.object(ctx, c.Kind, c.ObjectID)
			if jigsaw.ErrorCode(err) == jigsaw.ENOTFOUND {
				continue // no longer public: its own change follows
			} else if err != nil {
				return nil, err
			}
		}
		body, err := json.Marshal(s.Documents.Objects.Activity(c.Action, obj, c.At))
		if err != nil {
			return nil, err
		}
		out = append(out, jigsaw.Outgoing{Channel: ChannelActivityPub, ContentType: ContentType, Body: body,
			Summary: fmt.Sprintf("%s %s %d", c.Action, c.Kind, c.ObjectID), Targets: inboxes})
	}
	return out, nil
}

// Deliver posts one queued activity to its inbox, signed with the
// instance key (the channel's deliver.Func).
func (s *Social) Deliver(ctx context.Context, d *jigsaw.Delivery) (int, error) {
	keyID, key, err := s.Keys.Signer(ctx)
	if err != nil {
		return 0, err
	}
	return s.Client.PostSigned(ctx, d.Target, d.Body, keyID, key)
}
