-- The core of a space on PostgreSQL: entities, scenes, episodes, facts and
-- their roles, the activation log, forget's journal.
--
-- Made for sharding by space: every table but `space` carries `space_id`, and
-- every primary key, foreign key and index starts with it, so that a
-- distributed engine (Citus, YugabyteDB) can shard by space and keep a
-- space's joins on one node. `space` itself is the directory of spaces by
-- name, small, written only when a space is made: a reference table there.
-- What changes at every write is in `space_state`, sharded like the rest.
-- Ids are unique within a space and assigned by the space's single writer
-- from `space_state.next_id`, not by sequences, which a distributed engine
-- cannot keep in order cheaply. A write to a space begins by bumping its
-- `change_seq`: the row lock that takes serialises the space's writers across
-- daemons, and the new value tells the other daemons what to catch up to
-- (`PostgresSpaces`).
-- Times are microseconds since the Unix epoch, as in the SQLite schema.

CREATE TABLE space (
    space_id    bigint  GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name        text    NOT NULL UNIQUE,
    created_at  bigint  NOT NULL
);

CREATE TABLE space_state (
    space_id    bigint  PRIMARY KEY,
    next_id     bigint  NOT NULL DEFAULT 1,      -- the next id the writer hands out, any table
    change_seq  bigint  NOT NULL DEFAULT 0       -- bumped by every commit; daemons follow it
);

CREATE TABLE entity (
    space_id    bigint  NOT NULL,
    id          bigint  NOT NULL,
    name        text    NOT NULL,
    norm        text    NOT NULL,
    kind        text,
    created_at  bigint  NOT NULL,
    archived    boolean NOT NULL DEFAULT false,
    PRIMARY KEY (space_id, id),
    UNIQUE (space_id, norm)
);

CREATE TABLE entity_alias (
    space_id    bigint  NOT NULL,
    norm        text    NOT NULL,
    alias       text    NOT NULL,
    entity_id   bigint  NOT NULL,
    created_at  bigint  NOT NULL,
    PRIMARY KEY (space_id, norm),
    FOREIGN KEY (space_id, entity_id) REFERENCES entity (space_id, id) ON DELETE CASCADE
);
CREATE INDEX entity_alias_by_entity ON entity_alias (space_id, entity_id);

CREATE TABLE scene (
    space_id    bigint  NOT NULL,
    id          bigint  NOT NULL,
    title       text    NOT NULL,
    norm        text    NOT NULL,
    opened_at   bigint  NOT NULL,
    closed_at   bigint,
    place_id    bigint,
    summary     text,
    automatic   boolean NOT NULL DEFAULT false,
    created_at  bigint  NOT NULL,
    PRIMARY KEY (space_id, id),
    FOREIGN KEY (space_id, place_id) REFERENCES entity (space_id, id) ON DELETE SET NULL (place_id)
);
CREATE INDEX scene_by_norm ON scene (space_id, norm);
CREATE INDEX scene_by_time ON scene (space_id, opened_at, closed_at);

CREATE TABLE scene_member (
    space_id    bigint  NOT NULL,
    scene_id    bigint  NOT NULL,
    entity_id   bigint  NOT NULL,
    role        text    NOT NULL DEFAULT 'participant',
    PRIMARY KEY (space_id, scene_id, entity_id, role),
    FOREIGN KEY (space_id, scene_id) REFERENCES scene (space_id, id) ON DELETE CASCADE,
    FOREIGN KEY (space_id, entity_id) REFERENCES entity (space_id, id) ON DELETE CASCADE
);
CREATE INDEX scene_member_by_entity ON scene_member (space_id, entity_id);

CREATE TABLE episode (
    space_id    bigint  NOT NULL,
    id          bigint  NOT NULL,
    text        text    NOT NULL,
    speaker_id  bigint,
    at          bigint  NOT NULL,
    scene_id    bigint,
    ref         text,
    importance  double precision NOT NULL DEFAULT 0.5,
    recorded_at bigint  NOT NULL,
    archived    boolean NOT NULL DEFAULT false,
    PRIMARY KEY (space_id, id),
    FOREIGN KEY (space_id, speaker_id) REFERENCES entity (space_id, id) ON DELETE SET NULL (speaker_id),
    FOREIGN KEY (space_id, scene_id) REFERENCES scene (space_id, id) ON DELETE SET NULL (scene_id)
);
CREATE INDEX episode_by_time ON episode (space_id, at);
CREATE INDEX episode_by_scene ON episode (space_id, scene_id, at);
CREATE INDEX episode_by_speaker ON episode (space_id, speaker_id, at);
CREATE INDEX episode_by_ref ON episode (space_id, ref) WHERE ref IS NOT NULL;

CREATE TABLE episode_entity (
    space_id    bigint  NOT NULL,
    episode_id  bigint  NOT NULL,
    entity_id   bigint  NOT NULL,
    role        text    NOT NULL DEFAULT 'mention',
    PRIMARY KEY (space_id, episode_id, entity_id, role),
    FOREIGN KEY (space_id, episode_id) REFERENCES episode (space_id, id) ON DELETE CASCADE,
    FOREIGN KEY (space_id, entity_id) REFERENCES entity (space_id, id) ON DELETE CASCADE
);
CREATE INDEX episode_entity_by_entity ON episode_entity (space_id, entity_id);

CREATE TABLE episode_time (
    space_id    bigint  NOT NULL,
    episode_id  bigint  NOT NULL,
    position    integer NOT NULL,
    text        text    NOT NULL,
    from_time   bigint  NOT NULL,
    to_time     bigint  NOT NULL,
    PRIMARY KEY (space_id, episode_id, position),
    FOREIGN KEY (space_id, episode_id) REFERENCES episode (space_id, id) ON DELETE CASCADE
);
CREATE INDEX episode_time_by_time ON episode_time (space_id, from_time, to_time);

CREATE TABLE predicate (
    space_id    bigint  NOT NULL,
    id          bigint  NOT NULL,
    name        text    NOT NULL,
    roles       text,                            -- a JSON array of role names, NULL when undeclared
    functional  boolean NOT NULL DEFAULT false,
    declared_at bigint,
    PRIMARY KEY (space_id, id),
    UNIQUE (space_id, name)
);

CREATE TABLE fact (
    space_id      bigint  NOT NULL,
    id            bigint  NOT NULL,
    predicate_id  bigint  NOT NULL,
    key           bigint  NOT NULL,              -- hash of predicate + fillers, for duplicates
    valid_from    bigint,
    valid_to      bigint,
    recorded_at   bigint  NOT NULL,
    retracted_at  bigint,
    confidence    double precision NOT NULL DEFAULT 1.0,
    origin        text    NOT NULL DEFAULT 'user',
    note          text,
    scene_id      bigint,
    superseded_by bigint,
    archived      boolean NOT NULL DEFAULT false,
    PRIMARY KEY (space_id, id),
    FOREIGN KEY (space_id, predicate_id) REFERENCES predicate (space_id, id),
    FOREIGN KEY (space_id, scene_id) REFERENCES scene (space_id, id) ON DELETE SET NULL (scene_id),
    FOREIGN KEY (space_id, superseded_by) REFERENCES fact (space_id, id) ON DELETE SET NULL (superseded_by)
);
CREATE INDEX fact_by_predicate ON fact (space_id, predicate_id, id);
CREATE INDEX fact_by_key ON fact (space_id, key);
CREATE INDEX fact_by_valid_time ON fact (space_id, valid_from, valid_to) WHERE valid_from IS NOT NULL OR valid_to IS NOT NULL;
CREATE INDEX fact_by_scene ON fact (space_id, scene_id) WHERE scene_id IS NOT NULL;

CREATE TABLE fact_belief (
    space_id      bigint  NOT NULL,
    fact_id       bigint  NOT NULL,
    valid_from    bigint,
    valid_to      bigint,
    recorded_at   bigint  NOT NULL,
    retracted_at  bigint  NOT NULL,
    PRIMARY KEY (space_id, fact_id, recorded_at),
    FOREIGN KEY (space_id, fact_id) REFERENCES fact (space_id, id) ON DELETE CASCADE
);

-- A filler keeps its type in `kind` and its value in the one column of that
-- type (SQLite's column has no declared type and keeps each value's own):
-- an entity's id or a time in `value_int`, a number in `value_real`, a text
-- in `value_text`.
CREATE TABLE fact_role (
    space_id      bigint  NOT NULL,
    fact_id       bigint  NOT NULL,
    position      integer NOT NULL,
    item          integer NOT NULL,              -- -1 for a single filler, 0... for list items
    role          text    NOT NULL,
    predicate_id  bigint  NOT NULL,
    kind          smallint NOT NULL,
    value_int     bigint,
    value_real    double precision,
    value_text    text,
    PRIMARY KEY (space_id, fact_id, position, item),
    FOREIGN KEY (space_id, fact_id) REFERENCES fact (space_id, id) ON DELETE CASCADE,
    CHECK (num_nonnulls(value_int, value_real, value_text) = 1)
);
CREATE INDEX fact_role_by_int ON fact_role (space_id, value_int, kind, predicate_id, position) WHERE value_int IS NOT NULL;
CREATE INDEX fact_role_by_real ON fact_role (space_id, value_real, kind, predicate_id, position) WHERE value_real IS NOT NULL;
CREATE INDEX fact_role_by_text ON fact_role (space_id, value_text, kind, predicate_id, position) WHERE value_text IS NOT NULL;

CREATE TABLE fact_source (
    space_id    bigint  NOT NULL,
    fact_id     bigint  NOT NULL,
    episode_id  bigint  NOT NULL,
    PRIMARY KEY (space_id, fact_id, episode_id),
    FOREIGN KEY (space_id, fact_id) REFERENCES fact (space_id, id) ON DELETE CASCADE,
    FOREIGN KEY (space_id, episode_id) REFERENCES episode (space_id, id) ON DELETE CASCADE
);
CREATE INDEX fact_source_by_episode ON fact_source (space_id, episode_id);

CREATE TABLE forget_journal (
    space_id    bigint  NOT NULL,
    id          bigint  NOT NULL,
    at          bigint  NOT NULL,
    target      text    NOT NULL,
    deleted     text    NOT NULL,                -- JSON: what was deleted, by kind
    PRIMARY KEY (space_id, id)
);

-- `seq` orders accesses of one node at the same microsecond, as SQLite's rowid does.
CREATE TABLE activation (
    space_id    bigint  NOT NULL,
    node_kind   text    NOT NULL,
    node_id     bigint  NOT NULL,
    at          bigint  NOT NULL,
    seq         bigint  NOT NULL,
    event       text    NOT NULL,                -- mentioned, recalled
    PRIMARY KEY (space_id, node_kind, node_id, at, seq)
);

-- Past 32 accesses of a node, the older ones folded into segments (the
-- SQLite schema's 009_activation_folded).
CREATE TABLE activation_folded (
    space_id    bigint  NOT NULL,
    node_kind   text    NOT NULL,
    node_id     bigint  NOT NULL,
    count       integer NOT NULL CHECK (count > 0),
    first_at    bigint  NOT NULL,
    last_at     bigint  NOT NULL,
    PRIMARY KEY (space_id, node_kind, node_id, first_at)
);
