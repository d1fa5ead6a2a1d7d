import { z } from "zod";
import { engineVersion } from "../node/package-info.js";
import { errorBody } from "./errors.js";
import type { Route } from "./route.js";

type JsonSchema = Record<string, unknown>;

/** The JSON Schema (2020-12, the dialect of OpenAPI 3.1) of what a client sends. */
function schemaOf(schema: z.ZodType): JsonSchema {
  const { $schema: _, ...rest } = z.toJSONSchema(schema, {
    io: "input",
    target: "draft-2020-12",
    unrepresentable: "any",
  }) as JsonSchema;
  return rest;
}

function parameters(schema: z.ZodType | undefined, where: "query" | "path"): JsonSchema[] {
  if (!schema) return [];
  const s = schemaOf(schema) as { properties?: Record<string, JsonSchema>; required?: string[] };
  return Object.entries(s.properties ?? {}).map(([name, p]) => {
    const { description, ...rest } = p;
    return {
      name,
      in: where,
      required: where === "path" || (s.required ?? []).includes(name),
      ...(typeof description === "string" && { description }),
      schema: rest,
    };
  });
}

const errorRef = { $ref: "#/components/schemas/Error" };
const errorResponse = (description: string) => ({
  description,
  content: { "application/json": { schema: errorRef } },
});

/**
 * The OpenAPI 3.1 document of the route table: parameters and bodies come from the zod schemas the router
 * validates with; the role each operation needs is in `x-chipgate-role` and its description.
 */
export function buildOpenApi(routes: readonly Route[]): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const r of routes) {
    const secured = r.access !== "public";
    const responses: Record<string, unknown> = {};
    for (const [status, spec] of Object.entries(r.responses)) {
      const contentType = spec.contentType ?? "application/json";
      responses[status] = {
        description: spec.description,
        content: { [contentType]: { schema: spec.schema ? schemaOf(spec.schema) : {} } },
      };
    }
    const takesInput = r.query || r.params || r.body || r.rawBody;
    if (takesInput && !responses["400"])
      responses["400"] = errorResponse("Invalid input: `issues` lists each field.");
    if (secured) {
      responses["401"] = errorResponse("No API key, or an unknown or revoked one.");
      responses["403"] = errorResponse(`The key's role may not do this (needs ${r.access}).`);
      responses["429"] = errorResponse("Rate limit of the key reached; see Retry-After.");
    }
    if (r.body || r.rawBody) responses["413"] = errorResponse("The body is over the size limit.");
    if (r.params && !responses["404"]) responses["404"] = errorResponse("Not found.");
    if (r.path.startsWith("/v1") || r.path === "/readyz") {
      responses["503"] = errorResponse("Not ready (data loading, database unreachable) or shutting down.");
    }
    responses["500"] = errorResponse("A defect; the request id is in the server log.");

    let requestBody: unknown;
    if (r.body) {
      const schema = schemaOf(r.body);
      requestBody = {
        required: true,
        content: {
          "application/json": { schema, ...(schema.example !== undefined && { example: schema.example }) },
        },
      };
    } else if (r.rawBody) {
      requestBody = {
        required: true,
        description: r.rawBody.description,
        content: { [r.rawBody.contentType]: { schema: { type: "string" } } },
      };
    }
    const role = secured ? `Role: ${r.access} or above.` : "No key needed.";
    paths[r.path] ??= {};
    paths[r.path]![r.method] = {
      operationId: r.operationId,
      summary: r.summary,
      description: r.description ? `${r.description}\n\n${role}` : role,
      tags: [r.tag],
      "x-chipgate-role": r.access,
      security: secured ? [{ bearerKey: [] }, { headerKey: [] }] : [],
      parameters: [...parameters(r.params, "path"), ...parameters(r.query, "query")],
      ...(requestBody !== undefined && { requestBody }),
      responses,
    };
  }
  return {
    openapi: "3.1.0",
    info: {
      title: "ChipGate HTTP API",
      version: engineVersion,
      description:
        "Classify AI chips under the US advanced-computing export controls, screen parties, decide and record. Decision support, not legal advice. Errors: `{error: {code, message, requestId, issues}}`.",
      license: { name: "Apache-2.0", identifier: "Apache-2.0" },
    },
    servers: [{ url: "/" }],
    tags: [...new Set(routes.map((r) => r.tag))].map((name) => ({ name })),
    paths,
    components: {
      schemas: { Error: schemaOf(errorBody) },
      securitySchemes: {
        bearerKey: {
          type: "http",
          scheme: "bearer",
          description: "An API key from `chipgate keys create`, as `Authorization: Bearer <key>`.",
        },
        headerKey: { type: "apiKey", in: "header", name: "X-API-Key" },
      },
    },
  };
}
