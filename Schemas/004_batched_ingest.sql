-- Mnemo schema, version 4: what fast batched ingestion needs.
--
-- New episodes reach the full-text index once per transaction instead of once
-- per episode: SQLite calls a virtual table's savepoint method at the start of every
-- statement that may need a partial rollback, and FTS5 answers it by writing
-- its pending terms out as a new index segment. With an insert trigger, a
-- batch of episodes became a segment per episode and a merge after merge.
-- The store now indexes the episodes a transaction created with one
-- `INSERT INTO episode_fts ... SELECT` just before it commits (and before a
-- `forget` deletes any episode). Deletes and text updates keep their triggers.
DROP TRIGGER episode_fts_insert;

-- Every `remember … in scene "T"` looks up the latest scene titled T: with the
-- opening time in the index, that is one index step instead of a sort.
DROP INDEX scene_by_norm;
CREATE INDEX scene_by_norm ON scene(norm, opened_at, id);
