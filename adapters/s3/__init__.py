"""Object storage: the S3 API (AWS S3, MinIO, GCS interoperability, R2...)."""
