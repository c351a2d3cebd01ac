package dev.oauthapi.identity;

import com.google.api.client.auth.oauth2.TokenResponseException;
import com.google.api.client.googleapis.auth.oauth2.GoogleAuthorizationCodeTokenRequest;
import com.google.api.client.googleapis.auth.oauth2.GoogleTokenResponse;
import com.google.api.client.http.javanet.NetHttpTransport;
import com.google.api.client.json.gson.GsonFactory;
import dev.oauthapi.errors.ApiException;
import dev.oauthapi.errors.ErrorCode;

import java.io.IOException;
import java.net.URI;
import java.util.Map;

/**
 * Google's half of the browser sign-in: the authorization code the browser brought back is
 * exchanged, server to server with our client secret and the PKCE verifier, for an ID token.
 * google-api-client does the exchange ({@link GoogleAuthorizationCodeTokenRequest}); the ID token
 * it returns is checked by our own {@link IdTokenVerifier}, like every other, not by the library.
 */
public final class GoogleCodeExchange {
    private static final int TIMEOUT_MILLIS = 5_000;

    private final NetHttpTransport transport = new NetHttpTransport();
    private final URI tokenUrl;
    private final String clientId;
    private final String clientSecret;

    public GoogleCodeExchange(URI tokenUrl, String clientId, String clientSecret) {
        this.tokenUrl = tokenUrl;
        this.clientId = clientId;
        this.clientSecret = clientSecret;
    }

    public String clientId() {
        return clientId;
    }

    /**
     * The ID token Google gives for this code. Google refusing it (used, expired, another
     * verifier) is {@code invalid_request}; Google not answering is {@code provider_unavailable}.
     */
    public String idToken(String code, URI redirectUri, String codeVerifier) {
        final GoogleTokenResponse response;
        try {
            response = new GoogleAuthorizationCodeTokenRequest(transport, GsonFactory.getDefaultInstance(),
                    tokenUrl.toString(), clientId, clientSecret, code, redirectUri.toString())
                    .set("code_verifier", codeVerifier)
                    // google-http-client logs whole requests and answers (our client secret, the
                    // verifier, Google's tokens) at java.util.logging's CONFIG, which a DEBUG log
                    // level turns on: never for this request, whatever the level.
                    .setRequestInitializer(request -> request.setConnectTimeout(TIMEOUT_MILLIS)
                            .setReadTimeout(TIMEOUT_MILLIS).setLoggingEnabled(false).setCurlLoggingEnabled(false)
                            .setContentLoggingLimit(0))
                    .execute();
        } catch (TokenResponseException e) {
            if (e.getStatusCode() >= 500) {
                throw unavailable();
            }
            throw new ApiException(ErrorCode.INVALID_REQUEST, "Google refused the authorization code ("
                    + (e.getDetails() == null ? "HTTP " + e.getStatusCode() : e.getDetails().getError()) + ").");
        } catch (IOException | IllegalArgumentException e) {
            throw unavailable();
        }
        if (response.getIdToken() == null) {
            throw new ApiException(ErrorCode.INVALID_REQUEST, "Google answered the code exchange without an ID token.");
        }
        return response.getIdToken();
    }

    private static ApiException unavailable() {
        return new ApiException(ErrorCode.PROVIDER_UNAVAILABLE, "Google's token endpoint cannot be reached right now;"
                + " try again shortly.", Map.of("Retry-After", "30"));
    }
}
