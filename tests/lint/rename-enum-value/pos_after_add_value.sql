-- expect: rename-enum-value 4:1
-- options: --no-assume-in-transaction
ALTER TYPE mood ADD VALUE 'neutral';
ALTER TYPE mood RENAME VALUE 'sad' TO 'unhappy';
