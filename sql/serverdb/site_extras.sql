-- Optional, illustrative site-specific tables (not part of Django's core ServerDB schema), as
-- Django 3.2 would create three small models of a site's own app on MariaDB 10.11: each a
-- OneToOneField to a core table (NOT NULL, UNIQUE KEY named after the column, a foreign key
-- named as Django names it). `generate --site-extras` creates and fills them, so that extra fact
-- columns declared in the config have something to read: a rack's row and room, a model's rated
-- power, a server's purchase order and warranty end. Same layout as schema.sql (mariadb-dump).
/*!40101 SET @saved_cs_client     = @@character_set_client */;
/*!40101 SET character_set_client = utf8mb4 */;
CREATE TABLE `servers_modelpower` (
  `id` bigint(20) NOT NULL AUTO_INCREMENT,
  `model_id` bigint(20) NOT NULL,
  `rated_watts` int(11) DEFAULT NULL,
  PRIMARY KEY (`id`),
  UNIQUE KEY `model_id` (`model_id`),
  CONSTRAINT `servers_modelpower_model_id_738cff37_fk_servers_model_id` FOREIGN KEY (`model_id`) REFERENCES `servers_model` (`id`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;
/*!40101 SET character_set_client = @saved_cs_client */;
/*!40101 SET @saved_cs_client     = @@character_set_client */;
/*!40101 SET character_set_client = utf8mb4 */;
CREATE TABLE `servers_purchase` (
  `id` bigint(20) NOT NULL AUTO_INCREMENT,
  `asset_id` bigint(20) NOT NULL,
  `purchase_order` varchar(32) DEFAULT NULL,
  `warranty_end` date DEFAULT NULL,
  PRIMARY KEY (`id`),
  UNIQUE KEY `asset_id` (`asset_id`),
  CONSTRAINT `servers_purchase_asset_id_b2758eeb_fk_servers_asset_id` FOREIGN KEY (`asset_id`) REFERENCES `servers_asset` (`id`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;
/*!40101 SET character_set_client = @saved_cs_client */;
/*!40101 SET @saved_cs_client     = @@character_set_client */;
/*!40101 SET character_set_client = utf8mb4 */;
CREATE TABLE `servers_rackplacement` (
  `id` bigint(20) NOT NULL AUTO_INCREMENT,
  `rack_id` bigint(20) NOT NULL,
  `row_name` varchar(16) DEFAULT NULL,
  `room` varchar(48) DEFAULT NULL,
  PRIMARY KEY (`id`),
  UNIQUE KEY `rack_id` (`rack_id`),
  CONSTRAINT `servers_rackplacement_rack_id_624b144d_fk_servers_rack_id` FOREIGN KEY (`rack_id`) REFERENCES `servers_rack` (`id`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;
/*!40101 SET character_set_client = @saved_cs_client */;
