/** SQLite schema, one entry per version; applied in order, each once, inside one IMMEDIATE transaction. */
export const sqliteMigrations: readonly { version: number; name: string; sql: string }[] = [
  {
    version: 1,
    name: "audit_records_and_head",
    sql: `
CREATE TABLE audit_records (
  seq INTEGER PRIMARY KEY,
  id TEXT NOT NULL UNIQUE,
  recorded_at TEXT NOT NULL,
  kind TEXT NOT NULL,
  actor TEXT NOT NULL,
  outcome TEXT,
  input_json TEXT NOT NULL,
  output_json TEXT NOT NULL,
  engine_version TEXT NOT NULL,
  rule_data_version TEXT NOT NULL,
  screening_data_version TEXT NOT NULL,
  prev_hash TEXT NOT NULL,
  hash TEXT NOT NULL
);
CREATE INDEX audit_records_recorded_at ON audit_records (recorded_at, seq);
CREATE INDEX audit_records_actor ON audit_records (actor, seq);
CREATE INDEX audit_records_outcome ON audit_records (outcome, seq);

-- The application only ever inserts; these make an accidental UPDATE or DELETE fail loudly.
CREATE TRIGGER audit_records_no_update BEFORE UPDATE ON audit_records
BEGIN SELECT RAISE(ABORT, 'audit_records is append-only: UPDATE rejected'); END;
CREATE TRIGGER audit_records_no_delete BEFORE DELETE ON audit_records
BEGIN SELECT RAISE(ABORT, 'audit_records is append-only: DELETE rejected'); END;

-- Seq and hash of the last record, moved forward in the same transaction as each append, so that removing
-- the tail (which leaves a valid shorter chain) is still detected.
CREATE TABLE audit_head (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  seq INTEGER NOT NULL,
  hash TEXT NOT NULL,
  recorded_at TEXT NOT NULL
);
INSERT INTO audit_head (id, seq, hash, recorded_at)
VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000', '');
CREATE TRIGGER audit_head_forward_only BEFORE UPDATE ON audit_head WHEN NEW.seq <= OLD.seq
BEGIN SELECT RAISE(ABORT, 'audit_head only moves forward'); END;
CREATE TRIGGER audit_head_no_delete BEFORE DELETE ON audit_head
BEGIN SELECT RAISE(ABORT, 'audit_head cannot be deleted'); END;
`,
  },
];
