-- The outbox of code requests: written when a code is asked for, published to the bus by the relay, marked sent by
-- the sender, so that a request is neither lost nor sent twice. The destination is encrypted like every contact.
CREATE TABLE IF NOT EXISTS code_requests (
    id VARCHAR(100) COLLATE "C" NOT NULL,
    purpose VARCHAR(32) NOT NULL,
    channel VARCHAR(16) NOT NULL,
    destination_cipher TEXT NOT NULL,
    lifetime_ms BIGINT NOT NULL,
    payload TEXT NULL,
    user_id VARCHAR(100) COLLATE "C" NULL,
    job_id VARCHAR(100) COLLATE "C" NULL,
    created_at BIGINT NOT NULL,
    published_at BIGINT NULL,
    sent_at BIGINT NULL,
    provider_message_id VARCHAR(64) COLLATE "C" NULL,
    delivery_status VARCHAR(32) NULL,
    delivery_error VARCHAR(32) NULL,
    delivery_at BIGINT NULL,
    failed_at BIGINT NULL,
    CONSTRAINT pk_code_requests PRIMARY KEY (id)
);

CREATE INDEX IF NOT EXISTS ix_code_requests_unpublished ON code_requests (published_at, created_at);
CREATE INDEX IF NOT EXISTS ix_code_requests_provider_message_id ON code_requests (provider_message_id);
