import { z } from "zod";

/**
 * Schemas for the Octopus documents octoport reads. They validate the fields the tool uses
 * and keep every other field as it came (looseObject), so the snapshot path loses nothing.
 */

/**
 * Checks `json` against a schema and returns `json` itself. The schemas here only check (no
 * defaults, no transforms), so what zod would return is an equal copy: keeping the parsed
 * document instead saves the copy, and a space read holds a third less.
 */
export function checked<T>(schema: z.ZodType<T>, json: unknown): T {
  schema.parse(json);
  return json as T;
}

/**
 * Scalars as the API really sends them: some numbers arrive as their decimal text (an AWS OIDC
 * account's SessionDuration is a string in go-octopusdeploy's AwsOIDCAccount, and the provider
 * converts it with strconv), and some booleans as "True"/"False" (a target's AdminLogin, step
 * properties). The schemas accept both forms, and readNumber/readBoolean read either, so a
 * converter never drops a value because it came as text.
 */
const NUMBER_TEXT = /^-?\d+(\.\d+)?$/;
const BOOLEAN_TEXT = /^(true|false)$/i;
export const apiNumber = z.union([z.number(), z.string().regex(NUMBER_TEXT), z.literal("")]);
export const apiBoolean = z.union([z.boolean(), z.string().regex(BOOLEAN_TEXT)]);

/** A number sent as a number or as its decimal text; undefined for anything else. */
export function readNumber(value: unknown): number | undefined {
  if (typeof value === "number") return Number.isFinite(value) ? value : undefined;
  return typeof value === "string" && NUMBER_TEXT.test(value) ? Number(value) : undefined;
}

/** A boolean sent as a boolean or as "True"/"False" (any case); undefined for anything else. */
export function readBoolean(value: unknown): boolean | undefined {
  if (typeof value === "boolean") return value;
  return typeof value === "string" && BOOLEAN_TEXT.test(value) ? value.toLowerCase() === "true" : undefined;
}

export const linksSchema = z.record(z.string(), z.string());

export const documentSchema = z.looseObject({
  Id: z.string(),
  Name: z.string().optional(),
  SpaceId: z.string().nullish(),
  Links: linksSchema.optional(),
});
export type OctopusDocument = z.infer<typeof documentSchema>;

export const collectionSchema = z.looseObject({
  ItemType: z.string().optional(),
  Items: z.array(z.unknown()),
  TotalResults: z.number().optional(),
  ItemsPerPage: z.number().optional(),
  NumberOfPages: z.number().optional(),
  LastPageNumber: z.number().optional(),
  Links: linksSchema.optional(),
});
export type Collection = z.infer<typeof collectionSchema>;

export const rootSchema = z.looseObject({
  Application: z.string().optional(),
  Version: z.string(),
  ApiVersion: z.string().optional(),
  Links: linksSchema,
});

export const spaceSchema = z.looseObject({
  Id: z.string(),
  Name: z.string(),
  Slug: z.string().optional(),
  IsDefault: z.boolean().optional(),
});
export type Space = z.infer<typeof spaceSchema>;

export const variableSchema = z.looseObject({
  Id: z.string(),
  Name: z.string(),
  Value: z.string().nullish(),
  IsSensitive: z.boolean().optional(),
  Type: z.string().optional(),
  Scope: z.record(z.string(), z.array(z.string())).optional(),
});

export const variableSetSchema = z.looseObject({
  Id: z.string(),
  OwnerId: z.string().nullish(),
  Variables: z.array(variableSchema),
});

export const actionSchema = z.looseObject({
  Id: z.string().optional(),
  Name: z.string(),
  ActionType: z.string().optional(),
  Properties: z.record(z.string(), z.unknown()).optional(),
});

export const stepSchema = z.looseObject({
  Id: z.string().optional(),
  Name: z.string(),
  Actions: z.array(actionSchema).optional(),
});

export const processSchema = z.looseObject({
  Id: z.string(),
  ProjectId: z.string().nullish(),
  Steps: z.array(stepSchema),
});

export const projectSchema = z.looseObject({
  Id: z.string(),
  Name: z.string(),
  Slug: z.string().optional(),
  DeploymentProcessId: z.string().nullish(),
  VariableSetId: z.string().nullish(),
  IsVersionControlled: z.boolean().optional(),
  PersistenceSettings: z.looseObject({ Type: z.string().optional() }).nullish(),
});
export type Project = z.infer<typeof projectSchema>;

/** Accounts: the fields whose form varies (SessionDuration: text in the API, a number in Terraform). */
export const accountSchema = z.looseObject({
  Id: z.string(),
  Name: z.string(),
  AccountType: z.string().optional(),
  SessionDuration: apiNumber.nullish(),
});

/** Schemas for documents of a collection beyond documentSchema, by graph type. */
export const COLLECTION_SCHEMAS: Readonly<Record<string, z.ZodType<OctopusDocument>>> = {
  Accounts: accountSchema,
};
