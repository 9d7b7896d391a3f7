import { escapeHtml as escape } from '#runtime';
import { PASSWORD_POLICY } from '#domain';
import type { SetupLinkInfo } from './setup.service.js';

/** No script, no outside resources: the page works without JavaScript and leaks the token nowhere. */
export const SETUP_PAGE_HEADERS = {
  'Content-Security-Policy': "default-src 'none'; style-src 'unsafe-inline'; img-src data:; form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
  'Referrer-Policy': 'no-referrer',
  'Cache-Control': 'no-store',
  'X-Frame-Options': 'DENY',
};

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escape(title)}</title>
<style>
  body { font-family: system-ui, sans-serif; background: #f4f5f7; color: #1d1f23; margin: 0; }
  main { max-width: 28rem; margin: 3rem auto; background: #fff; padding: 2rem; border-radius: 8px; box-shadow: 0 1px 4px rgba(0,0,0,.12); }
  h1 { font-size: 1.4rem; margin-top: 0; }
  .logo { max-height: 64px; max-width: 100%; display: block; margin-bottom: 1rem; }
  label { display: block; font-weight: 600; margin-top: 1rem; }
  input { width: 100%; box-sizing: border-box; font-size: 1rem; padding: .6rem; margin-top: .3rem; border: 1px solid #8a8f98; border-radius: 4px; }
  input:focus, button:focus { outline: 3px solid #1a5fb4; outline-offset: 2px; }
  .hint { color: #4a4f57; font-size: .9rem; margin-top: .25rem; }
  .error { background: #fdecea; color: #8a1c13; border: 1px solid #f5c2bd; padding: .75rem; border-radius: 4px; }
  button { margin-top: 1.5rem; width: 100%; font-size: 1rem; padding: .7rem; background: #1a5fb4; color: #fff; border: 0; border-radius: 4px; cursor: pointer; }
</style>
</head>
<body>
<main>
${body}
</main>
</body>
</html>`;
}

export function renderSetupForm(info: Extract<SetupLinkInfo, { kind: 'invitation' | 'bootstrap' }>, token: string, error?: string, email?: string): string {
  const invitation = info.kind === 'invitation' ? info : null;
  const minLength = Math.max(PASSWORD_POLICY.minLength, invitation?.passwordMinLength ?? 0);
  const title = invitation ? `Set up your ${invitation.organizationName} account` : 'Create the first super admin';
  const logo = invitation?.logoSrc ? `<img class="logo" src="${escape(invitation.logoSrc)}" alt="${escape(invitation.organizationName)} logo">` : '';
  const intro = invitation
    ? `<p>Welcome, ${escape(invitation.firstName)}! Choose a password for <strong>${escape(invitation.email)}</strong>.</p>`
    : '<p>No super admin exists yet. Enter the email address you will sign in with and choose a password.</p>';
  const emailField = invitation
    ? ''
    : `<label for="email">Email address</label>
<input id="email" name="email" type="email" autocomplete="email" required value="${escape(email ?? '')}">`;
  const alert = error ? `<p class="error" role="alert" id="form-error">${escape(error)}</p>` : '';
  return page(
    title,
    `${logo}<h1>${escape(title)}</h1>
${intro}
${alert}
<form method="post" action="/auth/setup" ${error ? 'aria-describedby="form-error"' : ''}>
<input type="hidden" name="token" value="${escape(token)}">
${emailField}
<label for="password">New password</label>
<input id="password" name="password" type="password" autocomplete="new-password" required minlength="${minLength}" maxlength="${PASSWORD_POLICY.maxLength}" aria-describedby="password-hint">
<p class="hint" id="password-hint">At least ${minLength} characters; common and breached passwords are refused. A few unrelated words make a strong, memorable password.</p>
<label for="passwordConfirmation">Repeat the password</label>
<input id="passwordConfirmation" name="passwordConfirmation" type="password" autocomplete="new-password" required minlength="${minLength}" maxlength="${PASSWORD_POLICY.maxLength}">
<button type="submit">Set password</button>
</form>`,
  );
}

export function renderLinkProblem(kind: 'expired' | 'invalid'): string {
  const message =
    kind === 'expired'
      ? 'This setup link has expired.'
      : 'This setup link does not work: it was already used, or a newer invitation replaced it.';
  return page(
    'Setup link not valid',
    `<h1>This link can no longer be used</h1>
<p role="alert">${message}</p>
<p>If you already set your password, sign in with your email address. Otherwise, ask your administrator to send you a new invitation.</p>`,
  );
}

export function renderSetupDone(kind: 'member' | 'superAdmin' | 'platformAuditor' | 'platformAnalyst'): string {
  return page(
    'Your account is ready',
    `<h1>Your account is ready</h1>
<p role="status">Your password is set. You can now sign in with your email address and your new password.</p>
${kind === 'superAdmin' ? '<p>You are the platform\'s super admin: you can create organizations.</p>' : ''}`,
  );
}
