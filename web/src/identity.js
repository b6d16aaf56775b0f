// The pseudonymous client id and its server credential (kept; web/src/sync.js asks for and renews the credential)
// and a new session id per createRecommender. A new client id starts without a credential.
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
