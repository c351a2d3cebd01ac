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
import java.util.Base64;
import java.util.Optional;
import java.util.Set;

/**
 * The standard OAuth view of the same domain (RFC 6749, RFC 8693, RFC 7009): a token exchange of a
 * Google or Apple ID token is the sign-in of {@link SignInService}, the refresh grant the rotation of
 * {@link RefreshRotation}, a revocation the end of the session. What it adds is the client: every
 * request names a known one ({@code invalid_client} otherwise), a session remembers the client it
 * was started for, and a refresh or revocation by another client is {@code invalid_grant}.
 */
public final class OAuthGrants {
    public static final String TOKEN_EXCHANGE = "urn:ietf:params:oauth:grant-type:token-exchange";
    public static final String ID_TOKEN_TYPE = "urn:ietf:params:oauth:token-type:id_token";
    public static final String ACCESS_TOKEN_TYPE = "urn:ietf:params:oauth:token-type:access_token";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final SignInService signIn;
    private final RefreshRotation rotation;
    private final Sessions sessions;
    private final AccessTokens accessTokens;
    private final RefreshTokens refreshTokens;
    private final Set<String> knownClients;

    /** @param knownClients the client ids the service knows: the providers' and {@code OAUTH_CLIENT_IDS} */
    public OAuthGrants(SignInService signIn, RefreshRotation rotation, Sessions sessions, AccessTokens accessTokens,
                       RefreshTokens refreshTokens, Set<String> knownClients) {
        this.signIn = signIn;
        this.rotation = rotation;
        this.sessions = sessions;
        this.accessTokens = accessTokens;
        this.refreshTokens = refreshTokens;
        this.knownClients = Set.copyOf(knownClients);
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

    public void requireKnown(String clientId) {
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
            final String issuer = claims == null ? "" : claims.path("iss").asText("");
            return switch (issuer) {
                case "https://accounts.google.com", "accounts.google.com" -> Provider.GOOGLE;
                case "https://appleid.apple.com" -> Provider.APPLE;
                default -> throw new ApiException(ErrorCode.INVALID_ID_TOKEN,
                        "issuer: the subject_token is neither Google's nor Apple's ID token.");
            };
        } catch (IOException | IllegalArgumentException e) {
            throw new ApiException(ErrorCode.INVALID_ID_TOKEN, "the subject_token is not a JWT.");
        }
    }
}
