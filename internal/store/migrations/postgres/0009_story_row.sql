-- Jigsaw schema, step 9: a story's public text kept whole in its row.
-- A row of a usual story (title, the submitted body, its public version
-- twice — Markdown and HTML —, the search vector) is past PostgreSQL's 2 kB
-- threshold, and by default the largest text columns were the first to be
-- compressed and moved to the TOAST table: a story page then read its
-- Markdown and HTML from two more places and decompressed both, a quarter
-- of PostgreSQL's work for the page. Now the public columns, like
-- the search vector (step 7), are compressed or moved only as a last resort,
-- and rows are shortened only past 4000 bytes (two to a page), by
-- compressing and moving the submitted body first, which public reads never
-- touch.
ALTER TABLE stories
	ALTER COLUMN public_body SET STORAGE MAIN,
	ALTER COLUMN public_html SET STORAGE MAIN,
	SET (toast_tuple_target = 4000);
-- Rows written before this step are written again, so that they follow it
-- (a value copied unchanged would keep its old place).
UPDATE stories SET public_body = public_body || '', public_html = public_html || '';
