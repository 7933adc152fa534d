-- bit(5) to varbit(8) rewrites (only unlimited varbit is free)
-- expect: alter-column-type 4:32
ALTER TABLE masks ADD COLUMN bits bit(5);
ALTER TABLE masks ALTER COLUMN bits TYPE varbit(8);
