-- The editor step the applicant last opened, so a draft resumes there on any device.
ALTER TABLE applications ADD COLUMN last_step TEXT;
