-- Jigsaw schema, step 19: an index of organisations' names and codes for
-- the pickers that find one as people type (store.SearchOrganisations):
-- each word of the name, the ODS code and the Companies House number,
-- found by their first letters among thousands without reading them all.
-- The expression must be written exactly so in queries to use the index.
CREATE INDEX organisations_search ON organisations
	USING GIN (to_tsvector('simple', name || ' ' || ods_code || ' ' || company_number));
