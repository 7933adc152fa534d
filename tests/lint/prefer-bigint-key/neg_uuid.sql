-- a uuid key
CREATE TABLE sessions (id uuid PRIMARY KEY DEFAULT gen_random_uuid());
