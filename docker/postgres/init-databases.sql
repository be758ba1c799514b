-- One database per service (data ownership: no service reads another's tables).
-- Run once by the postgres image's entrypoint when the data volume is first initialised;
-- each service then applies its own migrations (MIGRATE_ON_START or `main.js migrate`).
CREATE DATABASE jsjb_intake;
CREATE DATABASE jsjb_routing;
CREATE DATABASE jsjb_sla;
