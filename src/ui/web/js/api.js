// The API client: an HTTP Basic credential kept in sessionStorage (gone when the tab closes),
// sent explicitly on every call. credentials: 'omit' keeps the browser's own login prompt away
// on a 401 (lrsd answers it with WWW-Authenticate: Basic).

const STORAGE_KEY = 'lrsd.dashboard.credential';
export const XAPI_VERSION = '1.0.3';

export class ApiError extends Error {
  constructor(status, message, retryAfter) {
    super(message);
    this.status = status;
    this.retryAfter = retryAfter;
  }
}

function basic(key, secret) {
  const bytes = new TextEncoder().encode(`${key}:${secret}`);
  let binary = '';
  for (const b of bytes) binary += String.fromCharCode(b);
  return `Basic ${btoa(binary)}`;
}

export function session() {
  try {
    return JSON.parse(sessionStorage.getItem(STORAGE_KEY) || 'null');
  } catch {
    return null;
  }
}

export function signOut() {
  sessionStorage.removeItem(STORAGE_KEY);
}

// Resolves when the credential may read the learning profiles (the dashboard's main data);
// rejects with an ApiError saying why not.
export async function signIn(key, secret) {
  const authorization = basic(key, secret);
  const response = await rawFetch('/learning/organization', {authorization});
  if (!response.ok) throw await toError(response, true);
  sessionStorage.setItem(STORAGE_KEY, JSON.stringify({key, authorization}));
}

async function rawFetch(path, {authorization, params, xapi, signal}) {
  const url = new URL(path, window.location.origin);
  for (const [name, value] of Object.entries(params || {})) {
    if (value !== undefined && value !== null && value !== '') url.searchParams.set(name, value);
  }
  const headers = {Accept: 'application/json', Authorization: authorization};
  if (xapi) headers['X-Experience-API-Version'] = XAPI_VERSION;
  return fetch(url, {headers, credentials: 'omit', cache: 'no-store', signal});
}

async function toError(response, signingIn = false) {
  let message = '';
  try {
    message = (await response.json())?.error?.message ?? '';
  } catch {
    // not JSON
  }
  const retry = response.headers.get('Retry-After');
  switch (response.status) {
    case 401:
      return new ApiError(401, signingIn ? 'Unknown key or wrong secret.' : 'Your credential was not accepted; sign in again.');
    case 403:
      return new ApiError(403, signingIn
        ? 'This credential is valid but may not read learning profiles: it needs the scope profiles/read, all/read or all.'
        : `This credential may not read this (${message || 'forbidden'}).`);
    case 429:
      return new ApiError(429, `Too many failed sign-ins from this address: try again in ${retry ?? 'a few'} seconds.`, retry);
    default:
      return new ApiError(response.status, `${response.status}: ${message || response.statusText || 'request failed'}`);
  }
}

// Listeners told when a call comes back 401 (the app then shows the sign-in page).
const unauthorizedListeners = [];
export function onUnauthorized(fn) {
  unauthorizedListeners.push(fn);
}

// GET a JSON resource. `params` become the query string (empty values left out); `xapi` adds
// the X-Experience-API-Version header. Returns {body, headers}.
export async function getJson(path, {params, xapi = false, signal} = {}) {
  const s = session();
  if (!s) {
    unauthorizedListeners.forEach((fn) => fn());
    throw new ApiError(401, 'Not signed in.');
  }
  const response = await rawFetch(path, {authorization: s.authorization, params, xapi, signal});
  if (response.status === 401) {
    signOut();
    unauthorizedListeners.forEach((fn) => fn());
  }
  if (!response.ok) throw await toError(response);
  return {body: await response.json(), headers: response.headers};
}

export async function get(path, options) {
  return (await getJson(path, options)).body;
}
