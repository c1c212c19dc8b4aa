/**
 * The layers of src/, written down once (docs/design.md explains them). Data flows one way:
 * client -> space graph -> exporters (Terraform, snapshot) -> writers, with cli/ on top.
 * A folder may import only the folders listed for it (and itself). The sandbox is a separate
 * implementation of the Octopus API: it imports nothing of octoport, so that a mistake shared
 * by both cannot hide. `npm run lint` runs this check.
 */
const LAYERS = {
  util: [],
  octopus: ["util"],
  registry: ["util"],
  graph: ["registry", "octopus", "util"],
  spread: ["octopus", "util"],
  "migration-api": ["octopus", "util"],
  runner: ["util"],
  snapshot: ["graph", "registry", "octopus", "util"],
  terraform: ["graph", "registry", "octopus", "util"],
  bootstrap: ["terraform", "graph", "registry", "util"],
  sandbox: [],
  cli: ["bootstrap", "terraform", "snapshot", "spread", "migration-api", "runner", "graph", "registry", "octopus", "sandbox", "util"],
};

const folders = Object.keys(LAYERS);

module.exports = {
  forbidden: [
    {
      name: "no-circular",
      severity: "error",
      comment: "Files that import each other in a loop: split what both need into a file of its own.",
      from: { path: "^src/" },
      to: { circular: true },
    },
    ...folders.map((folder) => ({
      name: `layer-${folder}`,
      severity: "error",
      comment: `src/${folder}/ may import only: ${[folder, ...LAYERS[folder]].join(", ")} (see docs/design.md)`,
      from: { path: `^src/${folder}/` },
      to: {
        path: "^src/",
        pathNot: [`^src/(${[folder, ...LAYERS[folder]].join("|")})/`],
      },
    })),
    {
      name: "hcl-is-a-leaf",
      severity: "error",
      comment: "The HCL model and printer know nothing of Octopus or of the exporter around them.",
      from: { path: "^src/terraform/hcl/" },
      to: { path: "^src/", pathNot: ["^src/terraform/hcl/", "^src/util/"] },
    },
    {
      name: "src-stands-alone",
      severity: "error",
      comment: "The product never imports tests, scripts or benchmarks.",
      from: { path: "^src/" },
      to: { path: "^(test|scripts|bench)/" },
    },
    {
      name: "known-folders",
      severity: "error",
      comment: "Every folder of src/ has its place in LAYERS (.dependency-cruiser.cjs).",
      from: { path: "^src/", pathNot: [`^src/(${folders.join("|")})/`] },
      to: {},
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    exclude: { path: "^(dist|node_modules)/" },
  },
};
