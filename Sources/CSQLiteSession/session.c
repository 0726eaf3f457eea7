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

int mnemo_snapshot_changeset(void *db, const char *const *tables, int count, const char *empty, int *size, void **changeset) {
    sqlite3_session *s = NULL;
    int rc = sqlite3session_create((sqlite3 *)db, "main", &s);
    if (rc != SQLITE_OK) return rc;
    for (int i = 0; i < count && rc == SQLITE_OK; i++) {
        rc = sqlite3session_attach(s, tables[i]);
        if (rc == SQLITE_OK) rc = sqlite3session_diff(s, empty, tables[i], NULL);
    }
    if (rc == SQLITE_OK) rc = sqlite3session_changeset(s, size, changeset);
    sqlite3session_delete(s);
    return rc;
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

// Applying another replica's change: the rows it expects are there, as they
// were on the writer, but for what this replica's own cascades and triggers did
// first (the writer's session recorded those rows too). So a delete of a row
// already gone is skipped, and an update of a row a cascade changed (ON DELETE
// SET NULL) is applied anyway; anything else means the replica differs from
// the writer's file, and the whole application is abandoned.
static int on_replica_conflict(void *context, int reason, sqlite3_changeset_iter *iter) {
    apply_counts *counts = context;
    const char *table = NULL;
    int columns = 0, op = 0, indirect = 0;
    sqlite3changeset_op(iter, &table, &columns, &op, &indirect);
    if (reason == SQLITE_CHANGESET_NOTFOUND && op == SQLITE_DELETE) { counts->skipped++; return SQLITE_CHANGESET_OMIT; }
    if (reason == SQLITE_CHANGESET_DATA) return SQLITE_CHANGESET_REPLACE;
    counts->conflicts++;
    return SQLITE_CHANGESET_ABORT;
}

int mnemo_changeset_apply_replica(void *db, int size, void *changeset, int *conflicts) {
    apply_counts counts = {0, 0};
    int rc = sqlite3changeset_apply((sqlite3 *)db, size, changeset, NULL, on_replica_conflict, &counts);
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

// Writing a changeset: the format of sqlite3session.c, which the session
// extension reads back (a table header, then its changes; a record is one
// type byte per column followed by the value).
typedef struct { unsigned char *data; sqlite3_int64 length, capacity; int failed; } output;

static void emit(output *o, const void *bytes, sqlite3_int64 n) {
    if (o->failed) return;
    if (o->length + n > o->capacity) {
        sqlite3_int64 capacity = o->capacity ? o->capacity * 2 : 1024;
        while (capacity < o->length + n) capacity *= 2;
        unsigned char *grown = sqlite3_realloc64(o->data, (sqlite3_uint64)capacity);
        if (!grown) { o->failed = 1; return; }
        o->data = grown;
        o->capacity = capacity;
    }
    memcpy(o->data + o->length, bytes, (size_t)n);
    o->length += n;
}

static void emit_byte(output *o, unsigned char byte) { emit(o, &byte, 1); }

// Reading one: the same format, parsed in place. No value is copied or
// allocated, unlike sqlite3changeset_next, which makes an sqlite3_value of
// every column of every change: `forget` reads the whole journal
// (docs/benchmarks.md#forget).
typedef struct { const unsigned char *p, *end; } input;

static int read_varint(input *in, sqlite3_uint64 *v) {
    sqlite3_uint64 x = 0;
    for (int i = 0; i < 9; i++) {
        if (in->p >= in->end) return 0;
        unsigned char c = *in->p++;
        if (i == 8) { *v = (x << 8) | c; return 1; }
        x = (x << 7) | (c & 0x7f);
        if (!(c & 0x80)) { *v = x; return 1; }
    }
    return 0;
}

// One value of a record; `*start` is where its bytes begin.
static int read_value(input *in, mnemo_value *out, const unsigned char **start) {
    memset(out, 0, sizeof *out);
    if (in->p >= in->end) return 0;
    *start = in->p;
    int type = *in->p++;
    out->type = type;
    switch (type) {
    case 0:
    case SQLITE_NULL:
        return 1;
    case SQLITE_INTEGER:
    case SQLITE_FLOAT: {
        if (in->end - in->p < 8) return 0;
        sqlite3_uint64 v = 0;
        for (int i = 0; i < 8; i++) v = (v << 8) | in->p[i];
        in->p += 8;
        if (type == SQLITE_INTEGER) out->integer = (long long)v;
        return 1;
    }
    case SQLITE_TEXT:
    case SQLITE_BLOB: {
        sqlite3_uint64 n = 0;
        if (!read_varint(in, &n) || n > (sqlite3_uint64)(in->end - in->p)) return 0;
        out->bytes = in->p;
        out->length = (int)n;
        in->p += n;
        return 1;
    }
    default:
        return 0;
    }
}

// A record of `columns` values; spans[i] .. spans[i + 1] are value i's bytes.
static int read_record(input *in, int columns, mnemo_value *values, const unsigned char **spans) {
    for (int i = 0; i < columns; i++) {
        if (!read_value(in, &values[i], &spans[i])) return 0;
    }
    spans[columns] = in->p;
    return 1;
}

// A record again, without the redacted columns: an update's become undefined
// (type 0), an insert's or a delete's NULL.
static void emit_record(output *o, int columns, const unsigned char *pk, const unsigned char **spans,
                        unsigned long long redact, unsigned char blank) {
    for (int i = 0; i < columns; i++) {
        if (!pk[i] && (redact & (1ULL << i))) emit_byte(o, blank);
        else emit(o, spans[i], spans[i + 1] - spans[i]);
    }
}

int mnemo_changeset_filter(int size, const void *changeset, void *context, mnemo_change_filter filter,
                           int *outSize, void **out, int *kept) {
    *outSize = 0;
    *out = NULL;
    *kept = 0;
    input in = { changeset, (const unsigned char *)changeset + (size > 0 ? size : 0) };
    output o = {0};
    const unsigned char *header = NULL, *pk = NULL;
    sqlite3_int64 headerLength = 0;
    const char *table = NULL;
    int columns = 0, headed = 0, rc = SQLITE_OK;
    mnemo_value before[64], after[64];
    const unsigned char *oldSpans[65], *newSpans[65];
    while (in.p < in.end && rc == SQLITE_OK) {
        const unsigned char *start = in.p;
        int op = *in.p++;
        if (op == 'T') {
            sqlite3_uint64 n = 0;
            if (!read_varint(&in, &n) || n == 0 || n > 64 || n > (sqlite3_uint64)(in.end - in.p)) { rc = n > 64 ? SQLITE_TOOBIG : SQLITE_CORRUPT; break; }
            columns = (int)n;
            pk = in.p;
            in.p += columns;
            const unsigned char *nul = memchr(in.p, 0, (size_t)(in.end - in.p));
            if (!nul) { rc = SQLITE_CORRUPT; break; }
            table = (const char *)in.p;
            in.p = nul + 1;
            header = start;
            headerLength = in.p - start;
            headed = 0;
            continue;
        }
        if (!table || (op != SQLITE_INSERT && op != SQLITE_UPDATE && op != SQLITE_DELETE) || in.p >= in.end) { rc = SQLITE_CORRUPT; break; }
        int indirect = *in.p++;
        const mnemo_value *b = NULL, *a = NULL;
        if (op != SQLITE_INSERT) {
            if (!read_record(&in, columns, before, oldSpans)) { rc = SQLITE_CORRUPT; break; }
            b = before;
        }
        if (op != SQLITE_DELETE) {
            if (!read_record(&in, columns, after, newSpans)) { rc = SQLITE_CORRUPT; break; }
            a = after;
        }
        unsigned long long redact = 0;
        if (!filter(context, table, op, columns, b, a, &redact)) continue;
        if (redact && op == SQLITE_UPDATE) {
            int changed = 0;
            for (int i = 0; i < columns; i++) {
                if (!pk[i] && !(redact & (1ULL << i)) && after[i].type != 0) changed = 1;
            }
            if (!changed) continue;
        }
        if (!headed) { emit(&o, header, headerLength); headed = 1; }
        if (!redact) {
            emit(&o, start, in.p - start);
        } else {
            emit_byte(&o, (unsigned char)op);
            emit_byte(&o, (unsigned char)indirect);
            unsigned char blank = op == SQLITE_UPDATE ? 0 : SQLITE_NULL;
            if (op != SQLITE_INSERT) emit_record(&o, columns, pk, oldSpans, redact, blank);
            if (op != SQLITE_DELETE) emit_record(&o, columns, pk, newSpans, redact, blank);
        }
        *kept += 1;
    }
    if (rc == SQLITE_OK && o.failed) rc = SQLITE_NOMEM;
    if (rc != SQLITE_OK) { sqlite3_free(o.data); *kept = 0; return rc; }
    if (o.length > 0x7fffffff) { sqlite3_free(o.data); *kept = 0; return SQLITE_TOOBIG; }
    *out = o.data;
    *outSize = (int)o.length;
    return SQLITE_OK;
}
