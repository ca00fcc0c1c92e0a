// Sign in with a credential's key and secret (lrsd credentials create …): checked against
// /learning/organization, then kept as an HTTP Basic header in sessionStorage.
import {ApiError, session, signIn} from '../api.js';
import {h} from '../dom.js';

export async function render({query}) {
  const next = query.get('next');
  const target = next && next.startsWith('#/') && !next.startsWith('#/signin') ? next : '#/org';
  const error = h('div', {class: 'error', role: 'alert', id: 'signin-error', hidden: true});
  const key = h('input', {id: 'key', name: 'key', required: true, autofocus: true, autocomplete: 'username', spellcheck: 'false',
    'aria-describedby': 'signin-error'});
  const secret = h('input', {id: 'secret', name: 'secret', type: 'password', required: true,
    autocomplete: 'current-password', 'aria-describedby': 'signin-error'});
  const button = h('button', {type: 'submit', class: 'primary'}, 'Sign in');
  const form = h('form', {class: 'signin card', 'aria-labelledby': 'signin-title', novalidate: true},
    h('h1', {id: 'signin-title'}, 'Sign in'),
    h('p', {}, 'Use a credential of this LRS (its key and secret) that may read learning profiles: ',
      'scope ', h('code', {}, 'profiles/read'), ', ', h('code', {}, 'all/read'), ' or ', h('code', {}, 'all'), '. ',
      'It is kept only in this tab and sent to this server alone.'),
    query.get('expired') ? h('p', {class: 'notice'}, 'Your session ended: sign in again.') : null,
    h('div', {class: 'field'}, h('label', {for: 'key'}, 'Key'), key),
    h('div', {class: 'field'}, h('label', {for: 'secret'}, 'Secret'), secret),
    error,
    button);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    error.hidden = true;
    if (!key.value || !secret.value) {
      error.textContent = 'Enter both the key and the secret.';
      error.hidden = false;
      (key.value ? secret : key).focus();
      return;
    }
    button.disabled = true;
    button.textContent = 'Signing in…';
    try {
      await signIn(key.value.trim(), secret.value);
      window.location.hash = target;
    } catch (e) {
      error.textContent = e instanceof ApiError ? e.message : `Could not reach the server: ${e.message}`;
      error.hidden = false;
      secret.select();
      secret.focus();
    } finally {
      button.disabled = false;
      button.textContent = 'Sign in';
    }
  });
  if (session()) {
    form.append(h('p', {class: 'hint'}, `Signed in as ${session().key}; signing in again replaces it.`));
  }
  return h('div', {class: 'signin-page'}, form);
}
