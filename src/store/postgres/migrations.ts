/** PostgreSQL schema, one entry per version; applied in order, each once, under an advisory lock. */
export const postgresMigrations: readonly { version: number; name: string; sql: string }[] = [
  {
    version: 1,
    name: "audit_records_and_head",
    sql: `
CREATE TABLE audit_records (
  seq BIGINT PRIMARY KEY,
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

CREATE FUNCTION audit_reject_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit_records is append-only: % rejected', TG_OP;
END $$;
CREATE TRIGGER audit_records_no_update_delete BEFORE UPDATE OR DELETE ON audit_records
  FOR EACH ROW EXECUTE FUNCTION audit_reject_change();
CREATE TRIGGER audit_records_no_truncate BEFORE TRUNCATE ON audit_records
  FOR EACH STATEMENT EXECUTE FUNCTION audit_reject_change();

-- Seq and hash of the last record. Appenders lock this row (FOR UPDATE) to serialize across processes and
-- move it in the same transaction, so removing the tail is still detected.
CREATE TABLE audit_head (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  seq BIGINT NOT NULL,
  hash TEXT NOT NULL,
  recorded_at TEXT NOT NULL
);
INSERT INTO audit_head (id, seq, hash, recorded_at)
VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000', '');

CREATE FUNCTION audit_head_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP <> 'UPDATE' OR NEW.seq <= OLD.seq THEN
    RAISE EXCEPTION 'audit_head only moves forward: % rejected', TG_OP;
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER audit_head_forward_only BEFORE UPDATE OR DELETE ON audit_head
  FOR EACH ROW EXECUTE FUNCTION audit_head_guard();
CREATE TRIGGER audit_head_no_truncate BEFORE TRUNCATE ON audit_head
  FOR EACH STATEMENT EXECUTE FUNCTION audit_reject_change();
`,
  },
];
