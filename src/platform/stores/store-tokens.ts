/** Injected as QdrantClient | null: null when QDRANT_URL is unset (the in-process vector index is used). */
export const QDRANT_CLIENT = Symbol('QDRANT_CLIENT');

/** Injected as minio Client | null: null when S3_ENDPOINT is unset (artifacts stay on the filesystem). */
export const S3_CLIENT = Symbol('S3_CLIENT');
