package dev.oauthapi.signin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.oauthapi.dpop.DpopBinding;
import dev.oauthapi.errors.ApiException;
import dev.oauthapi.errors.ErrorCode;
import dev.oauthapi.identity.Provider;
import dev.oauthapi.sessions.RefreshRotation;
import dev.oauthapi.sessions.Sessions;
import dev.oauthapi.tokens.AccessTokenClaims;
import dev.oauthapi.tokens.AccessTokens;
import dev.oauthapi.tokens.RefreshTokens;
import dev.oauthapi.users.SignInContext;

import java.io.IOException;
import java.net.URI;
import java.util.Base64;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The standard OAuth view of the same domain (RFC 6749, RFC 8693, RFC 7009): the authorization
 * endpoint and the authorization-code grant are the browser sign-in of {@link WebSignIn}, a token
 * exchange of a Google or Apple ID token is the sign-in of {@link SignInService}, the refresh grant
 * the rotation of {@link RefreshRotation}, a revocation the end of the session. What it adds is the
 * client: every request names a known one ({@code invalid_client} otherwise), a session remembers
 * the client it was started for, and a refresh or revocation by another client is {@code invalid_grant}.
 */
public final class OAuthGrants {
    public static final String TOKEN_EXCHANGE = "urn:ietf:params:oauth:grant-type:token-exchange";
    public static final String ID_TOKEN_TYPE = "urn:ietf:params:oauth:token-type:id_token";
    public static final String ACCESS_TOKEN_TYPE = "urn:ietf:params:oauth:token-type:access_token";
    private static final ObjectMapper JSON = new ObjectMapper();
    /** A JWK SHA-256 thumbprint, BASE64URL (RFC 7638, RFC 9449 §10). */
    private static final Pattern THUMBPRINT = Pattern.compile("[A-Za-z0-9_-]{43}");

    /**
     * An authorization request's parameters ({@code /oauth/authorize}), as sent; {@code repeated}:
     * a parameter other than the client and its redirect URI was sent more than once.
     */
    public record Authorization(String responseType, String clientId, String redirectUri, String codeChallenge,
                                String codeChallengeMethod, String state, String provider, String dpopJkt,
                                boolean repeated) {
    }

    private final SignInService signIn;
    private final WebSignIn web;
    private final RefreshRotation rotation;
    private final Sessions sessions;
    private final AccessTokens accessTokens;
    private final RefreshTokens refreshTokens;
    private final Set<String> knownClients;

    /** @param knownClients the client ids the service knows: the providers' and {@code OAUTH_CLIENT_IDS} */
    public OAuthGrants(SignInService signIn, WebSignIn web, RefreshRotation rotation, Sessions sessions,
                       AccessTokens accessTokens, RefreshTokens refreshTokens, Set<String> knownClients) {
        this.signIn = signIn;
        this.web = web;
        this.rotation = rotation;
        this.sessions = sessions;
        this.accessTokens = accessTokens;
        this.refreshTokens = refreshTokens;
        this.knownClients = Set.copyOf(knownClients);
    }

    /** Whether the authorization endpoint and the authorization-code grant are served: the browser sign-in is on. */
    public boolean servesCodeFlow() {
        return web.isOn();
    }

    /**
     * Where the authorization endpoint sends the browser (RFC 6749 §4.1.1): to the provider, or
     * back to the client with an error. Only a missing or unknown client or {@code redirect_uri}
     * (and a server whose browser sign-in is off) is refused here, without a redirect (§4.1.2.1).
     */
    public URI authorize(Authorization request) {
        if (!web.isOn()) {
            throw new ApiException(ErrorCode.PROVIDER_NOT_ENABLED, "Sign-in through the browser is not enabled on this server.");
        }
        requireKnown(request.clientId());
        web.requireRedirectUri(request.redirectUri());
        if (request.responseType() != null && !"code".equals(request.responseType())) {
            return web.refuse(request.redirectUri(), request.state(), "unsupported_response_type",
                    ErrorCode.INVALID_REQUEST.code());
        }
        // The description is our code (the contract's): the app's developer finds the rule in the README.
        if (request.repeated() || request.responseType() == null || request.provider() == null
                || Provider.fromWireName(request.provider()).isEmpty()
                || request.dpopJkt() != null && !THUMBPRINT.matcher(request.dpopJkt()).matches()) {
            return web.refuse(request.redirectUri(), request.state(), "invalid_request", ErrorCode.INVALID_REQUEST.code());
        }
        try {
            // With DPoP off no proof is ever checked, so a code bound to a key could never be redeemed.
            return web.authorize(request.provider(), request.redirectUri(), request.codeChallenge(),
                    request.codeChallengeMethod(), request.state(), new WebSignIn.Client(request.clientId(),
                            signIn.bindsKeys() ? request.dpopJkt() : null));
        } catch (ApiException e) {
            return web.refuse(request.redirectUri(), request.state(),
                    e.code().status() >= 500 ? "server_error" : "invalid_request", e.code().code());
        }
    }

    /** The authorization-code grant: the browser sign-in's one-time code, redeemed by the client it was issued to. */
    public SignInService.Result redeem(String code, String codeVerifier, String redirectUri, String clientId,
                                       SignInContext context) {
        requireKnown(clientId);
        if (code == null || codeVerifier == null || redirectUri == null) {
            throw new ApiException(ErrorCode.INVALID_REQUEST, "code, code_verifier and redirect_uri are required.");
        }
        return web.redeem(code, codeVerifier, redirectUri, clientId, context);
    }

    /** The token exchange of a Google or Apple ID token, issued to {@code clientId}: a sign-in. */
    public SignInService.Result exchange(String subjectToken, String subjectTokenType, String clientId, String nonce,
                                         String authorizationCode, SignInContext context) {
        requireKnown(clientId);
        if (!ID_TOKEN_TYPE.equals(subjectTokenType)) {
            throw new ApiException(ErrorCode.INVALID_REQUEST, "subject_token_type must be " + ID_TOKEN_TYPE);
        }
        if (subjectToken == null || subjectToken.isBlank()) {
            throw new ApiException(ErrorCode.INVALID_REQUEST, "subject_token is required.");
        }
        return signIn.signIn(providerOf(subjectToken), subjectToken, nonce, null, authorizationCode, context, clientId);
    }

    /** The refresh grant, by {@code clientId}: the same rotation, grace and reuse rules as the JSON API's. */
    public RefreshRotation.Refreshed refresh(String refreshToken, String clientId, String ipAddress, String appCheck,
                                             DpopBinding.Presented proof) {
        requireKnown(clientId);
        if (refreshToken == null || refreshToken.isBlank()) {
            throw new ApiException(ErrorCode.INVALID_REQUEST, "refresh_token is required.");
        }
        return rotation.refresh(refreshToken, ipAddress, appCheck, proof, clientId);
    }

    /**
     * Revokes a refresh or access token of {@code clientId} (RFC 7009): its session ends at once,
     * everywhere. A token that is not ours, expired or ended already is revoked already.
     */
    public void revoke(String token, String clientId, String ipAddress) {
        requireKnown(clientId);
        if (token == null || token.isBlank()) {
            throw new ApiException(ErrorCode.INVALID_REQUEST, "token is required.");
        }
        final Optional<RefreshTokens.Presented> refresh = RefreshTokens.namesItsSession(token)
                ? refreshTokens.read(token) : Optional.empty();
        if (refresh.isPresent()) {
            sessions.revokeForClient(refresh.get().sessionId(), clientId, ipAddress);
            return;
        }
        final Optional<AccessTokenClaims> access = accessTokens.verify(token);
        if (access.isPresent()) {
            sessions.revokeForClient(access.get().sessionId(), clientId, ipAddress);
        }
    }

    private void requireKnown(String clientId) {
        if (clientId == null) {
            throw new ApiException(ErrorCode.INVALID_REQUEST, "client_id is required.");
        }
        if (!knownClients.contains(clientId)) {
            throw new ApiException(ErrorCode.INVALID_CLIENT, "client_id is not a client this service knows.");
        }
    }

    /** Which provider issued an ID token, read from its unverified {@code iss}: the verifier checks it. */
    private static Provider providerOf(String idToken) {
        final String[] parts = idToken.split("\\.");
        try {
            final JsonNode claims = parts.length == 3 ? JSON.readTree(Base64.getUrlDecoder().decode(parts[1])) : null;
            return Provider.fromIssuer(claims == null ? "" : claims.path("iss").asText(""))
                    .orElseThrow(() -> new ApiException(ErrorCode.INVALID_ID_TOKEN,
                            "issuer: the subject_token is neither Google's nor Apple's ID token."));
        } catch (IOException | IllegalArgumentException e) {
            throw new ApiException(ErrorCode.INVALID_ID_TOKEN, "the subject_token is not a JWT.");
        }
    }
}
