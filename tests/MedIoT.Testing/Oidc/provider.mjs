// The OpenID Connect provider the MedIoT tests sign in through: the certified npm package oidc-provider, configured by
// the JSON file MedIoT.Testing.OidcProvider writes (issuer, port, signing keys, clients, accounts, the API audience),
// listening on 127.0.0.1 only. Its own sign-in page checks an account's password; consent is given at once for the
// configured clients (they are the hospital's own applications). Usage: node provider.mjs CONFIG.json
import { createHash, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';

import Provider, { errors } from 'oidc-provider';

const FORM_LIMIT_BYTES = 8192;

const settings = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const accounts = new Map(settings.accounts.map((account) => [account.id, account]));
const clientClaims = new Map(settings.clients.map((client) => [client.client_id, client.claims ?? {}]));

function sameText(a, b) {
  // Compares fixed-length digests, so neither the length nor the content of the stored password leaks through timing.
  const digest = (text) => createHash('sha256').update(text, 'utf8').digest();
  return timingSafeEqual(digest(a), digest(b));
}

function escapeHtml(text) {
  return String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

async function readForm(req) {
  const chunks = [];
  let size = 0;
  for await (const chunk of req) {
    size += chunk.length;
    if (size > FORM_LIMIT_BYTES) throw new errors.InvalidRequest('form too large');
    chunks.push(chunk);
  }
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

function signInPage(uid, message) {
  const notice = message ? `<p id="error" role="alert">${escapeHtml(message)}</p>` : '';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Test identity provider: sign in</title></head>
<body><h1>Sign in</h1>${notice}
<form method="post" action="/interaction/${escapeHtml(uid)}/login">
<label>Account <input id="username" name="username" autocomplete="username" required autofocus></label>
<label>Password <input id="password" name="password" type="password" autocomplete="current-password" required></label>
<button id="sign-in" type="submit">Sign in</button>
</form></body></html>`;
}

function resourceServer(indicator) {
  if (indicator !== settings.audience) throw new errors.InvalidTarget();
  // RFC 8707 resource indicator → an RFC 9068 JWT access token for that audience.
  return {
    audience: indicator,
    scope: settings.audienceScope,
    accessTokenTTL: 3600,
    accessTokenFormat: 'jwt',
    jwt: { sign: { alg: 'RS256' } },
  };
}

const provider = new Provider(settings.issuer, {
  clients: settings.clients.map(({ claims, ...client }) => client),
  jwks: settings.jwks,
  cookies: { keys: settings.cookieKeys },
  // Lifetimes in seconds, set so none is a library default that may change under the tests.
  ttl: {
    AccessToken: 3600, AuthorizationCode: 60, ClientCredentials: 3600, Grant: 3600, IdToken: 3600, Interaction: 600, Session: 3600,
  },
  claims: {
    openid: ['sub'],
    profile: ['preferred_username', 'name'],
    roles: ['roles', 'groups'],
  },
  // The account's claims go into the ID token itself (OpenID Connect Core 1.0 §5.4 lets them go to userinfo only;
  // the gateway reads the ID token).
  conformIdTokenClaims: false,
  async findAccount(_ctx, id) {
    const account = accounts.get(id);
    if (!account) return undefined;
    return { accountId: id, claims: async () => ({ sub: id, ...account.claims }) };
  },
  // Every client must use PKCE (RFC 7636), S256 being the only method oidc-provider offers.
  pkce: { required: () => true },
  features: {
    devInteractions: { enabled: false },
    clientCredentials: { enabled: true },
    // RP-initiated logout (OpenID Connect RP-Initiated Logout 1.0 §2): our own pages, no outside fonts or scripts.
    rpInitiatedLogout: {
      enabled: true,
      async logoutSource(ctx, form) {
        ctx.type = 'html';
        ctx.body = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Test identity provider: sign out</title></head>
<body><h1>Sign out?</h1>${form}
<button id="sign-out" type="submit" form="op.logoutForm" name="logout" value="yes">Sign out</button>
</body></html>`;
      },
      async postLogoutSuccessSource(ctx) {
        ctx.type = 'html';
        ctx.body = '<!doctype html><html lang="en"><body><p id="signed-out">Signed out.</p></body></html>';
      },
    },
    resourceIndicators: {
      enabled: true,
      defaultResource: async (_ctx, _client, oneOf) => oneOf ?? settings.audience,
      useGrantedResource: async () => true,
      getResourceServerInfo: async (_ctx, indicator) => resourceServer(indicator),
    },
  },
  // The claims the gateway maps to a staff id and roles, in the JWT access tokens too: an account's for the code flow,
  // the client's own for client_credentials.
  async extraTokenClaims(_ctx, token) {
    if (token.accountId) {
      const { preferred_username: name, roles, groups } = accounts.get(token.accountId)?.claims ?? {};
      return { preferred_username: name, roles, groups };
    }
    return clientClaims.get(token.clientId);
  },
  interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
  async renderError(ctx, out) {
    ctx.type = 'html';
    ctx.body = `<!doctype html><html lang="en"><body><h1>Error</h1><pre id="error">${escapeHtml(JSON.stringify(out))}</pre></body></html>`;
  },
});

async function grantConsent(ctx, details) {
  const { prompt, params, session, grantId } = details;
  const grant = grantId
    ? await provider.Grant.find(grantId)
    : new provider.Grant({ accountId: session.accountId, clientId: params.client_id });
  if (prompt.details.missingOIDCScope) grant.addOIDCScope(prompt.details.missingOIDCScope.join(' '));
  if (prompt.details.missingOIDCClaims) grant.addOIDCClaims(prompt.details.missingOIDCClaims);
  for (const [indicator, scopes] of Object.entries(prompt.details.missingResourceScopes ?? {})) {
    grant.addResourceScope(indicator, scopes.join(' '));
  }
  await provider.interactionFinished(ctx.req, ctx.res, { consent: { grantId: await grant.save() } }, { mergeWithLastSubmission: true });
}

// The interaction pages (oidc-provider leaves them to the deployment): a sign-in form, and consent granted at once.
provider.use(async (ctx, next) => {
  const match = /^\/interaction\/([\w-]+)(\/login)?$/.exec(ctx.path);
  if (!match) return next();
  ctx.set('Cache-Control', 'no-store');
  const details = await provider.interactionDetails(ctx.req, ctx.res);
  if (ctx.method === 'GET' && !match[2]) {
    if (details.prompt.name === 'consent') return grantConsent(ctx, details);
    ctx.type = 'html';
    ctx.body = signInPage(details.uid);
    return undefined;
  }
  if (ctx.method === 'POST' && match[2] && details.prompt.name === 'login') {
    const form = await readForm(ctx.req);
    const username = form.get('username') ?? '';
    const account = accounts.get(username);
    if (!account || !sameText(form.get('password') ?? '', account.password)) {
      console.warn(`sign-in refused for account '${username.slice(0, 64)}'`);
      ctx.status = 401;
      ctx.type = 'html';
      ctx.body = signInPage(details.uid, 'Unknown account or wrong password.');
      return undefined;
    }
    return provider.interactionFinished(ctx.req, ctx.res, { login: { accountId: username } }, { mergeWithLastSubmission: false });
  }
  ctx.status = 405;
  return undefined;
});

provider.on('server_error', (_ctx, error) => console.error('server_error', error));
for (const event of ['authorization.error', 'grant.error', 'userinfo.error']) {
  provider.on(event, (_ctx, error) => console.warn(event, error.name, error.message, error.error_description ?? ''));
}

const server = createServer(provider.callback());
server.listen(settings.port, '127.0.0.1', () => console.log(`oidc-provider listening on ${settings.issuer}`));
// Stopped by process id (SIGTERM): stop listening and end the browsers' keep-alive connections at once.
process.on('SIGTERM', () => {
  server.close(() => process.exit(0));
  server.closeAllConnections();
});
