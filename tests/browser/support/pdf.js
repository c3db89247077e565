// A PDF's text as poppler's pdftotext reads it: what a printed receipt or letter says.
const fs = require('fs');
const os = require('os');
const path = require('path');
const { execFileSync } = require('child_process');

function pdfText(pdf) {
  const file = path.join(os.tmpdir(), `qyzmet-${process.pid}-${Date.now()}-${Math.random().toString(36).slice(2)}.pdf`);
  fs.writeFileSync(file, pdf);
  try {
    return execFileSync('pdftotext', [file, '-']).toString('utf8');
  } finally {
    fs.unlinkSync(file);
  }
}

module.exports = { pdfText };
