"""Photos: the blob store (folder), image checks and variants, ingesting uploads."""
