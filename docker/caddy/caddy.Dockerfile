# Caddy 2 in front of the api: automatic HTTPS, security headers, JSON access log.
FROM caddy:2-alpine
COPY docker/caddy/Caddyfile /etc/caddy/Caddyfile
# Non-root: the caddy binary may bind 80 and 443 (cap_net_bind_service in the base image).
RUN addgroup -S -g 1001 caddy \
    && adduser -S -D -H -u 1001 -G caddy caddy \
    && mkdir -p /data /config \
    && chown -R 1001:1001 /data /config
USER 1001
EXPOSE 80 443 443/udp
# The admin API (localhost:2019 inside the container) answers when Caddy runs; caddy reload uses it.
HEALTHCHECK --interval=10s --timeout=5s --retries=3 \
    CMD wget -q -O /dev/null http://127.0.0.1:2019/config/ || exit 1
CMD ["caddy", "run", "--config", "/etc/caddy/Caddyfile", "--adapter", "caddyfile"]
