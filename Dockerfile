# One image for both services: `koers-tracker …` or `koers-notifier …`. Not built on the development
# machines (no Docker engine there); docker-compose.yml and this file are checked by tests/test_deploy.py.
FROM python:3.11.14-slim-bookworm AS build
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /app
COPY pyproject.toml README.md ./
COPY services ./services
COPY migrations ./migrations
# Editable into a venv: the packages stay beside migrations/ under /app, where they look for them.
RUN python -m venv /opt/koers && /opt/koers/bin/pip install -e .

FROM python:3.11.14-slim-bookworm
RUN useradd --system --uid 10001 --no-create-home --home-dir /app koers
COPY --from=build /opt/koers /opt/koers
COPY --from=build /app /app
WORKDIR /app
ENV PATH=/opt/koers/bin:$PATH PYTHONUNBUFFERED=1 PYTHONDONTWRITEBYTECODE=1
USER koers
EXPOSE 8000
HEALTHCHECK --interval=10s --timeout=3s --retries=5 \
  CMD python -c "import urllib.request,sys; urllib.request.urlopen('http://127.0.0.1:8000/readyz', timeout=2)" || exit 1
CMD ["koers-tracker", "serve", "--host", "0.0.0.0", "--port", "8000"]
