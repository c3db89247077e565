// The demo PKI the server creates (keys under its data directory) and signing with OpenSSL,
// as an independent signer: what it signs, the server must accept like the browser's own.
const path = require('node:path');
const fs = require('node:fs');
const os = require('node:os');
const { execFileSync } = require('node:child_process');

const root = path.resolve(__dirname, '..', '..', '..');
const artifacts = process.env.QYZMET_ARTIFACTS || path.join(root, 'target', 'browser-artifacts');
const PASSWORD = 'Qwerty12';

/**
 * A demo key file: `<IIN-or-BIN>-signing.p12` and `-auth.p12` are GOST (NCA RK's profile, what
 * the browser's signer opens); `rsa/…` the same holders' RSA keys (what OpenSSL signs with);
 * `test/…` the keys that must be refused.
 */
const key = (name) => path.join(artifacts, 'server-data', 'pki', 'keys', name);

/** A detached CMS signature (DER) of `document` with the RSA key in `p12` (`rsa/…`). */
function opensslSign(document, p12) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'qyzmet-sign-'));
  const pem = path.join(dir, 'key.pem');
  execFileSync('openssl', ['pkcs12', '-in', p12, '-passin', `pass:${PASSWORD}`, '-nodes', '-out', pem]);
  fs.writeFileSync(path.join(dir, 'doc'), document);
  const signature = execFileSync('openssl', [
    'cms', '-sign', '-binary', '-md', 'sha256', '-in', path.join(dir, 'doc'), '-signer', pem, '-outform', 'DER',
  ]);
  fs.rmSync(dir, { recursive: true, force: true });
  return signature;
}

module.exports = { key, opensslSign, PASSWORD };
