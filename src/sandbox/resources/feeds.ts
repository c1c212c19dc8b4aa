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
  AwsElasticContainerRegistry: { Region: "", SecretKey: { HasValue: false, NewValue: null } },
  AzureContainerRegistry: { FeedUri: "" },
  GoogleContainerRegistry: { FeedUri: "" },
  OciRegistry: { FeedUri: "" },
  ArtifactoryGeneric: { FeedUri: "", Repository: "", LayoutRegex: "" },
  S3: { UseMachineCredentials: false, SecretKey: { HasValue: false, NewValue: null } },
  GcsStorage: {
    UseServiceAccountKey: false,
    ServiceAccountJsonKey: { HasValue: false, NewValue: null },
    DownloadAttempts: 5,
    DownloadRetryBackoffSeconds: 10,
  },
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
  // The provider's S3 feed has a username and password (v1.17.0 schemas/s3_feed.go).
  "S3",
]);

/** Whether a sensitive value as written holds (or keeps) a secret. */
function holds(value: unknown): boolean {
  if (!value || typeof value !== "object" || Array.isArray(value)) return false;
  const v = value as { HasValue?: unknown; NewValue?: unknown };
  return typeof v.NewValue === "string" ? v.NewValue !== "" : v.HasValue === true;
}

const filled = (value: unknown): boolean => typeof value === "string" && value.trim() !== "";

/**
 * What the cloud storage and registry feeds must carry, as the Octopus client library checks
 * them when it builds each feed (go-octopusdeploy v2.111.0 pkg/feeds: NewAwsElasticContainerRegistry,
 * NewS3Feed, NewGcsStorageFeed; the provider v1.17.0 reads every feed back through them, so a
 * feed without these could not be read by it either).
 */
function checkCloudFeed(doc: JsonObject): void {
  switch (doc.FeedType) {
    case "AwsElasticContainerRegistry":
      if (!filled(doc.Region)) throw badRequest("The Region field is required.");
      if (!filled(doc.AccessKey) && !doc.OidcAuthentication)
        throw badRequest("An ECR feed needs an access key or OIDC authentication.");
      if (filled(doc.AccessKey) && !doc.OidcAuthentication && !holds(doc.SecretKey))
        throw badRequest("An ECR feed with an access key needs its secret key.");
      return;
    case "S3":
      if (doc.UseMachineCredentials === true) return;
      if (!filled(doc.AccessKey) || !holds(doc.SecretKey))
        throw badRequest(
          "An S3 feed that does not use the worker's credentials needs an access key and secret key.",
        );
      return;
    case "GcsStorage":
      if (doc.UseServiceAccountKey === true) {
        if (!holds(doc.ServiceAccountJsonKey))
          throw badRequest("A GCS feed that uses a service account key needs the key.");
      } else if (!doc.OidcAuthentication) {
        throw badRequest("A GCS feed needs a service account key or OIDC authentication.");
      }
      return;
  }
}

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
    checkCloudFeed(doc);
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
