-- Mnemo schema, version 8: the filler index keyed by value first.
--
-- Both filler tables were keyed (kind, value, predicate_id, position, ...).
-- Almost every filler is an entity, so `kind` is the same in nearly every
-- entry, and every comparison SQLite made while searching the index had to
-- step past it to the value. Keyed (value, kind, ...), most comparisons are
-- settled by the first column, which SQLite compares on a fast path: inserts,
-- moves and look-ups all search these tables (about 3% of bulk ingest). Every
-- look-up gives both kind and value, so every one still uses the key.
CREATE TABLE fact_filler_settled_8 (
    kind          INTEGER NOT NULL,
    value                 NOT NULL,        -- as in fact_role: values keep their own type
    predicate_id  INTEGER NOT NULL,
    position      INTEGER NOT NULL,
    fact_id       INTEGER NOT NULL,
    item          INTEGER NOT NULL,
    PRIMARY KEY (value, kind, predicate_id, position, fact_id, item)
) WITHOUT ROWID;

CREATE TABLE fact_filler_recent_8 (
    kind          INTEGER NOT NULL,
    value                 NOT NULL,
    predicate_id  INTEGER NOT NULL,
    position      INTEGER NOT NULL,
    fact_id       INTEGER NOT NULL,
    item          INTEGER NOT NULL,
    PRIMARY KEY (value, kind, predicate_id, position, fact_id, item)
) WITHOUT ROWID;

INSERT INTO fact_filler_settled_8(kind, value, predicate_id, position, fact_id, item)
    SELECT kind, value, predicate_id, position, fact_id, item FROM fact_filler_settled
    ORDER BY value, kind, predicate_id, position, fact_id, item;
INSERT INTO fact_filler_recent_8(kind, value, predicate_id, position, fact_id, item)
    SELECT kind, value, predicate_id, position, fact_id, item FROM fact_filler_recent;

-- The view and the trigger name the tables: they go first and come back as
-- they were (version 5 explains them).
DROP VIEW fact_filler;
DROP TRIGGER fact_role_filler_delete;
DROP TABLE fact_filler_settled;
DROP TABLE fact_filler_recent;
ALTER TABLE fact_filler_settled_8 RENAME TO fact_filler_settled;
ALTER TABLE fact_filler_recent_8 RENAME TO fact_filler_recent;

CREATE VIEW fact_filler AS
    SELECT kind, value, predicate_id, position, fact_id, item FROM fact_filler_settled
    UNION ALL
    SELECT kind, value, predicate_id, position, fact_id, item FROM fact_filler_recent;

CREATE TRIGGER fact_role_filler_delete AFTER DELETE ON fact_role BEGIN
    DELETE FROM fact_filler_recent
     WHERE kind = old.kind AND value = old.value AND predicate_id = old.predicate_id
       AND position = old.position AND fact_id = old.fact_id AND item = old.item;
    DELETE FROM fact_filler_settled
     WHERE kind = old.kind AND value = old.value AND predicate_id = old.predicate_id
       AND position = old.position AND fact_id = old.fact_id AND item = old.item;
END;
