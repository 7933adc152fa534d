-- expect: rename-table 2:1
ALTER VIEW reporting.active_users RENAME TO active_accounts;
