import { cmp, flat } from "../util/strings.js";
import { moduleName } from "./blocks.js";
import type { ManifestResource } from "./manifest.js";
import type { ModuleBuilder } from "./module-builder.js";
import type { ExportState } from "./state.js";

/**
 * The manifest's resources, kept from module to module: once a module is printed its
 * resources are settled under their final names, and the groups are put in address order
 * at the end.
 */

/**
 * A resource of the manifest as the export keeps it until the end: its address is made when
 * asked for (at 2,000 projects the 104,000 addresses were the largest thing the export held),
 * and JSON.stringify writes it as a plain ManifestResource.
 */
class KeptResource implements ManifestResource {
  readonly sourcePart?: string;

  constructor(
    readonly sourceId: string,
    sourcePart: string | undefined,
    readonly sourceType: string,
    readonly name: string,
    readonly type: string,
    readonly module: string,
    /** `module.<name>.` (nothing in the single layout). */
    private readonly prefix: string,
    /** The resource's label: the address is `<prefix><type>.<label>`. */
    readonly label: string,
  ) {
    if (sourcePart) this.sourcePart = sourcePart;
  }

  get address(): string {
    return `${this.prefix}${this.type}.${this.label}`;
  }

  toJSON(): ManifestResource {
    return {
      sourceId: this.sourceId,
      ...(this.sourcePart ? { sourcePart: this.sourcePart } : {}),
      sourceType: this.sourceType,
      name: this.name,
      type: this.type,
      module: this.module,
      address: this.address,
    };
  }
}

/** One module's resources, in the order of their addresses, and what the addresses start with. */
export interface ResourceGroup {
  prefix: string;
  resources: KeptResource[];
}

/**
 * Every module's resources in the order of their addresses, `module.<name>.<type>.<label>`.
 * Names, types and labels are made of letters, digits and `_`, all of which sort after `.`:
 * so ordering by name, then type, then label orders the addresses, and each group (a module,
 * in order by type and label) goes whole in the order of its prefix.
 */
export function inAddressOrder(groups: ResourceGroup[]): ManifestResource[] {
  return groups.sort((a, b) => cmp(a.prefix, b.prefix)).flatMap((g) => g.resources);
}

/**
 * Once a module is printed, its resources are kept for the manifest under their final names,
 * and its documents' primary resources are forgotten (nothing outside a module refers to them
 * by label): so nothing holds on to the module's names.
 */
export function settle(state: ExportState, builder: ModuleBuilder): ResourceGroup {
  const prefix = builder.path === "" ? "" : `module.${moduleName(builder.path)}.`;
  const resources = state.resources
    .splice(0)
    .map(
      (r) =>
        new KeptResource(
          r.sourceId,
          r.sourcePart && flat(r.sourcePart),
          r.sourceType,
          r.name,
          r.type,
          r.module,
          prefix,
          flat(r.label.resolve()),
        ),
    )
    .sort((a, b) => cmp(a.type, b.type) || cmp(a.label, b.label));
  for (const id of builder.primaries) state.primaries.delete(id);
  return { prefix, resources };
}
