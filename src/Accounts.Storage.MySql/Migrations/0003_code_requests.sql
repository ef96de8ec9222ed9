-- The outbox of code requests: written when a code is asked for, published to the bus by the relay, marked sent by
-- the sender, so that a request is neither lost nor sent twice. The destination is encrypted like every contact.
-- IF NOT EXISTS: MariaDB commits DDL at once, so a retried script must pass.
CREATE TABLE IF NOT EXISTS code_requests (
    id VARCHAR(100) NOT NULL,
    purpose VARCHAR(32) NOT NULL,
    channel VARCHAR(16) NOT NULL,
    destination_cipher TEXT NOT NULL,
    lifetime_ms BIGINT NOT NULL,
    payload MEDIUMTEXT NULL,
    user_id VARCHAR(100) NULL,
    job_id VARCHAR(100) NULL,
    created_at BIGINT NOT NULL,
    published_at BIGINT NULL,
    sent_at BIGINT NULL,
    provider_message_id VARCHAR(64) NULL,
    delivery_status VARCHAR(32) NULL,
    delivery_error VARCHAR(32) NULL,
    delivery_at BIGINT NULL,
    failed_at BIGINT NULL,
    CONSTRAINT pk_code_requests PRIMARY KEY (id),
    INDEX ix_code_requests_unpublished (published_at, created_at),
    INDEX ix_code_requests_provider_message_id (provider_message_id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin ROW_FORMAT = DYNAMIC;
