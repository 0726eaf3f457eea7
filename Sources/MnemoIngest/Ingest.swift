/// Ingestion without a model (SPEC §4): what `remember` extracts from raw text.
public enum Ingest {}
