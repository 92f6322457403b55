-- What an appeal must give besides a name and phone (APC Art. 63), added later to an
-- anonymous complaint: the IIN (twelve digits), the postal address, and the moment both
-- were given, from which its answer is due. Plain nullable columns: portable SQL.
ALTER TABLE submission_identities ADD COLUMN iin TEXT;
ALTER TABLE submission_identities ADD COLUMN postal_address TEXT;
ALTER TABLE submission_identities ADD COLUMN formal_at TEXT;
