"""The RecWay v1 segment API as the previous server ran it: FastAPI, Pydantic and
SQLAlchemy, here on SQLite (the database engine D1 runs) for the benchmark."""
