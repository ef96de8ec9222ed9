-- The accounts schema on SQLite. Shared conventions (every engine's scripts follow them):
--   times are unix milliseconds UTC in 64-bit integers; enums are their lowercase wire strings;
--   keys are named pk_{table} and ux_{table}_{columns}, which is how a duplicate is told apart.
-- STRICT tables refuse a value of the wrong type, as the server engines would, so that the contract
-- tests on SQLite catch what would fail on MariaDB or PostgreSQL.

CREATE TABLE users (
    id TEXT NOT NULL,
    username TEXT NOT NULL,
    normalized_username TEXT NOT NULL,
    display_name TEXT NULL,
    email_cipher TEXT NULL,
    email_index TEXT NULL,
    phone_cipher TEXT NULL,
    phone_index TEXT NULL,
    image BLOB NULL,
    password_hash TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    CONSTRAINT pk_users PRIMARY KEY (id),
    -- VARCHAR(100) on the server engines.
    CONSTRAINT ck_users_id CHECK (length(id) BETWEEN 1 AND 100)
) STRICT;

-- NULLs never collide in a UNIQUE index: any number of users may have no email or no phone.
CREATE UNIQUE INDEX ux_users_normalized_username ON users (normalized_username);
CREATE UNIQUE INDEX ux_users_email_index ON users (email_index);
CREATE UNIQUE INDEX ux_users_phone_index ON users (phone_index);

CREATE TABLE verification_codes (
    id TEXT NOT NULL,
    purpose TEXT NOT NULL,
    channel TEXT NOT NULL,
    destination_index TEXT NOT NULL,
    code_hash TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    consumed_at INTEGER NULL,
    CONSTRAINT pk_verification_codes PRIMARY KEY (id)
) STRICT;

CREATE INDEX ix_verification_codes_purpose_destination_index ON verification_codes (purpose, destination_index);

CREATE TABLE sessions (
    id TEXT NOT NULL,
    user_id TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    revoked_at INTEGER NULL,
    CONSTRAINT pk_sessions PRIMARY KEY (id),
    CONSTRAINT fk_sessions_users FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE
) STRICT;

CREATE INDEX ix_sessions_user_id ON sessions (user_id);

CREATE TABLE refresh_tokens (
    token_hash TEXT NOT NULL,
    session_id TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    spent_at INTEGER NULL,
    CONSTRAINT pk_refresh_tokens PRIMARY KEY (token_hash),
    CONSTRAINT fk_refresh_tokens_sessions FOREIGN KEY (session_id) REFERENCES sessions (id) ON DELETE CASCADE
) STRICT;

CREATE INDEX ix_refresh_tokens_session_id ON refresh_tokens (session_id);

-- No foreign key: a failure may be counted for any id, and the user's deletion removes the row explicitly.
CREATE TABLE sign_in_lockouts (
    user_id TEXT NOT NULL,
    failures INTEGER NOT NULL DEFAULT 0,
    locked_until INTEGER NULL,
    CONSTRAINT pk_sign_in_lockouts PRIMARY KEY (user_id)
) STRICT;

-- Events outlive their user (the "deleted" event above all), so user_id is no foreign key.
-- AUTOINCREMENT: ids never go back, even after the newest rows are pruned.
CREATE TABLE audit_events (
    id INTEGER NOT NULL CONSTRAINT pk_audit_events PRIMARY KEY AUTOINCREMENT,
    occurred_at INTEGER NOT NULL,
    event_type TEXT NOT NULL,
    user_id TEXT NULL,
    client_address TEXT NULL,
    detail TEXT NULL
) STRICT;

CREATE INDEX ix_audit_events_occurred_at ON audit_events (occurred_at);
CREATE INDEX ix_audit_events_user_id_occurred_at ON audit_events (user_id, occurred_at);
