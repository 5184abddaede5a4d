-- The two roles Aggregator expects (docker-compose): the owner of the schema, and the app role that
-- owns nothing and cannot bypass row-level security. Change the passwords for anything but local use.
CREATE ROLE aggregator_owner LOGIN PASSWORD 'owner-password';
CREATE ROLE aggregator_app LOGIN NOSUPERUSER NOBYPASSRLS PASSWORD 'app-password';
CREATE DATABASE aggregator OWNER aggregator_owner;
\connect aggregator
CREATE EXTENSION IF NOT EXISTS ltree;
