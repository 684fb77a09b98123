"""Photos: the blob store (store/: a folder or an S3 bucket), image checks, metadata and
variants (images/), uploads received and published (ingest.py), a photo served
(serving.py), who may see one (access.py), and the work after an upload (jobs.py)."""
