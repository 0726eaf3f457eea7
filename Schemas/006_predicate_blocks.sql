-- Mnemo schema, version 6: the facts of a predicate, found by blocks of ids.
--
-- "Every fact of P" (a match with no constant, the supersession pass, history)
-- went through an index on fact(predicate_id). Facts arrive with ids in
-- increasing order and predicates mixed, so each assertion added an entry at
-- one of as many places as there are predicates: a B-tree search and, per
-- batch, a dirty page per predicate, about 5% of ingest.
--
-- Instead, fact_predicate_block lists which blocks of 1,024 consecutive fact
-- ids hold at least one fact of each predicate. An assertion adds a row only
-- when its fact is the first of its predicate in its block; a look-up reads the
-- fact rows of those blocks by id range and keeps the predicate's. The table
-- may list a block whose facts of that predicate were since forgotten (a look-up
-- then reads it for nothing); it never lacks one.
CREATE TABLE fact_predicate_block (
    predicate_id  INTEGER NOT NULL,
    block         INTEGER NOT NULL,        -- fact id >> 10
    PRIMARY KEY (predicate_id, block)
) WITHOUT ROWID;

INSERT INTO fact_predicate_block(predicate_id, block) SELECT DISTINCT predicate_id, id >> 10 FROM fact;
DROP INDEX fact_by_predicate;
