package store

import "fmt"

// wrap prefixes *errp, when it is not nil, with op, the operation that
// failed, so that a logged error says where it came from:
//
//	store.FindUserByEmail: jigsaw error: code=not_found message=User not found.
//
// Every exported method of DB begins with
//
//	defer wrap(&err, "store.MethodName")
//
// on its named result err (pkgsite's derrors.Wrap). The error is wrapped
// with %w, so a *jigsaw.Error in it stays reachable through errors.As, and
// jigsaw.ErrorCode and jigsaw.ErrorMessage see its code and message as
// before; so do errors.Is targets such as context.Canceled. Only the error
// path allocates: a nil error is left alone.
//
// The transaction helpers (Tx, QuietTx, GroupTx, LazyTx) are not wrapped:
// they carry the errors of the operation that called them, which names
// itself. Nor is FindPublicStoryPage, the one read on a story page's path.
func wrap(errp *error, op string) {
	if *errp != nil {
		*errp = fmt.Errorf("%s: %w", op, *errp)
	}
}
