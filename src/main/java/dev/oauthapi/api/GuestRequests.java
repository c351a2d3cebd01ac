package dev.oauthapi.api;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;

/** The bodies of the guest endpoints. */
public final class GuestRequests {
    private GuestRequests() {
    }

    /** {@code POST /api/auth/anonymous}: the device, optionally. */
    public record SignUp(@Valid DeviceRequest device) {
    }

    /** {@code POST /api/auth/merge}: the token of the 409 the guest's link got. */
    public record Merge(@NotBlank @Size(max = 2048) String mergeToken, @Valid DeviceRequest device) {
        @Override
        public String toString() {
            return "Merge[mergeToken=[REDACTED]]";
        }
    }
}
