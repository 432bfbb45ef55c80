// Route patterns without React: main.tsx's small first chunk matches a room link with it.

/**
 * Match `/cases/:id` style patterns. Returns decoded params, or null.
 * Trailing slashes are ignored.
 */
export function matchRoute(pattern: string, path: string): Record<string, string> | null {
  const split = (p: string) => p.split('/').filter(Boolean);
  const pp = split(pattern);
  const sp = split(path);
  if (pp.length !== sp.length) return null;
  const params: Record<string, string> = {};
  for (let i = 0; i < pp.length; i++) {
    const a = pp[i]!;
    const b = sp[i]!;
    if (a.startsWith(':')) {
      try {
        params[a.slice(1)] = decodeURIComponent(b);
      } catch {
        return null;
      }
    } else if (a !== b) {
      return null;
    }
  }
  return params;
}
