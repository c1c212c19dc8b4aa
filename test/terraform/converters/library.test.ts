import { describe, expect, it } from "vitest";
import * as library from "../../../src/terraform/converters/library.js";
import { filtersFrom } from "../../../src/terraform/families.js";
import { convert, type Documents, itWritesEveryResourceType } from "../../helpers/convert.js";

/**
 * Library variable sets, script modules, variables and tenants
 * (src/terraform/converters/library.ts): a tiny space in, blocks out.
 */

const SPACE_ID = "${var.octopus_space_id}";

/** A library variable set holding these variables. */
function librarySet(variables: Array<Record<string, unknown>>, extra: Documents = {}): Documents {
  return {
    LibraryVariableSets: [
      { Id: "LibraryVariableSets-1", Name: "Shared", VariableSetId: "variableset-LibraryVariableSets-1" },
    ],
    VariableSets: [
      { Id: "variableset-LibraryVariableSets-1", OwnerId: "LibraryVariableSets-1", Variables: variables },
    ],
    ...extra,
  };
}

const OWNER = "${octopusdeploy_library_variable_set.shared.id}";

describe("library variable sets", () => {
  it("writes the set and its templates, display settings always", async () => {
    const out = convert({
      LibraryVariableSets: [
        {
          Id: "LibraryVariableSets-1",
          Name: "Notifications",
          Description: "Chat settings",
          Templates: [
            {
              Id: "t-1",
              Name: "Chat.Channel",
              Label: "Channel",
              HelpText: "Where to post",
              DefaultValue: "#deploys",
              DisplaySettings: { "Octopus.ControlType": "SingleLineText" },
            },
            { Id: "t-2", Name: "Chat.Mute", DefaultValue: "" },
          ],
        },
      ],
    });
    expect(await out.resource("octopusdeploy_library_variable_set")).toEqual({
      space_id: SPACE_ID,
      name: "Notifications",
      description: "Chat settings",
      template: [
        {
          name: "Chat.Channel",
          label: "Channel",
          help_text: "Where to post",
          default_value: "#deploys",
          display_settings: { "Octopus.ControlType": "SingleLineText" },
        },
        { name: "Chat.Mute", display_settings: {} },
      ],
    });
    expect(out.warnings).toEqual([]);
    expect(await out.schemaProblems()).toEqual([]);
  });

  it("leaves out a template's sensitive default, with a warning", async () => {
    const out = convert({
      LibraryVariableSets: [
        {
          Id: "LibraryVariableSets-1",
          Name: "Smtp",
          Templates: [{ Id: "t-1", Name: "Smtp.Password", DefaultValue: { HasValue: true } }],
        },
      ],
    });
    expect((await out.resource("octopusdeploy_library_variable_set")).template).toEqual([
      { name: "Smtp.Password", display_settings: {} },
    ]);
    expect(out.secrets).toEqual([]);
    expect(out.warnings).toEqual([
      'library variable set "Smtp" library variable set "Smtp" template "Smtp.Password" has a sensitive default value, which is not carried; set it by hand',
    ]);
  });
});

describe("script modules", () => {
  it("writes the body and language from the module's variable set, and no variables", async () => {
    const out = convert({
      ScriptModules: [
        {
          Id: "LibraryVariableSets-2",
          Name: "Helpers",
          Description: "Shared functions",
          ContentType: "ScriptModule",
          VariableSetId: "variableset-LibraryVariableSets-2",
        },
      ],
      VariableSets: [
        {
          Id: "variableset-LibraryVariableSets-2",
          OwnerId: "LibraryVariableSets-2",
          Variables: [
            { Id: "v-1", Name: "Octopus.Script.Module[Helpers]", Value: "function Say { }" },
            { Id: "v-2", Name: "Octopus.Script.Module.Language[Helpers]", Value: "Bash" },
          ],
        },
      ],
    });
    expect(out.types).toEqual(["octopusdeploy_script_module"]);
    expect(await out.resource("octopusdeploy_script_module")).toEqual({
      space_id: SPACE_ID,
      name: "Helpers",
      description: "Shared functions",
      script: [{ body: "function Say { }", syntax: "Bash" }],
    });
    expect(await out.schemaProblems()).toEqual([]);
  });

  it("writes PowerShell and an empty body when its variable set says nothing", async () => {
    const out = convert({
      ScriptModules: [{ Id: "LibraryVariableSets-2", Name: "Empty", ContentType: "ScriptModule" }],
    });
    expect((await out.resource("octopusdeploy_script_module")).script).toEqual([
      { body: "", syntax: "PowerShell" },
    ]);
  });
});

describe("variables", () => {
  it("writes one resource per variable, owned by its set, in order of name", async () => {
    const out = convert(
      librarySet([
        { Id: "v-2", Name: "Site.Url", Value: "https://example.com", Description: "Home" },
        { Id: "v-1", Name: "Log.Level", Value: "Info", Type: "String" },
        { Id: "v-3", Name: "Empty", Value: null },
      ]),
    );
    expect(await out.resources("octopusdeploy_variable")).toEqual({
      shared_empty: { space_id: SPACE_ID, owner_id: OWNER, name: "Empty", type: "String" },
      shared_log_level: {
        space_id: SPACE_ID,
        owner_id: OWNER,
        name: "Log.Level",
        type: "String",
        value: "Info",
      },
      shared_site_url: {
        space_id: SPACE_ID,
        owner_id: OWNER,
        name: "Site.Url",
        type: "String",
        value: "https://example.com",
        description: "Home",
      },
    });
    expect(out.manifest.resources.find((r) => r.name === "Shared Site.Url")).toMatchObject({
      sourceId: "variableset-LibraryVariableSets-1",
      sourcePart: "Variables[Id=v-2]",
    });
    expect(await out.schemaProblems()).toEqual([]);
  });

  it("writes a sensitive variable's value as a secret, named by owner, name and scope", async () => {
    const out = convert(
      librarySet(
        [
          { Id: "v-1", Name: "Db.Password", IsSensitive: true, Value: null },
          {
            Id: "v-2",
            Name: "Api.Key",
            Type: "Sensitive",
            Value: null,
            Scope: { Environment: ["Environments-1"] },
          },
        ],
        { Environments: [{ Id: "Environments-1", Name: "Production" }] },
      ),
      { secretDefaults: "octostache" },
    );
    expect(await out.resources("octopusdeploy_variable")).toEqual({
      shared_api_key_production: {
        space_id: SPACE_ID,
        owner_id: OWNER,
        name: "Api.Key",
        type: "Sensitive",
        is_sensitive: true,
        sensitive_value: "${var.shared_api_key_production}",
        scope: [{ environments: ["${octopusdeploy_environment.production.id}"] }],
      },
      shared_db_password: {
        space_id: SPACE_ID,
        owner_id: OWNER,
        name: "Db.Password",
        type: "Sensitive",
        is_sensitive: true,
        sensitive_value: "${var.shared_db_password}",
      },
    });
    expect(out.secrets.map((s) => [s.variable, s.path, s.description])).toEqual([
      [
        "shared_api_key_production",
        "Variables[Id=v-2].Value",
        "Sensitive variable Api.Key (Production) of Shared",
      ],
      ["shared_db_password", "Variables[Id=v-1].Value", "Sensitive variable Db.Password of Shared"],
    ]);
    // With --secret-defaults octostache, each defaults to the variable itself, for a runbook to fill in.
    expect(out.text("variables.tf")).toContain('default     = "#{Db.Password}"');
    expect(await out.schemaProblems()).toEqual([]);
  });

  it("makes the value of account, certificate and worker pool variables a reference", async () => {
    const out = convert(
      librarySet(
        [
          { Id: "v-1", Name: "Aws", Type: "AmazonWebServicesAccount", Value: "Accounts-1" },
          { Id: "v-2", Name: "Cert", Type: "Certificate", Value: "Certificates-1" },
          { Id: "v-3", Name: "Pool", Type: "WorkerPool", Value: "WorkerPools-2" },
          { Id: "v-4", Name: "Gone", Type: "AzureAccount", Value: "Accounts-9" },
        ],
        {
          Accounts: [
            { Id: "Accounts-1", Name: "AWS", AccountType: "AmazonWebServicesAccount", AccessKey: "A" },
          ],
          Certificates: [{ Id: "Certificates-1", Name: "Site", CertificateData: { HasValue: true } }],
          WorkerPools: [{ Id: "WorkerPools-2", Name: "Builders", WorkerPoolType: "StaticWorkerPool" }],
        },
      ),
    );
    const values = Object.fromEntries(
      Object.values(await out.resources("octopusdeploy_variable")).map((v) => [v.name, v.value]),
    );
    expect(values).toEqual({
      Aws: "${octopusdeploy_aws_account.aws.id}",
      Cert: "${octopusdeploy_certificate.site.id}",
      Pool: "${octopusdeploy_static_worker_pool.builders.id}",
      // What is not in the space: no value at all.
      Gone: undefined,
    });
    // A library set's variables are warned of (today) by their set's type and ID, not its name.
    expect(out.warnings).toEqual([
      'VariableSets variableset-LibraryVariableSets-1 variable "Gone" of Shared refers to Accounts-9, which is not in the space; dropped',
    ]);
    expect(await out.schemaProblems()).toEqual([]);
  });

  it("writes scopes: environments and machines by reference, roles as text, tenant tags as tags", async () => {
    const out = convert(
      librarySet(
        [
          {
            Id: "v-1",
            Name: "Url",
            Value: "x",
            Scope: {
              Environment: ["Environments-1", "Environments-2"],
              Role: ["web", "api"],
              Machine: ["Machines-1"],
              TenantTag: ["Tier/Gold"],
            },
          },
        ],
        {
          Environments: [
            { Id: "Environments-1", Name: "Test" },
            { Id: "Environments-2", Name: "Production" },
          ],
          TagSets: [{ Id: "TagSets-1", Name: "Tier", Tags: [{ Id: "Tags-1", Name: "Gold" }] }],
          Machines: [
            {
              Id: "Machines-1",
              Name: "web01",
              EnvironmentIds: ["Environments-1"],
              Roles: ["web"],
              Endpoint: { CommunicationStyle: "None" },
            },
          ],
        },
      ),
    );
    // The label is made of the scope's names; roles and tenant tags are not part of it.
    expect(await out.resource("octopusdeploy_variable", "shared_url_production_test_web01")).toMatchObject({
      scope: [
        {
          environments: [
            "${octopusdeploy_environment.production.id}",
            "${octopusdeploy_environment.test.id}",
          ],
          roles: ["api", "web"],
          machines: ["${octopusdeploy_cloud_region_deployment_target.web01.id}"],
          tenant_tags: ["${octopusdeploy_tag.tier_gold.canonical_tag_name}"],
        },
      ],
    });
    expect(await out.schemaProblems()).toEqual([]);
  });

  it("fails the export when two variables of a name differ only by role or tenant tag scope", () => {
    // Wrong today: both get the same label, since the label leaves roles and tenant tags out.
    expect(() =>
      convert(
        librarySet([
          { Id: "v-1", Name: "Url", Value: "a", Scope: { Role: ["web"] } },
          { Id: "v-2", Name: "Url", Value: "b", Scope: { Role: ["db"] } },
        ]),
      ),
    ).toThrow(
      'two octopusdeploy_variable resources in the module are both named from "octopusdeploy_variable Shared Url"',
    );
  });

  it("leaves out a variable scoped only to what is not in the space, with a warning", async () => {
    const out = convert(
      librarySet([
        { Id: "v-1", Name: "Url", Value: "x", Scope: { Environment: ["Environments-9"] } },
        { Id: "v-2", Name: "Kept", Value: "y" },
      ]),
    );
    expect(Object.keys(await out.resources("octopusdeploy_variable"))).toEqual(["shared_kept"]);
    expect(out.warnings).toEqual([
      'VariableSets variableset-LibraryVariableSets-1 variable "Url" of Shared is scoped only to things that are not exported or no longer exist, so it is left out (unscoped, it would apply more widely)',
      'VariableSets variableset-LibraryVariableSets-1 variable "Url" of Shared scope refers to Environments-9, which is not in the space; dropped',
    ]);
  });

  it("writes a prompt, with the options of a select", async () => {
    const out = convert(
      librarySet([
        {
          Id: "v-1",
          Name: "Region",
          Value: "eu",
          Prompt: {
            Label: "Region",
            Description: "Where to deploy",
            Required: true,
            DisplaySettings: { "Octopus.ControlType": "Select", "Octopus.SelectOptions": "eu|Europe\nus" },
          },
        },
        { Id: "v-2", Name: "Note", Value: "", Prompt: { Label: "Note" } },
      ]),
    );
    const variables = await out.resources("octopusdeploy_variable");
    expect(variables.shared_region!.prompt).toEqual([
      {
        label: "Region",
        description: "Where to deploy",
        is_required: true,
        display_settings: [
          {
            control_type: "Select",
            select_option: [
              { value: "eu", display_name: "Europe" },
              { value: "us", display_name: "us" },
            ],
          },
        ],
      },
    ]);
    expect(variables.shared_note!.prompt).toEqual([{ label: "Note", description: "", is_required: false }]);
    expect(await out.schemaProblems()).toEqual([]);
  });

  it("leaves out variables a --exclude-variables filter names, with a warning", async () => {
    const out = convert(
      librarySet([
        { Id: "v-1", Name: "Internal.Debug", Value: "true" },
        { Id: "v-2", Name: "Site.Url", Value: "x" },
      ]),
      { filters: filtersFrom({ "exclude-variables-regex": ["^Internal\\."] }) },
    );
    expect(Object.keys(await out.resources("octopusdeploy_variable"))).toEqual(["shared_site_url"]);
    expect(out.warnings).toEqual([
      'VariableSets variableset-LibraryVariableSets-1 variable "Internal.Debug" is left out by --exclude-variables',
    ]);
  });

  it("takes --exclude-variable-environment-scopes environments out of scopes; a variable scoped to nothing else is left out", async () => {
    const out = convert(
      librarySet(
        [
          { Id: "v-1", Name: "Db.Host", Value: "dev-db", Scope: { Environment: ["Environments-1"] } },
          {
            Id: "v-2",
            Name: "Db.Port",
            Value: "5432",
            Scope: { Environment: ["Environments-1", "Environments-2"] },
          },
        ],
        {
          Environments: [
            { Id: "Environments-1", Name: "Development" },
            { Id: "Environments-2", Name: "Production" },
          ],
        },
      ),
      { excludeVariableEnvironmentScopes: ["Development"] },
    );
    const variables = Object.values(await out.resources("octopusdeploy_variable"));
    expect(variables.map((v) => [v.name, v.scope])).toEqual([
      ["Db.Port", [{ environments: ["${octopusdeploy_environment.production.id}"] }]],
    ]);
    expect(out.warnings.join("\n")).toContain('variable "Db.Host"');
  });

  it("with --spread-secrets, names a sensitive variable's input by its name alone when it can", () => {
    const out = convert(
      librarySet(
        [
          { Id: "v-1", Name: "Db.Password", IsSensitive: true, Value: null },
          {
            Id: "v-2",
            Name: "Api.Key",
            IsSensitive: true,
            Value: null,
            Scope: { Environment: ["Environments-1"] },
          },
        ],
        { Environments: [{ Id: "Environments-1", Name: "Production" }] },
      ),
      { spreadSecrets: true },
    );
    expect(out.secrets.map((s) => s.variable)).toEqual(["db_password", "shared_api_key_production"]);
    expect(out.warnings).toEqual([
      'VariableSets variableset-LibraryVariableSets-1 sensitive variable "Api.Key" of Shared is scoped, so it cannot be passed in by name; run octoport spread on the source first',
    ]);
  });
});

describe("a project's variables", () => {
  const PROJECT: Documents = {
    Lifecycles: [{ Id: "Lifecycles-1", Name: "Default Lifecycle" }],
    ProjectGroups: [{ Id: "ProjectGroups-1", Name: "Default Project Group" }],
    Projects: [
      {
        Id: "Projects-1",
        Name: "Web",
        LifecycleId: "Lifecycles-1",
        ProjectGroupId: "ProjectGroups-1",
        VariableSetId: "variableset-Projects-1",
      },
    ],
    Channels: [{ Id: "Channels-2", Name: "Hotfix", ProjectId: "Projects-1" }],
    Runbooks: [{ Id: "Runbooks-1", Name: "Restart", ProjectId: "Projects-1" }],
    DeploymentProcesses: [
      {
        Id: "deploymentprocess-Projects-1",
        ProjectId: "Projects-1",
        Steps: [
          {
            Id: "s-1",
            Name: "Deploy",
            Actions: [{ Id: "a-1", Name: "Deploy", ActionType: "Octopus.Script", Properties: {} }],
          },
        ],
      },
    ],
  };
  const variables = (list: Array<Record<string, unknown>>): Documents => ({
    ...PROJECT,
    VariableSets: [{ Id: "variableset-Projects-1", OwnerId: "Projects-1", Variables: list }],
  });

  it("scopes to channels, steps and process owners by reference", async () => {
    const out = convert(
      variables([
        {
          Id: "v-1",
          Name: "Mode",
          Value: "fast",
          Scope: { Channel: ["Channels-2"], Action: ["a-1"], ProcessOwner: ["Runbooks-1", "Projects-1"] },
        },
      ]),
      { layout: "modules" },
    );
    expect(await out.resource("octopusdeploy_variable", "mode_hotfix_deploy_restart_web")).toEqual({
      space_id: SPACE_ID,
      owner_id: "${octopusdeploy_project.web.id}",
      name: "Mode",
      type: "String",
      value: "fast",
      scope: [
        {
          channels: ["${octopusdeploy_channel.hotfix.id}"],
          actions: ["${octopusdeploy_process_step.deployment_deploy.action_id}"],
          processes: ["${octopusdeploy_runbook.restart.id}", "${octopusdeploy_project.web.id}"],
        },
      ],
    });
    expect(out.text("projects/web/module/octopus_variables.tf")).toContain("octopusdeploy_variable");
    expect(await out.schemaProblems()).toEqual([]);
  });

  it("in the single layout, names them after the project twice", async () => {
    const out = convert(variables([{ Id: "v-1", Name: "Mode", Value: "fast" }]));
    // Both the variable's key and the project's prefix name the project.
    expect(Object.keys(await out.resources("octopusdeploy_variable"))).toEqual(["web_web_mode"]);
  });
});

describe("tenants", () => {
  it("leaves out tenants with a tag --exclude-tenants-with-tags names", async () => {
    const out = convert(
      {
        TagSets: [
          {
            Id: "TagSets-1",
            Name: "Tier",
            Tags: [
              { Id: "Tags-1", Name: "Gold" },
              { Id: "Tags-2", Name: "Trial" },
            ],
          },
        ],
        Tenants: [
          { Id: "Tenants-1", Name: "Acme", TenantTags: ["Tier/Gold"] },
          { Id: "Tenants-2", Name: "Tryout", TenantTags: ["Tier/Trial", "Tier/Gold"] },
        ],
      },
      { excludeTenantsWithTags: ["Tier/Trial"] },
    );
    expect(Object.keys(await out.resources("octopusdeploy_tenant"))).toEqual(["acme"]);
  });

  it("writes a tenant with its tags", async () => {
    const out = convert({
      TagSets: [
        {
          Id: "TagSets-1",
          Name: "Tier",
          Tags: [
            { Id: "Tags-1", Name: "Gold" },
            { Id: "Tags-2", Name: "Silver" },
          ],
        },
      ],
      Tenants: [
        {
          Id: "Tenants-1",
          Name: "Acme",
          Description: "Customer",
          IsDisabled: false,
          TenantTags: ["Tier/Silver", "Tier/Gold"],
        },
      ],
    });
    expect(await out.resource("octopusdeploy_tenant")).toEqual({
      space_id: SPACE_ID,
      name: "Acme",
      description: "Customer",
      is_disabled: false,
      tenant_tags: [
        "${octopusdeploy_tag.tier_gold.canonical_tag_name}",
        "${octopusdeploy_tag.tier_silver.canonical_tag_name}",
      ],
    });
    expect(await out.schemaProblems()).toEqual([]);
  });

  it("writes tags of another module as text (the modules layout)", async () => {
    const out = convert(
      {
        TagSets: [{ Id: "TagSets-1", Name: "Tier", Tags: [{ Id: "Tags-1", Name: "Gold" }] }],
        Tenants: [{ Id: "Tenants-1", Name: "Acme", TenantTags: ["Tier/Gold"] }],
      },
      { layout: "modules" },
    );
    // Both are in the space module, so the reference stays.
    expect(out.text("space/module/tenants.tf")).toContain(
      "tenant_tags = [octopusdeploy_tag.tier_gold.canonical_tag_name]",
    );
  });
});

describe("tenants' values of library sets' templates (common variables)", () => {
  const TENANTED: Documents = {
    Lifecycles: [{ Id: "Lifecycles-1", Name: "Default Lifecycle" }],
    ProjectGroups: [{ Id: "ProjectGroups-1", Name: "Default Project Group" }],
    Environments: [{ Id: "Environments-1", Name: "Production" }],
    LibraryVariableSets: [
      {
        Id: "LibraryVariableSets-1",
        Name: "Mail",
        Templates: [
          { Id: "lt-1", Name: "Smtp.Host" },
          { Id: "lt-2", Name: "Smtp.Password" },
        ],
      },
      { Id: "LibraryVariableSets-2", Name: "Unused", Templates: [{ Id: "lt-3", Name: "Other" }] },
    ],
    Projects: [
      {
        Id: "Projects-1",
        Name: "Web",
        LifecycleId: "Lifecycles-1",
        ProjectGroupId: "ProjectGroups-1",
        IncludedLibraryVariableSetIds: ["LibraryVariableSets-1"],
      },
    ],
    Tenants: [{ Id: "Tenants-1", Name: "Acme", ProjectEnvironments: { "Projects-1": ["Environments-1"] } }],
    TenantVariables: [
      {
        Id: "TenantVariables-Tenants-1",
        TenantId: "Tenants-1",
        LibraryVariables: {
          "LibraryVariableSets-1": {
            LibraryVariableSetId: "LibraryVariableSets-1",
            Variables: { "lt-1": "smtp.acme.example", "lt-2": { HasValue: true } },
          },
          // No exported project connects the tenant and includes this set: not written here.
          "LibraryVariableSets-2": {
            LibraryVariableSetId: "LibraryVariableSets-2",
            Variables: { "lt-3": "x" },
          },
        },
      },
    ],
  };

  it("are written after the tenant's connection to a project that includes the set", async () => {
    const out = convert(TENANTED);
    const templateIds = "${octopusdeploy_library_variable_set.mail.template_ids";
    expect(await out.resources("octopusdeploy_tenant_common_variable")).toEqual({
      acme_mail_smtp_host: {
        space_id: SPACE_ID,
        tenant_id: "${octopusdeploy_tenant.acme.id}",
        library_variable_set_id: "${octopusdeploy_library_variable_set.mail.id}",
        template_id: `${templateIds}["Smtp.Host"]}`,
        value: "smtp.acme.example",
        depends_on: ["${octopusdeploy_tenant_project.web_acme}"],
      },
      acme_mail_smtp_password: {
        space_id: SPACE_ID,
        tenant_id: "${octopusdeploy_tenant.acme.id}",
        library_variable_set_id: "${octopusdeploy_library_variable_set.mail.id}",
        template_id: `${templateIds}["Smtp.Password"]}`,
        value: "${var.tenant_acme_mail_smtp_password}",
        depends_on: ["${octopusdeploy_tenant_project.web_acme}"],
      },
    });
    expect(out.secrets).toContainEqual(
      expect.objectContaining({
        variable: "tenant_acme_mail_smtp_password",
        sourceId: "TenantVariables-Tenants-1",
        path: "LibraryVariables.LibraryVariableSets-1.Variables.lt-2",
      }),
    );
    expect(await out.schemaProblems()).toEqual([]);
  });

  it("belong to the space, in a module of their own after the projects, never to a project module", async () => {
    const out = convert(TENANTED, { layout: "modules" });
    const paths = out.manifest.modules.map((m) => m.path);
    expect(paths).toEqual(["space", "projects/web", "tenant-variables"]);
    expect(out.manifest.modules.find((m) => m.path === "tenant-variables")?.dependsOn).toEqual([
      "projects/web",
      "space",
    ]);
    const owners = out.manifest.resources
      .filter((r) => r.type === "octopusdeploy_tenant_common_variable")
      .map((r) => r.module);
    expect(owners).toEqual(["tenant-variables", "tenant-variables"]);
    expect(out.text("tenant-variables/module/tenant_common_variables.tf")).toContain(
      'resource "octopusdeploy_tenant_common_variable" "acme_mail_smtp_host"',
    );
    expect(await out.schemaProblems()).toEqual([]);
  });

  it("write each value scoped to environments as a resource of its own, with its scope", async () => {
    const scoped: Documents = {
      ...TENANTED,
      Environments: [
        { Id: "Environments-1", Name: "Production" },
        { Id: "Environments-2", Name: "Staging" },
        { Id: "Environments-3", Name: "Test" },
      ],
      Tenants: [
        {
          Id: "Tenants-1",
          Name: "Acme",
          ProjectEnvironments: { "Projects-1": ["Environments-1", "Environments-2", "Environments-3"] },
        },
      ],
      TenantVariables: [
        {
          Id: "TenantVariables-Tenants-1",
          TenantId: "Tenants-1",
          LibraryVariables: {
            "LibraryVariableSets-1": {
              LibraryVariableSetId: "LibraryVariableSets-1",
              Variables: { "lt-1": "smtp.acme.example" },
            },
          },
          ScopedCommonVariables: {
            "LibraryVariableSets-1": {
              "lt-1": [
                {
                  Id: "TenantVariables-7",
                  Value: "smtp.test.example",
                  EnvironmentIds: ["Environments-3", "Environments-2"],
                },
              ],
              "lt-2": [
                { Id: "TenantVariables-8", Value: { HasValue: true }, EnvironmentIds: ["Environments-1"] },
              ],
            },
          },
        },
      ],
    };
    const out = convert(scoped);
    const templateIds = "${octopusdeploy_library_variable_set.mail.template_ids";
    const base = {
      space_id: SPACE_ID,
      tenant_id: "${octopusdeploy_tenant.acme.id}",
      library_variable_set_id: "${octopusdeploy_library_variable_set.mail.id}",
      depends_on: ["${octopusdeploy_tenant_project.web_acme}"],
    };
    expect(await out.resources("octopusdeploy_tenant_common_variable")).toEqual({
      acme_mail_smtp_host: {
        ...base,
        template_id: `${templateIds}["Smtp.Host"]}`,
        value: "smtp.acme.example",
      },
      acme_mail_smtp_host_staging_test: {
        ...base,
        template_id: `${templateIds}["Smtp.Host"]}`,
        value: "smtp.test.example",
        scope: [
          {
            environment_ids: [
              "${octopusdeploy_environment.staging.id}",
              "${octopusdeploy_environment.test.id}",
            ],
          },
        ],
      },
      acme_mail_smtp_password_production: {
        ...base,
        template_id: `${templateIds}["Smtp.Password"]}`,
        value: "${var.tenant_acme_mail_smtp_password_production}",
        scope: [{ environment_ids: ["${octopusdeploy_environment.production.id}"] }],
      },
    });
    expect(out.secrets.map((s) => [s.variable, s.sourceId, s.path])).toEqual([
      [
        "tenant_acme_mail_smtp_password_production",
        "TenantVariables-Tenants-1",
        "ScopedCommonVariables.LibraryVariableSets-1.lt-2[Id=TenantVariables-8].Value",
      ],
    ]);
    expect(
      out.manifest.resources.find((r) => r.name === "Acme Mail Smtp.Host Staging Test")?.sourcePart,
    ).toBe("Tenants[Id=Tenants-1].ScopedCommonVariables.LibraryVariableSets-1.lt-1[Id=TenantVariables-7]");
    expect(out.warnings).toEqual([]);
    expect(await out.schemaProblems()).toEqual([]);
  });
});

itWritesEveryResourceType(library);
