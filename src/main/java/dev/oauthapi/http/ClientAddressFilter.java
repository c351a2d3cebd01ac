package dev.oauthapi.http;

import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;

import java.io.IOException;
import java.util.Collections;
import java.util.List;

/** Resolves the client's address once per request, for sessions, audit and rate limits. */
public final class ClientAddressFilter implements Filter {
    private final ClientAddress clientAddress;

    public ClientAddressFilter(ClientAddress clientAddress) {
        this.clientAddress = clientAddress;
    }

    @Override
    public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        final HttpServletRequest http = (HttpServletRequest) request;
        // Several X-Forwarded-For headers count as one list, in order.
        final List<String> forwarded = Collections.list(http.getHeaders("X-Forwarded-For"));
        request.setAttribute(ClientAddress.ATTRIBUTE, clientAddress.resolve(withoutBrackets(http.getRemoteAddr()),
                forwarded.isEmpty() ? null : String.join(",", forwarded)));
        chain.doFilter(request, response);
    }

    /** Jetty writes IPv6 peers as {@code [2001:db8::1]}; addresses are compared and stored bare. */
    static String withoutBrackets(String address) {
        return address != null && address.startsWith("[") && address.endsWith("]")
                ? address.substring(1, address.length() - 1)
                : address;
    }
}
