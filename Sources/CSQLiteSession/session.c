// Thin wrappers over SQLite's session extension; see include/CSQLiteSession.h.
#define SQLITE_ENABLE_SESSION 1
#define SQLITE_ENABLE_PREUPDATE_HOOK 1
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>
#include <stdio.h>
#include "CSQLiteSession.h"

int mnemo_session_begin(void *db, const char *const *tables, int count, void **session) {
    sqlite3_session *s = NULL;
    int rc = sqlite3session_create((sqlite3 *)db, "main", &s);
    if (rc != SQLITE_OK) return rc;
    for (int i = 0; i < count; i++) {
        rc = sqlite3session_attach(s, tables[i]);
        if (rc != SQLITE_OK) { sqlite3session_delete(s); return rc; }
    }
    *session = s;
    return SQLITE_OK;
}

int mnemo_session_changeset(void *session, int *size, void **changeset) {
    return sqlite3session_changeset((sqlite3_session *)session, size, changeset);
}

void mnemo_session_end(void *session) {
    if (session) sqlite3session_delete((sqlite3_session *)session);
}

int mnemo_changeset_invert(int size, const void *changeset, int *outSize, void **out) {
    return sqlite3changeset_invert(size, changeset, outSize, out);
}

typedef struct { int skipped; int conflicts; } apply_counts;

// A row changed since (DATA): the changed columns are set anyway (REPLACE).
// A row gone (NOTFOUND) or a key taken by another row (CONFLICT): skipped.
// A broken constraint or foreign key: the whole application is abandoned.
static int on_conflict(void *context, int reason, sqlite3_changeset_iter *iter) {
    (void)iter;
    apply_counts *counts = context;
    switch (reason) {
    case SQLITE_CHANGESET_DATA: return SQLITE_CHANGESET_REPLACE;
    case SQLITE_CHANGESET_NOTFOUND:
    case SQLITE_CHANGESET_CONFLICT: counts->skipped++; return SQLITE_CHANGESET_OMIT;
    default: counts->conflicts++; return SQLITE_CHANGESET_ABORT;
    }
}

int mnemo_changeset_apply(void *db, int size, void *changeset, int *skipped, int *conflicts) {
    apply_counts counts = {0, 0};
    int rc = sqlite3changeset_apply((sqlite3 *)db, size, changeset, NULL, on_conflict, &counts);
    *skipped = counts.skipped;
    *conflicts = counts.conflicts;
    return rc;
}

// A growable string for rendering values as JSON.
typedef struct { char *data; size_t length, capacity; } buffer;

static void put(buffer *b, const char *text, size_t n) {
    if (b->length + n + 1 > b->capacity) {
        size_t capacity = b->capacity ? b->capacity * 2 : 256;
        while (capacity < b->length + n + 1) capacity *= 2;
        b->data = realloc(b->data, capacity);
        b->capacity = capacity;
    }
    memcpy(b->data + b->length, text, n);
    b->length += n;
    b->data[b->length] = 0;
}

static void put_value(buffer *b, sqlite3_value *v) {
    char scratch[64];
    if (v == NULL) { put(b, "null", 4); return; }
    switch (sqlite3_value_type(v)) {
    case SQLITE_INTEGER:
        snprintf(scratch, sizeof scratch, "%lld", (long long)sqlite3_value_int64(v));
        put(b, scratch, strlen(scratch));
        break;
    case SQLITE_FLOAT:
        snprintf(scratch, sizeof scratch, "%.17g", sqlite3_value_double(v));
        put(b, scratch, strlen(scratch));
        break;
    case SQLITE_TEXT: {
        const unsigned char *t = sqlite3_value_text(v);
        int n = sqlite3_value_bytes(v);
        put(b, "\"", 1);
        for (int i = 0; i < n; i++) {
            unsigned char c = t[i];
            if (c == '"' || c == '\\') { put(b, "\\", 1); put(b, (const char *)&c, 1); }
            else if (c < 0x20) { snprintf(scratch, sizeof scratch, "\\u%04x", c); put(b, scratch, 6); }
            else put(b, (const char *)&c, 1);
        }
        put(b, "\"", 1);
        break;
    }
    case SQLITE_BLOB: {
        const unsigned char *p = sqlite3_value_blob(v);
        int n = sqlite3_value_bytes(v);
        put(b, "\"x'", 3);
        for (int i = 0; i < n; i++) { snprintf(scratch, sizeof scratch, "%02x", p[i]); put(b, scratch, 2); }
        put(b, "'\"", 2);
        break;
    }
    default:
        put(b, "null", 4);
    }
}

static void render(buffer *b, sqlite3_changeset_iter *iter, int columns, int old) {
    b->length = 0;
    put(b, "[", 1);
    for (int i = 0; i < columns; i++) {
        sqlite3_value *v = NULL;
        if (old) sqlite3changeset_old(iter, i, &v); else sqlite3changeset_new(iter, i, &v);
        if (i) put(b, ",", 1);
        put_value(b, v);
    }
    put(b, "]", 1);
}

int mnemo_changeset_visit(int size, void *changeset, void *context, mnemo_change_visitor visit) {
    sqlite3_changeset_iter *iter = NULL;
    int rc = sqlite3changeset_start(&iter, size, changeset);
    if (rc != SQLITE_OK) return rc;
    buffer before = {0}, after = {0};
    while (sqlite3changeset_next(iter) == SQLITE_ROW) {
        const char *table = NULL;
        int columns = 0, op = 0, indirect = 0;
        sqlite3changeset_op(iter, &table, &columns, &op, &indirect);
        const char *b = NULL, *a = NULL;
        if (op != SQLITE_INSERT) { render(&before, iter, columns, 1); b = before.data; }
        if (op != SQLITE_DELETE) { render(&after, iter, columns, 0); a = after.data; }
        visit(context, table, op, b, a);
    }
    free(before.data);
    free(after.data);
    return sqlite3changeset_finalize(iter);
}

void mnemo_free(void *pointer) { sqlite3_free(pointer); }
