-- The `orders` table of the PostgreSQL section, in the database of resources-postgres/binding-postgres.yaml.
-- Dropped and created again, so every run starts from an empty table:
--   psql "postgresql://postgres@localhost:5432/test" -f ../db/orders.sql
-- orderid is the primary key: the batch app's upsert (ON CONFLICT (orderid)) relies on it.
DROP TABLE IF EXISTS orders;
CREATE TABLE orders (
  orderid integer PRIMARY KEY,
  customer text NOT NULL,
  price double precision NOT NULL
);
