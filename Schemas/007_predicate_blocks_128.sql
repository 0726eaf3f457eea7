-- Mnemo schema, version 7: blocks of 128 fact ids instead of 1,024.
--
-- Version 6 listed, per predicate, the blocks of 1,024 fact ids holding its
-- facts. A predicate whose facts are spread thinly over the whole store then
-- had almost every block listed, and "every fact of P" read nearly every fact
-- row. With blocks of 128 ids, such a look-up reads an eighth as much (17 ms
-- instead of a full scan on a million facts), for a few more rows written.
DELETE FROM fact_predicate_block;
INSERT INTO fact_predicate_block(predicate_id, block) SELECT DISTINCT predicate_id, id >> 7 FROM fact;
