-- an array of varchar(n), and char (which is char(1))
-- expect: prefer-text 5:11
-- expect: prefer-text 6:10
CREATE TABLE flags (
    codes varchar(8)[],
    kind char
);
