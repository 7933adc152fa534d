-- options: --no-assume-in-transaction
ALTER TYPE order_status ADD VALUE IF NOT EXISTS 'refunded';
