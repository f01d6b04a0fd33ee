// Forwards every event of a node to a webhook URL, as JSON: how an operator feeds billing, apps and
// dashboards without polling. A failed delivery is logged and dropped; it never touches a request.
import type { OcpiEvent, OcpiEventBus } from '@ocpi-ts/core';

export interface WebhookOptions {
  url: string;
  /** Default `globalThis.fetch`. The URL is the operator's own, so no outbound policy applies. */
  fetch?: typeof fetch;
  /** Which events to send; default all. */
  filter?: (event: OcpiEvent) => boolean;
  onError?: (error: unknown, event: OcpiEvent) => void;
  timeoutMs?: number;
}

/** Subscribes to the bus; returns the unsubscribe function. */
export function forwardEventsToWebhook(events: OcpiEventBus, options: WebhookOptions): () => void {
  const send = options.fetch ?? globalThis.fetch;
  return events.on('*', async (event) => {
    if (options.filter && !options.filter(event)) return;
    try {
      const response = await send(options.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ ...event, sent_at: new Date().toISOString() }),
        signal: AbortSignal.timeout(options.timeoutMs ?? 10_000),
      });
      if (!response.ok) throw new Error(`the webhook answered HTTP ${response.status}`);
      await response.body?.cancel();
    } catch (error) {
      options.onError?.(error, event);
    }
  });
}
