#!/bin/sh
# The image's processes: "web" (gunicorn, the default) and "worker" (the task
# worker that sends e-mail and reminders and closes sessions at their
# deadline). Run one container (or Kubernetes Deployment) of each from the
# same image: `docker run IMAGE worker`.
set -e
case "${1:-web}" in
  web)
    echo web > /tmp/stackwork-process
    exec gunicorn stackwork.wsgi:application --bind "0.0.0.0:${PORT}" \
      --worker-class gthread --workers "${WEB_CONCURRENCY:-3}" --threads "${GUNICORN_THREADS:-4}" \
      --timeout 60 --graceful-timeout 30 --max-requests 2000 --max-requests-jitter 200 \
      --access-logfile -
    ;;
  worker)
    echo worker > /tmp/stackwork-process
    # The repeating reminder run goes on the queue once; the worker repeats it.
    python manage.py send_reminders --schedule
    exec python manage.py db_worker --queue-name '*' --no-reload --interval "${WORKER_INTERVAL:-2}"
    ;;
  healthcheck)
    if [ "$(cat /tmp/stackwork-process 2>/dev/null)" = worker ]; then exit 0; fi
    exec curl -fsS -H "Host: ${ALLOWED_HOSTS%%,*}" -H "X-Forwarded-Proto: https" \
      "http://127.0.0.1:${PORT}/healthz"
    ;;
  *)
    exec "$@"
    ;;
esac
