/** A local-only account (`name@localhost`) in the web app can neither send nor receive shares, and says so. */

import { after, before, test } from "node:test";
import { launchChromium } from "@keypears/vault-browser/testing";
import { addLogin, createLocalAccount, startWebFixture, type WebFixture } from "./web-fixture.ts";

const PASSWORD = "copper kettle under the bridge";

let fixture: WebFixture;
before(async () => {
  fixture = await startWebFixture();
});
after(async () => {
  await fixture?.close();
});

test("a local-only account can neither send nor receive, and says so", async () => {
  const browser = await launchChromium();
  try {
    const page = await browser.context.newPage();
    await createLocalAccount(page, fixture.url, { name: "solo", password: PASSWORD });
    await addLogin(page, { title: "Router", password: "router-pw-1187" });
    await page.getByRole("button", { name: "Sharing" }).click();
    await page
      .getByText(
        /lives only in this browser: it has no server, so it can neither send nor receive shares/,
      )
      .waitFor();
    await page.getByRole("button", { name: "Items", exact: true }).click();
    await page
      .getByRole("region", { name: "Items" })
      .getByRole("button", { name: "Router" })
      .click();
    await page.getByRole("button", { name: "Share" }).click();
    const form = page.getByRole("form", { name: "Share Router" });
    await form.getByLabel("Recipient address").fill("bob@example.org");
    await form.getByRole("button", { name: "Send share" }).click();
    await form
      .getByRole("alert")
      .filter({
        hasText:
          "solo@localhost is a local-only account: it has no server, so it can neither send nor receive shares",
      })
      .waitFor({ timeout: 30_000 });
  } finally {
    await browser.close();
    browser.removeProfile();
  }
});
