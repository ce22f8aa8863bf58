# Postgres for docker-compose.cluster.yml where the postgres:15 image cannot be pulled: Debian's postgresql on the
# locally bootstrapped base, with the official image's contract (POSTGRES_USER, POSTGRES_PASSWORD, POSTGRES_DB, the
# data folder at /var/lib/postgresql/data, pg_isready). Used through docker-compose.local.yml.
ARG BASE=evolve/base:bookworm
FROM ${BASE}
RUN apt-get update && apt-get install -y --no-install-recommends postgresql-15 && rm -rf /var/lib/apt/lists/*
ENV PATH=/usr/lib/postgresql/15/bin:$PATH PGDATA=/var/lib/postgresql/data
COPY cluster/postgres-entrypoint.sh /usr/local/bin/postgres-entrypoint.sh
RUN chmod 755 /usr/local/bin/postgres-entrypoint.sh && mkdir -p $PGDATA /run/postgresql \
  && chown -R postgres:postgres $PGDATA /run/postgresql
EXPOSE 5432
ENTRYPOINT ["postgres-entrypoint.sh"]
