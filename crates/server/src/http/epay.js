// Hands the payment drawn on /payments/{id}/epay to ePay's own script (halyk.pay), which
// takes the payer to the bank's card form. Nothing here decides that a fee is paid: only
// ePay's server-to-server callback does.
(function () {
  'use strict';
  var d = document.getElementById('epay').dataset;
  if (typeof halyk === 'undefined' || typeof halyk.pay !== 'function') return;
  halyk.pay({
    invoiceId: d.invoiceId,
    backLink: d.backLink,
    failureBackLink: d.failureBackLink,
    postLink: d.postLink,
    failurePostLink: d.failurePostLink,
    language: d.language,
    description: d.description,
    accountId: d.accountId,
    terminal: d.terminal,
    amount: Number(d.amount),
    currency: 'KZT',
    auth: JSON.parse(d.auth),
  });
})();
