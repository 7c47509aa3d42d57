// A real OpenID provider for the single sign-on end-to-end test (tests/test_oidc_e2e.py).
// Usage: node provider.mjs PORT CLIENT_SECRET REDIRECT_URI
// Accounts: "jan" (e-mail verified), "piet" (e-mail not verified); any password.
import Provider from 'oidc-provider';

const [port, secret, redirectUri] = process.argv.slice(2);
const issuer = `http://127.0.0.1:${port}`;

const ACCOUNTS = {
  jan: { email: 'jan@provincie.example', email_verified: true, given_name: 'Jan', family_name: 'Jansen', preferred_username: 'jan.sso' },
  piet: { email: 'piet@provincie.example', email_verified: false, given_name: 'Piet', family_name: 'Pieters', preferred_username: 'piet.sso' },
};

const provider = new Provider(issuer, {
  clients: [{
    client_id: 'stackwork',
    client_secret: secret,
    redirect_uris: [redirectUri],
    post_logout_redirect_uris: [redirectUri.replace('/oidc/callback/', '/login/')],
    token_endpoint_auth_method: 'client_secret_post',
    id_token_signed_response_alg: 'RS256',
  }],
  claims: {
    openid: ['sub'],
    email: ['email', 'email_verified'],
    profile: ['given_name', 'family_name', 'preferred_username'],
  },
  pkce: { required: () => true },
  features: { devInteractions: { enabled: true } },
  async findAccount(ctx, id) {
    if (!ACCOUNTS[id]) return undefined;
    return { accountId: id, async claims() { return { sub: id, ...ACCOUNTS[id] }; } };
  },
});
provider.proxy = false;
provider.listen(Number(port), '127.0.0.1', () => {
  console.log(`listening ${issuer}`);
});
