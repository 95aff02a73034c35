/** `node:crypto`'s `randomBytes` for a browser test bundle, on `crypto.getRandomValues`. */

import { systemRandomBytes } from "@keypears/base";

export const randomBytes = (length: number): Uint8Array => systemRandomBytes(length);
export default { randomBytes };
