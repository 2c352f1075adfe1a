/**
 * Starts a module Worker from a URL next to the calling module.
 *
 * Browsers only run worker scripts from the page's own origin. When a widget module is served
 * from another origin (a foreign site embedding it), the worker's code is fetched (the widget
 * origin sends Access-Control-Allow-Origin: *) and started from a blob: URL — which the host's
 * CSP must allow (`worker-src blob:`). Workers are built as single self-contained files, so the
 * blob copy needs nothing relative to its own URL.
 *
 * Resolves once the worker has posted its first message (its "ready" handshake), so a worker
 * that a CSP blocks, or that fails to evaluate, rejects here instead of hanging.
 */
export interface StartedWorker {
  worker: Worker;
  /** The worker's first message. */
  hello: unknown;
  /** 'direct' (same origin) or 'blob' (fetched and started from a blob: URL). */
  via: 'direct' | 'blob';
}

class WorkerStartError extends Error {
  override name = 'WorkerStartError';
}

export async function startModuleWorker(url: string | URL, timeoutMs = 10_000): Promise<StartedWorker> {
  const target = new URL(url, document.baseURI);
  const sameOrigin = target.origin === location.origin;
  let scriptUrl = target.href;
  let revoke = (): void => {};
  if (!sameOrigin) {
    const response = await fetch(target, { mode: 'cors', credentials: 'omit' });
    if (!response.ok) throw new WorkerStartError(`could not fetch the worker script (${response.status})`);
    const blob = new Blob([await response.text()], { type: 'text/javascript' });
    scriptUrl = URL.createObjectURL(blob);
    revoke = () => URL.revokeObjectURL(scriptUrl);
  }
  let worker: Worker;
  try {
    worker = new Worker(scriptUrl, { type: 'module', name: target.pathname.split('/').pop() ?? 'worker' });
  } catch (error) {
    revoke();
    throw new WorkerStartError(`the page does not allow this worker (${(error as Error).message})`);
  }
  return new Promise<StartedWorker>((resolve, reject) => {
    const done = (): void => {
      clearTimeout(timer);
      worker.removeEventListener('message', onMessage);
      worker.removeEventListener('error', onError);
      revoke();
    };
    const onMessage = (event: MessageEvent): void => {
      done();
      resolve({ worker, hello: event.data, via: sameOrigin ? 'direct' : 'blob' });
    };
    const onError = (event: Event): void => {
      done();
      worker.terminate();
      const detail =
        event instanceof ErrorEvent && event.message ? event.message : 'blocked by the page or failed to load';
      reject(new WorkerStartError(`the worker could not start: ${detail}`));
    };
    const timer = setTimeout(() => {
      done();
      worker.terminate();
      reject(new WorkerStartError('the worker did not answer in time'));
    }, timeoutMs);
    worker.addEventListener('message', onMessage);
    worker.addEventListener('error', onError);
  });
}
