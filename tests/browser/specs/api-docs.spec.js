// The API's OpenAPI document rendered at /api/docs with nothing loaded from elsewhere.
const { test, expect, expectAccessible } = require('../support/harness');

test('the API documentation page renders every operation from the OpenAPI document', async ({ page }) => {
  const outside = [];
  page.on('request', (r) => { if (!r.url().startsWith('http://127.0.0.1')) outside.push(r.url()); });
  await page.goto('/api/docs');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Qyzmet API');
  await expect(page.locator('#description')).toContainText('OpenAPI 3.1');
  await expect(page.getByRole('heading', { name: 'post /api/applications/{id}/submit' })).toBeVisible();
  await expect(page.locator('#schema-Problem')).toContainText('code');
  await expectAccessible(page, 'API documentation');
  expect(outside).toEqual([]);
});
