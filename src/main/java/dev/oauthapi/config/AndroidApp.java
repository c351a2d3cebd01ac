package dev.oauthapi.config;

import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * An Android app as configured ({@code package.name=AA:BB:...}): its package and the SHA-256
 * fingerprints of its signing certificates, several separated by {@code ;}. Passkeys and app
 * attestation read the same format.
 */
public record AndroidApp(String packageName, List<String> fingerprints) {
    private static final Pattern FINGERPRINT = Pattern.compile("(?i)[0-9a-f]{2}(:[0-9a-f]{2}){31}");
    private static final Pattern PACKAGE = Pattern.compile("[A-Za-z][A-Za-z0-9_]*(\\.[A-Za-z][A-Za-z0-9_]*)+");

    public AndroidApp {
        fingerprints = List.copyOf(fingerprints);
    }

    /** The apps of a setting that {@link #isValid} accepted. */
    public static List<AndroidApp> parse(CommaSeparated setting) {
        final List<AndroidApp> apps = new ArrayList<>();
        for (String app : setting.values()) {
            final int equals = app.indexOf('=');
            apps.add(new AndroidApp(app.substring(0, equals).trim(), List.of(app.substring(equals + 1).trim()
                    .toUpperCase(Locale.ROOT).split("\\s*;\\s*"))));
        }
        return List.copyOf(apps);
    }

    /** Whether every entry is {@code package.name=} and 32-byte fingerprints in hex pairs. */
    public static boolean isValid(CommaSeparated setting) {
        if (setting == null) {
            return true;
        }
        for (String app : setting.values()) {
            final int equals = app.indexOf('=');
            if (equals < 0 || !PACKAGE.matcher(app.substring(0, equals).trim()).matches()) {
                return false;
            }
            for (String fingerprint : app.substring(equals + 1).trim().split("\\s*;\\s*")) {
                if (!FINGERPRINT.matcher(fingerprint).matches()) {
                    return false;
                }
            }
        }
        return true;
    }

    /** Each certificate's SHA-256 as unpadded base64url: how Android names them (origins, Play Integrity). */
    public List<String> digests() {
        return fingerprints.stream().map(fingerprint -> Base64.getUrlEncoder().withoutPadding()
                .encodeToString(HexFormat.ofDelimiter(":").parseHex(fingerprint))).toList();
    }

    /** {@code android:apk-key-hash:<base64url SHA-256>}: the origins Android's Credential Manager sends. */
    public List<String> origins() {
        return digests().stream().map(digest -> "android:apk-key-hash:" + digest).toList();
    }
}
