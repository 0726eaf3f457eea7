-- Mnemo schema, version 9: the activation log, folded.
--
-- Every recall adds a row to `activation` for each node it returns, so the
-- log of a node recalled often grows without end, and so does the work of
-- every base level computed from it. A node's log keeps its newest accesses
-- as rows of `activation`; older ones are folded into a few rows here, each
-- how many accesses a span of time held and the oldest and newest of them,
-- which base-level activation approximates as spread evenly over that span
-- (AccessHistory explains; at most AccessHistory.segmentLimit rows a node).
-- Rows are folded when a node's log passes a bound and by consolidation's
-- decay pass.
CREATE TABLE activation_folded (
    node_kind   TEXT    NOT NULL,              -- the id letter, as in activation
    node_id     INTEGER NOT NULL,
    count       INTEGER NOT NULL CHECK (count > 0),
    first_at    INTEGER NOT NULL,              -- the oldest folded access (µs)
    last_at     INTEGER NOT NULL,              -- the newest folded access (µs)
    PRIMARY KEY (node_kind, node_id, first_at)
) WITHOUT ROWID;
