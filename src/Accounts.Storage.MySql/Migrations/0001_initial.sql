-- The accounts schema on MariaDB (10.6 or later) and MySQL (8.0 or later): the same tables, columns and key names
-- as the other engines (pk_{table}, ux_{table}_{columns}), with these choices of its own:
--   every table is InnoDB (row locks, foreign keys, crash safety) in utf8mb4 with the binary collation
--   utf8mb4_bin, so that ids, usernames, blind indexes and hashes compare byte for byte: the default collations
--   would ignore case and trailing spaces, and let "Ab" collide with "aB";
--   columns that are looked up or unique are VARCHAR (an index needs a bounded length), the others TEXT;
--   times are BIGINT unix milliseconds UTC; users.image is a LONGBLOB;
--   the primary key of every table is named PRIMARY by the engine, whatever the script says: the provider reads
--   PRIMARY as pk_{table}.
-- DDL commits at once on this engine, so a script cannot roll back: each statement is IF NOT EXISTS, and a run cut
-- short by a failure can simply be run again once its cause is fixed.
-- MySql.Data reads a question mark as a parameter even inside a comment: this file must hold none.

CREATE TABLE IF NOT EXISTS users (
    id VARCHAR(100) NOT NULL,
    username VARCHAR(100) NOT NULL,
    normalized_username VARCHAR(100) NOT NULL,
    display_name TEXT NULL,
    email_cipher TEXT NULL,
    email_index VARCHAR(255) NULL,
    phone_cipher TEXT NULL,
    phone_index VARCHAR(255) NULL,
    image LONGBLOB NULL,
    password_hash TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    CONSTRAINT pk_users PRIMARY KEY (id),
    -- NULLs never collide in a UNIQUE index: any number of users may have no email or no phone.
    CONSTRAINT ux_users_normalized_username UNIQUE (normalized_username),
    CONSTRAINT ux_users_email_index UNIQUE (email_index),
    CONSTRAINT ux_users_phone_index UNIQUE (phone_index)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin ROW_FORMAT = DYNAMIC;

CREATE TABLE IF NOT EXISTS verification_codes (
    id VARCHAR(100) NOT NULL,
    purpose VARCHAR(32) NOT NULL,
    channel TEXT NOT NULL,
    destination_index VARCHAR(255) NOT NULL,
    code_hash TEXT NOT NULL,
    attempts INT NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    consumed_at BIGINT NULL,
    CONSTRAINT pk_verification_codes PRIMARY KEY (id),
    INDEX ix_verification_codes_purpose_destination_index (purpose, destination_index)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin ROW_FORMAT = DYNAMIC;

CREATE TABLE IF NOT EXISTS sessions (
    id VARCHAR(100) NOT NULL,
    user_id VARCHAR(100) NOT NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    revoked_at BIGINT NULL,
    CONSTRAINT pk_sessions PRIMARY KEY (id),
    INDEX ix_sessions_user_id (user_id),
    CONSTRAINT fk_sessions_users FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin ROW_FORMAT = DYNAMIC;

CREATE TABLE IF NOT EXISTS refresh_tokens (
    token_hash VARCHAR(255) NOT NULL,
    session_id VARCHAR(100) NOT NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    spent_at BIGINT NULL,
    CONSTRAINT pk_refresh_tokens PRIMARY KEY (token_hash),
    INDEX ix_refresh_tokens_session_id (session_id),
    CONSTRAINT fk_refresh_tokens_sessions FOREIGN KEY (session_id) REFERENCES sessions (id) ON DELETE CASCADE
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin ROW_FORMAT = DYNAMIC;

-- No foreign key: a failure may be counted for any id, and deleting the user removes the row explicitly.
CREATE TABLE IF NOT EXISTS sign_in_lockouts (
    user_id VARCHAR(100) NOT NULL,
    failures INT NOT NULL DEFAULT 0,
    locked_until BIGINT NULL,
    CONSTRAINT pk_sign_in_lockouts PRIMARY KEY (user_id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin ROW_FORMAT = DYNAMIC;

-- Events outlive their user (the "deleted" event above all), so user_id is no foreign key.
CREATE TABLE IF NOT EXISTS audit_events (
    id BIGINT NOT NULL AUTO_INCREMENT,
    occurred_at BIGINT NOT NULL,
    event_type TEXT NOT NULL,
    user_id VARCHAR(100) NULL,
    client_address TEXT NULL,
    detail TEXT NULL,
    CONSTRAINT pk_audit_events PRIMARY KEY (id),
    INDEX ix_audit_events_occurred_at (occurred_at),
    INDEX ix_audit_events_user_id_occurred_at (user_id, occurred_at)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin ROW_FORMAT = DYNAMIC;
