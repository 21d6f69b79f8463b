import { ENDPOINTS, type EndpointName } from "@observer/protocol";
import { api, fillPath } from "../api/client.ts";
import { ApiError, errorFromResponse, networkError } from "../api/errors.ts";
import { saveBlob } from "../editor/download.ts";

/** The header in which the server estimates an export's size in bytes (before compression). */
export const EXPORT_ESTIMATE_HEADER = "x-observer-export-estimate";

/**
 * The file name a `content-disposition` header gives (its UTF-8 `filename*` first, then
 * `filename`), or `fallback`.
 */
export function attachmentName(header: string | null, fallback: string): string {
  if (!header) return fallback;
  const utf8 = /filename\*\s*=\s*UTF-8''([^;]+)/i.exec(header)?.[1];
  if (utf8) {
    try {
      return decodeURIComponent(utf8.trim());
    } catch {
      // A malformed escape: take the plain name below.
    }
  }
  return (
    /filename\s*=\s*"([^"]*)"/i.exec(header)?.[1] ??
    /filename\s*=\s*([^;]+)/i.exec(header)?.[1]?.trim() ??
    fallback
  );
}

/** How far a download is: bytes received, and the total expected (null when unknown). */
export interface DownloadProgress {
  received: number;
  total: number | null;
}

/**
 * The percent to show for a download: received over the expected total, kept below 100
 * until it is done (the total is an estimate); null when nothing says how much will come.
 */
export function progressPercent({ received, total }: DownloadProgress): number | null {
  if (total === null || total <= 0) return null;
  return Math.min(99, Math.floor((received / total) * 100));
}

/** The expected size of a reply: the export estimate, else Content-Length; null when neither. */
export function expectedBytes(headers: Headers): number | null {
  for (const name of [EXPORT_ESTIMATE_HEADER, "content-length"]) {
    const value = Number(headers.get(name));
    if (Number.isFinite(value) && value > 0) return value;
  }
  return null;
}

/**
 * Downloads the file an endpoint produces (a zip, a CSV) with the login's Bearer token (a plain
 * link cannot send it), reading the body as it comes to report progress, then saves it
 * through the browser's download under the name the server gives. A refused token is
 * refreshed once. Rejects with an ApiError (or an AbortError when `signal` aborts).
 */
export async function downloadFile(
  name: EndpointName,
  params: Record<string, string>,
  options: { fallbackName: string; onProgress?: (progress: DownloadProgress) => void; signal?: AbortSignal },
): Promise<void> {
  const path = fillPath(ENDPOINTS[name].path, params);
  const get = async (force: boolean) => {
    const token = await api.freshAccessToken(60, force);
    try {
      return await fetch(path, {
        headers: token ? { authorization: `Bearer ${token}` } : {},
        credentials: "same-origin",
        ...(options.signal ? { signal: options.signal } : {}),
      });
    } catch (error) {
      if (error instanceof DOMException && error.name === "AbortError") throw error;
      throw networkError(error);
    }
  };
  let response = await get(false);
  if (response.status === 401) response = await get(true);
  if (!response.ok) throw await errorFromResponse(response);

  const total = expectedBytes(response.headers);
  const chunks: Uint8Array<ArrayBuffer>[] = [];
  let received = 0;
  options.onProgress?.({ received, total });
  if (response.body) {
    const reader = response.body.getReader();
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        chunks.push(value);
        received += value.byteLength;
        options.onProgress?.({ received, total });
      }
    } catch (error) {
      if (error instanceof DOMException && error.name === "AbortError") throw error;
      const broken = new ApiError(0, "network_error", "The download broke off before the end. Try again.");
      broken.cause = error;
      throw broken;
    }
  }
  const type = response.headers.get("content-type") ?? "application/octet-stream";
  saveBlob(
    new Blob(chunks, { type }),
    attachmentName(response.headers.get("content-disposition"), options.fallbackName),
  );
}
