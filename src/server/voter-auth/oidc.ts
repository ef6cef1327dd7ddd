// Voter sign-in with OpenID Connect (spec §6.3): the accounts' code flow with PKCE (accounts/oidc.ts)
// with the voters' own callback, so a voter's login never makes an account session, nor the reverse.
// The client for the manifest's issuer is the server's (VECHE_OIDC_ISSUER, _CLIENT_ID, _CLIENT_SECRET):
// the manifest names only the issuer, never a secret.
import { OidcLogin } from '../accounts/oidc.js';
import type { OidcSettings } from '../accounts/store.js';

export const VOTER_CALLBACK_PATH = '/api/voter-auth/oidc/callback';
export const VOTER_FLOW_COOKIE = 'veche_voter_oidc';

/** An issuer as written, without trailing slashes: "https://id.example.org/" names the same one. */
const sameIssuer = (a: string, b: string) => a.replace(/\/+$/, '') === b.replace(/\/+$/, '');

export class VoterOidcLogin extends OidcLogin {
  constructor(private readonly clients: readonly OidcSettings[], private readonly voterPublicUrl: string | undefined) {
    super(null, voterPublicUrl);
  }

  override get redirectUri(): string {
    if (!this.voterPublicUrl) throw new Error('voter sign-in with OpenID Connect needs VECHE_PUBLIC_URL (the redirect URI is built from it)');
    return this.voterPublicUrl + VOTER_CALLBACK_PATH;
  }

  /** The server's client for this issuer, or null. */
  clientFor(issuer: string): OidcSettings | null {
    return this.clients.find((c) => sameIssuer(c.issuer, issuer)) ?? null;
  }
}
