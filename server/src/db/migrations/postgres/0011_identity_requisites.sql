-- What an appeal must give besides a name and phone (APC Art. 63), added later to an
-- anonymous complaint: the IIN (twelve digits), the postal address, and the moment both
-- were given, from which its answer is due. The twin of SQLite's 0011.
ALTER TABLE submission_identities ADD COLUMN iin TEXT COLLATE "C";
ALTER TABLE submission_identities ADD COLUMN postal_address TEXT COLLATE "C";
ALTER TABLE submission_identities ADD COLUMN formal_at TEXT COLLATE "C";
