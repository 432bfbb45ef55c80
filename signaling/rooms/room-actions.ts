// The grant each room request needs (signaling/access/grants.ts). `room:join` is decided by
// identityFor (the role in the case); every other request by the role recorded at join.
import type { Action } from '../access/grants.ts';
import type { ClientRequestName } from '../protocol/room.ts';

export const ROOM_EVENT_ACTIONS: Record<ClientRequestName, Action> = {
  'room:join': 'room.join',
  'room:leave': 'room.participate',
  'media:getRouterRtpCapabilities': 'room.participate',
  'media:createTransport': 'room.participate',
  'media:createTransports': 'room.participate',
  'media:connectTransport': 'room.participate',
  'media:createPlainTransport': 'room.participate',
  'media:connectPlainTransport': 'room.participate',
  'media:restartIce': 'room.participate',
  'media:ready': 'room.participate',
  'media:produce': 'room.participate',
  'media:closeProducer': 'room.participate',
  'media:setProducerPaused': 'room.participate',
  'media:setAudioOnly': 'room.participate',
  'media:setPreferredLayers': 'room.participate',
  'chat:send': 'room.participate',
  'chat:history': 'room.participate',
  'caucus:knock': 'room.participate',
  'notepad:get': 'room.notepad',
  'notepad:update': 'room.notepad',
  'caucus:start': 'room.caucus',
  'caucus:end': 'room.caucus',
  'caucus:endAll': 'room.caucus',
  'caucus:carry': 'room.carry',
  'mediator:admit': 'room.lead',
  'mediator:deny': 'room.lead',
  'mediator:mute': 'room.lead',
  'mediator:remove': 'room.lead',
  'mediator:end': 'room.lead',
};
