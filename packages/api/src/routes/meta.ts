/** Server routes that need no account: health. */

import { z } from "zod";
import { apiErrors } from "../errors.ts";
import { publicRoute } from "./base.ts";

export const metaRoutes = {
  health: publicRoute
    .errors({ UNAVAILABLE: apiErrors.UNAVAILABLE })
    .route({
      tags: ["server"],
      method: "GET",
      path: "/health",
      summary: "Liveness and database",
      description:
        "Answers 200 with the server's domain when the server and its database are up; 503 when the database cannot be reached.",
    })
    .output(z.object({ status: z.literal("ok"), domain: z.string() })),
};
