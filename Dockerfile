# A container image of one release, built from its tag and pinned by you:
#   docker build -t commit-warden:X.Y.Z https://github.com/commit-warden/commit-warden.git#vX.Y.Z
#   docker run --rm -v "$PWD:/repo" -u "$(id -u):$(id -g)" commit-warden:X.Y.Z ci --base origin/main
# It installs this checkout (the build context), never a package from an index.
FROM python:3.12-slim
RUN apt-get update \
    && apt-get install -y --no-install-recommends git openssh-client gnupg \
    && rm -rf /var/lib/apt/lists/*
COPY pyproject.toml README.md LICENSE /src/
COPY hooks /src/hooks
RUN pip install --no-cache-dir --disable-pip-version-check --root-user-action=ignore /src \
    && rm -rf /src
# The repository is mounted from the host and owned by another user; git refuses to
# work in such a directory unless it is marked safe.
RUN git config --system --add safe.directory '*'
WORKDIR /repo
ENTRYPOINT ["commit-warden"]
