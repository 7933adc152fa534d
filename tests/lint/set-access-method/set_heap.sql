-- expect: set-access-method 2:1
ALTER TABLE events SET ACCESS METHOD heap;
