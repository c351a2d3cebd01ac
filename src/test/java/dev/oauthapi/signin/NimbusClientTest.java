package dev.oauthapi.signin;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.oauth2.sdk.AccessTokenResponse;
import com.nimbusds.oauth2.sdk.AuthorizationCodeGrant;
import com.nimbusds.oauth2.sdk.AuthorizationRequest;
import com.nimbusds.oauth2.sdk.AuthorizationResponse;
import com.nimbusds.oauth2.sdk.GrantType;
import com.nimbusds.oauth2.sdk.ResponseType;
import com.nimbusds.oauth2.sdk.RefreshTokenGrant;
import com.nimbusds.oauth2.sdk.TokenErrorResponse;
import com.nimbusds.oauth2.sdk.TokenRequest;
import com.nimbusds.oauth2.sdk.TokenResponse;
import com.nimbusds.oauth2.sdk.TokenRevocationRequest;
import com.nimbusds.oauth2.sdk.as.AuthorizationServerMetadata;
import com.nimbusds.oauth2.sdk.dpop.DPoPProofFactory;
import com.nimbusds.oauth2.sdk.dpop.DefaultDPoPProofFactory;
import com.nimbusds.oauth2.sdk.http.HTTPRequest;
import com.nimbusds.oauth2.sdk.id.ClientID;
import com.nimbusds.oauth2.sdk.id.Issuer;
import com.nimbusds.oauth2.sdk.id.State;
import com.nimbusds.oauth2.sdk.pkce.CodeChallengeMethod;
import com.nimbusds.oauth2.sdk.pkce.CodeVerifier;
import com.nimbusds.oauth2.sdk.dpop.JWKThumbprintConfirmation;
import com.nimbusds.oauth2.sdk.token.AccessToken;
import com.nimbusds.oauth2.sdk.token.AccessTokenType;
import com.nimbusds.oauth2.sdk.token.RefreshToken;
import com.nimbusds.oauth2.sdk.token.TokenTypeURI;
import com.nimbusds.oauth2.sdk.token.TypelessToken;
import com.nimbusds.oauth2.sdk.tokenexchange.TokenExchangeGrant;
import dev.oauthapi.OAuthApiConfiguration;
import dev.oauthapi.identity.Provider;
import dev.oauthapi.testing.FakeGoogleOAuth;
import dev.oauthapi.testing.FakeProvider;
import dev.oauthapi.testing.TestApp;
import dev.oauthapi.testing.TestBrowser;
import dev.oauthapi.testing.TestEnvironment;
import dev.oauthapi.testing.TestHttp;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.URI;
import java.time.Clock;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A real OAuth client library, written by people who are not us, drives the service: Nimbus
 * {@code oauth2-oidc-sdk} reads the discovery document, exchanges a Google ID token, refreshes,
 * calls a protected endpoint and revokes; then all of it again with DPoP (its
 * {@code DefaultDPoPProofFactory}), the protected call as {@code Authorization: DPoP}; and runs the
 * code flow with PKCE and {@code dpop_jkt}, the browser's part played by the test. What our own
 * tests and our own code could share as a misreading of the RFCs, this one would not.
 */
@ExtendWith(DropwizardExtensionsSupport.class)
class NimbusClientTest {
    static final String CLIENT = "1234-ios.apps.googleusercontent.com";
    static final String GOOGLE_WEB = "web.apps.googleusercontent.com";
    static final URI APP_REDIRECT = URI.create("com.example.app:/oauth");
    static final int PORT = TestEnvironment.freePort();
    static final String BASE = "http://127.0.0.1:" + PORT;
    static final FakeProvider GOOGLE = FakeProvider.start(Provider.GOOGLE);
    static final FakeProvider APPLE = FakeProvider.start(Provider.APPLE);
    static final FakeGoogleOAuth GOOGLE_OAUTH = FakeGoogleOAuth.start(GOOGLE, GOOGLE_WEB, "web-secret-123",
            Clock.systemUTC());
    static final Map<String, String> ENV = env();
    static final DropwizardAppExtension<OAuthApiConfiguration> APP = TestApp.extension(ENV);


    private static Map<String, String> env() {
        final Map<String, String> env = TestEnvironment.listeningAt(PORT, GOOGLE, CLIENT + "," + GOOGLE_WEB, APPLE,
                "unused");
        env.putAll(GOOGLE_OAUTH.environment());
        env.put("WEB_REDIRECT_URIS", APP_REDIRECT.toString());
        return env;
    }

    @AfterAll
    static void stop() {
        GOOGLE_OAUTH.close();
        GOOGLE.close();
        APPLE.close();
    }

    private static AccessTokenResponse success(TokenResponse response) {
        assertThat(response.indicatesSuccess()).as(() -> response.toErrorResponse().getErrorObject().toString()).isTrue();
        return response.toSuccessResponse();
    }

    @Test
    void discoveryTokenExchangeRefreshAProtectedCallAndRevocation() throws Exception {
        final AuthorizationServerMetadata metadata = AuthorizationServerMetadata.resolve(new Issuer(BASE));
        assertThat(metadata.getTokenEndpointURI()).isEqualTo(URI.create(BASE + "/oauth/token"));
        final ClientID client = new ClientID(CLIENT);

        final AccessTokenResponse exchanged = success(TokenResponse.parse(new TokenRequest(metadata.getTokenEndpointURI(),
                client, new TokenExchangeGrant(new TypelessToken(GOOGLE.token(CLIENT, "n-" + UUID.randomUUID()).build()),
                TokenTypeURI.ID_TOKEN)).toHTTPRequest().send()));
        assertThat(exchanged.getTokens().getAccessToken().getType()).isEqualTo(AccessTokenType.BEARER);

        final AccessTokenResponse refreshed = success(TokenResponse.parse(new TokenRequest(metadata.getTokenEndpointURI(),
                client, new RefreshTokenGrant(exchanged.getTokens().getRefreshToken())).toHTTPRequest().send()));
        final AccessToken access = refreshed.getTokens().getAccessToken();
        final HTTPRequest me = new HTTPRequest(HTTPRequest.Method.GET, URI.create(BASE + "/api/users/me"));
        me.setAuthorization(access.toAuthorizationHeader());
        assertThat(me.send().getStatusCode()).isEqualTo(200);

        final RefreshToken current = refreshed.getTokens().getRefreshToken();
        assertThat(new TokenRevocationRequest(metadata.getRevocationEndpointURI(), client, current).toHTTPRequest()
                .send().getStatusCode()).isEqualTo(200);
        final TokenResponse afterRevocation = TokenResponse.parse(new TokenRequest(metadata.getTokenEndpointURI(),
                client, new RefreshTokenGrant(current)).toHTTPRequest().send());
        assertThat(afterRevocation.indicatesSuccess()).isFalse();
        final TokenErrorResponse error = afterRevocation.toErrorResponse();
        assertThat(error.getErrorObject().getCode()).isEqualTo("invalid_grant");
        assertThat(me.send().getStatusCode()).as("its access token, at once").isEqualTo(401);
    }

    @Test
    void theSameWithDpop() throws Exception {
        final AuthorizationServerMetadata metadata = AuthorizationServerMetadata.resolve(new Issuer(BASE));
        assertThat(metadata.getDPoPJWSAlgs()).contains(JWSAlgorithm.ES256);
        final ClientID client = new ClientID(CLIENT);
        final ECKey key = new ECKeyGenerator(Curve.P_256).generate();
        final DPoPProofFactory proofs = new DefaultDPoPProofFactory(key, JWSAlgorithm.ES256);

        final HTTPRequest exchange = new TokenRequest(metadata.getTokenEndpointURI(), client, new TokenExchangeGrant(
                new TypelessToken(GOOGLE.token(CLIENT, "n-" + UUID.randomUUID()).build()), TokenTypeURI.ID_TOKEN))
                .toHTTPRequest();
        exchange.setDPoP(proofs.createDPoPJWT("POST", metadata.getTokenEndpointURI()));
        final AccessTokenResponse exchanged = success(TokenResponse.parse(exchange.send()));
        assertThat(exchanged.getTokens().getAccessToken().getType()).isEqualTo(AccessTokenType.DPOP);

        final HTTPRequest refresh = new TokenRequest(metadata.getTokenEndpointURI(), client,
                new RefreshTokenGrant(exchanged.getTokens().getRefreshToken())).toHTTPRequest();
        refresh.setDPoP(proofs.createDPoPJWT("POST", metadata.getTokenEndpointURI()));
        final AccessToken access = success(TokenResponse.parse(refresh.send())).getTokens().getAccessToken();
        assertThat(access.getType()).isEqualTo(AccessTokenType.DPOP);

        final URI meUri = URI.create(BASE + "/api/users/me");
        final HTTPRequest me = new HTTPRequest(HTTPRequest.Method.GET, meUri);
        me.setAuthorization(access.toAuthorizationHeader());
        me.setDPoP(proofs.createDPoPJWT("GET", meUri, access));
        assertThat(me.send().getStatusCode()).isEqualTo(200);
        final HTTPRequest asBearer = new HTTPRequest(HTTPRequest.Method.GET, meUri);
        asBearer.setAuthorization("Bearer " + access.getValue());
        assertThat(asBearer.send().getStatusCode()).as("a bound token as Bearer").isEqualTo(401);

        final HTTPRequest withoutProof = new TokenRequest(metadata.getTokenEndpointURI(), client,
                new RefreshTokenGrant(exchanged.getTokens().getRefreshToken())).toHTTPRequest();
        assertThat(TokenResponse.parse(withoutProof.send()).indicatesSuccess()).as("bound: no proof, no refresh")
                .isFalse();
    }

    @Test
    void theCodeFlowWithPkceAndACodeBoundToTheDpopKey() throws Exception {
        final AuthorizationServerMetadata metadata = AuthorizationServerMetadata.resolve(new Issuer(BASE));
        assertThat(metadata.getGrantTypes()).contains(GrantType.AUTHORIZATION_CODE);
        final ClientID client = new ClientID(CLIENT);
        final ECKey key = new ECKeyGenerator(Curve.P_256).generate();
        final DPoPProofFactory proofs = new DefaultDPoPProofFactory(key, JWSAlgorithm.ES256);
        final CodeVerifier verifier = new CodeVerifier();
        final State state = new State();
        final AuthorizationRequest request = new AuthorizationRequest.Builder(new ResponseType(ResponseType.Value.CODE),
                client).endpointURI(metadata.getAuthorizationEndpointURI()).redirectionURI(APP_REDIRECT).state(state)
                .codeChallenge(verifier, CodeChallengeMethod.S256).dPoPJWKThumbprintConfirmation(JWKThumbprintConfirmation.of(key))
                .customParameter("provider", "google").build();

        // The browser: to us, to Google, back to our callback, and to the app.
        GOOGLE_OAUTH.nextAccount("nimbus-" + UUID.randomUUID() + "@gmail.com", "Nimbus Person");
        final URI google = TestBrowser.location(new TestHttp(APP.getLocalPort()).get(
                request.toURI().getRawPath() + "?" + request.toURI().getRawQuery(), null));
        final URI back = TestBrowser.location(TestBrowser.callback(new TestHttp(APP.getLocalPort()),
                TestBrowser.through(google)));
        final AuthorizationResponse response = AuthorizationResponse.parse(back);
        assertThat(response.indicatesSuccess()).as(back.toString()).isTrue();
        assertThat(response.getState()).isEqualTo(state);
        assertThat(response.getIssuer()).as("RFC 9207").isEqualTo(new Issuer(BASE));

        final HTTPRequest redeem = new TokenRequest(metadata.getTokenEndpointURI(), client, new AuthorizationCodeGrant(
                response.toSuccessResponse().getAuthorizationCode(), APP_REDIRECT, verifier)).toHTTPRequest();
        redeem.setDPoP(proofs.createDPoPJWT("POST", metadata.getTokenEndpointURI()));
        final AccessTokenResponse tokens = success(TokenResponse.parse(redeem.send()));
        final AccessToken access = tokens.getTokens().getAccessToken();
        assertThat(access.getType()).isEqualTo(AccessTokenType.DPOP);

        final URI meUri = URI.create(BASE + "/api/users/me");
        final HTTPRequest me = new HTTPRequest(HTTPRequest.Method.GET, meUri);
        me.setAuthorization(access.toAuthorizationHeader());
        me.setDPoP(proofs.createDPoPJWT("GET", meUri, access));
        assertThat(me.send().getContent()).contains("Nimbus Person");
        final HTTPRequest refresh = new TokenRequest(metadata.getTokenEndpointURI(), client,
                new RefreshTokenGrant(tokens.getTokens().getRefreshToken())).toHTTPRequest();
        refresh.setDPoP(proofs.createDPoPJWT("POST", metadata.getTokenEndpointURI()));
        assertThat(success(TokenResponse.parse(refresh.send())).getTokens().getAccessToken().getType())
                .isEqualTo(AccessTokenType.DPOP);
    }
}
