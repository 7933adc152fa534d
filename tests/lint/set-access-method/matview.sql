-- expect: set-access-method 2:1
ALTER MATERIALIZED VIEW daily_totals SET ACCESS METHOD heap2;
