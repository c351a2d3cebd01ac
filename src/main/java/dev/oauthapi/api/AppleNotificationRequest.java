package dev.oauthapi.api;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;

/** {@code POST /api/auth/apple/notifications}: Apple's signed notification. */
public record AppleNotificationRequest(@NotBlank @Size(max = 16384) String payload) {
    @Override
    public String toString() {
        return "AppleNotificationRequest[payload=[REDACTED]]";
    }
}
