-- A code may carry what it confirms (a pending registration, encrypted by the core), so the person's choices
-- wait with the code and vanish with it. IF NOT EXISTS: MariaDB commits DDL at once, so a retried script must pass.
ALTER TABLE verification_codes ADD COLUMN IF NOT EXISTS payload MEDIUMTEXT NULL;
