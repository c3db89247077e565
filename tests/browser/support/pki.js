// The demo PKI the server creates (keys under its data directory) and signing with OpenSSL,
// as an independent signer: what it signs, the server must accept like the browser's own.
const path = require('node:path');
const fs = require('node:fs');
const os = require('node:os');
const { execFileSync, execFile } = require('node:child_process');

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

/** The TEST signer (`qyzmet-test-signer`), built beside the server. */
function testSigner() {
  const server = process.env.QYZMET_SERVER_BIN || path.join(root, 'target', 'debug', 'qyzmet-server');
  return path.join(path.dirname(server), 'qyzmet-test-signer');
}

/**
 * A detached CMS of `document` with the key in `p12`, as NCALayer's Kalkan makes it: the
 * demo keys' GOST in NCA RK's profile, which OpenSSL's engine cannot read. Base64.
 */
function kalkanSign(document, p12) {
  return execFileSync(testSigner(), ['cms', p12, PASSWORD], { input: document }).toString();
}

/**
 * The TEST phone signer: plays eGov mobile's part of the QR / cross-link protocol with the
 * key in `p12`. Resolves to its output ("<status> <message>").
 */
function mobileSign(link, p12, lang = 'kk') {
  return new Promise((resolve, reject) => {
    execFile(testSigner(), ['egov-mobile', link, p12, PASSWORD, lang], (error, stdout, stderr) => {
      if (error && !stdout) reject(new Error(`${error.message}\n${stderr}`));
      else resolve(stdout.trim());
    });
  });
}

module.exports = { key, opensslSign, kalkanSign, mobileSign, PASSWORD };
