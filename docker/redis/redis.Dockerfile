# Redis 7 with our configuration, append-only, password required, as the redis user.
FROM redis:7-alpine
COPY docker/redis/redis.conf /usr/local/etc/redis/redis.conf
COPY docker/redis/api-user.acl /usr/local/etc/redis/api-user.acl
USER redis
EXPOSE 6379
HEALTHCHECK --interval=10s --timeout=5s --retries=5 \
    CMD REDISCLI_AUTH="$REDIS_PASSWORD" redis-cli -h 127.0.0.1 ping | grep -q PONG || exit 1
# The passwords come from the environment into a config include, not into the process list: the
# default user (REDIS_PASSWORD) is the operator's and the healthcheck's; the api connects as
# oauth-api (REDIS_API_PASSWORD), which may run only the commands it needs, on its own keys.
CMD ["sh", "-c", ": \"${REDIS_PASSWORD:?REDIS_PASSWORD is required}\" \"${REDIS_API_PASSWORD:?REDIS_API_PASSWORD is required}\"; printf 'requirepass \"%s\"\\nuser oauth-api on >%s %s\\n' \"$REDIS_PASSWORD\" \"$REDIS_API_PASSWORD\" \"$(cat /usr/local/etc/redis/api-user.acl)\" > /tmp/auth.conf; exec redis-server /usr/local/etc/redis/redis.conf --include /tmp/auth.conf"]
