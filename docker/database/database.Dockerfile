# PostgreSQL 15 with our configuration, first-start initialisation and backup script.
FROM postgres:15-alpine
COPY docker/database/postgresql.conf /etc/postgresql/postgresql.conf
COPY docker/database/init-db.sh /docker-entrypoint-initdb.d/10-init-db.sh
COPY docker/database/backup-internal.sh /usr/local/bin/backup-internal.sh
RUN chmod 0755 /docker-entrypoint-initdb.d/10-init-db.sh /usr/local/bin/backup-internal.sh \
    && mkdir -p /backups \
    && chown postgres:postgres /backups
# The entrypoint starts as root only to fix data-folder ownership, then runs PostgreSQL as the
# postgres user.
EXPOSE 5432
HEALTHCHECK --interval=10s --timeout=5s --retries=5 \
    CMD pg_isready -U "${POSTGRES_USER:-postgres}" -d "${POSTGRES_DB:-postgres}" -h 127.0.0.1 || exit 1
CMD ["postgres", "-c", "config_file=/etc/postgresql/postgresql.conf"]
