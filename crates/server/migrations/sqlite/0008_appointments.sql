-- A testing appointment scheduled by a move (attestation services): local time and place.
ALTER TABLE history ADD COLUMN appointment_at TEXT;
ALTER TABLE history ADD COLUMN appointment_place TEXT;
