/** The two starting points of every route: public ones, and ones that need a session token. */

import { oc } from "@orpc/contract";
import { apiErrors } from "../errors.ts";

/** Routes anyone may call (registration, sign-in, health): documented with `security: []`. */
export const publicRoute = oc.route({ spec: (operation) => ({ ...operation, security: [] }) });

/** Routes that need `Authorization: Bearer <session token>`. */
export const sessionRoute = oc
  .errors({ UNAUTHORIZED: apiErrors.UNAUTHORIZED })
  .route({ spec: (operation) => ({ ...operation, security: [{ session: [] }] }) });
