-- The OCSP answer ("good", signed by the signer's CA, with our nonce) a signature was accepted
-- on, kept beside it as the evidence of its status then; NULL when the CRL decided (the
-- responder could not be reached) and for signatures accepted before OCSP was checked.
ALTER TABLE submissions ADD COLUMN ocsp_response BYTEA;
ALTER TABLE decisions ADD COLUMN ocsp_response BYTEA;
