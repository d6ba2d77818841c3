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
//
// The social layer (inbox, followers, following, fan-out, the coalition
// view) builds on these.
package federation
