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
