-- One database per service: no service reads another's tables.
CREATE DATABASE badge OWNER rapport;
CREATE DATABASE scan OWNER rapport;
CREATE DATABASE followup OWNER rapport;
CREATE DATABASE dashboard OWNER rapport;
