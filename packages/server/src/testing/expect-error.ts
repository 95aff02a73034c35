/** Asserts that a client call fails with the typed error `code` and HTTP `status`. */

import assert from "node:assert/strict";

export const rejectsWith = async (
  call: Promise<unknown>,
  code: string,
  status: number,
): Promise<{ readonly message: string; readonly data: unknown }> => {
  try {
    await call;
  } catch (error) {
    const failure = error as { code?: unknown; status?: unknown; message: string; data?: unknown };
    assert.equal(
      failure.code,
      code,
      `expected ${code}, got ${String(failure.code)}: ${failure.message}`,
    );
    assert.equal(failure.status, status);
    return { message: failure.message, data: failure.data };
  }
  assert.fail(`expected the call to fail with ${code}`);
};
