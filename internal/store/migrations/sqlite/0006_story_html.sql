-- Jigsaw schema, step 6: a story's public text rendered once, when it is
-- written, instead of on every page view. '' means not rendered (rows
-- written without a renderer): pages render public_body then.
ALTER TABLE stories ADD COLUMN public_html TEXT NOT NULL DEFAULT '';
