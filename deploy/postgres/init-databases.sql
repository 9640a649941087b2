-- One database per Rapport service: each service owns its schema, no service reads another's
-- tables (DESIGN.md). The postgres image runs this once, as POSTGRES_USER (who then owns the
-- databases), when it initialises an empty data volume; on an existing volume, create a new
-- service's database by hand.
--
-- UTF8 explicitly: names, headlines and notes are Arabic as well as English.
CREATE DATABASE badge     ENCODING 'UTF8';
CREATE DATABASE scan      ENCODING 'UTF8';
CREATE DATABASE followup  ENCODING 'UTF8';
CREATE DATABASE dashboard ENCODING 'UTF8';
CREATE DATABASE match     ENCODING 'UTF8';
