-- expect: set-logged-unlogged 3:1
SET LOCAL lock_timeout = '2s';
ALTER TABLE analytics.sessions SET LOGGED;
