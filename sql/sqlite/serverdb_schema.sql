-- ServerDB schema as Django 3.2's SQLite backend creates it (app 'servers', django-simple-history 3.1):
-- the same tables and columns as ../serverdb/schema.sql (the MariaDB dump), in the types Django's
-- SQLite backend maps the model fields to. `generate --source sqlite:PATH` runs it; the extract
-- (../serverdb/fact_select.sql) reads such a file with the same SQL text as on MariaDB.
--
-- What differs from the MariaDB dump, and why it is still the same database to the extract:
--   * Auto fields are `integer NOT NULL PRIMARY KEY AUTOINCREMENT` (SQLite's rowid), foreign keys
--     to BigAutoFields are `bigint`, to AutoFields `integer`; parent links of multi-table
--     inheritance are `bigint NOT NULL PRIMARY KEY REFERENCES …`.
--   * Foreign keys are inline `REFERENCES … DEFERRABLE INITIALLY DEFERRED`; their indexes are
--     separate CREATE INDEX statements named as Django names them (same hash as the dump's
--     `…_fk_…` names); unique_together becomes CREATE UNIQUE INDEX `…_uniq`.
--   * datetime columns hold Django's text 'YYYY-MM-DD HH:MM:SS[.ffffff]' (UTC; no fraction when
--     the microseconds are 0), date columns 'YYYY-MM-DD'. decimal has NUMERIC affinity: Django's
--     '512.000' is stored as the integer 512, '0.500' as the real 0.5 (the transform accepts both).
--   * Text compares byte-wise (BINARY), not like utf8mb4_general_ci; the transform already sorts
--     and de-duplicates in binary order, so the facts come out the same.
-- Column order follows schema.sql (a database migrated by Django may order some columns
-- differently after table rebuilds; the extract names every column, so order never matters).

CREATE TABLE "auth_group" (
  "id" integer NOT NULL PRIMARY KEY AUTOINCREMENT,
  "name" varchar(150) NOT NULL UNIQUE
);

CREATE TABLE "auth_group_permissions" (
  "id" integer NOT NULL PRIMARY KEY AUTOINCREMENT,
  "group_id" integer NOT NULL REFERENCES "auth_group" ("id") DEFERRABLE INITIALLY DEFERRED,
  "permission_id" integer NOT NULL REFERENCES "auth_permission" ("id") DEFERRABLE INITIALLY DEFERRED
);
CREATE UNIQUE INDEX "auth_group_permissions_group_id_permission_id_0cd325b0_uniq" ON "auth_group_permissions" ("group_id", "permission_id");
CREATE INDEX "auth_group_permissions_group_id_b120cbf9" ON "auth_group_permissions" ("group_id");
CREATE INDEX "auth_group_permissions_permission_id_84c5c92e" ON "auth_group_permissions" ("permission_id");

CREATE TABLE "auth_permission" (
  "id" integer NOT NULL PRIMARY KEY AUTOINCREMENT,
  "name" varchar(255) NOT NULL,
  "content_type_id" integer NOT NULL REFERENCES "django_content_type" ("id") DEFERRABLE INITIALLY DEFERRED,
  "codename" varchar(100) NOT NULL
);
CREATE UNIQUE INDEX "auth_permission_content_type_id_codename_01ab375a_uniq" ON "auth_permission" ("content_type_id", "codename");
CREATE INDEX "auth_permission_content_type_id_2f476e4b" ON "auth_permission" ("content_type_id");

CREATE TABLE "auth_user" (
  "id" integer NOT NULL PRIMARY KEY AUTOINCREMENT,
  "password" varchar(128) NOT NULL,
  "last_login" datetime NULL,
  "is_superuser" bool NOT NULL,
  "username" varchar(150) NOT NULL UNIQUE,
  "first_name" varchar(150) NOT NULL,
  "last_name" varchar(150) NOT NULL,
  "email" varchar(254) NOT NULL,
  "is_staff" bool NOT NULL,
  "is_active" bool NOT NULL,
  "date_joined" datetime NOT NULL
);

CREATE TABLE "auth_user_groups" (
  "id" integer NOT NULL PRIMARY KEY AUTOINCREMENT,
  "user_id" integer NOT NULL REFERENCES "auth_user" ("id") DEFERRABLE INITIALLY DEFERRED,
  "group_id" integer NOT NULL REFERENCES "auth_group" ("id") DEFERRABLE INITIALLY DEFERRED
);
CREATE UNIQUE INDEX "auth_user_groups_user_id_group_id_94350c0c_uniq" ON "auth_user_groups" ("user_id", "group_id");
CREATE INDEX "auth_user_groups_user_id_6a12ed8b" ON "auth_user_groups" ("user_id");
CREATE INDEX "auth_user_groups_group_id_97559544" ON "auth_user_groups" ("group_id");

CREATE TABLE "auth_user_user_permissions" (
  "id" integer NOT NULL PRIMARY KEY AUTOINCREMENT,
  "user_id" integer NOT NULL REFERENCES "auth_user" ("id") DEFERRABLE INITIALLY DEFERRED,
  "permission_id" integer NOT NULL REFERENCES "auth_permission" ("id") DEFERRABLE INITIALLY DEFERRED
);
CREATE UNIQUE INDEX "auth_user_user_permissions_user_id_permission_id_14a6b632_uniq" ON "auth_user_user_permissions" ("user_id", "permission_id");
CREATE INDEX "auth_user_user_permissions_user_id_a95ead1b" ON "auth_user_user_permissions" ("user_id");
CREATE INDEX "auth_user_user_permissions_permission_id_1fbb5f2c" ON "auth_user_user_permissions" ("permission_id");

CREATE TABLE "django_admin_log" (
  "id" integer NOT NULL PRIMARY KEY AUTOINCREMENT,
  "action_time" datetime NOT NULL,
  "object_id" text NULL,
  "object_repr" varchar(200) NOT NULL,
  "action_flag" smallint unsigned NOT NULL CHECK ("action_flag" >= 0),
  "change_message" text NOT NULL,
  "content_type_id" integer NULL REFERENCES "django_content_type" ("id") DEFERRABLE INITIALLY DEFERRED,
  "user_id" integer NOT NULL REFERENCES "auth_user" ("id") DEFERRABLE INITIALLY DEFERRED
);
CREATE INDEX "django_admin_log_content_type_id_c4bce8eb" ON "django_admin_log" ("content_type_id");
CREATE INDEX "django_admin_log_user_id_c564eba6" ON "django_admin_log" ("user_id");

CREATE TABLE "django_content_type" (
  "id" integer NOT NULL PRIMARY KEY AUTOINCREMENT,
  "app_label" varchar(100) NOT NULL,
  "model" varchar(100) NOT NULL
);
CREATE UNIQUE INDEX "django_content_type_app_label_model_76bd3d3b_uniq" ON "django_content_type" ("app_label", "model");

CREATE TABLE "django_migrations" (
  "id" integer NOT NULL PRIMARY KEY AUTOINCREMENT,
  "app" varchar(255) NOT NULL,
  "name" varchar(255) NOT NULL,
  "applied" datetime NOT NULL
);

CREATE TABLE "django_session" (
  "session_key" varchar(40) NOT NULL PRIMARY KEY,
  "session_data" text NOT NULL,
  "expire_date" datetime NOT NULL
);
CREATE INDEX "django_session_expire_date_a5c62663" ON "django_session" ("expire_date");

CREATE TABLE "servers_asset" (
  "id" integer NOT NULL PRIMARY KEY AUTOINCREMENT,
  "name" varchar(200) NOT NULL,
  "serialnumber" varchar(64) NULL,
  "status" varchar(16) NULL,
  "owner" varchar(40) NULL,
  "created_at" datetime NOT NULL,
  "last_edit" datetime NOT NULL,
  "site_id" bigint NULL REFERENCES "servers_site" ("id") DEFERRABLE INITIALLY DEFERRED
);
CREATE INDEX "servers_asset_site_id_5517e0f5" ON "servers_asset" ("site_id");

CREATE TABLE "servers_availabilityzone" (
  "id" integer NOT NULL PRIMARY KEY AUTOINCREMENT,
  "shortname" varchar(16) NOT NULL,
  "region_id" bigint NOT NULL REFERENCES "servers_region" ("id") DEFERRABLE INITIALLY DEFERRED
);
CREATE INDEX "servers_availabilityzone_region_id_1b04a033" ON "servers_availabilityzone" ("region_id");

CREATE TABLE "servers_cpu" (
  "id" integer NOT NULL PRIMARY KEY AUTOINCREMENT,
  "version" varchar(128) NOT NULL,
  "cores" integer NULL,
  "threads" integer NULL
);

CREATE TABLE "servers_deliveryasset" (
  "id" integer NOT NULL PRIMARY KEY AUTOINCREMENT,
  "asset_type" varchar(32) NULL,
  "delivery_date" date NULL,
  "asset_id" bigint NULL UNIQUE REFERENCES "servers_asset" ("id") DEFERRABLE INITIALLY DEFERRED
);

CREATE TABLE "servers_filer" (
  "rackedasset_ptr_id" bigint NOT NULL PRIMARY KEY REFERENCES "servers_rackedasset" ("asset_ptr_id") DEFERRABLE INITIALLY DEFERRED,
  "capacity_tb" integer NOT NULL
);

-- django-simple-history: the model's fields without their constraints (id and the parent links
-- are plain indexed columns, foreign keys have db_constraint=False), plus the history_* columns.
CREATE TABLE "servers_historicalserver" (
  "id" bigint NOT NULL,
  "asset_ptr_id" bigint NULL,
  "rackedasset_ptr_id" bigint NULL,
  "name" varchar(200) NOT NULL,
  "serialnumber" varchar(64) NULL,
  "status" varchar(16) NULL,
  "owner" varchar(40) NULL,
  "created_at" datetime NOT NULL,
  "last_edit" datetime NOT NULL,
  "position" integer NULL,
  "cpu_count" integer NULL,
  "memory" decimal NULL,
  "network_speed" integer NULL,
  "ip_address" char(39) NULL,
  "mac_address" varchar(17) NULL,
  "history_id" integer NOT NULL PRIMARY KEY AUTOINCREMENT,
  "history_date" datetime NOT NULL,
  "history_change_reason" varchar(100) NULL,
  "history_type" varchar(1) NOT NULL,
  "cpu_id" bigint NULL,
  "history_user_id" integer NULL REFERENCES "auth_user" ("id") DEFERRABLE INITIALLY DEFERRED,
  "model_id" bigint NULL,
  "rack_id" bigint NULL,
  "site_id" bigint NULL
);
CREATE INDEX "servers_historicalserver_history_user_id_3c12097d" ON "servers_historicalserver" ("history_user_id");
CREATE INDEX "servers_historicalserver_id_99a97fca" ON "servers_historicalserver" ("id");
CREATE INDEX "servers_historicalserver_asset_ptr_id_77dabff3" ON "servers_historicalserver" ("asset_ptr_id");
CREATE INDEX "servers_historicalserver_rackedasset_ptr_id_d9dea72c" ON "servers_historicalserver" ("rackedasset_ptr_id");
CREATE INDEX "servers_historicalserver_history_date_5c913fea" ON "servers_historicalserver" ("history_date");
CREATE INDEX "servers_historicalserver_cpu_id_d6a8e708" ON "servers_historicalserver" ("cpu_id");
CREATE INDEX "servers_historicalserver_model_id_825f6ca6" ON "servers_historicalserver" ("model_id");
CREATE INDEX "servers_historicalserver_rack_id_eb9ede51" ON "servers_historicalserver" ("rack_id");
CREATE INDEX "servers_historicalserver_site_id_a95472fb" ON "servers_historicalserver" ("site_id");

CREATE TABLE "servers_manufacturer" (
  "id" integer NOT NULL PRIMARY KEY AUTOINCREMENT,
  "name" varchar(64) NOT NULL
);

CREATE TABLE "servers_model" (
  "id" integer NOT NULL PRIMARY KEY AUTOINCREMENT,
  "name" varchar(64) NOT NULL,
  "manufacturer_id" bigint NULL REFERENCES "servers_manufacturer" ("id") DEFERRABLE INITIALLY DEFERRED
);
CREATE INDEX "servers_model_manufacturer_id_97890857" ON "servers_model" ("manufacturer_id");

CREATE TABLE "servers_rack" (
  "id" integer NOT NULL PRIMARY KEY AUTOINCREMENT,
  "name" varchar(64) NOT NULL,
  "site_id" bigint NULL REFERENCES "servers_site" ("id") DEFERRABLE INITIALLY DEFERRED
);
CREATE INDEX "servers_rack_site_id_5b4a1049" ON "servers_rack" ("site_id");

CREATE TABLE "servers_rackedasset" (
  "asset_ptr_id" bigint NOT NULL PRIMARY KEY REFERENCES "servers_asset" ("id") DEFERRABLE INITIALLY DEFERRED,
  "position" integer NULL,
  "rack_id" bigint NULL REFERENCES "servers_rack" ("id") DEFERRABLE INITIALLY DEFERRED
);
CREATE INDEX "servers_rackedasset_rack_id_b94d5078" ON "servers_rackedasset" ("rack_id");

CREATE TABLE "servers_region" (
  "id" integer NOT NULL PRIMARY KEY AUTOINCREMENT,
  "shortname" varchar(16) NOT NULL
);

CREATE TABLE "servers_server" (
  "rackedasset_ptr_id" bigint NOT NULL PRIMARY KEY REFERENCES "servers_rackedasset" ("asset_ptr_id") DEFERRABLE INITIALLY DEFERRED,
  "cpu_count" integer NULL,
  "memory" decimal NULL,
  "network_speed" integer NULL,
  "ip_address" char(39) NULL,
  "mac_address" varchar(17) NULL,
  "cpu_id" bigint NULL REFERENCES "servers_cpu" ("id") DEFERRABLE INITIALLY DEFERRED,
  "model_id" bigint NULL REFERENCES "servers_model" ("id") DEFERRABLE INITIALLY DEFERRED
);
CREATE INDEX "servers_server_cpu_id_08462164" ON "servers_server" ("cpu_id");
CREATE INDEX "servers_server_model_id_6825df89" ON "servers_server" ("model_id");

CREATE TABLE "servers_server_role" (
  "id" integer NOT NULL PRIMARY KEY AUTOINCREMENT,
  "server_id" bigint NOT NULL REFERENCES "servers_server" ("rackedasset_ptr_id") DEFERRABLE INITIALLY DEFERRED,
  "serverrole_id" bigint NOT NULL REFERENCES "servers_serverrole" ("id") DEFERRABLE INITIALLY DEFERRED
);
CREATE UNIQUE INDEX "servers_server_role_server_id_serverrole_id_f6b3d4a9_uniq" ON "servers_server_role" ("server_id", "serverrole_id");
CREATE INDEX "servers_server_role_server_id_c7858489" ON "servers_server_role" ("server_id");
CREATE INDEX "servers_server_role_serverrole_id_5613854f" ON "servers_server_role" ("serverrole_id");

CREATE TABLE "servers_serverrole" (
  "id" integer NOT NULL PRIMARY KEY AUTOINCREMENT,
  "name" varchar(64) NOT NULL,
  "puppet_service" varchar(64) NULL,
  "managed_by" bigint NULL REFERENCES "servers_team" ("id") DEFERRABLE INITIALLY DEFERRED
);
CREATE INDEX "servers_serverrole_managed_by_8e525ab0" ON "servers_serverrole" ("managed_by");

CREATE TABLE "servers_site" (
  "id" integer NOT NULL PRIMARY KEY AUTOINCREMENT,
  "shortname" varchar(8) NOT NULL,
  "name" varchar(64) NOT NULL,
  "availability_zone_id" bigint NULL REFERENCES "servers_availabilityzone" ("id") DEFERRABLE INITIALLY DEFERRED
);
CREATE INDEX "servers_site_availability_zone_id_ae50e7f3" ON "servers_site" ("availability_zone_id");

CREATE TABLE "servers_switch" (
  "rackedasset_ptr_id" bigint NOT NULL PRIMARY KEY REFERENCES "servers_rackedasset" ("asset_ptr_id") DEFERRABLE INITIALLY DEFERRED,
  "ports" integer NOT NULL
);

CREATE TABLE "servers_team" (
  "id" integer NOT NULL PRIMARY KEY AUTOINCREMENT,
  "name" varchar(80) NOT NULL,
  "org_unit_id" integer NULL
);
