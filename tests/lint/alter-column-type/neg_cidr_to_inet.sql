-- cidr to inet is binary coercible
ALTER TABLE networks ADD COLUMN block cidr;
ALTER TABLE networks ALTER COLUMN block TYPE inet;
