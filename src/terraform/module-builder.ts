import type { Block, Expr, Lazy } from "./hcl/model.js";
import { IDS_INPUT, type Secret } from "./inputs.js";
import { ModuleLookups } from "./lookups.js";
import { Name, Namespace } from "./naming.js";

/**
 * One module as it is converted: its blocks by file, the names of its blocks and inputs, its
 * lookups, and what the roots need of it once it is printed (its secrets, the modules it
 * depends on).
 */

/**
 * Everything that goes into one module: resource and data blocks by file, inputs, outputs.
 * Its names (of blocks, and of the inputs its secrets come in by) depend only on what is in
 * it, so a module is printed as soon as its documents are converted, and then released.
 */
export class ModuleBuilder {
  readonly files = new Map<string, Block[]>();
  readonly secrets = new Set<Secret>();
  /** Modules this one looks things up from: they must apply first. */
  readonly dependsOn = new Set<string>();
  private readonly namespaces = new Map<string, Namespace>();
  private readonly addresses = new Set<string>();
  private readonly inputs = new Namespace().reserve("octopus_space_id", IDS_INPUT);
  private readonly inputNames = new Map<Secret, Lazy>();
  /** Documents this module finds by name on the destination. */
  readonly lookups = new ModuleLookups(this);
  /** The documents whose primary resource is in this module. */
  readonly primaries: string[] = [];
  /** Process steps' actions declared here, so variables scoped to them can refer to them. */
  readonly actions = new Map<string, { name: string; expr: Expr }>();

  constructor(
    /** "" for the single layout, "space" or "projects/<slug>" otherwise. */
    readonly path: string,
    readonly title: string,
  ) {}

  /**
   * The input a secret comes into this module by. The single layout's module is the root, so
   * it takes the export's name; a module of the modules layout names its inputs among its own
   * secrets (equal to the export's names unless two of the whole export's collide), and the
   * roots that call it pass each in from the root variable.
   */
  input(secret: Secret): Lazy {
    this.secrets.add(secret);
    if (this.path === "") return secret.name;
    let name = this.inputNames.get(secret);
    if (!name) {
      name = new Name(this.inputs, secret.key);
      this.inputNames.set(secret, name);
    }
    return name;
  }

  /**
   * Drops what converting the module needed once its files are printed: its blocks, lookups,
   * actions, names and the list of its primary documents. Its secrets and their inputs stay,
   * for the roots.
   */
  release(): void {
    this.files.clear();
    this.lookups.clear();
    this.addresses.clear();
    this.actions.clear();
    this.namespaces.clear();
    this.primaries.length = 0;
  }

  namespace(kind: "resource" | "data" | "local", type: string): Namespace {
    const key = `${kind}:${type}`;
    let ns = this.namespaces.get(key);
    if (!ns) {
      ns = new Namespace();
      this.namespaces.set(key, ns);
    }
    return ns;
  }

  name(kind: "resource" | "data" | "local", type: string, key: string): Lazy {
    return new Name(this.namespace(kind, type), key);
  }

  /** Guards against two resources of one type made from the same key (they would share a name). */
  claimAddress(type: string, key: string): void {
    const id = `${type} ${key}`;
    if (this.addresses.has(id))
      throw new Error(`two ${type} resources in ${this.path || "the module"} are both named from "${id}"`);
    this.addresses.add(id);
  }

  add(file: string, b: Block): void {
    const list = this.files.get(file);
    if (list) list.push(b);
    else this.files.set(file, [b]);
  }
}
