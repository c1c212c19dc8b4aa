import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import Handlebars from "handlebars";
import type { SpaceGraph } from "../graph/graph.js";
import type { Manifest } from "./manifest.js";

/** The manual steps every migration needs (docs/limits.md: not reachable through the API). */
const POST_MIGRATION = [
  "Users (team members are looked up by username, never created), and teams and user roles unless exported with --include-teams",
  "Authentication providers and settings",
  "Packages in the built-in feed (push them to the destination, or point the feed elsewhere)",
  "Releases, deployments and runbook runs (history stays on the source; the snapshot path can carry release shells)",
  "The audit log",
  "API keys, SIEM and ITSM settings",
  "The licence, server nodes and SMTP settings",
  "Insights dashboards",
  "Tentacle trust: listening tentacles must trust the destination's certificate, and polling tentacles must be registered with it",
  "Sensitive values: supply every variable listed in terraform.tfvars.example",
];

/** Above this many modules the diagram is left out: renderers refuse or cannot lay it out. */
export const MAX_DIAGRAM_MODULES = 150;

/**
 * The modules' dependencies as a Mermaid flowchart (GitHub and GitLab render it): an arrow runs
 * from a module to one that is applied after it and uses it. Arrows implied by others (space ->
 * storefront, when space -> orders-api -> storefront) are left out, so the picture stays
 * readable. Undefined for one module, or more than MAX_DIAGRAM_MODULES.
 */
export function dependencyDiagram(modules: Manifest["modules"]): string | undefined {
  if (modules.length < 2 || modules.length > MAX_DIAGRAM_MODULES) return undefined;
  const index = new Map(modules.map((m, i) => [m.path, i]));
  const deps = modules.map((m) => new Set(m.dependsOn.filter((d) => index.has(d))));
  // Everything a module depends on, directly or not (the graph has no cycle: apply levels exist).
  const reach = new Map<string, Set<string>>();
  const reachable = (path: string): Set<string> => {
    let out = reach.get(path);
    if (out) return out;
    out = new Set();
    reach.set(path, out);
    for (const d of deps[index.get(path)!]!) {
      out.add(d);
      for (const r of reachable(d)) out.add(r);
    }
    return out;
  };
  const lines = ["flowchart LR"];
  modules.forEach((m, i) => {
    lines.push(`  m${i}["${m.path.replaceAll('"', "#quot;")}"]`);
  });
  deps.forEach((ds, i) => {
    const direct = [...ds];
    for (const d of direct.sort()) {
      // Implied when another direct dependency already reaches it.
      if (direct.some((other) => other !== d && reachable(other).has(d))) continue;
      lines.push(`  m${index.get(d)} --> m${i}`);
    }
  });
  return lines.join("\n");
}

let template: Handlebars.TemplateDelegate | undefined;

/** A file of the package's templates/, found upward from this code (src/terraform/, or the bundle in dist/). */
function templatePath(name: string): string {
  for (let dir = dirname(fileURLToPath(import.meta.url)); ; dir = dirname(dir)) {
    const candidate = join(dir, "templates", name);
    if (existsSync(candidate)) return candidate;
    if (dirname(dir) === dir) throw new Error(`templates/${name} is missing from the octoport package`);
  }
}

function compiled(): Handlebars.TemplateDelegate {
  if (!template) {
    const text = readFileSync(templatePath("README.md.hbs"), "utf8");
    const hb = Handlebars.create();
    hb.registerHelper("inc", (n: number) => n + 1);
    // From a module's directory back to the export's: "space" -> "../", "projects/x" -> "../../".
    hb.registerHelper("up", (path: string) => "../".repeat(path.split("/").length));
    template = hb.compile(text, { noEscape: true, strict: false });
  }
  return template;
}

/** The README written beside the modules: how to apply them and what is left to do by hand. */
export function renderReadme(manifest: Manifest, _graph: SpaceGraph): string {
  const text = compiled()({
    manifest,
    single: manifest.layout === "single",
    levels: manifest.applyOrder,
    diagram: manifest.layout === "single" ? undefined : dependencyDiagram(manifest.modules),
    tooManyToDraw: manifest.modules.length > MAX_DIAGRAM_MODULES,
    postMigration: POST_MIGRATION,
  });
  return `${text.replace(/\n{3,}/g, "\n\n").trim()}\n`;
}
