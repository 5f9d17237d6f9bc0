// A real OpenID provider (the OpenID-certified oidc-provider package) for the staff sign-in
// tests, started by tests/partnerships/oidc_provider.py on 127.0.0.1; never deployed.
//
// Environment: PORT, ISSUER, CLIENT_ID, CLIENT_SECRET, REDIRECT_URI, and ACCOUNTS, a JSON object
// of login name -> claims (email, email_verified, xms_edov, given_name, family_name, and, for the
// tests of a provider that misbehaves, "tamper": "audience" | "issuer" | "signature").
// The sign-in form is oidc-provider's devInteractions form: any password is accepted.
import { generateKeyPair, exportJWK, SignJWT, decodeJwt, decodeProtectedHeader } from 'jose';
import Provider from 'oidc-provider';

const { PORT, ISSUER, CLIENT_ID, CLIENT_SECRET, REDIRECT_URI } = process.env;
const ACCOUNTS = JSON.parse(process.env.ACCOUNTS || '{}');

async function rsaKey(kid) {
  const { privateKey } = await generateKeyPair('RS256', { extractable: true });
  return { privateKey, jwk: { ...(await exportJWK(privateKey)), kid, alg: 'RS256', use: 'sig' } };
}

const signing = await rsaKey('test-signing-key');
// Never published: a token signed with it must fail the signature check.
const foreign = await rsaKey('test-signing-key');

const provider = new Provider(ISSUER, {
  clients: [{
    client_id: CLIENT_ID,
    client_secret: CLIENT_SECRET,
    redirect_uris: [REDIRECT_URI],
    grant_types: ['authorization_code'],
    response_types: ['code'],
    token_endpoint_auth_method: 'client_secret_post',
    id_token_signed_response_alg: 'RS256',
  }],
  jwks: { keys: [signing.jwk] },
  cookies: { keys: ['test-only-cookie-key-for-the-provider'] },
  claims: {
    openid: ['sub'],
    email: ['email', 'email_verified', 'xms_edov'],
    profile: ['given_name', 'family_name', 'name'],
  },
  // Every client must use PKCE: a relying party that did not would fail every test.
  pkce: { required: () => true },
  features: { devInteractions: { enabled: true } },
  // First-party client: no consent screen, the grant covers what was asked for.
  async loadExistingGrant(ctx) {
    const grant = new ctx.oidc.provider.Grant({
      clientId: ctx.oidc.client.clientId,
      accountId: ctx.oidc.session.accountId,
    });
    grant.addOIDCScope(ctx.oidc.params.scope || 'openid');
    await grant.save();
    return grant;
  },
  async findAccount(ctx, id) {
    const account = ACCOUNTS[id];
    if (!account) return undefined;
    const { tamper, ...claims } = account;
    return { accountId: id, async claims() { return { sub: id, ...claims }; } };
  },
});

// The misbehaving provider: for an account marked "tamper", the ID token the token endpoint
// returns is re-signed with one thing wrong, everything else (nonce, times, key id) as issued.
provider.use(async (ctx, next) => {
  await next();
  if (ctx.path !== '/token' || ctx.status !== 200 || !ctx.body?.id_token) return;
  const payload = decodeJwt(ctx.body.id_token);
  const tamper = ACCOUNTS[payload.sub]?.tamper;
  if (!tamper) return;
  let key = signing.privateKey;
  if (tamper === 'audience') payload.aud = 'another-application';
  if (tamper === 'issuer') payload.iss = 'http://127.0.0.1:9/another-issuer';
  if (tamper === 'signature') key = foreign.privateKey;
  const header = decodeProtectedHeader(ctx.body.id_token);
  ctx.body = { ...ctx.body, id_token: await new SignJWT(payload).setProtectedHeader(header).sign(key) };
});

provider.listen(Number(PORT), '127.0.0.1', () => {
  process.stdout.write(`READY ${ISSUER}\n`);
});
