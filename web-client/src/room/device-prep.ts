// Most of a mediasoup-client Device's load() is asking the browser which codecs it has: two
// throwaway RTCPeerConnections and their offers (100–150 ms of main thread on a busy 2-core machine).
// None of that depends on the router, so it is asked while the pre-join check waits for "进入";
// the join's answer then only adds the router's side.
import { Device } from 'mediasoup-client';
import { Chrome111 } from 'mediasoup-client/handlers/Chrome111';
import { Chrome74 } from 'mediasoup-client/handlers/Chrome74';
import { Firefox120 } from 'mediasoup-client/handlers/Firefox120';
import type { HandlerFactory } from 'mediasoup-client/handlers/HandlerInterface';
import { Safari12 } from 'mediasoup-client/handlers/Safari12';

/** The handlers Device.factory() picks from for a browser, by the name it gives them. */
const BROWSER_HANDLERS: Record<string, { createFactory(): HandlerFactory }> = { Chrome111, Chrome74, Firefox120, Safari12 };

let prepared: Promise<HandlerFactory | null> | null = null;

/**
 * This browser's handler with its native capabilities asked once, up front; null where
 * mediasoup-client finds no handler (the Device then says so itself when it loads).
 */
function preparedHandler(): Promise<HandlerFactory | null> {
  return (prepared ??= Device.factory().then(
    (probe) => {
      const handler = BROWSER_HANDLERS[probe.handlerName];
      if (!handler) return null;
      const base = handler.createFactory();
      // One after the other, as load() asks.
      const recv = base.getNativeRtpCapabilities({ direction: 'recvonly' });
      const send = recv.then(() => base.getNativeRtpCapabilities({ direction: 'sendonly' }));
      const sctp = send.then(() => base.getNativeSctpCapabilities());
      for (const p of [recv, send, sctp]) p.catch(() => undefined); // load() asks again and reports
      return {
        ...base,
        getNativeRtpCapabilities: (options) => (options.direction === 'recvonly' ? recv : send).catch(() => base.getNativeRtpCapabilities(options)),
        getNativeSctpCapabilities: () => sctp.catch(() => base.getNativeSctpCapabilities()),
      };
    },
    () => null,
  ));
}

/** Starts asking the browser (once); called when the camera is open and the page waits for "进入". */
export function prepareDevice(): void {
  void preparedHandler();
}

/** A Device not yet loaded, on the prepared handler when there is one. */
export async function newDevice(): Promise<Device> {
  const handlerFactory = await preparedHandler();
  return handlerFactory ? new Device({ handlerFactory }) : Device.factory();
}
