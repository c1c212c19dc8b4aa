import type { ResourceDef } from "../engine.js";
import { badRequest } from "../errors.js";
import type { JsonObject } from "../secrets.js";

/**
 * The IDs of the built-in package feed and the built-in release feed, the same in every
 * space on a real server: the provider's package references default `feed_id` to the constant
 * "feeds-builtin" whatever the step's space (terraform-provider-octopusdeploy v1.17.0
 * octopusdeploy_framework/schemas/process_step.go, resourceActionPackageReferenceAttributes).
 * The store keeps them per space (`spaceLocalIds`, store.ts).
 */
export const BUILT_IN_FEED_ID = "feeds-builtin";
export const BUILT_IN_RELEASES_FEED_ID = "feeds-builtin-releases";

/** Feed types Octopus knows, and the fields a new feed of each type starts with. */
const FEED_DEFAULTS: Record<string, JsonObject> = {
  BuiltIn: {},
  NuGet: { FeedUri: "", EnhancedMode: false, DownloadAttempts: 5, DownloadRetryBackoffSeconds: 10 },
  Docker: {
    FeedUri: "",
    ApiVersion: null,
    RegistryPath: null,
    DownloadAttempts: 5,
    DownloadRetryBackoffSeconds: 10,
  },
  Helm: { FeedUri: "" },
  Maven: { FeedUri: "", DownloadAttempts: 5, DownloadRetryBackoffSeconds: 10 },
  Npm: { FeedUri: "", DownloadAttempts: 5, DownloadRetryBackoffSeconds: 10 },
  GitHub: { FeedUri: "https://api.github.com", DownloadAttempts: 5, DownloadRetryBackoffSeconds: 10 },
  AwsElasticContainerRegistry: { Region: "" },
  AzureContainerRegistry: { FeedUri: "" },
  GoogleContainerRegistry: { FeedUri: "" },
  OciRegistry: { FeedUri: "" },
  ArtifactoryGeneric: { FeedUri: "", Repository: "", LayoutRegex: "" },
  S3: { UseMachineCredentials: false },
  GcsStorage: { UseServiceAccountKey: false },
  PyPi: { FeedUri: "", DownloadAttempts: 5, DownloadRetryBackoffSeconds: 10 },
  OctopusProject: {},
};

/** Feed types that take a username and password. */
const CREDENTIALS = new Set([
  "NuGet",
  "Docker",
  "Helm",
  "Maven",
  "Npm",
  "GitHub",
  "OciRegistry",
  "AzureContainerRegistry",
  "GoogleContainerRegistry",
  "ArtifactoryGeneric",
  "PyPi",
]);

export const feeds: ResourceDef = {
  type: "Feeds",
  collection: "feeds",
  idPrefix: "Feeds",
  scope: "space",
  spaceLocalIds: [BUILT_IN_FEED_ID, BUILT_IN_RELEASES_FEED_ID],
  link: "Feeds",
  required: ["Name", "FeedType"],
  slug: true,
  defaults: (doc) => ({
    PackageAcquisitionLocationOptions: ["Server", "ExecutionTarget"],
    ...(CREDENTIALS.has(String(doc.FeedType)) ? { Password: { HasValue: false, NewValue: null } } : {}),
    ...(FEED_DEFAULTS[String(doc.FeedType)] ?? {}),
  }),
  normalise: (doc, ctx, existing) => {
    const type = String(doc.FeedType);
    if (!(type in FEED_DEFAULTS)) throw badRequest(`Unknown feed type '${type}'.`);
    if (existing && existing.FeedType !== doc.FeedType)
      throw badRequest("The type of a feed cannot be changed.");
    if (
      type === "BuiltIn" &&
      !existing &&
      ctx.engine.inSpace("Feeds", ctx.spaceId).some((f) => f.FeedType === "BuiltIn")
    ) {
      throw badRequest("A space has one built-in feed; it cannot be created.");
    }
  },
  filters: {
    feedType: (d, v) => v.split(",").some((t) => t.toLowerCase() === String(d.FeedType).toLowerCase()),
  },
  beforeDelete: (doc) => {
    if (doc.FeedType === "BuiltIn" || doc.FeedType === "OctopusProject") {
      throw badRequest("The built-in feeds cannot be deleted.");
    }
  },
  links: (_doc, self) => ({
    SearchPackagesTemplate: `${self}/packages/search{?term,skip,take}`,
    SearchPackageVersionsTemplate: `${self}/packages/versions{?packageId,take,skip,includePreRelease,versionRange,preReleaseTag,filter,includeReleaseNotes}`,
  }),
};
