package dev.oauthapi.http;

import dev.oauthapi.errors.RequestIds;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.slf4j.MDC;

import java.io.IOException;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Gives every request an id: the one Caddy (or another proxy) sent in {@code X-Request-Id} when it
 * looks like an id, else a fresh UUID. It is echoed in the response, put in the logging context for
 * every log line of the request, and kept as a request attribute for Jetty's error handler.
 */
public final class RequestIdFilter implements Filter {
    // Anything else (too long, odd characters) could be used to forge or garble log lines.
    private static final Pattern ACCEPTABLE = Pattern.compile("[A-Za-z0-9._:-]{8,128}");

    @Override
    public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        final String offered = ((HttpServletRequest) request).getHeader(RequestIds.HEADER);
        final String id = offered != null && ACCEPTABLE.matcher(offered).matches()
                ? offered
                : RequestIds.fresh();
        request.setAttribute(RequestIds.MDC_KEY, id);
        ((HttpServletResponse) response).setHeader(RequestIds.HEADER, id);
        MDC.put(RequestIds.MDC_KEY, id);
        try {
            chain.doFilter(request, response);
        } finally {
            MDC.remove(RequestIds.MDC_KEY);
            MDC.remove(RequestIds.USER_MDC_KEY);
        }
    }
}
