-- Jigsaw schema, step 19: an index of organisations' names and codes for
-- the pickers that find one as people type (store.SearchOrganisations):
-- each word of the name, the ODS code and the Companies House number,
-- found by their first letters among thousands without reading them all.
-- The words are kept in a column, as stories' are, so that checking a
-- match does not parse the name again.
ALTER TABLE organisations ADD COLUMN search TSVECTOR GENERATED ALWAYS AS (
	to_tsvector('simple', name || ' ' || ods_code || ' ' || company_number)
) STORED;
CREATE INDEX organisations_search ON organisations USING GIN (search);
