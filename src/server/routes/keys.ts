import { z } from "zod";
import { ChipGateError } from "../../core/errors.js";
import { LIMITS, tooLongMessage } from "../../core/limits.js";
import { CONTROL_CHARACTERS, roles } from "../keys/key-store.js";
import { json, type Route, route } from "../route.js";
import { idParams } from "./common.js";

const createBody = z
  .strictObject({
    role: z.enum(roles, { error: `role must be one of ${roles.join(", ")}` }),
    name: z
      .string()
      .max(LIMITS.textLength, { error: tooLongMessage("name", LIMITS.textLength) })
      .trim()
      .min(1)
      .refine((n) => !CONTROL_CHARACTERS.test(n), { error: "must not hold control characters" })
      .optional(),
  })
  .meta({ example: { role: "analyst", name: "order-intake" } });

export const keyRoutes: Route[] = [
  route({
    method: "get",
    path: "/v1/keys",
    operationId: "listKeys",
    summary: "API keys: id, name, role, created and revoked times (never the key)",
    tag: "keys",
    access: "admin",
    ready: false,
    responses: { 200: { description: "`{keys}`." } },
    async handler({ deps }) {
      return { keys: await deps.keys.list() };
    },
  }),
  route({
    method: "post",
    path: "/v1/keys",
    operationId: "createKey",
    summary: "Create an API key; the response is the only time the key is shown",
    tag: "keys",
    access: "admin",
    ready: false,
    body: createBody,
    responses: { 201: { description: "`{key, id, name, role, createdAt}`." } },
    async handler({ body, deps }) {
      const { key, info } = await deps.keys.create({
        role: body.role,
        ...(body.name !== undefined && { name: body.name }),
      });
      return json({ key, ...info }, 201);
    },
  }),
  route({
    method: "delete",
    path: "/v1/keys/{id}",
    operationId: "revokeKey",
    summary:
      "Revoke an API key; this server refuses it at once, servers sharing its database within a second",
    tag: "keys",
    access: "admin",
    ready: false,
    params: idParams,
    responses: { 200: { description: "The revoked key's record." }, 404: { description: "No such key." } },
    async handler({ params, deps, principal }) {
      const info = await deps.keys.revoke(params.id);
      if (!info) {
        throw new ChipGateError("NOT_FOUND", `no API key with id '${params.id}'`, [
          { path: "path.id", message: "no such key" },
        ]);
      }
      if (principal.keyId === params.id)
        deps.logger.log("warn", "a key revoked itself", { keyId: params.id });
      return info;
    },
  }),
];
