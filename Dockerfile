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

# collectstatic needs settings; a throwaway key is enough for that step.
RUN SECRET_KEY=collectstatic-only python manage.py collectstatic --no-input \
 && mkdir -p /app/media && chown -R stackwork:stackwork /app/media

USER stackwork
EXPOSE 8000
# The check asks for the first of ALLOWED_HOSTS, as the load balancer would.
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD sh -c 'curl -fsS -H "Host: ${ALLOWED_HOSTS%%,*}" -H "X-Forwarded-Proto: https" "http://127.0.0.1:${PORT}/healthz"' || exit 1

# Threaded workers: a briefing render (1–2 s of CPU, one at a time per process)
# occupies one thread while the process's other threads keep answering pages.
# Migrations run as a separate step before a release: `python manage.py migrate`.
CMD ["sh", "-c", "exec gunicorn stackwork.wsgi:application --bind 0.0.0.0:${PORT} --worker-class gthread --workers ${WEB_CONCURRENCY:-3} --threads ${GUNICORN_THREADS:-4} --timeout 60 --graceful-timeout 30 --max-requests 2000 --max-requests-jitter 200 --access-logfile -"]
