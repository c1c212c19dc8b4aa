import { seededRandom } from "./faults.js";
import type { JsonObject } from "./secrets.js";
import type { SeedFile } from "./seed.js";

/**
 * Generates realistic spaces for tests and benchmarks, deterministically from a seed: the
 * same size and seed always give the same space file.
 */
export interface SpaceShape {
  projects: number;
  environments: number;
  lifecycles: number;
  tenants: number;
  libraryVariableSets: number;
  variablesPerLibrarySet: number;
  feeds: number;
  accounts: number;
  targets: number;
  variablesPerProject: number;
  stepsPerProject: number;
  /** Names with quotes, template markers, Octopus variables and non-ASCII letters. */
  hostileNames: boolean;
}

export const SIZES: Record<"XS" | "S" | "M" | "L", SpaceShape> = {
  XS: {
    projects: 4,
    environments: 3,
    lifecycles: 2,
    tenants: 3,
    libraryVariableSets: 2,
    variablesPerLibrarySet: 4,
    feeds: 3,
    accounts: 3,
    targets: 4,
    variablesPerProject: 4,
    stepsPerProject: 3,
    hostileNames: true,
  },
  S: base(20),
  M: base(200),
  L: base(2000),
};

function base(projects: number): SpaceShape {
  return {
    projects,
    environments: 10,
    lifecycles: 3,
    tenants: 50,
    libraryVariableSets: 10,
    variablesPerLibrarySet: 50,
    feeds: 10,
    accounts: 10,
    targets: 100,
    variablesPerProject: 10,
    stepsPerProject: 5,
    hostileNames: false,
  };
}

const WORDS = [
  "Orders",
  "Billing",
  "Search",
  "Catalog",
  "Payments",
  "Identity",
  "Gateway",
  "Reports",
  "Mailer",
  "Inventory",
  "Pricing",
  "Checkout",
];
/** Names that test escaping: quotes, literal template markers, Octopus variables, non-ASCII letters. */
const HOSTILE = [
  'Quote "q"',
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a literal ${ in a name is the point
  "Dollar ${x}",
  "Percent %{y}",
  "Octo #{Var}",
  "Ünïcode Café",
  "Back\\slash",
  "日本語",
];

export function generateSpace(shape: SpaceShape, seed: number, name = "Generated"): SeedFile {
  const random = seededRandom(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const chance = (p: number) => random() < p;
  const hex = (n: number) => Array.from({ length: n }, () => Math.floor(random() * 16).toString(16)).join("");
  const uuid = () => `${hex(8)}-${hex(4)}-4${hex(3)}-8${hex(3)}-${hex(12)}`;
  let hostile = 0;
  const label = (kind: string, i: number) => {
    if (shape.hostileNames && i % 3 === 1) return `${kind} ${HOSTILE[hostile++ % HOSTILE.length]} ${i}`;
    return `${kind} ${pick(WORDS)} ${i}`;
  };

  const envs = Array.from({ length: shape.environments }, (_, i) => ({
    Id: `Environments-${i + 1}`,
    Name: i === shape.environments - 1 ? "Production" : label("Env", i + 1),
    Description: chance(0.5) ? `Environment ${i + 1}\nsecond line` : "",
    SortOrder: i,
    UseGuidedFailure: chance(0.3),
  }));
  const envIds = envs.map((e) => e.Id);
  const someEnvs = (max: number) => [
    ...new Set(Array.from({ length: 1 + Math.floor(random() * max) }, () => pick(envIds))),
  ];

  const lifecycles: JsonObject[] = [{ Id: "Lifecycles-1", Name: "Default Lifecycle", Phases: [] }];
  for (let i = 2; i <= shape.lifecycles; i++) {
    lifecycles.push({
      Id: `Lifecycles-${i}`,
      Name: label("Lifecycle", i),
      Phases: envs.slice(0, Math.min(envs.length, 1 + (i % 4))).map((e, j) => ({
        Name: `Phase ${j + 1}`,
        AutomaticDeploymentTargets: j === 0 ? [e.Id] : [],
        OptionalDeploymentTargets: j === 0 ? [] : [e.Id],
      })),
    });
  }

  const groups = [
    { Id: "ProjectGroups-1", Name: "Default Project Group" },
    ...Array.from({ length: Math.max(1, Math.ceil(shape.projects / 20)) }, (_, i) => ({
      Id: `ProjectGroups-${i + 2}`,
      Name: label("Group", i + 1),
    })),
  ];

  const feedTypes = ["Docker", "Helm", "NuGet", "Maven", "GitHub"];
  const feeds = Array.from({ length: shape.feeds }, (_, i) => {
    const type = feedTypes[i % feedTypes.length]!;
    const doc: JsonObject = {
      Id: `Feeds-${i + 1}`,
      Name: label(`${type} feed`, i + 1),
      FeedType: type,
      FeedUri: `https://feeds${i}.example.com/`,
    };
    if (chance(0.5)) {
      doc.Username = `user${i}`;
      doc.Password = { HasValue: true, NewValue: `feed-secret-${seed}-${i}` };
    }
    return doc;
  });

  const accounts = Array.from({ length: shape.accounts }, (_, i): JsonObject => {
    const id = `Accounts-${i + 1}`;
    switch (i % 4) {
      case 0:
        return {
          Id: id,
          Name: label("Login", i + 1),
          AccountType: "UsernamePassword",
          Username: `svc${i}`,
          Password: { HasValue: true, NewValue: `pw-${seed}-${i}` },
        };
      case 1:
        return {
          Id: id,
          Name: label("Token", i + 1),
          AccountType: "Token",
          Token: { HasValue: true, NewValue: `tok-${seed}-${i}` },
        };
      case 2:
        return {
          Id: id,
          Name: label("AWS", i + 1),
          AccountType: "AmazonWebServicesAccount",
          AccessKey: `AKIA${i}`,
          SecretKey: { HasValue: true, NewValue: `aws-${seed}-${i}` },
          EnvironmentIds: someEnvs(2),
        };
      default:
        return {
          Id: id,
          Name: label("SSH", i + 1),
          AccountType: "SshKeyPair",
          Username: "deploy",
          PrivateKeyFile: { HasValue: true, NewValue: `a2V5LSR7c2VlZH0t${i}` },
        };
    }
  });

  const tagSets = [
    {
      Id: "TagSets-1",
      Name: "Tier",
      Tags: ["Gold", "Silver", "Bronze"].map((t, i) => ({
        Id: `TagSets-1/Tags-${i + 1}`,
        Name: t,
        Color: "#333333",
        SortOrder: i,
      })),
    },
    {
      Id: "TagSets-2",
      Name: "Region",
      Tags: ["EU", "US", "APAC"].map((t, i) => ({
        Id: `TagSets-2/Tags-${i + 1}`,
        Name: t,
        Color: "#1F77B4",
        SortOrder: i,
      })),
    },
  ];
  const tierTag = () => `Tier/${pick(["Gold", "Silver", "Bronze"])}`;
  const regionTag = () => `Region/${pick(["EU", "US", "APAC"])}`;

  const libSets: JsonObject[] = [];
  const varSets: JsonObject[] = [];
  for (let i = 1; i <= shape.libraryVariableSets; i++) {
    const id = `LibraryVariableSets-${i}`;
    libSets.push({
      Id: id,
      Name: label("Library", i),
      ContentType: "Variables",
      VariableSetId: `variableset-${id}`,
      Templates: [
        {
          Id: uuid(),
          Name: `Tenant.Setting${i}`,
          Label: `Setting ${i}`,
          DisplaySettings: { "Octopus.ControlType": "SingleLineText" },
        },
      ],
    });
    varSets.push({
      Id: `variableset-${id}`,
      OwnerId: id,
      Variables: Array.from({ length: shape.variablesPerLibrarySet }, (_, j) =>
        variable(`Lib${i}.Var${j}`, j, `lib-${i}`),
      ),
    });
  }

  function variable(varName: string, j: number, prefix: string): JsonObject {
    const sensitive = j % 7 === 3;
    const scoped = j % 3 === 1;
    const v: JsonObject = {
      Id: uuid(),
      Name: varName,
      Value: sensitive ? `secret-${seed}-${prefix}-${j}` : `value ${j} #{Octopus.Environment.Name}`,
      Type: sensitive ? "Sensitive" : "String",
      IsSensitive: sensitive,
    };
    if (scoped) v.Scope = { Environment: someEnvs(2) };
    else if (j % 5 === 2) v.Scope = { TenantTag: [tierTag()] };
    return v;
  }

  const projects: JsonObject[] = [];
  const channels: JsonObject[] = [];
  const processes: JsonObject[] = [];
  const runbooks: JsonObject[] = [];
  const runbookProcesses: JsonObject[] = [];
  const triggers: JsonObject[] = [];
  let channel = 0;
  for (let i = 1; i <= shape.projects; i++) {
    const id = `Projects-${i}`;
    projects.push({
      Id: id,
      Name: label("Service", i),
      Description: `Generated project ${i}`,
      ProjectGroupId: pick(groups).Id,
      LifecycleId: pick(lifecycles).Id as string,
      IncludedLibraryVariableSetIds: libSets.length ? [libSets[i % libSets.length]!.Id as string] : [],
      TenantedDeploymentMode: "TenantedOrUntenanted",
    });
    channels.push({
      Id: `Channels-${++channel}`,
      Name: "Default",
      ProjectId: id,
      IsDefault: true,
      LifecycleId: null,
    });
    channels.push({
      Id: `Channels-${++channel}`,
      Name: "Hotfix",
      ProjectId: id,
      IsDefault: false,
      LifecycleId: pick(lifecycles).Id as string,
    });
    varSets.push({
      Id: `variableset-${id}`,
      OwnerId: id,
      Variables: Array.from({ length: shape.variablesPerProject }, (_, j) =>
        variable(`App.Var${j}`, j, `p${i}`),
      ),
    });
    const steps: JsonObject[] = [];
    // A chain of Deploy a release steps: every fifth project deploys the one before it.
    if (i > 1 && i % 5 === 0) {
      steps.push({
        Name: "Deploy upstream",
        Actions: [
          {
            Name: "Deploy upstream",
            ActionType: "Octopus.DeployRelease",
            Properties: {
              "Octopus.Action.DeployRelease.ProjectId": `Projects-${i - 1}`,
              "Octopus.Action.Package.PackageId": `Projects-${i - 1}`,
              "Octopus.Action.Package.FeedId": "feeds-builtin-releases",
              "Octopus.Action.Package.DownloadOnTentacle": "False",
            },
            Packages: [
              {
                Name: "",
                PackageId: `Projects-${i - 1}`,
                FeedId: "feeds-builtin-releases",
                AcquisitionLocation: "NotAcquired",
                Properties: {},
              },
            ],
          },
        ],
      });
    }
    for (let s = steps.length; s < shape.stepsPerProject; s++) {
      const feed = feeds.length ? feeds[(i + s) % feeds.length]! : undefined;
      const packaged = feed && s % 2 === 0;
      steps.push({
        Name: `Step ${s + 1}`,
        Properties: { "Octopus.Action.TargetRoles": `role-${s % 3}` },
        Actions: [
          {
            Name: `Step ${s + 1}`,
            ActionType: "Octopus.Script",
            Environments: s === 1 ? someEnvs(2) : [],
            Properties: {
              "Octopus.Action.Script.ScriptSource": "Inline",
              "Octopus.Action.Script.Syntax": "Bash",
              "Octopus.Action.Script.ScriptBody": `echo "step ${s + 1} of ${i}"\necho "#{Octopus.Release.Number}"\n`,
              ...(packaged
                ? {
                    "Octopus.Action.Package.PackageId": `pkg.${i}.${s}`,
                    "Octopus.Action.Package.FeedId": feed.Id as string,
                    "Octopus.Action.Package.DownloadOnTentacle": "False",
                  }
                : {}),
            },
            Packages: packaged
              ? [
                  {
                    Name: "",
                    PackageId: `pkg.${i}.${s}`,
                    FeedId: feed.Id as string,
                    AcquisitionLocation: "Server",
                    Properties: {},
                  },
                ]
              : [],
          },
        ],
      });
    }
    processes.push({ Id: `deploymentprocess-${id}`, ProjectId: id, Steps: steps });
    const runbookId = `Runbooks-${i}`;
    runbooks.push({
      Id: runbookId,
      Name: "Restart",
      ProjectId: id,
      RunbookProcessId: `RunbookProcess-${runbookId}`,
      EnvironmentScope: "All",
    });
    runbookProcesses.push({
      Id: `RunbookProcess-${runbookId}`,
      ProjectId: id,
      RunbookId: runbookId,
      Steps: [
        {
          Name: "Restart service",
          Properties: { "Octopus.Action.TargetRoles": "role-0" },
          Actions: [
            {
              Name: "Restart service",
              ActionType: "Octopus.Script",
              Properties: {
                "Octopus.Action.Script.ScriptSource": "Inline",
                "Octopus.Action.Script.Syntax": "PowerShell",
                "Octopus.Action.Script.ScriptBody": "Restart-Service app",
              },
            },
          ],
        },
      ],
    });
    triggers.push({
      Id: `ProjectTriggers-${i}`,
      Name: "Nightly restart",
      ProjectId: id,
      Filter: {
        FilterType: "CronExpressionSchedule",
        CronExpression: `0 ${i % 60} 2 * * *`,
        Timezone: "UTC",
      },
      Action: {
        ActionType: "RunRunbook",
        RunbookId: runbookId,
        EnvironmentIds: [envIds[envIds.length - 1]!],
        TenantIds: [],
        TenantTags: [],
      },
    });
  }

  const tenants: JsonObject[] = [];
  const tenantVariables: JsonObject[] = [];
  for (let i = 1; i <= shape.tenants; i++) {
    const id = `Tenants-${i}`;
    const connected = projects.filter((_, j) => (j + i) % 4 === 0).slice(0, 5);
    const pe: JsonObject = {};
    for (const p of connected) pe[p.Id as string] = someEnvs(2);
    tenants.push({
      Id: id,
      Name: label("Tenant", i),
      TenantTags: [tierTag(), regionTag()],
      ProjectEnvironments: pe,
    });
    const library: JsonObject = {};
    for (const p of connected) {
      for (const setId of p.IncludedLibraryVariableSetIds as string[]) {
        const set = libSets.find((s) => s.Id === setId)!;
        const template = (set.Templates as JsonObject[])[0]!;
        library[setId] = { [template.Id as string]: `tenant-${i}-value` };
      }
    }
    tenantVariables.push({ Id: `tenantvariables-${id}`, TenantId: id, Library: library, Project: {} });
  }

  const machines = Array.from(
    { length: shape.targets },
    (_, i): JsonObject => ({
      Id: `Machines-${i + 1}`,
      Name: `target-${i + 1}.example.com`,
      Roles: [`role-${i % 3}`],
      EnvironmentIds: someEnvs(2),
      Endpoint:
        i % 2 === 0
          ? {
              CommunicationStyle: "TentaclePassive",
              Uri: `https://target-${i + 1}.example.com:10933/`,
              Thumbprint: `${String(i).padStart(40, "A")}`,
            }
          : { CommunicationStyle: "None" },
    }),
  );

  return {
    format: "octoport-sandbox/v1",
    spaces: [
      {
        Id: "Spaces-1",
        Name: name,
        IsDefault: true,
        Documents: {
          Environments: envs as unknown as JsonObject[],
          ProjectGroups: groups as unknown as JsonObject[],
          Lifecycles: lifecycles,
          Feeds: feeds,
          Accounts: accounts,
          TagSets: tagSets as unknown as JsonObject[],
          LibraryVariableSets: libSets,
          Projects: projects,
          Channels: channels,
          Runbooks: runbooks,
          VariableSets: varSets,
          DeploymentProcesses: processes,
          RunbookProcesses: runbookProcesses,
          ProjectTriggers: triggers,
          Tenants: tenants,
          TenantVariables: tenantVariables,
          Machines: machines,
        },
      },
    ],
  };
}
