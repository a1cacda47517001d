-- The optional site-specific tables of ../serverdb/site_extras.sql (not part of Django's core
-- ServerDB schema) as Django 3.2's SQLite backend creates them: the same tables and columns,
-- AUTOINCREMENT ids, each OneToOneField an inline `NOT NULL UNIQUE REFERENCES … DEFERRABLE
-- INITIALLY DEFERRED` (its unique index is SQLite's own, so there is no CREATE INDEX).
-- `generate --source sqlite:PATH --site-extras` runs it.

CREATE TABLE "servers_modelpower" (
  "id" integer NOT NULL PRIMARY KEY AUTOINCREMENT,
  "model_id" bigint NOT NULL UNIQUE REFERENCES "servers_model" ("id") DEFERRABLE INITIALLY DEFERRED,
  "rated_watts" integer NULL
);

CREATE TABLE "servers_purchase" (
  "id" integer NOT NULL PRIMARY KEY AUTOINCREMENT,
  "asset_id" bigint NOT NULL UNIQUE REFERENCES "servers_asset" ("id") DEFERRABLE INITIALLY DEFERRED,
  "purchase_order" varchar(32) NULL,
  "warranty_end" date NULL
);

CREATE TABLE "servers_rackplacement" (
  "id" integer NOT NULL PRIMARY KEY AUTOINCREMENT,
  "rack_id" bigint NOT NULL UNIQUE REFERENCES "servers_rack" ("id") DEFERRABLE INITIALLY DEFERRED,
  "row_name" varchar(16) NULL,
  "room" varchar(48) NULL
);
