-- The spaces of a shared PostgreSQL database, and the log of every change
-- committed to each.
--
-- A daemon keeps each space it serves in a SQLite file of its own, as with
-- `storage = sqlite`, and answers every statement from it; what makes that
-- file a replica of the shared space is this log. A write to a space takes
-- the space's row of `space_state` (the lock that serialises the space's
-- writers across daemons), applies what other daemons committed since its
-- replica last caught up, runs, and appends what it changed as one
-- changeset of SQLite's session extension: the exact rows inserted, updated
-- and deleted, which every other replica applies in the same order.
--
-- Made for sharding by space: every table but `space` carries `space_id`,
-- and every primary key, foreign key and index starts with it, so that a
-- distributed engine (Citus, YugabyteDB) can shard by space and keep a
-- space's log on one node. `space` itself is the directory of spaces by
-- name, small, written only when a space is made: a reference table there.
-- Times are microseconds since the Unix epoch, as in the SQLite schema.

CREATE TABLE space (
    space_id    bigint  GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name        text    NOT NULL UNIQUE,
    created_at  bigint  NOT NULL,
    -- Names this space and no other, ever: a replica made from a space of
    -- the same name in another database (or one dropped and made again) is
    -- not mistaken for one of this space.
    token       text    NOT NULL DEFAULT gen_random_uuid()::text
);

CREATE TABLE space_state (
    space_id    bigint  PRIMARY KEY,
    change_seq  bigint  NOT NULL DEFAULT 0       -- the last change committed; daemons follow it
);

CREATE TABLE space_change (
    space_id        bigint  NOT NULL REFERENCES space_state(space_id),
    seq             bigint  NOT NULL,            -- 1, 2, 3... in commit order
    schema_version  integer NOT NULL,            -- the SQLite schema the changeset's rows are in
    written_at      bigint  NOT NULL,
    write_id        text    NOT NULL,            -- names the write: a writer whose COMMIT went unanswered looks for it
    -- true: every row of the space, replacing the changes before it (which
    -- are deleted): what a `forget` leaves, so that the log keeps nothing of
    -- what it took away
    snapshot        boolean NOT NULL DEFAULT false,
    changeset       bytea   NOT NULL,
    PRIMARY KEY (space_id, seq)
);
