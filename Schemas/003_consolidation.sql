-- Mnemo schema, version 3: what the consolidation passes need beside version 2.

-- Derived persona attributes come in categories (attribute, topic, activity,
-- relationship, timeline); pinned ones are 'pinned'.
ALTER TABLE persona_attribute ADD COLUMN category TEXT NOT NULL DEFAULT 'attribute';
CREATE INDEX persona_attribute_by_run ON persona_attribute(run_id) WHERE run_id IS NOT NULL;

-- A derived insight's stable identity ("pattern:caroline:paint"), so that a
-- later run updates it instead of adding a copy.
ALTER TABLE insight ADD COLUMN key TEXT;
CREATE UNIQUE INDEX insight_by_key ON insight(key) WHERE key IS NOT NULL;

-- A scene's summary written by the optional reflector command (the extractive
-- summary stays in `summary`).
ALTER TABLE scene ADD COLUMN reflection TEXT;

-- Each pass of a run, with the SQLite changeset of what it changed: the exact
-- record that `undo consolidation` inverts.
CREATE TABLE consolidation_pass (
    run_id      INTEGER NOT NULL REFERENCES consolidation_run(id) ON DELETE CASCADE,
    seq         INTEGER NOT NULL,
    pass        TEXT    NOT NULL,
    started_at  INTEGER NOT NULL,
    duration_us INTEGER NOT NULL,
    counts      TEXT    NOT NULL,              -- JSON: what the pass did, by name
    changes     INTEGER NOT NULL,              -- rows inserted, updated or deleted
    changeset   BLOB,                          -- NULL when nothing changed
    PRIMARY KEY (run_id, seq)
) WITHOUT ROWID;
