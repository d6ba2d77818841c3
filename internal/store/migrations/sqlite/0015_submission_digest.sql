-- Jigsaw schema, step 15: what a submission said, as a digest beside its
-- form token or Idempotency-Key. A key sent again with the same story finds
-- the first; the same key with a different story is refused instead of
-- silently answering with the first (which dropped the second story).
ALTER TABLE submissions ADD COLUMN digest TEXT NOT NULL DEFAULT '';
