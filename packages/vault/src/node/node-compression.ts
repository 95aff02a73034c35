/** The compression port on `node:zlib` (native, faster than the pure-JavaScript default). */

import { asPlainBytes } from "@keypears/base";
import { deflateRawSync, inflateRawSync } from "node:zlib";
import type { Compression } from "../compression.ts";

export const nodeCompression: Compression = {
  deflate: (plain) => asPlainBytes(deflateRawSync(plain)),
  inflate: (compressed, maxLength) =>
    asPlainBytes(inflateRawSync(compressed, { maxOutputLength: maxLength })),
};
