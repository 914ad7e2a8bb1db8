/**
 * The PostgreSQL schema, as versioned migrations (same versions and names as sqlite-schema.ts).
 * Text that is compared by range (string prefixes, uris) uses COLLATE "C" so that `>=`/`<`
 * follow code-point order like SQLite and can use the index whatever the database's locale.
 */
import type { Migration } from '../../sql/migrations.ts';

export const postgresMigrations: readonly Migration[] = [
  {
    version: 1,
    name: 'record and search indexes',
    sql: `
CREATE SEQUENCE resource_rid_seq;
CREATE TABLE resource (
  rid BIGINT PRIMARY KEY,
  type TEXT NOT NULL,
  id TEXT NOT NULL,
  version INTEGER NOT NULL,
  last_updated BIGINT NOT NULL,
  deleted SMALLINT NOT NULL,
  hash TEXT
);
CREATE UNIQUE INDEX resource_type_id ON resource (type, id);
CREATE INDEX resource_type_updated ON resource (type, last_updated);
CREATE INDEX resource_type_rid ON resource (type, rid);

CREATE TABLE resource_version (
  rid BIGINT NOT NULL,
  version INTEGER NOT NULL,
  last_updated BIGINT NOT NULL,
  method TEXT NOT NULL,
  content TEXT,
  PRIMARY KEY (rid, version)
);
CREATE INDEX resource_version_updated ON resource_version (last_updated);

CREATE TABLE search_param (
  pid INTEGER PRIMARY KEY,
  resource_type TEXT NOT NULL,
  code TEXT NOT NULL
);
CREATE UNIQUE INDEX search_param_code ON search_param (resource_type, code);

CREATE TABLE idx_string (rid BIGINT NOT NULL, seq INTEGER NOT NULL, pid INTEGER NOT NULL, value TEXT COLLATE "C" NOT NULL, exact TEXT);
CREATE INDEX idx_string_value ON idx_string (pid, value);
CREATE INDEX idx_string_rid ON idx_string (rid);

CREATE TABLE idx_token (rid BIGINT NOT NULL, seq INTEGER NOT NULL, pid INTEGER NOT NULL, system BIGINT, value TEXT, text TEXT COLLATE "C");
CREATE INDEX idx_token_value ON idx_token (pid, value, system);
CREATE INDEX idx_token_rid ON idx_token (rid);

CREATE TABLE idx_reference (rid BIGINT NOT NULL, seq INTEGER NOT NULL, pid INTEGER NOT NULL, target_type TEXT, target_id TEXT, url TEXT);
CREATE INDEX idx_reference_target ON idx_reference (target_id, target_type, pid);
CREATE INDEX idx_reference_url ON idx_reference (url, pid) WHERE url IS NOT NULL;
CREATE INDEX idx_reference_rid ON idx_reference (rid);

CREATE TABLE idx_date (rid BIGINT NOT NULL, seq INTEGER NOT NULL, pid INTEGER NOT NULL, low BIGINT NOT NULL, high BIGINT NOT NULL);
CREATE INDEX idx_date_low ON idx_date (pid, low);
CREATE INDEX idx_date_high ON idx_date (pid, high);
CREATE INDEX idx_date_rid ON idx_date (rid);

CREATE TABLE idx_number (rid BIGINT NOT NULL, seq INTEGER NOT NULL, pid INTEGER NOT NULL, value DOUBLE PRECISION NOT NULL);
CREATE INDEX idx_number_value ON idx_number (pid, value);
CREATE INDEX idx_number_rid ON idx_number (rid);

CREATE TABLE idx_quantity (rid BIGINT NOT NULL, seq INTEGER NOT NULL, pid INTEGER NOT NULL, value DOUBLE PRECISION NOT NULL, system BIGINT, unit TEXT);
CREATE INDEX idx_quantity_value ON idx_quantity (pid, value);
CREATE INDEX idx_quantity_rid ON idx_quantity (rid);

CREATE TABLE idx_uri (rid BIGINT NOT NULL, seq INTEGER NOT NULL, pid INTEGER NOT NULL, value TEXT COLLATE "C" NOT NULL);
CREATE INDEX idx_uri_value ON idx_uri (pid, value);
CREATE INDEX idx_uri_rid ON idx_uri (rid);

-- The planner multiplies the selectivities of columns it thinks independent; a parameter id, a
-- code and its system are anything but (https://www.postgresql.org/docs/15/planner-stats.html#PLANNER-STATS-EXTENDED).
CREATE STATISTICS idx_token_value_stats (dependencies, mcv) ON pid, value, system FROM idx_token;
CREATE STATISTICS idx_reference_target_stats (dependencies, mcv) ON pid, target_type, target_id FROM idx_reference;
CREATE STATISTICS idx_string_value_stats (dependencies) ON pid, value FROM idx_string;
CREATE STATISTICS idx_quantity_value_stats (dependencies) ON pid, system, unit FROM idx_quantity;

CREATE TABLE kindred_setting (name TEXT PRIMARY KEY, value TEXT NOT NULL);

CREATE TABLE job (
  job_id TEXT PRIMARY KEY,
  kind TEXT NOT NULL,
  status TEXT NOT NULL,
  request TEXT NOT NULL,
  progress TEXT,
  result TEXT,
  error TEXT,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  locked_by TEXT,
  locked_until BIGINT
);
CREATE INDEX job_status ON job (status, created_at);

CREATE TABLE job_file (
  job_id TEXT NOT NULL,
  file_no INTEGER NOT NULL,
  resource_type TEXT NOT NULL,
  line_count INTEGER NOT NULL,
  content TEXT NOT NULL,
  PRIMARY KEY (job_id, file_no)
);
`,
  },
  {
    version: 2,
    name: 'audit-trail',
    // The audit trail (docs/decisions/0009-audit-trail.md): one hash chain of AuditEvents, numbered
    // by seq without gaps; audit_patient finds a patient's entries by index. The database itself
    // refuses to change or remove what was written (UPDATE, DELETE and TRUNCATE raise).
    sql: `
CREATE TABLE audit_entry (
  seq BIGINT PRIMARY KEY,
  recorded BIGINT NOT NULL,
  content TEXT NOT NULL,
  prev_hash TEXT NOT NULL,
  hash TEXT NOT NULL
);
CREATE TABLE audit_patient (patient_id TEXT NOT NULL, seq BIGINT NOT NULL, PRIMARY KEY (patient_id, seq));
CREATE FUNCTION audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'the audit trail is append-only: % on % is refused', TG_OP, TG_TABLE_NAME USING ERRCODE = 'insufficient_privilege';
END
$$;
CREATE TRIGGER audit_entry_append_only BEFORE UPDATE OR DELETE ON audit_entry FOR EACH ROW EXECUTE FUNCTION audit_append_only();
CREATE TRIGGER audit_entry_no_truncate BEFORE TRUNCATE ON audit_entry FOR EACH STATEMENT EXECUTE FUNCTION audit_append_only();
CREATE TRIGGER audit_patient_append_only BEFORE UPDATE OR DELETE ON audit_patient FOR EACH ROW EXECUTE FUNCTION audit_append_only();
CREATE TRIGGER audit_patient_no_truncate BEFORE TRUNCATE ON audit_patient FOR EACH STATEMENT EXECUTE FUNCTION audit_append_only();
`,
  },
  {
    version: 3,
    name: 'accounts-and-sign-in',
    // Accounts and the sign-in service (docs/decisions/0010-sign-in-and-smart.md): people who sign
    // in, registered OAuth clients, one-time password reset tokens (hashes only), the OpenID
    // Connect provider's records, per-IP rate-limit windows, and the outbox of messages to send.
    sql: `
CREATE TABLE account (
  account_id TEXT PRIMARY KEY,
  username TEXT NOT NULL UNIQUE,
  display_name TEXT NOT NULL,
  fhir_user TEXT,
  email TEXT,
  password_hash TEXT,
  totp_secret TEXT,
  totp_required INTEGER NOT NULL,
  totp_last_step BIGINT,
  failed_attempts INTEGER NOT NULL,
  locked_until BIGINT,
  disabled INTEGER NOT NULL,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE INDEX account_fhir_user ON account (fhir_user);

CREATE TABLE oauth_client (client_id TEXT PRIMARY KEY, name TEXT NOT NULL, registration TEXT NOT NULL, created_at BIGINT NOT NULL);

CREATE TABLE password_reset (token_hash TEXT PRIMARY KEY, account_id TEXT NOT NULL, expires_at BIGINT NOT NULL, used_at BIGINT, created_at BIGINT NOT NULL);

CREATE TABLE oidc_record (
  model TEXT NOT NULL,
  id TEXT NOT NULL,
  payload TEXT NOT NULL,
  grant_id TEXT,
  user_code TEXT,
  uid TEXT,
  expires_at BIGINT,
  consumed_at BIGINT,
  PRIMARY KEY (model, id)
);
CREATE INDEX oidc_record_grant ON oidc_record (grant_id) WHERE grant_id IS NOT NULL;
CREATE INDEX oidc_record_uid ON oidc_record (uid) WHERE uid IS NOT NULL;
CREATE INDEX oidc_record_user_code ON oidc_record (user_code) WHERE user_code IS NOT NULL;
CREATE INDEX oidc_record_expires ON oidc_record (expires_at);

CREATE TABLE rate_limit (key TEXT NOT NULL, window_start BIGINT NOT NULL, hits INTEGER NOT NULL, PRIMARY KEY (key, window_start));

CREATE TABLE message_outbox (
  message_id TEXT PRIMARY KEY,
  recipient TEXT NOT NULL,
  channel TEXT NOT NULL,
  template TEXT NOT NULL,
  personalisation TEXT NOT NULL,
  status TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  sent_at BIGINT
);
CREATE INDEX message_outbox_status ON message_outbox (status, created_at);
`,
  },
  {
    version: 4,
    name: 'reference-tables',
    // Published reference tables an operator loads (docs/decisions/0013-requests-triage-booking.md):
    // not part of the FHIR record. reference_imd holds the English Indices of Deprivation by LSOA,
    // one set of rows per edition; reference_edition says which editions are loaded and when.
    sql: `
CREATE TABLE reference_edition (
  table_name TEXT NOT NULL,
  edition TEXT NOT NULL,
  row_count INTEGER NOT NULL,
  loaded_at BIGINT NOT NULL,
  PRIMARY KEY (table_name, edition)
);
CREATE TABLE reference_imd (
  edition TEXT NOT NULL,
  lsoa_code TEXT NOT NULL,
  imd_rank INTEGER NOT NULL,
  imd_decile INTEGER NOT NULL,
  PRIMARY KEY (edition, lsoa_code)
);
`,
  },
  {
    version: 5,
    name: 'history-order',
    // History pages are ordered by (last_updated, rid, version), newest first, and continue from a
    // cursor on all three (history.ts): with the index on all three the pages are a range of the
    // index, not a sort of every version since _since (a bulk import writes thousands of versions
    // in the same millisecond).
    sql: `
DROP INDEX resource_version_updated;
CREATE INDEX resource_version_updated ON resource_version (last_updated, rid, version);
`,
  },
];
