import { describe, expect, it } from "vitest";
import * as templates from "../../../src/terraform/converters/templates.js";
import { convert, itWritesEveryResourceType } from "../../helpers/convert.js";

/** Custom step templates (src/terraform/converters/templates.ts): a tiny space in, blocks out. */

const SPACE_ID = "${var.octopus_space_id}";
const FEEDS = [
  { Id: "Feeds-1", Name: "Octopus Server (built-in)", FeedType: "BuiltIn" },
  { Id: "Feeds-2", Name: "Docker Hub", FeedType: "Docker", FeedUri: "https://index.docker.io" },
];

const template = (extra: Record<string, unknown>) => ({
  Id: "ActionTemplates-1",
  Name: "Notify",
  ActionType: "Octopus.Script",
  Properties: {},
  Packages: [],
  Parameters: [],
  ...extra,
});

describe("step templates", () => {
  it("writes the template's type, properties, packages and parameters", async () => {
    const out = convert({
      Feeds: FEEDS,
      ActionTemplates: [
        template({
          Description: "Posts to chat",
          Properties: {
            "Octopus.Action.Script.Syntax": "Bash",
            "Octopus.Action.Script.ScriptBody": "echo #{Message}",
          },
          Packages: [
            {
              Name: "tool",
              PackageId: "chat-cli",
              FeedId: "Feeds-2",
              AcquisitionLocation: "ExecutionTarget",
              Properties: { Extract: "True", SelectionMode: "deferred", PackageParameterName: "Tool" },
            },
            { Name: "", PackageId: "scripts", FeedId: "Feeds-1" },
          ],
          Parameters: [
            {
              Id: "p-1",
              Name: "Message",
              Label: "Message",
              HelpText: "What to say",
              DefaultValue: "Deployed",
              DisplaySettings: { "Octopus.ControlType": "SingleLineText" },
            },
            { Id: "p-2", Name: "Channel", DefaultValue: "", DisplaySettings: {} },
          ],
        }),
      ],
    });
    expect(await out.resource("octopusdeploy_step_template", "notify")).toEqual({
      space_id: SPACE_ID,
      name: "Notify",
      description: "Posts to chat",
      action_type: "Octopus.Script",
      // No StepPackageId in the document: Octopus.Script.
      step_package_id: "Octopus.Script",
      properties: {
        "Octopus.Action.Script.ScriptBody": "echo #{Message}",
        "Octopus.Action.Script.Syntax": "Bash",
      },
      packages: [
        {
          name: "tool",
          package_id: "chat-cli",
          feed_id: "${octopusdeploy_docker_container_registry.docker_hub.id}",
          acquisition_location: "ExecutionTarget",
          properties: { extract: "True", package_parameter_name: "Tool", selection_mode: "deferred" },
        },
        {
          name: "",
          package_id: "scripts",
          // The built-in feed is looked up, by its type.
          feed_id: "${local.feed_octopus_server_built_in_id}",
          acquisition_location: "Server",
          properties: { selection_mode: "immediate" },
        },
      ],
      parameters: [
        {
          id: "p-1",
          name: "Message",
          label: "Message",
          help_text: "What to say",
          default_value: "Deployed",
          display_settings: { "Octopus.ControlType": "SingleLineText" },
        },
        { id: "p-2", name: "Channel", display_settings: {} },
      ],
    });
    expect(await out.data("octopusdeploy_feeds")).toMatchObject({
      octopus_server_built_in: { feed_type: "BuiltIn" },
    });
    expect(out.warnings).toEqual([]);
    expect(await out.schemaProblems()).toEqual([]);
  });

  it("writes the template's Git dependencies, the credential as a reference", async () => {
    const out = convert({
      GitCredentials: [
        { Id: "GitCredentials-1", Name: "Infra", Details: { Username: "bot", Password: { HasValue: true } } },
      ],
      ActionTemplates: [
        {
          Id: "ActionTemplates-1",
          Name: "Run from Git",
          ActionType: "Octopus.Script",
          Properties: { "Octopus.Action.Script.ScriptSource": "GitRepository" },
          GitDependencies: [
            {
              Name: "",
              RepositoryUri: "https://git.example/infra.git",
              DefaultBranch: "main",
              GitCredentialType: "Library",
              GitCredentialId: "GitCredentials-1",
              FilePathFilters: ["scripts/**"],
            },
          ],
        },
      ],
    });
    expect((await out.resource("octopusdeploy_step_template")).git_dependencies).toEqual([
      {
        name: "",
        repository_uri: "https://git.example/infra.git",
        default_branch: "main",
        git_credential_type: "Library",
        git_credential_id: "${octopusdeploy_git_credential.infra.id}",
        file_path_filters: ["scripts/**"],
      },
    ]);
    expect(out.warnings).toEqual([]);
    expect(await out.schemaProblems()).toEqual([]);
  });

  it("makes IDs in properties references: a whole value, or IDs quoted in JSON", async () => {
    const out = convert({
      Feeds: FEEDS,
      ActionTemplates: [
        template({
          Properties: {
            "Octopus.Action.Package.FeedId": "Feeds-2",
            "Octopus.Action.Package.Json": '{"FeedId":"Feeds-2","Other":"Feeds-9"}',
            "Octopus.Action.Note": "Feeds-2 is not quoted here",
          },
        }),
      ],
    });
    expect(out.text("step_templates.tf")).toContain(
      [
        "  properties = {",
        '    "Octopus.Action.Note"           = "Feeds-2 is not quoted here"',
        '    "Octopus.Action.Package.FeedId" = octopusdeploy_docker_container_registry.docker_hub.id',
        '    "Octopus.Action.Package.Json"   = "{\\"FeedId\\":\\"${octopusdeploy_docker_container_registry.docker_hub.id}\\",\\"Other\\":\\"Feeds-9\\"}"',
        "  }",
      ].join("\n"),
    );
    expect(await out.schemaProblems()).toEqual([]);
  });

  it("asks for a sensitive parameter default as a secret", async () => {
    const out = convert({
      ActionTemplates: [
        template({ Parameters: [{ Id: "p-1", Name: "Token", DefaultValue: { HasValue: true } }] }),
      ],
    });
    expect((await out.resource("octopusdeploy_step_template")).parameters).toEqual([
      {
        id: "p-1",
        name: "Token",
        default_sensitive_value: "${var.step_template_notify_parameter_token}",
        display_settings: {},
      },
    ]);
    expect(out.secrets).toMatchObject([
      {
        variable: "step_template_notify_parameter_token",
        sourceId: "ActionTemplates-1",
        path: "Parameters[Id=p-1].DefaultValue",
      },
    ]);
    expect(await out.schemaProblems()).toEqual([]);
  });

  it("leaves out properties that are not text (a sensitive property's value) without a word", async () => {
    const out = convert({
      ActionTemplates: [
        template({ Properties: { "Octopus.Action.Script.Syntax": "Bash", Secret: { HasValue: true } } }),
      ],
    });
    expect((await out.resource("octopusdeploy_step_template")).properties).toEqual({
      "Octopus.Action.Script.Syntax": "Bash",
    });
    expect(out.secrets).toEqual([]);
    expect(out.warnings).toEqual([]);
  });

  it("installs a community template again from the destination's library, found by name", async () => {
    const out = convert({
      ActionTemplates: [
        template({
          Name: "Amazon Chime - Post Message",
          CommunityActionTemplateId: "CommunityActionTemplates-2",
          Version: 14,
          Parameters: [{ Id: "p-1", Name: "acpm_WebHookURL", DefaultValue: "" }],
          Properties: { "Octopus.Action.Script.ScriptBody": "Invoke-RestMethod" },
        }),
      ],
    });
    expect(out.types).toEqual(["octopusdeploy_community_step_template"]);
    expect(await out.resource("octopusdeploy_community_step_template", "amazon_chime_post_message")).toEqual({
      space_id: SPACE_ID,
      community_action_template_id:
        "${data.octopusdeploy_community_step_template.amazon_chime_post_message.steps[0].id}",
    });
    const data = await out.data("octopusdeploy_community_step_template");
    expect(Object.keys(data)).toEqual(["amazon_chime_post_message"]);
    expect(data.amazon_chime_post_message).toMatchObject({ name: "Amazon Chime - Post Message" });
    // Its script, parameters and version are the library's: nothing of them is written.
    expect(out.text("step_templates.tf")).not.toContain("Invoke-RestMethod");
    expect(out.warnings).toEqual([]);
    expect(await out.schemaProblems()).toEqual([]);
  });
});

itWritesEveryResourceType(templates);
