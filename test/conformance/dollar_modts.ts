// A module may declare any name at its top level, `$modts` included, and still use import().
const $modts = "declared by the module";

export async function index() {
  const ns = await import("./_hyg/target.ts");
  return { $modts, value: ns.value };
}
