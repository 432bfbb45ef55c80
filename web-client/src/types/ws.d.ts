// The Hocuspocus provider's typings import Event and MessageEvent from 'ws' (its Node polyfill);
// in the browser they are the DOM's own. web-client/tsconfig.json maps 'ws' here so Node's types
// stay out of the browser type check.
declare module 'ws' {
  export type Event = globalThis.Event;
  export type MessageEvent = globalThis.MessageEvent;
}
