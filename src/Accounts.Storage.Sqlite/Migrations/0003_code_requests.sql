-- The outbox of code requests: written when a code is asked for, published to the bus by the relay, marked sent by
-- the sender, so that a request is neither lost nor sent twice. The destination is encrypted like every contact.
CREATE TABLE code_requests (
    id TEXT NOT NULL,
    purpose TEXT NOT NULL,
    channel TEXT NOT NULL,
    destination_cipher TEXT NOT NULL,
    lifetime_ms INTEGER NOT NULL,
    payload TEXT NULL,
    user_id TEXT NULL,
    job_id TEXT NULL,
    created_at INTEGER NOT NULL,
    published_at INTEGER NULL,
    sent_at INTEGER NULL,
    provider_message_id TEXT NULL,
    delivery_status TEXT NULL,
    delivery_error TEXT NULL,
    delivery_at INTEGER NULL,
    failed_at INTEGER NULL,
    CONSTRAINT pk_code_requests PRIMARY KEY (id)
);

CREATE INDEX ix_code_requests_unpublished ON code_requests (published_at, created_at);
CREATE INDEX ix_code_requests_provider_message_id ON code_requests (provider_message_id);
