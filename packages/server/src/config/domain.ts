/**
 * The server's domain: the part after the @ of every address it holds. `localhost` alone is
 * refused: clients keep `name@localhost` accounts local and never sync them. The default is this
 * machine's host name, which suits a laptop; a public server sets its real domain.
 */

import { err, ok, type Result } from "@keypears/base";
import { addressSchema } from "@keypears/api";
import { hostname } from "node:os";

export const parseServerDomain = (text: string): Result<string, string> => {
  const domain = text.trim().toLowerCase();
  if (domain === "localhost") {
    return err(
      "the domain localhost is reserved for local-only accounts; use the machine's name, a real domain, or localhost:<port>",
    );
  }
  if (!addressSchema.safeParse(`x@${domain}`).success) {
    return err(`${JSON.stringify(text)} is not a domain (expected e.g. example.com or host:7420)`);
  }
  return ok(domain);
};

export const defaultServerDomain = (): string => hostname().toLowerCase();
