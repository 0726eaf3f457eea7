-- Mnemo schema, version 2: what reflection and recall keep beside the raw record:
-- personas, insights, entity links and the consolidation journal.

-- Persona attributes of a person entity. Pinned ones are set by a client
-- (`persona caroline set occupation = "counsellor"`); derived ones are written
-- by consolidation, with their support.
CREATE TABLE persona_attribute (
    id          INTEGER PRIMARY KEY,
    entity_id   INTEGER NOT NULL REFERENCES entity(id) ON DELETE CASCADE,
    name        TEXT    NOT NULL,
    value       TEXT    NOT NULL,              -- JSON value
    pinned      INTEGER NOT NULL DEFAULT 0,
    valid_from  INTEGER,
    valid_to    INTEGER,
    confidence  REAL    NOT NULL DEFAULT 1.0,
    first_seen  INTEGER,
    last_seen   INTEGER,
    recorded_at INTEGER NOT NULL,
    retracted_at INTEGER,
    run_id      INTEGER                        -- the consolidation run that derived it
);
CREATE INDEX persona_attribute_by_entity ON persona_attribute(entity_id, name);

-- What supports a derived persona attribute or insight: episodes and facts.
CREATE TABLE support (
    owner_kind  TEXT    NOT NULL,              -- 'p' persona attribute, 'i' insight
    owner_id    INTEGER NOT NULL,
    item_kind   TEXT    NOT NULL,              -- 'e' episode, 'f' fact, 's' scene
    item_id     INTEGER NOT NULL,
    PRIMARY KEY (owner_kind, owner_id, item_kind, item_id)
) WITHOUT ROWID;
CREATE INDEX support_by_item ON support(item_kind, item_id);

-- Derived hyperedges: recurring patterns, trends, conflicts.
CREATE TABLE insight (
    id          INTEGER PRIMARY KEY,
    kind        TEXT    NOT NULL,              -- pattern, trend, conflict, ...
    subject_id  INTEGER REFERENCES entity(id) ON DELETE CASCADE,
    text        TEXT    NOT NULL,
    data        TEXT,                          -- JSON details
    created_at  INTEGER NOT NULL,
    run_id      INTEGER
);
CREATE INDEX insight_by_subject ON insight(subject_id, kind);

-- Reversible links between entities found to be the same (entity resolution).
CREATE TABLE entity_link (
    from_id     INTEGER NOT NULL REFERENCES entity(id) ON DELETE CASCADE,
    to_id       INTEGER NOT NULL REFERENCES entity(id) ON DELETE CASCADE,
    kind        TEXT    NOT NULL DEFAULT 'same_as',
    evidence    TEXT,
    run_id      INTEGER,
    created_at  INTEGER NOT NULL,
    PRIMARY KEY (from_id, to_id, kind)
) WITHOUT ROWID;
CREATE INDEX entity_link_by_target ON entity_link(to_id);

-- Archived nodes: excluded from default recall, never deleted.
-- (episode, fact and entity carry their own `archived` flag since version 1.)

-- One row per consolidation run, and one per change it made, so a run can be
-- reported and undone exactly.
CREATE TABLE consolidation_run (
    id          INTEGER PRIMARY KEY,
    started_at  INTEGER NOT NULL,
    finished_at INTEGER,
    status      TEXT    NOT NULL DEFAULT 'running',   -- running, done, failed, undone
    dry_run     INTEGER NOT NULL DEFAULT 0,
    summary     TEXT                           -- JSON: per-pass counts and durations
);

CREATE TABLE consolidation_change (
    run_id      INTEGER NOT NULL REFERENCES consolidation_run(id) ON DELETE CASCADE,
    seq         INTEGER NOT NULL,
    pass        TEXT    NOT NULL,
    op          TEXT    NOT NULL,              -- insert, update, delete
    table_name  TEXT    NOT NULL,
    row_key     TEXT    NOT NULL,              -- JSON primary key
    before      TEXT,                          -- JSON row before, NULL for insert
    after       TEXT,                          -- JSON row after, NULL for delete
    PRIMARY KEY (run_id, seq)
) WITHOUT ROWID;
