export interface ApiResponse<T = any> {
  status: number;
  body: T;
  headers: Headers;
}

export type ApiClient = ReturnType<typeof apiClient>;

/** A small JSON client for tests: real HTTP, no shortcuts. The base URL may be read late (useApp). */
export function apiClient(base: string | (() => string)) {
  const baseUrl = () => (typeof base === "string" ? base : base());
  async function call<T = any>(
    method: string,
    path: string,
    options: { body?: unknown; headers?: Record<string, string>; raw?: string } = {},
  ): Promise<ApiResponse<T>> {
    const headers: Record<string, string> = { ...options.headers };
    let body: string | undefined = options.raw;
    if (options.body !== undefined) {
      body = JSON.stringify(options.body);
      headers["content-type"] ??= "application/json";
    }
    const res = await fetch(`${baseUrl()}${path}`, { method, headers, body, redirect: "manual" });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      // not JSON (a redirect, a page): keep the text
    }
    return { status: res.status, body: parsed as T, headers: res.headers };
  }
  return {
    call,
    get: <T = any>(path: string, headers?: Record<string, string>) => call<T>("GET", path, { headers }),
    post: <T = any>(path: string, body?: unknown, headers?: Record<string, string>) =>
      call<T>("POST", path, { body: body ?? {}, headers }),
    patch: <T = any>(path: string, body?: unknown, headers?: Record<string, string>) =>
      call<T>("PATCH", path, { body, headers }),
    delete: <T = any>(path: string, headers?: Record<string, string>) => call<T>("DELETE", path, { headers }),
  };
}
