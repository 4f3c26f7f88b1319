// One file by several spellings is one module; a query or a fragment makes another module
// (the URL is the module's key, as in `deno run`); names with spaces and non-ASCII letters.
import * as viaRelative from "./_spec/target.ts";
import * as viaParent from "../conformance/_spec/target.ts";
import * as viaDots from "./_spec/./x/../target.ts";
import * as withQuery from "./_spec/target.ts?instance=2";
import * as withFragment from "./_spec/target.ts#fragment";
import * as spaced from "./_spec/with space.ts";
import * as unicode from "./_spec/ünïcødé.ts";
import { basename } from "node:path";

export async function index() {
  const viaFileUrl = await import(new URL("./_spec/target.ts", import.meta.url).href);
  const viaEncoded = await import("./_spec/t%61rget.ts");
  return {
    viaParent: viaParent === viaRelative,
    viaDots: viaDots === viaRelative,
    viaFileUrl: viaFileUrl === viaRelative,
    viaEncoded: viaEncoded === viaRelative,
    viaEncodedUrl: viaEncoded.url,
    query: { same: withQuery === viaRelative, url: withQuery.url },
    fragment: { same: withFragment === viaRelative, url: withFragment.url },
    spaced: { url: spaced.url, file: basename(spaced.filename!) },
    unicode: { url: unicode.url, file: basename(unicode.filename!) },
  };
}
