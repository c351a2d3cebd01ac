package dev.oauthapi.dpop;

import dev.oauthapi.errors.ApiException;
import dev.oauthapi.errors.ErrorCode;
import dev.oauthapi.metrics.AuthMetrics;
import dev.oauthapi.redis.SingleUseKeys;

import java.net.URI;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * DPoP as the endpoints use it ({@code DPOP_MODE}): at an endpoint that starts or renews a session,
 * the key a valid proof binds the session to (none without a proof, unless proofs are required);
 * at a protected endpoint, a bound token's proof. A {@code DPoP} header that fails a check is
 * refused, never ignored: {@code 400 invalid_dpop_proof} (or {@code use_dpop_nonce} with a fresh
 * {@code DPoP-Nonce}) at session endpoints, {@code 401} with {@code WWW-Authenticate: DPoP} at
 * protected ones. The {@code jti} replay store is Redis: when it cannot be reached the proof
 * cannot be checked, and the request fails with 503, never accepted.
 */
public final class DpopBinding {
    /** The {@code DPoP-Nonce} header. */
    public static final String NONCE_HEADER = "DPoP-Nonce";

    /** A request's DPoP headers, method and path (the URL is ours: {@code PUBLIC_BASE_URL} and the path). */
    public record Presented(List<String> headers, String method, String path) {
        public static final Presented NONE = new Presented(List.of(), "POST", "/");

        public Presented {
            headers = List.copyOf(headers);
        }

        boolean hasProof() {
            return !headers.isEmpty();
        }
    }

    public enum Mode { OPTIONAL, REQUIRED, OFF }

    private final Mode mode;
    private final DpopProofs proofs;
    private final SingleUseKeys jtis;
    private final URI publicBaseUrl;
    private final AuthMetrics metrics;

    public DpopBinding(Mode mode, DpopProofs proofs, SingleUseKeys jtis, URI publicBaseUrl, AuthMetrics metrics) {
        this.mode = mode;
        this.proofs = proofs;
        this.jtis = jtis;
        this.publicBaseUrl = publicBaseUrl;
        this.metrics = metrics;
    }

    /** DPoP off: every header ignored, nothing bound (the command line, tests that build parts by hand). */
    public static DpopBinding off() {
        return new DpopBinding(Mode.OFF, null, null, URI.create("http://localhost/"), null);
    }

    public boolean isOn() {
        return mode != Mode.OFF;
    }

    /** Whether proofs need a server nonce ({@code DPOP_NONCES}). */
    public boolean usesNonces() {
        return mode != Mode.OFF && proofs.usesNonces();
    }

    /** What a client may sign proofs with, for {@code WWW-Authenticate} and discovery. */
    public static String algorithms() {
        return String.join(" ", DpopProofs.ALGORITHMS);
    }

    /**
     * At an endpoint that starts a session ({@code starts}) or renews one: the thumbprint of the
     * key a valid proof binds it to, or null without a proof. Refuses a proof that fails a check,
     * and, with {@code DPOP_MODE=required}, a session start without one.
     */
    public String bind(Presented presented, boolean starts) {
        if (mode == Mode.OFF) {
            return null;
        }
        if (!presented.hasProof()) {
            if (starts && mode == Mode.REQUIRED) {
                throw refused(new DpopRejected("header", "DPOP_MODE=required: a session starts only with a DPoP proof"),
                        false);
            }
            return null;
        }
        return verify(presented, null, false).jkt();
    }

    /**
     * At a protected endpoint, for an access token bound to {@code jkt}: a proof by that key, for
     * this request and this token. Refused as {@code 401 invalid_token} otherwise.
     */
    public void requireProof(Presented presented, String accessToken, String jkt) {
        if (mode == Mode.OFF) {
            return;
        }
        if (!presented.hasProof()) {
            throw protectedRefusal("This access token is DPoP-bound: send it as Authorization: DPoP with a DPoP proof.");
        }
        final DpopProofs.Proof proof = verify(presented, accessToken, true);
        if (!proof.jkt().equals(jkt)) {
            metrics.dpopRefused("key");
            throw protectedRefusal("key: the DPoP proof is signed by another key than the token's.");
        }
    }

    /** A bound access token presented as {@code Bearer}: never accepted. */
    public ApiException boundTokenAsBearer() {
        return protectedRefusal("This access token is DPoP-bound: send it as Authorization: DPoP with a DPoP proof.");
    }

    /** A fresh nonce for an answer's {@code DPoP-Nonce} header; null when nonces are off. */
    public String nonce() {
        return mode == Mode.OFF ? null : proofs.nonce();
    }

    private DpopProofs.Proof verify(Presented presented, String accessToken, boolean protectedEndpoint) {
        try {
            return proofs.verify(presented.headers(), new DpopProofs.Request(presented.method(),
                    publicBaseUrl.resolve(presented.path()), accessToken),
                    hash -> jtis.markUsed(hash, proofs.replayWindow()));
        } catch (DpopRejected e) {
            metrics.dpopRefused(e.step());
            throw refused(e, protectedEndpoint);
        }
    }

    private ApiException refused(DpopRejected e, boolean protectedEndpoint) {
        final Map<String, String> headers = new HashMap<>();
        if (e instanceof DpopProofs.UseNonce) {
            headers.put(NONCE_HEADER, proofs.nonce());
            if (protectedEndpoint) {
                headers.put("WWW-Authenticate", "DPoP error=\"use_dpop_nonce\", algs=\"" + algorithms() + "\"");
                return new ApiException(ErrorCode.DPOP_NONCE_REQUIRED, e.getMessage(), headers);
            }
            return new ApiException(ErrorCode.USE_DPOP_NONCE, e.getMessage(), headers);
        }
        if (protectedEndpoint) {
            headers.put("WWW-Authenticate", "DPoP error=\"invalid_dpop_proof\", algs=\"" + algorithms() + "\"");
            return new ApiException(ErrorCode.DPOP_PROOF_REFUSED, e.getMessage(), headers);
        }
        return new ApiException(ErrorCode.INVALID_DPOP_PROOF, e.getMessage());
    }

    private static ApiException protectedRefusal(String detail) {
        return new ApiException(ErrorCode.INVALID_TOKEN, detail, Map.of("WWW-Authenticate",
                "DPoP error=\"invalid_token\", algs=\"" + algorithms() + "\""));
    }
}
