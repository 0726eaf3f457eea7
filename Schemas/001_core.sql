-- Mnemo schema, version 1: the temporal hypergraph.
--
-- Conventions
--   * Every time is INTEGER microseconds since 1970-01-01T00:00:00Z (UTC).
--   * Intervals are half-open [from, to); a NULL bound is unbounded.
--   * Names are stored twice: as first written (`name`) and normalised (`norm`:
--     lower case, runs of white space folded to one space, trimmed). Look-ups use
--     `norm`; answers show `name`.
--   * Ids are the SQLite rowids; the protocol shows them with a kind letter
--     (n: entity, e: episode, f: fact, s: scene, p: persona attribute, i: insight).

-- Things the memory knows about: people, places, organisations, topics...
CREATE TABLE entity (
    id          INTEGER PRIMARY KEY,
    name        TEXT    NOT NULL,
    norm        TEXT    NOT NULL UNIQUE,
    kind        TEXT,                          -- person, place, organisation, ... or NULL if unknown
    created_at  INTEGER NOT NULL,
    archived    INTEGER NOT NULL DEFAULT 0
);

-- Other names of an entity (`alias mel = melanie`). One alias names one entity.
CREATE TABLE entity_alias (
    norm        TEXT    PRIMARY KEY,
    alias       TEXT    NOT NULL,
    entity_id   INTEGER NOT NULL REFERENCES entity(id) ON DELETE CASCADE,
    created_at  INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX entity_alias_by_entity ON entity_alias(entity_id);

-- Bounded episodes of life: a span, participants, a place, a title.
CREATE TABLE scene (
    id          INTEGER PRIMARY KEY,
    title       TEXT    NOT NULL,
    norm        TEXT    NOT NULL,
    opened_at   INTEGER NOT NULL,
    closed_at   INTEGER,                       -- NULL while the scene is open
    place_id    INTEGER REFERENCES entity(id) ON DELETE SET NULL,
    summary     TEXT,                          -- written by consolidation
    automatic   INTEGER NOT NULL DEFAULT 0,    -- 1 when made by segmentation
    created_at  INTEGER NOT NULL
);
CREATE INDEX scene_by_norm ON scene(norm);
CREATE INDEX scene_by_time ON scene(opened_at, closed_at);

CREATE TABLE scene_member (
    scene_id    INTEGER NOT NULL REFERENCES scene(id) ON DELETE CASCADE,
    entity_id   INTEGER NOT NULL REFERENCES entity(id) ON DELETE CASCADE,
    role        TEXT    NOT NULL DEFAULT 'participant',
    PRIMARY KEY (scene_id, entity_id, role)
) WITHOUT ROWID;
CREATE INDEX scene_member_by_entity ON scene_member(entity_id);

-- Raw events as received. Never rewritten.
CREATE TABLE episode (
    id          INTEGER PRIMARY KEY,
    text        TEXT    NOT NULL,
    speaker_id  INTEGER REFERENCES entity(id) ON DELETE SET NULL,
    at          INTEGER NOT NULL,              -- when it happened
    scene_id    INTEGER REFERENCES scene(id) ON DELETE SET NULL,
    ref         TEXT,                          -- the client's own id
    importance  REAL    NOT NULL DEFAULT 0.5,
    recorded_at INTEGER NOT NULL,
    archived    INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX episode_by_time ON episode(at);
CREATE INDEX episode_by_scene ON episode(scene_id, at);
CREATE INDEX episode_by_speaker ON episode(speaker_id, at);
CREATE INDEX episode_by_ref ON episode(ref) WHERE ref IS NOT NULL;

-- Full-text index of episode text: unicode61 tokens, Porter stemming.
CREATE VIRTUAL TABLE episode_fts USING fts5(
    text,
    content = 'episode',
    content_rowid = 'id',
    tokenize = 'porter unicode61 remove_diacritics 2'
);
CREATE TRIGGER episode_fts_insert AFTER INSERT ON episode BEGIN
    INSERT INTO episode_fts(rowid, text) VALUES (new.id, new.text);
END;
CREATE TRIGGER episode_fts_delete AFTER DELETE ON episode BEGIN
    INSERT INTO episode_fts(episode_fts, rowid, text) VALUES ('delete', old.id, old.text);
END;
CREATE TRIGGER episode_fts_update AFTER UPDATE OF text ON episode BEGIN
    INSERT INTO episode_fts(episode_fts, rowid, text) VALUES ('delete', old.id, old.text);
    INSERT INTO episode_fts(rowid, text) VALUES (new.id, new.text);
END;

-- Entities an episode mentions, with how: mention, speaker, addressee.
CREATE TABLE episode_entity (
    episode_id  INTEGER NOT NULL REFERENCES episode(id) ON DELETE CASCADE,
    entity_id   INTEGER NOT NULL REFERENCES entity(id) ON DELETE CASCADE,
    role        TEXT    NOT NULL DEFAULT 'mention',
    PRIMARY KEY (episode_id, entity_id, role)
) WITHOUT ROWID;
CREATE INDEX episode_entity_by_entity ON episode_entity(entity_id);

-- Temporal expressions found in an episode, resolved to absolute intervals.
CREATE TABLE episode_time (
    episode_id  INTEGER NOT NULL REFERENCES episode(id) ON DELETE CASCADE,
    position    INTEGER NOT NULL,              -- order in the text
    text        TEXT    NOT NULL,              -- the expression as written
    from_time   INTEGER NOT NULL,
    to_time     INTEGER NOT NULL,
    PRIMARY KEY (episode_id, position)
) WITHOUT ROWID;
CREATE INDEX episode_time_by_time ON episode_time(from_time, to_time);

-- Predicates, declared (`declare works_at(person, organisation) functional`) or
-- first seen in an assertion. `roles` is a JSON array of role names, NULL when
-- undeclared (positional roles are then named _1, _2, ...).
CREATE TABLE predicate (
    id          INTEGER PRIMARY KEY,
    name        TEXT    NOT NULL UNIQUE,
    roles       TEXT,
    functional  INTEGER NOT NULL DEFAULT 0,
    declared_at INTEGER
);

-- Facts: n-ary hyperedges. The valid/recorded columns hold the memory's current
-- belief about the fact; earlier beliefs live in fact_belief.
CREATE TABLE fact (
    id            INTEGER PRIMARY KEY,
    predicate_id  INTEGER NOT NULL REFERENCES predicate(id),
    key           INTEGER NOT NULL,            -- hash of predicate + fillers: duplicates are found through
                                               -- fact_role_by_filler, then compared by key
    valid_from    INTEGER,
    valid_to      INTEGER,
    recorded_at   INTEGER NOT NULL,
    retracted_at  INTEGER,
    confidence    REAL    NOT NULL DEFAULT 1.0,
    origin        TEXT    NOT NULL DEFAULT 'user',  -- user, rule, consolidation, reflector
    note          TEXT,                        -- free-text source label (`source "hr sync"`)
    scene_id      INTEGER REFERENCES scene(id) ON DELETE SET NULL,
    superseded_by INTEGER REFERENCES fact(id) ON DELETE SET NULL,
    archived      INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX fact_by_predicate ON fact(predicate_id);
CREATE INDEX fact_by_valid_time ON fact(valid_from, valid_to) WHERE valid_from IS NOT NULL OR valid_to IS NOT NULL;
CREATE INDEX fact_by_scene ON fact(scene_id) WHERE scene_id IS NOT NULL;

-- Beliefs the memory held about a fact before it changed its mind (a
-- supersession closing the valid interval after the fact was recorded). With the
-- current belief in `fact`, they answer `known as of`.
CREATE TABLE fact_belief (
    fact_id       INTEGER NOT NULL REFERENCES fact(id) ON DELETE CASCADE,
    valid_from    INTEGER,
    valid_to      INTEGER,
    recorded_at   INTEGER NOT NULL,
    retracted_at  INTEGER NOT NULL,
    PRIMARY KEY (fact_id, recorded_at)
) WITHOUT ROWID;

-- The incidences of the hypergraph: one row per (fact, argument position, list
-- item). `kind` says what `value` holds: 0 entity id, 1 text, 2 number,
-- 3 time (microseconds). `predicate_id` is repeated here so that "facts of P
-- whose subject is X" is one index range.
-- (No foreign key to fact: the row is always written right after its fact, and
-- deleting a fact deletes its roles explicitly; the check would cost every
-- assertion two look-ups.)
CREATE TABLE fact_role (
    fact_id       INTEGER NOT NULL,
    position      INTEGER NOT NULL,
    item          INTEGER NOT NULL,            -- -1 for a single filler, 0... for list items
    role          TEXT    NOT NULL,
    predicate_id  INTEGER NOT NULL,
    kind          INTEGER NOT NULL,
    value                 NOT NULL,        -- no declared type: values keep their own type
    PRIMARY KEY (fact_id, position, item)
) WITHOUT ROWID;
CREATE INDEX fact_role_by_filler ON fact_role(kind, value, predicate_id, position);

-- Provenance: the episodes a fact came from.
CREATE TABLE fact_source (
    fact_id     INTEGER NOT NULL REFERENCES fact(id) ON DELETE CASCADE,
    episode_id  INTEGER NOT NULL REFERENCES episode(id) ON DELETE CASCADE,
    PRIMARY KEY (fact_id, episode_id)
) WITHOUT ROWID;
CREATE INDEX fact_source_by_episode ON fact_source(episode_id);

-- What `forget` deleted, when, and how much: the ids and counts, never the
-- forgotten content itself.
CREATE TABLE forget_journal (
    id          INTEGER PRIMARY KEY,
    at          INTEGER NOT NULL,
    target      TEXT    NOT NULL,              -- e.g. "n:17"
    deleted     TEXT    NOT NULL               -- JSON: {"facts": [...], "episodes": [...], ...}
);

-- When each node was mentioned or recalled; with the node's own creation time
-- these give ACT-R's base-level activation. node_kind is the id letter.
CREATE TABLE activation (
    node_kind   TEXT    NOT NULL,
    node_id     INTEGER NOT NULL,
    at          INTEGER NOT NULL,
    event       TEXT    NOT NULL               -- mentioned, recalled
);
CREATE INDEX activation_by_node ON activation(node_kind, node_id, at);

-- Facts about this database itself.
CREATE TABLE schema_meta (
    key         TEXT PRIMARY KEY,
    value       TEXT NOT NULL
) WITHOUT ROWID;
