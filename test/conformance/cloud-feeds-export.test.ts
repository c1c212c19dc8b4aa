import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Sandbox } from "../../src/sandbox/server.js";
import { differences, normaliseSpace } from "../helpers/compare.js";
import { RestSpace } from "../helpers/rest.js";
import { decoys } from "../helpers/scenarios.js";
import { applyEveryModule, applyWithVars, exportTo, pendingChanges, tfvars, unexplained } from "./flow.js";
import { locateTools, TofuDir, type Tools } from "./harness.js";

/**
 * ECR, S3 and GCS feeds, each with keys and without (OIDC, the worker's credentials), built
 * through the REST API, exported and applied by the real provider into an empty space of another
 * sandbox whose IDs decoys shifted: the destination equals the source by names, secrets included,
 * a second plan is empty, and a change made on the destination is planned and put back.
 */
const tools = locateTools();
const SEED = { spaces: [{ Name: "Default", IsDefault: true }] };
const secret = (value: string) => ({ HasValue: true, NewValue: value });

describe.skipIf(typeof tools === "string")("cloud feeds, with the real provider", () => {
  let source: Sandbox;
  let space: RestSpace;
  beforeAll(async () => {
    source = await new Sandbox({ seed: SEED }).start();
    space = await RestSpace.create(source, "Feeds");
    await space.post("feeds", {
      Name: "ECR keys",
      FeedType: "AwsElasticContainerRegistry",
      Region: "eu-west-1",
      AccessKey: "AKIAEXAMPLEKEY",
      SecretKey: secret("ecr-secret"),
      PackageAcquisitionLocationOptions: ["ExecutionTarget", "NotAcquired"],
    });
    await space.post("feeds", {
      Name: "ECR OIDC",
      FeedType: "AwsElasticContainerRegistry",
      Region: "us-east-1",
      OidcAuthentication: {
        RoleArn: "arn:aws:iam::123456789012:role/pull",
        SessionDuration: "3600",
        Audience: "sts.amazonaws.com",
        SubjectKeys: ["space", "feed"],
      },
    });
    await space.post("feeds", { Name: "S3 machine", FeedType: "S3", UseMachineCredentials: true });
    await space.post("feeds", {
      Name: "S3 keys",
      FeedType: "S3",
      AccessKey: "AKIAS3EXAMPLE",
      SecretKey: secret("s3-secret"),
    });
    await space.post("feeds", {
      Name: "GCS key",
      FeedType: "GcsStorage",
      UseServiceAccountKey: true,
      ServiceAccountJsonKey: secret('{"type":"service_account"}'),
      Project: "my-project",
      DownloadAttempts: 3,
      DownloadRetryBackoffSeconds: 20,
    });
    await space.post("feeds", {
      Name: "GCS OIDC",
      FeedType: "GcsStorage",
      OidcAuthentication: { Audience: "gcs-audience" },
    });
  });
  afterAll(() => source.close());

  it("arrives equal by names with its secrets, plans clean, and puts back a change", async () => {
    const destination = await new Sandbox({ seed: SEED }).start();
    try {
      await decoys(destination);
      const into = await RestSpace.create(destination, "Feeds");
      const { dir, manifest } = await exportTo(source, "modules", {}, undefined, space.spaceId);
      expect(manifest.warnings).toEqual([]);
      expect(
        manifest.resources
          .filter((r) => r.sourceType === "Feeds")
          .map((r) => `${r.type} ${r.name}`)
          .sort(),
      ).toEqual([
        "octopusdeploy_aws_elastic_container_registry ECR OIDC",
        "octopusdeploy_aws_elastic_container_registry ECR keys",
        "octopusdeploy_gcs_storage_feed GCS OIDC",
        "octopusdeploy_gcs_storage_feed GCS key",
        "octopusdeploy_s3_feed S3 keys",
        "octopusdeploy_s3_feed S3 machine",
      ]);
      expect(manifest.secrets.map((s) => s.path).sort()).toEqual([
        "SecretKey",
        "SecretKey",
        "ServiceAccountJsonKey",
      ]);
      const vars = await applyWithVars(
        tools as Tools,
        dir,
        manifest,
        tfvars(source, destination, manifest, into.spaceId),
      );
      expect(await pendingChanges(tools as Tools, dir, manifest, vars)).toEqual({});
      const want = normaliseSpace(source, space.spaceId);
      const got = normaliseSpace(destination, into.spaceId);
      expect(unexplained(differences(want, got))).toEqual([]);
      expect(got.size).toBe(want.size);

      // A change on the destination is planned as an update in place, and applying puts it back.
      const ecr = await into.named("feeds", "ECR OIDC");
      await into.update(`feeds/${ecr.Id}`, (doc) => {
        doc.Region = "ap-southeast-2";
      });
      const module = manifest.resources.find((r) => r.name === "ECR OIDC")?.module ?? "";
      const changed = await pendingChanges(tools as Tools, dir, manifest, vars);
      expect(Object.keys(changed)).toEqual([module]);
      expect(changed[module]?.map(([, actions]) => actions.join())).toEqual(["update"]);
      await applyEveryModule(tools as Tools, dir, manifest, vars);
      expect((await into.named("feeds", "ECR OIDC")).Region).toBe("us-east-1");
      expect(await pendingChanges(tools as Tools, dir, manifest, vars)).toEqual({});

      // Destroying the module removes the feeds it made.
      const tf = await TofuDir.at(tools as Tools, join(dir, module));
      await tf.must(["destroy", "-auto-approve", "-input=false", `-var-file=${vars}`]);
      const left = (await into.list("feeds")).map((f) => f.FeedType).sort();
      expect(left).toEqual(["BuiltIn", "OctopusProject"]);
    } finally {
      await destination.close();
    }
  });
});
