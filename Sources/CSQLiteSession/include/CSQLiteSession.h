#ifndef MNEMO_CSQLITESESSION_H
#define MNEMO_CSQLITESESSION_H
// SQLite's session extension (changesets), which the system libsqlite3 carries
// but declares only under SQLITE_ENABLE_SESSION. This target compiles the few
// calls consolidation needs against that declaration and exposes them with
// opaque pointers, so that Swift code importing GRDB's SQLite module does not
// see the sqlite3.h declarations twice.
#include <stddef.h>

/// Starts recording the changes made on `db` to the named tables.
/// Returns an SQLite result code; `*session` is set on success.
int mnemo_session_begin(void *db, const char *const *tables, int count, void **session);

/// The changes recorded so far as a changeset (free it with mnemo_free).
int mnemo_session_changeset(void *session, int *size, void **changeset);

/// Stops recording and frees the session.
void mnemo_session_end(void *session);

/// The inverse of a changeset (free it with mnemo_free).
int mnemo_changeset_invert(int size, const void *changeset, int *outSize, void **out);

/// Applies a changeset to `db`. A change whose row is gone (or whose key
/// another row now holds) is skipped and counted in `*skipped`; a change whose
/// row differs from what the changeset expects is applied to the columns it
/// names; a change that would break a constraint or foreign key aborts the
/// whole application (SQLITE_ABORT) and is counted in `*conflicts`.
int mnemo_changeset_apply(void *db, int size, void *changeset, int *skipped, int *conflicts);

/// One change of a changeset, rendered for the journal: the table, the
/// operation (SQLITE_INSERT 18, SQLITE_UPDATE 23, SQLITE_DELETE 9), and the
/// row before and after as JSON arrays of column values (NULL pointers when
/// the operation has no such side; for an update, unchanged columns are null).
typedef void (*mnemo_change_visitor)(void *context, const char *table, int op, const char *before, const char *after);

/// Calls `visit` for every change of the changeset, in order.
int mnemo_changeset_visit(int size, void *changeset, void *context, mnemo_change_visitor visit);

void mnemo_free(void *pointer);

#endif
