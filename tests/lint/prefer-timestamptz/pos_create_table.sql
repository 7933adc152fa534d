-- timestamp and timestamp without time zone
-- expect: prefer-timestamptz 6:15
-- expect: prefer-timestamptz 7:13
CREATE TABLE bookings (
    id bigint PRIMARY KEY,
    starts_at timestamp NOT NULL,
    ends_at timestamp without time zone
);
