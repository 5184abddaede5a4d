-- Bounds of the org-unit tree, as a second wall behind the API's 400s (Aggregator:OrgUnits:MaxDepth, at
-- most 32; codes of at most 64 characters, names of at most 200). A tree far deeper than any real one
-- (a chain of 338 units) made every insert into the shared ltree index of org_units time out, for every
-- tenant. NOT VALID: rows written before these bounds existed stay readable; every new or changed row is checked.

ALTER TABLE org_units ADD CONSTRAINT org_units_depth CHECK (nlevel(path) <= 33) NOT VALID;
ALTER TABLE org_units ADD CONSTRAINT org_units_code_length CHECK (char_length(code) <= 64) NOT VALID;
ALTER TABLE org_units ADD CONSTRAINT org_units_name_length CHECK (char_length(name) <= 200) NOT VALID;
ALTER TABLE tenants ADD CONSTRAINT tenants_code_length CHECK (char_length(code) <= 64) NOT VALID;
ALTER TABLE tenants ADD CONSTRAINT tenants_name_length CHECK (char_length(name) <= 200) NOT VALID;
