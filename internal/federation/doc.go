// Package federation speaks ActivityPub for Jigsaw: the instance actor and
// its documents, signed requests both ways, and the objects public items
// become when they go out.
//
// The protocol layer (files httpsig, digest, keys, documents, objects,
// client):
//
//   - Sign(r, body, keyID, key) signs an outgoing request as Mastodon does
//     (draft-cavage, rsa-sha256, Digest). Verify(r, body, keys, now) checks an
//     incoming one, draft-cavage or RFC 9421 (with Content-Digest), and
//     returns the key id; its errors wrap ErrNoSignature, ErrBadSignature,
//     ErrDigestMismatch, ErrStaleDate, ErrUnknownKey or ErrUnsigned and carry
//     jigsaw.EUNAUTHORIZED (401). KeyLookup is how Verify finds keys.
//   - Digest(body) and ContentDigest(body) are the header values for a body.
//   - InstanceKeys (NewInstanceKeys(db, baseURL)) is the instance actor's
//     RSA-2048 key, made on first use and kept in the database: Signer(ctx)
//     gives the key id (BASE/actor#main-key) and private key to sign with,
//     PublicKeyPEM(ctx) the public key, RotateKey(ctx) replaces it (the old
//     one is kept a day as retired). GenerateKey and ParsePublicKey are the
//     PEM helpers.
//   - ActorKeys caches other servers' actors (table remote_actors): its
//     Lookup method is the KeyLookup for Verify; ActorForKey(ctx, keyID,
//     refresh) gives the actor that owns a key (the inbox checks that it
//     is the activity's actor), Actor(ctx, url, refresh) an actor by URL
//     (jigsaw.RemoteActor: inbox, shared inbox, domain). Fetches are signed
//     GETs, at most one a minute per actor, again after a day.
//   - Client.PostSigned(ctx, inbox, body, keyID, key) delivers an activity
//     and Client.GetSigned(ctx, url, keyID, key) fetches a document (1 MB
//     at most); a 4xx other than 408/429 is a permanent error.
//   - Builder (App.FedObjects) builds what public items become:
//     Object(item) for a *jigsaw.PublicStory, a published *jigsaw.TrackerItem,
//     a *jigsaw.Dispute or a public *jigsaw.Event (Articles and Events, ids
//     BASE/ap/{kind}/{id}); Tombstone(kind, id) for a delete;
//     Activity(action jigsaw.ChangeAction, obj, at) wraps either in a Create,
//     Update or Delete by the instance actor. ObjectID and PageURL give an
//     item's object id and public page.
//   - Documents answers GET /.well-known/webfinger, /.well-known/nodeinfo,
//     /nodeinfo/2.1, /actor, /actor/outbox and /ap/{kind}/{id};
//     ActorURL(baseURL) is the instance actor's id (BASE/actor), whose
//     preferredUsername is ActorUsername ("instance").
//
// The social layer (inbox, followers, following, fan-out, the coalition
// view) builds on these.
package federation
