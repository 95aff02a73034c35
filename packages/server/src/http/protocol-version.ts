/**
 * Version negotiation on the server's side: a client names the protocol version it speaks in the
 * `KeyPears-Protocol` header; a client of another version is answered with a message that says
 * which side to upgrade, before any route runs. A request without the header (a version-1 client,
 * or a hand-written tool) goes on: version-1 clients already refuse a version-2 discovery
 * document, and the push route refuses version-1 event payloads on a vault that has a roster.
 */

import { PROTOCOL_VERSION, protocolMismatchMessage } from "@keypears/api";

export interface ProtocolMismatch {
  readonly status: 400;
  readonly code: "PROTOCOL_MISMATCH";
  readonly message: string;
  readonly data: { readonly server: number; readonly client: number };
}

/** The refusal for a request whose header names another protocol version, or `undefined`. */
export const checkProtocolHeader = (
  header: string | readonly string[] | undefined,
): ProtocolMismatch | undefined => {
  if (header === undefined) return undefined;
  const text = typeof header === "string" ? header : header[0];
  const client = Number(text);
  if (!Number.isSafeInteger(client) || client < 1) {
    return {
      status: 400,
      code: "PROTOCOL_MISMATCH",
      message: `The KeyPears-Protocol header must be a version number; this server speaks version ${PROTOCOL_VERSION}.`,
      data: { server: PROTOCOL_VERSION, client: 0 },
    };
  }
  const message = protocolMismatchMessage("server", client, PROTOCOL_VERSION);
  return message === undefined
    ? undefined
    : {
        status: 400,
        code: "PROTOCOL_MISMATCH",
        message,
        data: { server: PROTOCOL_VERSION, client },
      };
};
