package dev.oauthapi.api;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;

/** The bodies of {@code /api/app-check}: what each platform proves itself with. */
public final class AppCheckRequests {
    /** A challenge as issued: base64url, 43..500 characters. */
    private static final int MAX_CHALLENGE = 500;

    private AppCheckRequests() {
    }

    /** {@code POST /api/app-check/apple/attestation}: standard base64, as DCAppAttestService gives them. */
    public record AppleAttestation(@NotBlank @Size(max = 64) String keyId,
                                   @NotBlank @Size(max = 32768) String attestation,
                                   @NotBlank @Size(max = MAX_CHALLENGE) String challenge) {
    }

    /** {@code POST /api/app-check/apple/assertion}. */
    public record AppleAssertion(@NotBlank @Size(max = 64) String keyId,
                                 @NotBlank @Size(max = 4096) String assertion,
                                 @NotBlank @Size(max = MAX_CHALLENGE) String challenge) {
    }

    /** {@code POST /api/app-check/android}. */
    public record Android(@NotBlank @Size(max = 32768) String integrityToken,
                          @NotBlank @Size(max = MAX_CHALLENGE) String challenge,
                          @NotBlank @Size(max = 255) String packageName) {
        @Override
        public String toString() {
            return "Android[" + packageName + "]";
        }
    }

    /** {@code POST /api/app-check/debug}. */
    public record Debug(@NotBlank @Size(max = 512) String debugToken) {
        @Override
        public String toString() {
            return "Debug[debugToken=[REDACTED]]";
        }
    }
}
