-- The accounts schema on PostgreSQL (13 or later): the same tables, columns and key names as the other engines
-- (pk_{table}, ux_{table}_{columns}), with these choices of its own:
--   ids are VARCHAR(100), other strings TEXT; ids, usernames, blind indexes and hashes are COLLATE "C", so that
--   they compare and sort byte for byte whatever the database's locale;
--   times are BIGINT unix milliseconds UTC; users.image is BYTEA; audit_events.id is an identity column.
-- The whole script runs in one transaction with the row that records it.

CREATE TABLE users (
    id VARCHAR(100) COLLATE "C" NOT NULL,
    username TEXT NOT NULL,
    normalized_username TEXT COLLATE "C" NOT NULL,
    display_name TEXT NULL,
    email_cipher TEXT NULL,
    email_index TEXT COLLATE "C" NULL,
    phone_cipher TEXT NULL,
    phone_index TEXT COLLATE "C" NULL,
    image BYTEA NULL,
    password_hash TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    CONSTRAINT pk_users PRIMARY KEY (id),
    -- NULLs never collide in a UNIQUE constraint: any number of users may have no email or no phone.
    CONSTRAINT ux_users_normalized_username UNIQUE (normalized_username),
    CONSTRAINT ux_users_email_index UNIQUE (email_index),
    CONSTRAINT ux_users_phone_index UNIQUE (phone_index)
);

CREATE TABLE verification_codes (
    id VARCHAR(100) COLLATE "C" NOT NULL,
    purpose TEXT COLLATE "C" NOT NULL,
    channel TEXT NOT NULL,
    destination_index TEXT COLLATE "C" NOT NULL,
    code_hash TEXT COLLATE "C" NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    consumed_at BIGINT NULL,
    CONSTRAINT pk_verification_codes PRIMARY KEY (id)
);

CREATE INDEX ix_verification_codes_purpose_destination_index ON verification_codes (purpose, destination_index);

CREATE TABLE sessions (
    id VARCHAR(100) COLLATE "C" NOT NULL,
    user_id VARCHAR(100) COLLATE "C" NOT NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    revoked_at BIGINT NULL,
    CONSTRAINT pk_sessions PRIMARY KEY (id),
    CONSTRAINT fk_sessions_users FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE
);

CREATE INDEX ix_sessions_user_id ON sessions (user_id);

CREATE TABLE refresh_tokens (
    token_hash TEXT COLLATE "C" NOT NULL,
    session_id VARCHAR(100) COLLATE "C" NOT NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    spent_at BIGINT NULL,
    CONSTRAINT pk_refresh_tokens PRIMARY KEY (token_hash),
    CONSTRAINT fk_refresh_tokens_sessions FOREIGN KEY (session_id) REFERENCES sessions (id) ON DELETE CASCADE
);

CREATE INDEX ix_refresh_tokens_session_id ON refresh_tokens (session_id);

-- No foreign key: a failure may be counted for any id, and deleting the user removes the row explicitly.
CREATE TABLE sign_in_lockouts (
    user_id VARCHAR(100) COLLATE "C" NOT NULL,
    failures INTEGER NOT NULL DEFAULT 0,
    locked_until BIGINT NULL,
    CONSTRAINT pk_sign_in_lockouts PRIMARY KEY (user_id)
);

-- Events outlive their user (the "deleted" event above all), so user_id is no foreign key.
CREATE TABLE audit_events (
    id BIGINT GENERATED ALWAYS AS IDENTITY,
    occurred_at BIGINT NOT NULL,
    event_type TEXT NOT NULL,
    user_id VARCHAR(100) COLLATE "C" NULL,
    client_address TEXT NULL,
    detail TEXT NULL,
    CONSTRAINT pk_audit_events PRIMARY KEY (id)
);

CREATE INDEX ix_audit_events_occurred_at ON audit_events (occurred_at);
CREATE INDEX ix_audit_events_user_id_occurred_at ON audit_events (user_id, occurred_at);
