// OpenID Connect login (authorization code flow with PKCE, through openid-client): the provider is the
// organisation's own (stored with it) or the server-wide one (VECHE_OIDC_ISSUER, VECHE_OIDC_CLIENT_ID,
// VECHE_OIDC_CLIENT_SECRET); the redirect URI is VECHE_PUBLIC_URL + CALLBACK_PATH. A flow's state,
// nonce and PKCE verifier stay in this process for FLOW_MINUTES, keyed by the state, which the browser
// also carries in a cookie: a callback whose state is not the browser's own is refused (login CSRF).
import * as client from 'openid-client';
import type { OidcSettings } from './store.js';

export const CALLBACK_PATH = '/login/oidc/callback';
export const FLOW_COOKIE = 'veche_oidc';
export const FLOW_MINUTES = 10;
export const MAX_FLOWS = 10_000;

export interface OidcIdentity {
  /** "<issuer> <sub>": unique across providers. */
  subject: string;
  email: string | null;
  emailVerified: boolean;
  /** The organisation whose own provider this was, or null for the server-wide one. */
  via: string | null;
}

interface Flow { verifier: string; nonce: string; settings: OidcSettings; via: string | null; returnTo: string; expires: number }

/** http:// is accepted only on the loopback (a test or a provider on the same machine). */
function loopback(url: URL): boolean {
  return ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname);
}

export function oidcFromEnv(env: NodeJS.ProcessEnv): OidcSettings | null {
  const { VECHE_OIDC_ISSUER: issuer, VECHE_OIDC_CLIENT_ID: clientId, VECHE_OIDC_CLIENT_SECRET: clientSecret } = env;
  if (!issuer && !clientId) return null;
  if (!issuer || !clientId || !clientSecret) throw new Error('VECHE_OIDC_ISSUER, VECHE_OIDC_CLIENT_ID and VECHE_OIDC_CLIENT_SECRET go together');
  return { issuer, clientId, clientSecret };
}

export class OidcLogin {
  private configs = new Map<string, Promise<client.Configuration>>();
  private flows = new Map<string, Flow>();

  constructor(readonly serverWide: OidcSettings | null, private publicUrl: string | undefined) {}

  get redirectUri(): string {
    if (!this.publicUrl) throw new Error('OpenID Connect login needs VECHE_PUBLIC_URL (the redirect URI is built from it)');
    return this.publicUrl + CALLBACK_PATH;
  }

  private config(s: OidcSettings): Promise<client.Configuration> {
    // The whole client (secret included): two organisations may use one provider with different clients.
    const key = JSON.stringify([s.issuer, s.clientId, s.clientSecret]);
    let p = this.configs.get(key);
    if (!p) {
      const issuer = new URL(s.issuer);
      if (issuer.protocol !== 'https:' && !(issuer.protocol === 'http:' && loopback(issuer))) throw new Error(`the OpenID Connect issuer must be https:// (got ${s.issuer})`);
      p = client.discovery(issuer, s.clientId, s.clientSecret, undefined, issuer.protocol === 'http:' ? { execute: [client.allowInsecureRequests] } : {});
      this.configs.set(key, p);
      p.catch(() => this.configs.delete(key)); // try discovery again next time
    }
    return p;
  }

  /** The provider's authorization URL and the state to put in the browser's flow cookie. */
  async start(settings: OidcSettings, via: string | null, returnTo: string): Promise<{ url: string; state: string }> {
    const config = await this.config(settings);
    const verifier = client.randomPKCECodeVerifier();
    const state = client.randomState();
    const nonce = client.randomNonce();
    const now = Date.now();
    for (const [k, f] of this.flows) if (f.expires <= now) this.flows.delete(k);
    // Each unfinished flow holds a little memory until it expires: bound it against a flood of starts.
    if (this.flows.size >= MAX_FLOWS) throw new OidcError('too many sign-ins are under way; try again in a few minutes');
    this.flows.set(state, { verifier, nonce, settings, via, returnTo, expires: now + FLOW_MINUTES * 60_000 });
    const url = client.buildAuthorizationUrl(config, {
      redirect_uri: this.redirectUri, scope: 'openid email', state, nonce,
      code_challenge: await client.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256',
    });
    return { url: url.href, state };
  }

  /** Checks the provider's answer (state, PKCE, ID token signature, issuer, audience, nonce) and returns who it is. */
  async finish(callbackUrl: URL, browserState: string | null): Promise<OidcIdentity & { returnTo: string }> {
    const state = callbackUrl.searchParams.get('state');
    const flow = state ? this.flows.get(state) : undefined;
    if (!state || !flow || flow.expires <= Date.now()) throw new OidcError('this login was not started here or took too long; start again');
    if (browserState !== state) throw new OidcError('this login was started in another browser; start again');
    this.flows.delete(state);
    const config = await this.config(flow.settings);
    let tokens;
    try {
      tokens = await client.authorizationCodeGrant(config, callbackUrl, { pkceCodeVerifier: flow.verifier, expectedState: state, expectedNonce: flow.nonce, idTokenExpected: true });
    } catch (e) {
      throw new OidcError(`the identity provider's answer was refused: ${(e as Error).message}`);
    }
    const claims = tokens.claims()!;
    // Providers may put the address in the ID token or only in the UserInfo answer (whose sub must match).
    let email: unknown = claims.email;
    let verified: unknown = claims.email_verified;
    if (email === undefined && tokens.access_token) {
      try {
        const info = await client.fetchUserInfo(config, tokens.access_token, claims.sub);
        email = info.email;
        verified = info.email_verified;
      } catch (e) {
        throw new OidcError(`the identity provider's UserInfo answer was refused: ${(e as Error).message}`);
      }
    }
    return { subject: `${claims.iss} ${claims.sub}`, email: typeof email === 'string' ? email.toLowerCase() : null, emailVerified: verified === true, via: flow.via, returnTo: flow.returnTo };
  }
}

export class OidcError extends Error { override name = 'OidcError'; }
