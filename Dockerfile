# One image for the web, worker and beat services of docker-compose.yml.
FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 UV_PYTHON_DOWNLOADS=never
WORKDIR /app
COPY requirements-tools.lock requirements.lock pyproject.toml ./
RUN pip install --no-cache-dir --require-hashes --no-deps -r requirements-tools.lock \
    && uv pip sync --system requirements.lock
COPY . .
# Static files are built with production settings, so the image carries the hashed, compressed
# files and the manifest that DEBUG=false serves. The values below exist only for this step.
RUN DEBUG=false SANDBOX_ENABLED=false SECRET_KEY=collectstatic-only ALLOWED_HOSTS=build \
    JASAN_ENCRYPTION_KEYS="$(python -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())')" \
    python manage.py collectstatic --noinput
RUN useradd --create-home jasan
USER jasan
