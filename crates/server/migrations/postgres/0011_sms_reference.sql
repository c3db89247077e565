-- The client reference a message is sent with (an SMS provider's message id): the one-time
-- code's verification id. The TEST outbox shows it so a reader of the outbox can tell which
-- message answers which request when one phone is asked for several codes at once.
ALTER TABLE test_sms_outbox ADD COLUMN reference TEXT NOT NULL DEFAULT '';
