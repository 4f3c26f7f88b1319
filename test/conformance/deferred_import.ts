// An import() started while the module evaluates but run after it has (from a timer): the
// same instances as any other import of those files.
import * as sharedStatic from "./_deferred/shared.ts";

const later = new Promise((resolve) => setTimeout(resolve, 0)).then(() =>
  Promise.all([import("./_deferred/late.ts"), import("./_deferred/shared.ts")])
);

export async function index() {
  const [late, shared] = await later;
  return {
    lateSame: late === await import("./_deferred/late.ts"),
    sharedSame: shared === sharedStatic,
    late: late.late.name,
  };
}
