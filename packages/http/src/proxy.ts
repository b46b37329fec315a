import { Agent, type Dispatcher, EnvHttpProxyAgent, ProxyAgent } from "undici";
import { InvalidUrlError } from "./errors.js";

/**
 * Where a client's requests go: `"env"` follows `HTTP_PROXY`, `HTTPS_PROXY` and `NO_PROXY`
 * (or their lower-case forms) as they are when the client starts; a URL sends every request
 * through that proxy; `false` connects directly whatever the environment says.
 *
 * @example
 * ```ts
 * import type { ProxyOption } from "@skein/http";
 *
 * const proxy: ProxyOption = "http://user:secret@proxy.internal:3128";
 * ```
 */
export type ProxyOption = "env" | string | URL | false;

const VARIABLES = ["HTTP_PROXY", "http_proxy", "HTTPS_PROXY", "https_proxy"];

/**
 * Internal. The undici dispatcher for a client: a plain `Agent` unless a proxy is asked for
 * (or set in the environment), else a proxy agent with the same pool and TLS options, which
 * apply to the target servers (and to an HTTPS proxy).
 */
export function createDispatcher(proxy: ProxyOption, options: Agent.Options): Dispatcher {
  if (proxy === false) return new Agent(options);
  const tls =
    options.connect !== undefined && typeof options.connect === "object"
      ? options.connect
      : undefined;
  const tlsOptions = tls === undefined ? {} : { requestTls: tls, proxyTls: tls };
  if (proxy === "env") {
    if (!VARIABLES.some((name) => (process.env[name] ?? "") !== "")) return new Agent(options);
    return new EnvHttpProxyAgent({ ...options, ...tlsOptions });
  }
  let uri: URL;
  try {
    uri = new URL(proxy);
  } catch {
    throw new InvalidUrlError(String(proxy), "not a proxy URL");
  }
  if (uri.protocol !== "http:" && uri.protocol !== "https:") {
    throw new InvalidUrlError(String(proxy), `unsupported proxy protocol ${uri.protocol}`);
  }
  const token =
    uri.username === ""
      ? undefined
      : `Basic ${Buffer.from(`${decodeURIComponent(uri.username)}:${decodeURIComponent(uri.password)}`).toString("base64")}`;
  return new ProxyAgent({
    ...options,
    ...tlsOptions,
    uri: uri.origin,
    ...(token === undefined ? {} : { token }),
  });
}
