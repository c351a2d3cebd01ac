package dev.oauthapi.text;

/**
 * Text PostgreSQL can store: no NUL character (PostgreSQL refuses it in {@code text}) and no
 * unpaired UTF-16 surrogate (it has no UTF-8 form: the driver would send a replacement character,
 * silently storing something else). What clients send that is not storable is refused at the edge
 * ({@code 400 invalid_request}); what providers vouch for is stripped of it.
 */
public final class StorableText {
    /** Why a text is refused, for the caller. */
    public static final String NOT_STORABLE = "contains a NUL character or an unpaired surrogate";
    private StorableText() {
    }

    public static boolean isStorable(String text) {
        for (int i = 0; i < text.length(); i++) {
            final char c = text.charAt(i);
            if (c == '\0') {
                return false;
            }
            if (Character.isHighSurrogate(c)) {
                if (i + 1 == text.length() || !Character.isLowSurrogate(text.charAt(i + 1))) {
                    return false;
                }
                i++;
            } else if (Character.isLowSurrogate(c)) {
                return false;
            }
        }
        return true;
    }

    /** {@code text} without what could not be stored; null stays null. */
    public static String strip(String text) {
        if (text == null || isStorable(text)) {
            return text;
        }
        final StringBuilder kept = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            final char c = text.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                kept.append(c).append(text.charAt(++i));
            } else if (c != '\0' && !Character.isSurrogate(c)) {
                kept.append(c);
            }
        }
        return kept.toString();
    }
}
