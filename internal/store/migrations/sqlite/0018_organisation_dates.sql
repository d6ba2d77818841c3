-- Jigsaw schema, step 18: the days an organisation opened and closed
-- (YYYY-MM-DD, '' when not known or still open), from ODS files or
-- editors. Closures are what a campaign against closures most needs.
ALTER TABLE organisations ADD COLUMN opened_on TEXT NOT NULL DEFAULT '';
ALTER TABLE organisations ADD COLUMN closed_on TEXT NOT NULL DEFAULT '';
-- An ODS import that finds organisations closed records each as a draft
-- closure for editors; its run says how many.
ALTER TABLE import_runs ADD COLUMN closures INTEGER NOT NULL DEFAULT 0;
