import { groupBy } from "../util/collections.js";
import { fileText } from "./blocks.js";
import { attr, block, comment, ref } from "./hcl/model.js";
import type { Manifest } from "./manifest.js";
import type { Move, TrackedResource } from "./moves.js";

/**
 * What an earlier export into the same directory says (its manifest): renamed projects keep
 * their directories and secrets their inputs' names, renames become moved blocks, and inputs
 * that changed or went are warned about.
 */

/** The previous export, when it is of the same space in the same layout (else renames mean nothing). */
export function sameExport(
  previous: Manifest | undefined,
  current: { spaceId: string; layout: Manifest["layout"] },
): Manifest | undefined {
  if (!previous || previous.source?.spaceId !== current.spaceId || previous.layout !== current.layout)
    return undefined;
  return {
    ...previous,
    resources: previous.resources ?? [],
    moved: previous.moved ?? [],
    secrets: previous.secrets ?? [],
  };
}

/** Each project's module directory in an earlier export, by project ID: a renamed project keeps it. */
export function earlierDirectories(earlier: Manifest | undefined): Map<string, string> {
  const out = new Map<string, string>();
  for (const r of earlier?.resources ?? [])
    if (r.sourceType === "Projects" && r.type === "octopusdeploy_project" && r.module.startsWith("projects/"))
      out.set(r.sourceId, r.module.slice("projects/".length));
  return out;
}

/** Each secret input's name in an earlier export, by where its value is (document and path). */
export function earlierSecretNames(earlier: Manifest | undefined): Map<string, string> {
  return new Map((earlier?.secrets ?? []).map((s) => [`${s.sourceId} ${s.path}`, s.variable]));
}

export function trackedResources(m: Pick<Manifest, "resources">): TrackedResource[] {
  return m.resources.map((r) => ({
    sourceId: r.sourceId,
    sourcePart: r.sourcePart,
    type: r.type,
    module: r.module,
    local: r.address.split(".").slice(-2).join("."),
  }));
}

/** moved blocks for renames, by file: `moved.tf` in each module (in the root for the single layout). */
export function movedFiles(moved: Move[]): Array<[string, string]> {
  return [...groupBy(moved, (m) => m.module)].map(([module, moves]) => [
    module === "" ? "moved.tf" : `${module}/module/moved.tf`,
    fileText([
      comment("Renamed in Octopus since an earlier export: Terraform updates these in place."),
      ...moves.map((m) =>
        block("moved", [], [attr("from", ref(...m.from.split("."))), attr("to", ref(...m.to.split(".")))]),
      ),
    ]),
  ]);
}

/**
 * Secret inputs an earlier export named that this one names otherwise, or no longer has:
 * tfvars files and CI secrets that set them must change with them. (A renamed document keeps
 * its input's name; only a name taken by another input, or a value that is gone, changes.)
 */
export function renamedInputs(previous: Manifest, current: Manifest): Manifest["warnings"] {
  const now = new Map(current.secrets.map((s) => [`${s.sourceId} ${s.path}`, s.variable]));
  const out: Manifest["warnings"] = [];
  for (const s of previous.secrets) {
    const name = now.get(`${s.sourceId} ${s.path}`);
    if (name === s.variable) continue;
    out.push({
      subject: `input "${s.variable}"`,
      message:
        name === undefined
          ? `is no longer needed (${s.description}: gone from the source); remove it from tfvars files and CI secrets`
          : `is now "${name}" (${s.description}); rename it in tfvars files and CI secrets`,
    });
  }
  return out;
}
