-- The tenant's time zone (IANA id): which year it is for the tenant decides the years a report may be
-- stored for. A district in China by default; validated against the server's zone database on creation.
ALTER TABLE tenants ADD COLUMN time_zone text NOT NULL DEFAULT 'Asia/Shanghai';
