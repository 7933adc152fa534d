-- options: --no-assume-in-transaction
CREATE DATABASE reports_copy TEMPLATE reports;
