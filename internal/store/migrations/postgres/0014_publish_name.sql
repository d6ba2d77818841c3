-- Jigsaw schema, step 14: the name a teller asked to be published under
-- when they chose "first name and area". It used to be guessed as the first
-- word of their name, which published "Quuxley," for "Quuxley, Yolanda".
ALTER TABLE stories ADD COLUMN publish_name TEXT NOT NULL DEFAULT '';
