# Stackwork production image: gunicorn + whitenoise, configured by environment
# variables, PostgreSQL as the database.
FROM python:3.13-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PORT=8000

# WeasyPrint needs Pango (and HarfBuzz for font subsetting) and a font;
# curl serves the health check.
RUN apt-get update \
 && apt-get install -y --no-install-recommends \
      libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core curl \
 && rm -rf /var/lib/apt/lists/*

RUN useradd --create-home --uid 10001 stackwork
WORKDIR /app

# Same install step as the Makefile, without the test tools.
COPY pyproject.toml README.md ./
COPY stackwork ./stackwork
COPY cases ./cases
RUN pip install .

COPY manage.py ./
COPY templates ./templates
COPY static ./static
COPY locale ./locale
COPY fixtures ./fixtures
COPY deploy/start.sh /usr/local/bin/stackwork-start

# collectstatic needs settings; a throwaway key is enough for that step.
RUN SECRET_KEY=collectstatic-only python manage.py collectstatic --no-input \
 && mkdir -p /app/media && chown -R stackwork:stackwork /app/media

USER stackwork
EXPOSE 8000
# The web check asks for the first of ALLOWED_HOSTS, as the load balancer
# would; the worker has no port, its check is that it runs.
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD stackwork-start healthcheck

# Two processes from this one image, each its own container:
# - "web" (the default): threaded gunicorn workers; a briefing render (1–2 s
#   of CPU, one at a time per process) occupies one thread while the
#   process's other threads keep answering pages;
# - "worker": the task worker (django-tasks-db) that sends e-mail, reminders
#   and closes sessions at their deadline: `docker run IMAGE worker`.
# Migrations run as a separate step before a release: `python manage.py migrate`.
ENTRYPOINT ["stackwork-start"]
CMD ["web"]
