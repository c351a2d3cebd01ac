package dev.oauthapi.admin;

import java.util.List;

/** One page of an admin list, newest first; {@code nextCursor} is null on the last page. */
public record Page<T>(List<T> items, String nextCursor) {
    public static final int DEFAULT_LIMIT = 50;
    public static final int MAX_LIMIT = 200;
}
