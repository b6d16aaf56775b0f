// The pseudonymous client id (kept) and a new session id per createRecommender.
import { uuid } from './sync.js';

export async function loadIdentity(storage, userId) {
  let identity = await storage.get('identity');
  if (!identity || (userId && identity.clientId !== userId)) {
    identity = { clientId: userId ?? uuid(), sessionId: uuid() };
  } else {
    identity = { ...identity, sessionId: uuid() };
  }
  await storage.set('identity', identity);
  return identity;
}
