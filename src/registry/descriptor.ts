/**
 * A document type, described once. Every per-type fact octoport needs (where the documents
 * are read from, their class, their label, the filter family, the order they are applied and
 * imported in, how each is found by name on a destination, the provider resources it becomes
 * and how those are imported, which fields hold secrets and which hold IDs of other documents)
 * is a field here, and the tables the reader, the exporter and the snapshot path use are
 * derived from the registry (index.ts). docs/design.md has the checklist for adding a type.
 */

export type DocClass = "space" | "project";

export type Doc = Record<string, unknown>;

/** How the documents of a type are read from a space. */
export type ReadSpec =
  /** Listed with every page: `/api/{spaceId}/{path}`, or `/api/{path}` for server-wide documents. */
  | {
      kind: "collection";
      path: string;
      scope: "space" | "server";
      /**
       * The list is not a page of `Items` but `{<list>: [...], Count}`, read with skip and
       * take (deployment freezes).
       */
      list?: string;
      /**
       * Where documents are created and changed (`{write}` and `{write}/{id}` under the space),
       * when not at `path`: parent environments are listed only through `environments/v2`,
       * but written at `parentEnvironments`.
       */
      write?: string;
      /**
       * For server-wide documents: whether one belongs to the space being read, given which
       * IDs the space's own documents have (a freeze scoped to its projects or tenants).
       */
      belongs?: (
        doc: Doc,
        inSpace: (id: string) => boolean,
        namedInSpace: (id: string) => boolean,
      ) => boolean;
      /**
       * Query parameters added when the collection is read for an export (not for a snapshot):
       * teams add `includeSystem=true`, so the system teams the space's documents name can be
       * looked up on a destination.
       */
      exportQuery?: Readonly<Record<string, string>>;
    }
  /** Documents of another type's collection that are of this type (script modules among library sets). */
  | { kind: "subset"; of: string; path: string; when: (doc: Doc) => boolean }
  /**
   * Read one by one, each named by a field of another document: `path` with `{id}` replaced by
   * the field's value, under the space (`scope: "space"`) or the server.
   */
  | {
      kind: "by-reference";
      from: ReadonlyArray<{ type: string; field: string }>;
      path: string;
      scope: "space" | "server";
    }
  /**
   * One per document of another type, which has no ID of its own (tenant variables per tenant).
   * `merge`: a second document read beside it (a newer endpoint an older server lacks: a 404
   * merges nothing), whose parts `into` adds to the first.
   */
  | {
      kind: "per-document";
      of: string;
      path: string;
      idPrefix: string;
      ownerField: string;
      merge?: { path: string; into: (doc: Doc, json: unknown) => void };
    };

/**
 * What identifies a document to a user, so its counterpart is found in another space where its
 * ID differs (graph/identity.ts turns each kind into a key).
 */
export type Identity =
  /** Its name, unique in the space. */
  | "name"
  /** Its name within its project (channels, runbooks, triggers). */
  | "name-in-project"
  /** One per project (a deployment process). */
  | "project"
  /** One per runbook of a project (a runbook process). */
  | "runbook"
  /** One per owner, a project or a library set (a variable set). */
  | "owner"
  /** One per tenant (tenant variables). */
  | "tenant"
  /** Its version within its project (releases). */
  | "version-in-project"
  /** Its kind, one per space (a space's default retention policies, by RetentionType). */
  | "retention-type"
  /** The username, case-insensitively (users). */
  | "username"
  /** Nothing identifies it across spaces (deployments). */
  | "none";

/**
 * How the provider imports a resource of this type, given its counterpart on the destination
 * (terraform/adopt.ts makes each ID):
 * - `document`: the destination document's ID;
 * - `step`, `child-step`, `variable`, `tag`, `tenant-project-variable`,
 *   `tenant-common-variable`: the composite IDs the provider documents for those resources;
 * - `setting`: a setting of another object, not an object of its own: creating it on an existing
 *   object just sets it, so there is nothing to adopt;
 * - `none`: the provider has no import for it (an existing one must be removed first).
 */
export type ImportKind =
  | "document"
  | "step"
  | "child-step"
  | "variable"
  | "tag"
  | "tenant-project-variable"
  | "tenant-common-variable"
  | "setting"
  | "none";

/** How documents of a type are found by name in a destination space, through a data source. */
export interface LookupSpec {
  /** The data source, e.g. octopusdeploy_environments. */
  data: string;
  /** The attribute it returns the documents in. */
  collection: string;
  /** The data source takes `name` (exact); otherwise `partial_name`, and the exact name is picked out. */
  exactName: boolean;
  /** The data source returns one object (in `collection`), not a list. */
  single?: boolean;
  /** Attribute of each result that holds its ID (default `id`). */
  idAttribute?: string;
  /**
   * The data source takes no `space_id` but a list of `spaces`, and `include_system` (teams:
   * a space's teams and the system teams are found together).
   */
  spaces?: boolean;
  /** Filter by something other than the name (the built-in feeds are found by type). */
  filterBy?: (doc: Doc) => { attribute: string; value: string } | undefined;
}

/**
 * The type(s) an ID field's value is of, from the object holding it, the object keys the
 * pattern's `*` and `{}` matched on the way, and the space's documents by ID (a tenant's value
 * is an ID when its template, in the library set, says so). Undefined: not an ID here.
 */
export type IdTypeOf = (
  holder: Doc,
  keys: readonly string[],
  find: (id: string) => Doc | undefined,
) => string | readonly string[] | undefined;

/**
 * A field that holds the ID of another document. `path` is a pattern over the document:
 * `Name` a property, `[]` every item of an array, `*` every value of an object, `{}` every key of
 * an object, `['Octopus.Action.X']` a property whose name has dots. `to` is the type the ID is
 * of (or types: an owner may be a project or a library set), or a function (IdTypeOf).
 * `list: ","` when the field holds several IDs as comma-separated text.
 */
export interface IdField {
  path: string;
  to: string | readonly string[] | IdTypeOf;
  list?: ",";
  /**
   * The value may be an Octopus variable expression (`#{HelmFeed}`) instead of an ID: it is
   * then carried as text.
   */
  expression?: boolean;
}

/**
 * A field that holds a sensitive value: a `{HasValue, NewValue}` object, or (`when`) the value
 * of an object that says it is sensitive (a sensitive variable's `Value`). Same patterns as IdField.
 */
export interface SecretField {
  path: string;
  when?: (holder: Doc) => boolean;
}

export interface DocType {
  /** The type's name in the graph, the manifest and snapshot folders (`<Type>/<Id>.json`). */
  type: string;
  /** Plural, for reports: "deployment targets". */
  label: string;
  /** Singular, for messages: `deployment target "Web 1"`. */
  singular: string;
  /** Space-level documents are shared by the space; project-level ones belong to one project. */
  klass: DocClass;
  read: ReadSpec;
  identity: Identity;
  /** Read only for snapshots (history, users), never exported to Terraform. */
  snapshotOnly?: boolean;
  /**
   * Governance documents (teams, user roles, scoped user roles), security-sensitive and partly
   * server-wide: written only with `export --include-teams`, and, with `read`, read for an
   * export only with it (a snapshot reads them when they are `snapshotOnly`, as before).
   */
  includeTeams?: { read: boolean };
  /** Exported, but not carried by snapshots (subscriptions: their webhook header value cannot be read). */
  exportOnly?: boolean;
  /**
   * Space-level documents written into a module of their own, applied after the project
   * modules because they refer to projects (tenants' values of library set templates, the
   * space's deployment freezes). `path` is the module's directory.
   */
  afterProjects?: { path: string; title: string };
  /** The filter family (`--exclude-<name>`, ...) the type belongs to. */
  family?: { name: string; label?: string };
  /**
   * Built-in documents every space (or project) has, which are looked up by name and never
   * created: the Default Lifecycle, a project's Default channel.
   */
  builtIn?: (doc: Doc, name: string) => boolean;
  /** How a destination's document of this type is found by name in Terraform. */
  lookup?: LookupSpec;
  /** The provider resources the type is written as, and how each is imported. */
  resources?: Readonly<Record<string, ImportKind>>;
  /** The snapshot's `--ignore-*` option that leaves the type out. */
  ignoredBy?: "ignoreCertificates" | "ignoreMachines" | "ignoreDeployments" | "ignoreTenants";
  secrets?: readonly SecretField[];
  ids?: readonly IdField[];
}
