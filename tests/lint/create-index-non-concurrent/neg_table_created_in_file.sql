-- Revision 1f2e: new table with its indexes; nobody else can wait on it.
CREATE TABLE audit.login_event (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id bigint NOT NULL,
    at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX ix_login_event_user_id ON audit.login_event (user_id);
CREATE UNIQUE INDEX uq_login_event_user_at ON audit.login_event (user_id, at);
