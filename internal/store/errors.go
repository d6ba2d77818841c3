package store

import (
	"errors"
	"fmt"
	"io/fs"
	"syscall"

	"jigsaw"
)

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

// withDetail returns e with detail behind it, for the log: errors.As finds
// e, so people see e's code and message, while the error's text ends with
// detail's — the driver's words, a temporary file's path — which a person
// is never shown.
func withDetail(e *jigsaw.Error, detail error) error {
	return fmt.Errorf("%w: %w", e, detail)
}

// fileReason says in plain words why a file could not be read or written,
// for a message that names the file itself: the error's own text names
// the path again, or a temporary one beside it, and the driver's codes.
func fileReason(err error) string {
	if r, ok := sqliteReason(err); ok {
		return r
	}
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return "no such file or directory"
	case errors.Is(err, fs.ErrPermission):
		return "permission denied"
	case errors.Is(err, syscall.ENOSPC), errors.Is(err, syscall.EDQUOT):
		return "the disk is full"
	case errors.Is(err, syscall.EROFS):
		return "the file system is read-only"
	case errors.Is(err, syscall.EISDIR):
		return "it is a directory"
	}
	// Other errors of the system: its words, without the path.
	var errno syscall.Errno
	if errors.As(err, &errno) {
		return errno.Error()
	}
	return "an unexpected error"
}
