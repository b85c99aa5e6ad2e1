/**
 * Watching the native calls a piece of code makes: tfjs-node's binding object has read-only
 * properties, so its calls cannot be patched in place; the backend's `binding` field is swapped for
 * a copy in which some calls are replaced, and put back afterwards.
 */

/** A backend whose `binding` field can be swapped (tfjs-node's `NodeJSKernelBackend`). */
interface BindingHolder {
  binding: object;
}

/**
 * Gives `backend` a copy of its binding whose calls named in `overrides(real)` are replaced (each
 * override may call `real`'s own). Returns the function that puts the real binding back.
 */
export function interceptBinding<B extends object>(
  backend: { binding: B },
  overrides: (real: B) => Partial<Record<string, (...args: never[]) => unknown>>,
): () => void {
  const holder = backend as unknown as BindingHolder;
  const real = backend.binding;
  const copy: Record<string, unknown> = {};
  for (const key of Object.getOwnPropertyNames(real)) copy[key] = (real as Record<string, unknown>)[key];
  Object.assign(copy, overrides(real));
  holder.binding = copy;
  return () => {
    holder.binding = real;
  };
}
