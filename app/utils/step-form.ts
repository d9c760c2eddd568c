// react-hook-form on the proposal step pages. The inputs stay uncontrolled and keep their posted
// names ("capex.amount", "references[0].site"): the page works as a plain form post, and RHF is
// the browser's validation and error-state engine. Its resolver is @hookform/resolvers' own
// zodResolver around the step's zod schema (the same schema the Remix action parses with), fed
// with what the form would post, reduced exactly as the server reduces it (prepareInput).
import { zodResolver } from "@hookform/resolvers/zod";
import type { FieldValues, Resolver } from "react-hook-form";
import type { FieldErrors } from "~/utils/form";

/**
 * RHF's nested errors ({ references: [{ site: { message } }] }) → the flat map the pages and the
 * server's error summary use ({ "references[0].site": message }). RHF puts an error on a list
 * that also has row errors under "root": it belongs to the list itself.
 */
export function flattenErrors(errors: unknown, prefix = "", out: FieldErrors = {}): FieldErrors {
  if (!errors || typeof errors !== "object") return out;
  const node = errors as Record<string, unknown>;
  // A message of its own ({ type, message, ref }); it may also hold its children's errors.
  const leaf = typeof node.message === "string" && typeof node.type === "string";
  if (leaf) {
    const name = prefix || "_form";
    if (!(name in out)) out[name] = node.message as string;
  }
  const isList = Array.isArray(errors);
  for (const [key, child] of Object.entries(node)) {
    if (key === "ref" || (leaf && (key === "type" || key === "message" || key === "types")))
      continue;
    const name =
      key === "root" ? prefix : isList ? `${prefix}[${key}]` : prefix ? `${prefix}.${key}` : key;
    flattenErrors(child, name, out);
  }
  return out;
}

/**
 * The step's resolver: zodResolver(schema) over `read()` (the prepared form values) instead of
 * RHF's own field store, since the fields are not registered with RHF.
 */
export function stepResolver<T extends FieldValues>(schema: unknown, read: () => T): Resolver<T> {
  const resolve = zodResolver(schema as never, undefined, { raw: true }) as unknown as Resolver<T>;
  return (_values, context, options) => resolve(read(), context, options);
}
