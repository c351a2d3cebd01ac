package dev.oauthapi.dev;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jsonwebtoken.Claims;
import io.jsonwebtoken.Jws;
import io.jsonwebtoken.Jwts;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;

import java.math.BigInteger;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.interfaces.RSAPublicKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Google and Apple on the development server, under {@code /emulator}: their keys, an account
 * chooser for the browser sign-in, the token and revocation endpoints, and a way to mint an ID
 * token with curl. As strict as the real providers where the service could get something wrong:
 * Google's token endpoint wants our client secret, the same redirect URI and the PKCE verifier,
 * and a code works once; Apple's wants a client secret signed by the team key with
 * {@code aud} Apple's issuer as a string. Tokens carry the real issuers, signed with keys made at
 * start-up, which only a server pointed here trusts. Development mode only: none of this is in
 * the production jar.
 */
@Path("/emulator")
public final class ProviderEmulator {
    static final String GOOGLE_ISSUER = "https://accounts.google.com";
    static final String APPLE_ISSUER = "https://appleid.apple.com";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration CODE_LIFETIME = Duration.ofMinutes(5);

    /** The clients the emulator knows, as dev mode configures the service. */
    public record Clients(List<String> googleClientIds, String googleWebClientId, String googleWebClientSecret,
                          List<String> appleClientIds, String appleTeamId, String appleKeyId, PublicKey appleTeamKey) {
    }

    /** Who signed in at the account chooser, until the code is exchanged; {@code transferSub} Apple's, after a transfer. */
    private record Grant(String provider, String clientId, String subject, String email, boolean emailVerified,
                         boolean privateEmail, String name, String nonce, String codeChallenge, String redirectUri,
                         Instant expiresAt, String transferSub) {
        Grant(String provider, String clientId, String subject, String email, boolean emailVerified,
              boolean privateEmail, String name, String nonce, String codeChallenge, String redirectUri,
              Instant expiresAt) {
            this(provider, clientId, subject, email, emailVerified, privateEmail, name, nonce, codeChallenge,
                    redirectUri, expiresAt, null);
        }
    }

    /** A user's move to another team (TN3159): their e-mail, and the team. */
    private record Transfer(String email, String targetTeam) {
    }

    private final Clients clients;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();
    private final Map<String, KeyPair> keys = Map.of("google", rsa(), "apple", rsa());
    private final Map<String, Grant> codes = new ConcurrentHashMap<>();
    private final List<String> revoked = new java.util.concurrent.CopyOnWriteArrayList<>();
    /** Apple users the emulator signed in, by subject: what a transfer needs to know who they are. */
    private final Map<String, String> appleEmails = new ConcurrentHashMap<>();
    private final Map<String, Transfer> transfers = new ConcurrentHashMap<>();
    private final Set<String> migrationTokens = ConcurrentHashMap.newKeySet();

    public ProviderEmulator(Clients clients, Clock clock) {
        this.clients = clients;
        this.clock = clock;
    }

    /** Tokens revoked so far (the service revokes Apple's refresh tokens when an account or identity goes). */
    public List<String> revoked() {
        return List.copyOf(revoked);
    }

    @GET
    @Path("/{provider:google|apple}/jwks")
    @Produces(MediaType.APPLICATION_JSON)
    public Map<String, Object> jwks(@PathParam("provider") String provider) {
        final RSAPublicKey key = (RSAPublicKey) keys.get(provider).getPublic();
        return Map.of("keys", List.of(Map.of("kty", "RSA", "alg", "RS256", "use", "sig", "kid", keyId(provider),
                "n", unsigned(key.getModulus()), "e", unsigned(key.getPublicExponent()))));
    }

    /**
     * {@code {"email", "name"?, "emailVerified"?, "nonce"?, "audience"?, "team"?}} to
     * {@code {"idToken"}}: for curl and simulators. An Apple token of another {@code team} is the
     * user's under that team (another subject), with {@code transfer_sub} once the old team prepared
     * their move to it, as Apple's tokens carry it during a transfer.
     */
    @POST
    @Path("/{provider:google|apple}/id-token")
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    public Response idToken(@PathParam("provider") String provider, JsonNode request) {
        final String email = request == null ? "" : request.path("email").asText("");
        if (!email.contains("@")) {
            return problem(400, "email: required, an e-mail address");
        }
        final List<String> audiences = provider.equals("google") ? clients.googleClientIds() : clients.appleClientIds();
        final String audience = request.path("audience").asText(audiences.getFirst());
        final String team = request.path("team").asText(clients.appleTeamId());
        final boolean moved = provider.equals("apple") && !team.equals(clients.appleTeamId());
        final String transferSub = moved ? transfers.entrySet().stream()
                .filter(entry -> entry.getValue().email().equals(email) && entry.getValue().targetTeam().equals(team))
                .map(Map.Entry::getKey).findFirst().orElse(null) : null;
        return Response.ok(Map.of("idToken", sign(new Grant(provider, audience,
                moved ? subject("apple:" + team, email) : subject(provider, email), email,
                request.path("emailVerified").asBoolean(true), false, request.path("name").asText(null),
                request.path("nonce").asText(null), null, null, null, transferSub)))).build();
    }

    /** The account chooser: an e-mail and a name, whether the address is verified (Apple: whether to hide it). */
    @GET
    @Path("/{provider:google|apple}/authorize")
    @Produces(MediaType.TEXT_HTML)
    public String chooser(@PathParam("provider") String provider, @Context UriInfo uri) {
        final MultivaluedMap<String, String> query = uri.getQueryParameters();
        final StringBuilder hidden = new StringBuilder();
        for (String name : List.of("client_id", "redirect_uri", "state", "nonce", "code_challenge",
                "code_challenge_method", "response_type", "response_mode", "scope")) {
            if (query.getFirst(name) != null) {
                hidden.append("<input type=\"hidden\" name=\"").append(name).append("\" value=\"")
                        .append(html(query.getFirst(name))).append("\">\n");
            }
        }
        final String title = provider.equals("google") ? "Sign in with Google (emulator)" : "Sign in with Apple (emulator)";
        return "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>" + title + "</title>"
                + "<meta name=\"viewport\" content=\"width=device-width\"></head>\n<body style=\"font-family: sans-serif;"
                + " max-width: 28em; margin: 3em auto\">\n<h1>" + title + "</h1>\n<p>Development mode: nothing leaves"
                + " this machine.</p>\n<form id=\"account\" method=\"post\">\n" + hidden
                + "<p><label>E-mail <input id=\"email\" name=\"email\" type=\"email\" required value=\"dev@example.com\">"
                + "</label></p>\n<p><label>Name <input id=\"name\" name=\"name\" value=\"Dev User\"></label></p>\n"
                + "<p><label><input id=\"email_verified\" name=\"email_verified\" type=\"checkbox\" value=\"true\" checked>"
                + " E-mail verified</label></p>\n"
                + (provider.equals("apple") ? "<p><label><input id=\"hide_email\" name=\"hide_email\" type=\"checkbox\""
                + " value=\"true\"> Hide my e-mail (a private relay address)</label></p>\n" : "")
                + "<p><button id=\"continue\" type=\"submit\">Continue</button></p>\n</form>\n</body></html>\n";
    }

    /** The chooser's answer: Google redirects with a code; Apple posts the form to the callback, as it does. */
    @POST
    @Path("/{provider:google|apple}/authorize")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response chosen(@PathParam("provider") String provider, MultivaluedMap<String, String> form) {
        final String clientId = form.getFirst("client_id");
        final String redirectUri = form.getFirst("redirect_uri");
        final String email = String.valueOf(form.getFirst("email")).strip();
        if (redirectUri == null || !email.contains("@")) {
            return problem(400, "redirect_uri and an e-mail address are required");
        }
        final boolean hide = provider.equals("apple") && "true".equals(form.getFirst("hide_email"));
        final String subject = subject(provider, email);
        final String shownEmail = hide ? subject.replace(".", "") + "@privaterelay.appleid.com" : email;
        final String name = form.getFirst("name") == null || form.getFirst("name").isBlank() ? null : form.getFirst("name");
        final String code = "emu-" + token();
        if (provider.equals("google")) {
            if (!clients.googleWebClientId().equals(clientId) || !"S256".equals(form.getFirst("code_challenge_method"))
                    || form.getFirst("code_challenge") == null) {
                return problem(400, "Google wants our web client id and a PKCE S256 challenge");
            }
            codes.put(code, new Grant(provider, clientId, subject, shownEmail, "true".equals(form.getFirst("email_verified")),
                    false, name, form.getFirst("nonce"), form.getFirst("code_challenge"), redirectUri,
                    clock.instant().plus(CODE_LIFETIME)));
            return Response.status(Response.Status.FOUND).location(URI.create(redirectUri + "?code=" + url(code)
                    + "&state=" + url(String.valueOf(form.getFirst("state"))))).build();
        }
        if (!clients.appleClientIds().contains(clientId)) {
            return problem(400, "Apple does not know the client id " + clientId);
        }
        final Grant grant = new Grant(provider, clientId, subject, shownEmail, true, hide, name, form.getFirst("nonce"),
                null, redirectUri, clock.instant().plus(CODE_LIFETIME));
        codes.put(code, grant);
        final Map<String, String> post = new LinkedHashMap<>();
        post.put("state", String.valueOf(form.getFirst("state")));
        post.put("code", code);
        post.put("id_token", sign(grant));
        if (name != null) {
            final String[] parts = name.strip().split("\\s+", 2);
            post.put("user", write(Map.of("name", Map.of("firstName", parts[0], "lastName", parts.length > 1 ? parts[1] : ""),
                    "email", shownEmail)));
        }
        final StringBuilder fields = new StringBuilder();
        post.forEach((key, value) -> fields.append("<input type=\"hidden\" name=\"").append(key).append("\" value=\"")
                .append(html(value)).append("\">\n"));
        return Response.ok("<!doctype html>\n<html><body onload=\"document.forms[0].submit()\">\n<form method=\"post\" action=\""
                + html(redirectUri) + "\">\n" + fields + "<noscript><button>Continue</button></noscript>\n</form>\n</body></html>\n",
                MediaType.TEXT_HTML_TYPE).build();
    }

    /** Google's token endpoint: the web client's secret, the same redirect URI, the PKCE verifier; a code works once. */
    @POST
    @Path("/google/token")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    @Produces(MediaType.APPLICATION_JSON)
    public Response googleToken(MultivaluedMap<String, String> form) {
        if (!clients.googleWebClientId().equals(form.getFirst("client_id"))
                || !clients.googleWebClientSecret().equals(form.getFirst("client_secret"))) {
            return oauthError(401, "invalid_client");
        }
        final Grant grant = take(form.getFirst("code"), "google");
        if (grant == null || !"authorization_code".equals(form.getFirst("grant_type"))
                || !grant.redirectUri().equals(form.getFirst("redirect_uri"))
                || form.getFirst("code_verifier") == null || !s256(form.getFirst("code_verifier")).equals(grant.codeChallenge())) {
            return oauthError(400, "invalid_grant");
        }
        return Response.ok(Map.of("access_token", "emu-access-" + token(), "expires_in", 3599, "token_type", "Bearer",
                "scope", "openid email profile", "id_token", sign(grant))).build();
    }

    /** Apple's token endpoint: a client secret Apple would take, then a refresh token for the code's subject. */
    @POST
    @Path("/apple/token")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    @Produces(MediaType.APPLICATION_JSON)
    public Response appleToken(MultivaluedMap<String, String> form) {
        if (!validAppleSecret(form.getFirst("client_secret"), form.getFirst("client_id"))) {
            return oauthError(401, "invalid_client");
        }
        if ("client_credentials".equals(form.getFirst("grant_type"))) {
            // The user migration's token (TN3159), for the transfer commands.
            if (!"user.migration".equals(form.getFirst("scope"))) {
                return oauthError(400, "invalid_scope");
            }
            final String accessToken = "emu-migration-" + token();
            migrationTokens.add(accessToken);
            return Response.ok(Map.of("access_token", accessToken, "token_type", "Bearer", "expires_in", 3600)).build();
        }
        final Grant grant = take(form.getFirst("code"), "apple");
        // A code from the authorization page comes back with the redirect_uri it was issued for, as Apple wants.
        if (grant == null || !"authorization_code".equals(form.getFirst("grant_type"))
                || !grant.clientId().equals(form.getFirst("client_id"))
                || grant.redirectUri() != null && !grant.redirectUri().equals(form.getFirst("redirect_uri"))) {
            return oauthError(400, "invalid_grant");
        }
        return Response.ok(Map.of("access_token", "emu-access-" + token(), "token_type", "Bearer", "expires_in", 3600,
                "refresh_token", "emu-refresh-" + token(), "id_token", sign(grant))).build();
    }

    /**
     * Apple's user migration (TN3159), for rehearsing a transfer: the old team gets a transfer
     * identifier for a user it signed in here and a {@code target} team; the target team exchanges
     * it for the user's subject and address under it.
     */
    @POST
    @Path("/apple/usermigrationinfo")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    @Produces(MediaType.APPLICATION_JSON)
    public Response appleMigration(@HeaderParam("Authorization") String authorization,
                                   MultivaluedMap<String, String> form) {
        if (authorization == null || !migrationTokens.contains(authorization.replaceFirst("^Bearer ", ""))
                || !validAppleSecret(form.getFirst("client_secret"), form.getFirst("client_id"))) {
            return oauthError(401, "invalid_client");
        }
        if (form.getFirst("sub") != null) {
            final String email = appleEmails.get(form.getFirst("sub"));
            final String target = form.getFirst("target");
            if (email == null || target == null || target.equals(clients.appleTeamId())) {
                return oauthError(400, "invalid_request");
            }
            final String transferSub = "emu-transfer-" + HexFormat.of().formatHex(sha256(form.getFirst("sub") + "|"
                    + target)).substring(0, 24);
            transfers.put(transferSub, new Transfer(email, target));
            return Response.ok(Map.of("transfer_sub", transferSub)).build();
        }
        final Transfer transfer = transfers.get(String.valueOf(form.getFirst("transfer_sub")));
        if (transfer == null) {
            return oauthError(400, "invalid_request");
        }
        return Response.ok(Map.of("sub", subject("apple:" + transfer.targetTeam(), transfer.email()),
                "email", transfer.email(), "is_private_email", false)).build();
    }

    /** Google's revocation endpoint (RFC 7009): any token given is revoked; the service itself revokes only Apple's. */
    @POST
    @Path("/google/revoke")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response googleRevoke(MultivaluedMap<String, String> form) {
        if (form.getFirst("token") == null) {
            return oauthError(400, "invalid_request");
        }
        revoked.add(form.getFirst("token"));
        return Response.ok().build();
    }

    @POST
    @Path("/apple/revoke")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response appleRevoke(MultivaluedMap<String, String> form) {
        if (!validAppleSecret(form.getFirst("client_secret"), form.getFirst("client_id"))) {
            return oauthError(401, "invalid_client");
        }
        revoked.add(String.valueOf(form.getFirst("token")));
        return Response.ok().build();
    }

    /**
     * The emulator's web app, a standard OAuth client in two pages and a script: it signs in through
     * {@code /oauth/authorize} and {@code /oauth/token} with PKCE and a DPoP key made in the browser
     * (WebCrypto, non-extractable, kept in IndexedDB), calls the API with it, and refreshes with it.
     */
    @GET
    @Path("/web-app.js")
    @Produces("text/javascript")
    public String webApp() {
        return """
                // A browser cannot read this key out, so a stolen refresh token is useless without this browser.
                const b64url = bytes => btoa(String.fromCharCode(...new Uint8Array(bytes)))
                    .replace(/\\+/g, '-').replace(/\\//g, '_').replace(/=+$/, '');
                const utf8 = text => new TextEncoder().encode(text);
                const sha256 = async text => b64url(await crypto.subtle.digest('SHA-256', utf8(text)));
                const CLIENT_ID = 'WEB_APP_CLIENT';
                const REDIRECT_URI = location.origin + '/emulator/done';
                const keyStore = mode => new Promise((resolve, reject) => {
                  const open = indexedDB.open('emulator-web-app', 1);
                  open.onupgradeneeded = () => open.result.createObjectStore('keys');
                  open.onerror = () => reject(open.error);
                  open.onsuccess = () => resolve(open.result.transaction('keys', mode).objectStore('keys'));
                });
                const saveKey = async key => { (await keyStore('readwrite')).put(key, 'dpop'); };
                const loadKey = async () => { const request = (await keyStore('readonly')).get('dpop');
                  return new Promise(resolve => { request.onsuccess = () => resolve(request.result); }); };
                const newKey = () => crypto.subtle.generateKey({name: 'ECDSA', namedCurve: 'P-256'}, false, ['sign']);
                const publicJwk = async key => {
                  const jwk = await crypto.subtle.exportKey('jwk', key.publicKey);
                  return {crv: jwk.crv, kty: jwk.kty, x: jwk.x, y: jwk.y}; // RFC 7638's members, in its order
                };
                const thumbprint = async key => sha256(JSON.stringify(await publicJwk(key)));
                const metadata = () => fetch('/.well-known/oauth-authorization-server').then(answer => answer.json());
                // RFC 9449 section 4: WebCrypto's ECDSA signature is already JWS's r || s.
                const proof = async (key, htm, htu, accessToken, nonce) => {
                  const header = {typ: 'dpop+jwt', alg: 'ES256', jwk: await publicJwk(key)};
                  const claims = {jti: crypto.randomUUID(), htm, htu, iat: Math.floor(Date.now() / 1000)};
                  if (accessToken) claims.ath = await sha256(accessToken);
                  if (nonce) claims.nonce = nonce;
                  const input = b64url(utf8(JSON.stringify(header))) + '.' + b64url(utf8(JSON.stringify(claims)));
                  const signature = await crypto.subtle.sign({name: 'ECDSA', hash: 'SHA-256'}, key.privateKey, utf8(input));
                  return input + '.' + b64url(signature);
                };
                let dpopNonce = null;
                // The token endpoint with a proof; once more with the server's nonce when it asks for one.
                const tokenRequest = async (key, server, fields) => {
                  for (let attempt = 0; ; attempt++) {
                    const answer = await fetch('/oauth/token', {method: 'POST', body: new URLSearchParams(fields),
                        headers: {DPoP: await proof(key, 'POST', server.token_endpoint, null, dpopNonce)}});
                    dpopNonce = answer.headers.get('DPoP-Nonce') || dpopNonce;
                    const body = await answer.json();
                    if (body.error === 'use_dpop_nonce' && attempt === 0) continue;
                    return {status: answer.status, body};
                  }
                };
                const callApi = async (key, server, path, accessToken) => {
                  const url = new URL(path, server.token_endpoint).href; // where the service is published
                  const answer = await fetch(path, {headers: {Authorization: 'DPoP ' + accessToken,
                      DPoP: await proof(key, 'GET', url, accessToken, dpopNonce)}});
                  dpopNonce = answer.headers.get('DPoP-Nonce') || dpopNonce;
                  return {status: answer.status, body: await answer.json()};
                };
                """.replace("WEB_APP_CLIENT", DevMode.WEB_APP_CLIENT);
    }

    /** Where the emulator's web app ends its sign-in: redeems the code with its DPoP key, and can refresh. */
    @GET
    @Path("/done")
    @Produces(MediaType.TEXT_HTML)
    public String done() {
        return """
                <!doctype html>
                <html lang="en"><head><meta charset="utf-8"><title>Signed in (emulator)</title>
                <script src="/emulator/web-app.js"></script></head>
                <body style="font-family: sans-serif; max-width: 40em; margin: 3em auto">
                <h1>Signing in...</h1>
                <p><button id="refresh" disabled>Refresh</button> <span id="status"></span></p>
                <pre id="result"></pre>
                <script>
                  const query = new URLSearchParams(location.search);
                  const title = text => { document.querySelector('h1').textContent = text; };
                  const status = text => { document.getElementById('status').textContent = text; };
                  const show = value => { document.getElementById('result').textContent = JSON.stringify(value, null, 2); };
                  (async () => {
                    const server = await metadata();
                    if (query.get('error')) return title('Refused: ' + query.get('error_description'));
                    if (query.get('state') !== sessionStorage.getItem('state') || query.get('iss') !== server.issuer) {
                      return title('Refused: not the answer to our request');
                    }
                    const key = await loadKey();
                    const tokens = await tokenRequest(key, server, {grant_type: 'authorization_code',
                        code: query.get('code'), code_verifier: sessionStorage.getItem('pkce'),
                        redirect_uri: REDIRECT_URI, client_id: CLIENT_ID});
                    if (tokens.status !== 200) return title('Refused: ' + tokens.body.code);
                    let refreshToken = tokens.body.refresh_token;
                    const me = await callApi(key, server, '/api/users/me', tokens.body.access_token);
                    title('Signed in as ' + (me.body.email || me.body.id));
                    show(Object.assign({tokenType: tokens.body.token_type}, me.body));
                    const button = document.getElementById('refresh');
                    button.disabled = false;
                    button.onclick = async () => {
                      const refreshed = await tokenRequest(key, server, {grant_type: 'refresh_token',
                          refresh_token: refreshToken, client_id: CLIENT_ID});
                      if (refreshed.status !== 200) return status('Refused: ' + refreshed.body.code);
                      refreshToken = refreshed.body.refresh_token;
                      const again = await callApi(key, server, '/api/users/me', refreshed.body.access_token);
                      status('Refreshed (' + refreshed.body.token_type + '), the API answered ' + again.status);
                    };
                  })().catch(e => title('Failed: ' + e.name + ': ' + e.message));
                </script>
                </body></html>
                """;
    }

    /**
     * Passkeys in a browser: sign in through the emulator's Google, add a passkey, sign in with it.
     * Open it at {@code http://localhost:8080/emulator/passkeys}: WebAuthn wants the RP ID's host.
     */
    @GET
    @Path("/passkeys")
    @Produces(MediaType.TEXT_HTML)
    public String passkeys() {
        return """
                <!doctype html>
                <html lang="en"><head><meta charset="utf-8"><title>Passkeys (emulator)</title></head>
                <body style="font-family: sans-serif; max-width: 40em; margin: 3em auto">
                <h1>Passkeys</h1>
                <p><label>E-mail <input id="email" value="dev@example.com"></label>
                   <button id="sign-in-google">Sign in with Google (emulator)</button></p>
                <p><button id="add">Add a passkey</button> <button id="passkey">Sign in with a passkey</button></p>
                <p id="status"></p>
                <pre id="result"></pre>
                <script>
                  const status = text => { document.getElementById('status').textContent = text; };
                  const show = value => { document.getElementById('result').textContent = JSON.stringify(value, null, 2); };
                  const call = (path, body, token) => fetch(path, {method: 'POST',
                      headers: Object.assign({'Content-Type': 'application/json'},
                          token ? {Authorization: 'Bearer ' + token} : {}),
                      body: JSON.stringify(body || {})})
                    .then(answer => answer.json().then(json => ({status: answer.status, body: json})));
                  const refused = answer => { status('Refused: ' + answer.body.code); show(answer.body); };
                  const guarded = work => async () => {
                    try { await work(); } catch (e) { status('Failed: ' + e.name + ': ' + e.message); }
                  };
                  document.getElementById('sign-in-google').onclick = guarded(async () => {
                    // A web page is the web client: it needs no app token when app attestation is enforced.
                    const minted = await call('/emulator/google/id-token', {email: document.getElementById('email').value,
                        audience: '%s'});
                    const signedIn = await call('/api/auth/google', {idToken: minted.body.idToken});
                    if (signedIn.status !== 200) return refused(signedIn);
                    sessionStorage.setItem('accessToken', signedIn.body.tokens.accessToken);
                    status('Signed in as ' + (signedIn.body.user.email || signedIn.body.user.id));
                    show(signedIn.body.user);
                  });
                  document.getElementById('add').onclick = guarded(async () => {
                    const token = sessionStorage.getItem('accessToken');
                    const options = await call('/api/auth/passkeys/registration/options', {}, token);
                    if (options.status !== 200) return refused(options);
                    const credential = await navigator.credentials.create(
                        {publicKey: PublicKeyCredential.parseCreationOptionsFromJSON(options.body.publicKey)});
                    const added = await call('/api/auth/passkeys/registration',
                        {credential: credential.toJSON(), name: 'Added on the emulator page'}, token);
                    if (added.status !== 201) return refused(added);
                    status('Passkey added');
                    show(added.body);
                  });
                  document.getElementById('passkey').onclick = guarded(async () => {
                    const options = await call('/api/auth/passkeys/authentication/options', {});
                    if (options.status !== 200) return refused(options);
                    const credential = await navigator.credentials.get(
                        {publicKey: PublicKeyCredential.parseRequestOptionsFromJSON(options.body.publicKey)});
                    const signedIn = await call('/api/auth/passkey', {credential: credential.toJSON()});
                    if (signedIn.status !== 200) return refused(signedIn);
                    sessionStorage.setItem('accessToken', signedIn.body.tokens.accessToken);
                    status('Signed in with a passkey as ' + (signedIn.body.user.email || signedIn.body.user.id));
                    show(signedIn.body.user);
                  });
                </script>
                </body></html>
                """.formatted(clients.googleWebClientId());
    }

    /**
     * The page that starts the emulator's web app sign-in: makes its DPoP key and a PKCE pair,
     * keeps them, and goes to {@code /oauth/authorize} with the key's thumbprint ({@code dpop_jkt}).
     */
    @GET
    @Path("/start/{provider:google|apple}")
    @Produces(MediaType.TEXT_HTML)
    public String start(@PathParam("provider") String provider) {
        return """
                <!doctype html>
                <html lang="en"><head><meta charset="utf-8"><title>Start (emulator)</title>
                <script src="/emulator/web-app.js"></script></head><body>
                <script>
                  (async () => {
                    const key = await newKey();
                    await saveKey(key);
                    const verifier = b64url(crypto.getRandomValues(new Uint8Array(32)));
                    const state = b64url(crypto.getRandomValues(new Uint8Array(16)));
                    sessionStorage.setItem('pkce', verifier);
                    sessionStorage.setItem('state', state);
                    const server = await metadata();
                    location.href = server.authorization_endpoint + '?' + new URLSearchParams({response_type: 'code',
                        client_id: CLIENT_ID, redirect_uri: REDIRECT_URI, code_challenge: await sha256(verifier),
                        code_challenge_method: 'S256', state, provider: 'PROVIDER', dpop_jkt: await thumbprint(key)});
                  })();
                </script>
                </body></html>
                """.replace("PROVIDER", provider);
    }

    private Grant take(String code, String provider) {
        final Grant grant = code == null ? null : codes.remove(code);
        return grant != null && grant.provider().equals(provider) && clock.instant().isBefore(grant.expiresAt()) ? grant : null;
    }

    private boolean validAppleSecret(String secret, String clientId) {
        try {
            final Jws<Claims> parsed = Jwts.parser().verifyWith(clients.appleTeamKey()).clock(() -> java.util.Date.from(clock.instant()))
                    .build().parseSignedClaims(String.valueOf(secret));
            final JsonNode aud = JSON.readTree(Base64.getUrlDecoder().decode(secret.split("\\.")[1])).path("aud");
            // The old team's, or a team a user is moving to: one developer's key plays both here.
            final String issuer = parsed.getPayload().getIssuer();
            return clients.appleKeyId().equals(parsed.getHeader().getKeyId())
                    && (clients.appleTeamId().equals(issuer)
                    || transfers.values().stream().anyMatch(transfer -> transfer.targetTeam().equals(issuer)))
                    && clientId != null && clientId.equals(parsed.getPayload().getSubject())
                    && aud.isTextual() && aud.asText().equals(APPLE_ISSUER);
        } catch (Exception e) {
            return false;
        }
    }

    private String sign(Grant grant) {
        final Instant now = clock.instant();
        final var builder = Jwts.builder().header().keyId(keyId(grant.provider())).and()
                .issuer(grant.provider().equals("google") ? GOOGLE_ISSUER : APPLE_ISSUER)
                .audience().single(grant.clientId())
                .subject(grant.subject())
                .issuedAt(java.util.Date.from(now))
                .expiration(java.util.Date.from(now.plus(Duration.ofHours(1))))
                // Two sign-ins within a second are two tokens, not a replay of one.
                .id(java.util.UUID.randomUUID().toString())
                .claim("email", grant.email())
                .claim("email_verified", grant.emailVerified());
        if (grant.provider().equals("google")) {
            builder.claim("azp", grant.clientId());
            if (grant.name() != null) {
                builder.claim("name", grant.name());
            }
        } else {
            builder.claim("is_private_email", grant.privateEmail());
        }
        if (grant.nonce() != null) {
            builder.claim("nonce", grant.nonce());
        }
        if (grant.transferSub() != null) {
            builder.claim("transfer_sub", grant.transferSub());
        }
        if (grant.provider().equals("apple")) {
            appleEmails.put(grant.subject(), grant.email());
        }
        return builder.signWith(keys.get(grant.provider()).getPrivate(), Jwts.SIG.RS256).compact();
    }

    /** The same e-mail always signs in as the same account. */
    private static String subject(String provider, String email) {
        final String hash = HexFormat.of().formatHex(sha256(email.toLowerCase(Locale.ROOT) + "|" + provider)).substring(0, 20);
        return provider.equals("google") ? new BigInteger(hash, 16).toString() : "000000." + hash + ".0000";
    }

    private static String keyId(String provider) {
        return "emulator-" + provider;
    }

    private static KeyPair rsa() {
        try {
            final KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            return generator.generateKeyPair();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private String token() {
        final byte[] bytes = new byte[24];
        random.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private static String unsigned(BigInteger value) {
        final byte[] bytes = value.toByteArray();
        final int skip = bytes.length > 1 && bytes[0] == 0 ? 1 : 0;
        return Base64.getUrlEncoder().withoutPadding().encodeToString(java.util.Arrays.copyOfRange(bytes, skip, bytes.length));
    }

    private static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String s256(String verifier) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(sha256(verifier));
    }

    private static String url(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    private static String html(String value) {
        return value.replace("&", "&amp;").replace("\"", "&quot;").replace("<", "&lt;").replace(">", "&gt;");
    }

    private static String write(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Response problem(int status, String detail) {
        return Response.status(status).type("application/problem+json")
                .entity(Map.of("type", "urn:oauth-api:problem:invalid_request", "title", "Invalid request", "status", status,
                        "detail", detail, "code", "invalid_request"))
                .build();
    }

    private static Response oauthError(int status, String error) {
        return Response.status(status).type(MediaType.APPLICATION_JSON_TYPE).entity(Map.of("error", error)).build();
    }
}
