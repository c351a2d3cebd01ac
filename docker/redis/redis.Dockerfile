# Redis 7 with our configuration, append-only, password required, as the redis user.
FROM redis:7-alpine
COPY docker/redis/redis.conf /usr/local/etc/redis/redis.conf
USER redis
EXPOSE 6379
HEALTHCHECK --interval=10s --timeout=5s --retries=5 \
    CMD REDISCLI_AUTH="$REDIS_PASSWORD" redis-cli -h 127.0.0.1 ping | grep -q PONG || exit 1
# The password comes from the environment into a config include, not into the process list.
CMD ["sh", "-c", ": \"${REDIS_PASSWORD:?REDIS_PASSWORD is required}\"; printf 'requirepass \"%s\"\\n' \"$REDIS_PASSWORD\" > /tmp/auth.conf; exec redis-server /usr/local/etc/redis/redis.conf --include /tmp/auth.conf"]
