-- Mnemo schema, version 5: the filler index in two tables, recent and settled.
--
-- Until now "the facts whose role R holds X" went through an index on
-- fact_role. Fillers arrive in no order, so every assertion put its entries at
-- random places in that index: a batch of a thousand binary facts dirtied well
-- over a thousand of its pages, and SQLite writes each dirty page to the WAL at
-- commit and again to the file at checkpoint. That was two thirds of the cost
-- of ingest.
--
-- The same entries now live in two tables with the same key:
--   fact_filler_recent   takes every new entry. It stays small, so a batch
--                        dirties few pages.
--   fact_filler_settled  the rest. Once the recent table passes a size that
--                        grows with the settled one (see docs/storage.md), the
--                        writer moves its entries here in key order, inside the
--                        commit that passed it, writing each page touched once.
-- An entry is in exactly one of them; the view fact_filler reads both, and
-- every look-up by filler goes through it. An assertion writes the entries of
-- its roles; an undo that puts roles back indexes them again; a fact_role row
-- deleted takes its entry with it (trigger below), wherever the entry is.
CREATE TABLE fact_filler_settled (
    kind          INTEGER NOT NULL,
    value                 NOT NULL,        -- as in fact_role: values keep their own type
    predicate_id  INTEGER NOT NULL,
    position      INTEGER NOT NULL,
    fact_id       INTEGER NOT NULL,
    item          INTEGER NOT NULL,
    PRIMARY KEY (kind, value, predicate_id, position, fact_id, item)
) WITHOUT ROWID;

CREATE TABLE fact_filler_recent (
    kind          INTEGER NOT NULL,
    value                 NOT NULL,
    predicate_id  INTEGER NOT NULL,
    position      INTEGER NOT NULL,
    fact_id       INTEGER NOT NULL,
    item          INTEGER NOT NULL,
    PRIMARY KEY (kind, value, predicate_id, position, fact_id, item)
) WITHOUT ROWID;

CREATE VIEW fact_filler AS
    SELECT kind, value, predicate_id, position, fact_id, item FROM fact_filler_settled
    UNION ALL
    SELECT kind, value, predicate_id, position, fact_id, item FROM fact_filler_recent;

INSERT INTO fact_filler_settled(kind, value, predicate_id, position, fact_id, item)
    SELECT kind, value, predicate_id, position, fact_id, item FROM fact_role
    ORDER BY kind, value, predicate_id, position, fact_id, item;
DROP INDEX fact_role_by_filler;

CREATE TRIGGER fact_role_filler_delete AFTER DELETE ON fact_role BEGIN
    DELETE FROM fact_filler_recent
     WHERE kind = old.kind AND value = old.value AND predicate_id = old.predicate_id
       AND position = old.position AND fact_id = old.fact_id AND item = old.item;
    DELETE FROM fact_filler_settled
     WHERE kind = old.kind AND value = old.value AND predicate_id = old.predicate_id
       AND position = old.position AND fact_id = old.fact_id AND item = old.item;
END;

-- A role is written once (by an assertion) and deleted once (by a forget, or
-- an undo): nothing rewrites one in place, and this keeps it so, since the
-- entry would not follow.
CREATE TRIGGER fact_role_no_update BEFORE UPDATE ON fact_role BEGIN
    SELECT RAISE(ABORT, 'fact_role rows are not updated in place; delete the fact and assert it anew');
END;
