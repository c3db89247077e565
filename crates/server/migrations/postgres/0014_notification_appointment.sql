-- A testing appointment travels with its notification as data, not baked into the note's
-- text, so each reader sees its date as their language writes it (14.12.2026, 14 December
-- 2026). Notes written before this keep the appointment in their text.
ALTER TABLE notifications ADD COLUMN appointment_at TEXT;
ALTER TABLE notifications ADD COLUMN appointment_place TEXT;
