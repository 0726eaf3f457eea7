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

/// Applies another replica's changeset to `db` (see session.c): a delete of a
/// row already gone is skipped, an update of a row a cascade changed is
/// applied; any other difference aborts it all (SQLITE_ABORT), counted in
/// `*conflicts`.
int mnemo_changeset_apply_replica(void *db, int size, void *changeset, int *conflicts);

/// One change of a changeset, rendered for the journal: the table, the
/// operation (SQLITE_INSERT 18, SQLITE_UPDATE 23, SQLITE_DELETE 9), and the
/// row before and after as JSON arrays of column values (NULL pointers when
/// the operation has no such side; for an update, unchanged columns are null).
typedef void (*mnemo_change_visitor)(void *context, const char *table, int op, const char *before, const char *after);

/// Calls `visit` for every change of the changeset, in order.
int mnemo_changeset_visit(int size, void *changeset, void *context, mnemo_change_visitor visit);

/// One column of a change as `mnemo_changeset_filter` shows it: `type` 0 when
/// the change does not carry the column (an update's unchanged column), else
/// SQLITE_INTEGER, SQLITE_FLOAT, SQLITE_TEXT, SQLITE_BLOB or SQLITE_NULL.
/// `bytes` (text or blob) is valid only during the call.
typedef struct {
    int type;
    long long integer;
    const void *bytes;
    int length;
} mnemo_value;

/// Decides about one change: returns 0 to leave it out, 1 to keep it. Setting
/// bit i of `*redact` keeps it without column i's value (a non-key column):
/// an insert or a delete then holds NULL there; an update no longer changes
/// that column, and is left out when it changed nothing else.
typedef int (*mnemo_change_filter)(void *context, const char *table, int op, int columns,
                                   const mnemo_value *before, const mnemo_value *after, unsigned long long *redact);

/// A copy of a changeset with only the changes `filter` keeps, redacted as it
/// says (free it with mnemo_free; NULL and size 0 when nothing is kept).
/// `*kept` counts the changes written.
int mnemo_changeset_filter(int size, const void *changeset, void *context, mnemo_change_filter filter,
                           int *outSize, void **out, int *kept);

/// Every row of the named tables of `main` as one changeset of inserts: the
/// difference from the same tables, empty, in the attached database `empty`
/// (free it with mnemo_free).
int mnemo_snapshot_changeset(void *db, const char *const *tables, int count, const char *empty, int *size, void **changeset);

void mnemo_free(void *pointer);

#endif
