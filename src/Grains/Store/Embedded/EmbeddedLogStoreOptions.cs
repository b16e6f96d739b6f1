namespace Pipeline.Grains.Store.Embedded;

/// <summary>Where the embedded store keeps its SQLite file and how long it keeps records.</summary>
public sealed class EmbeddedLogStoreOptions
{
    /// <summary>Default <see cref="DatabasePath"/>, relative to the working directory.</summary>
    public const string DefaultDatabasePath = "data/logs.db";

    /// <summary>Default <see cref="RetentionDays"/>: a week, as the EFK chart's index curator keeps.</summary>
    public const int DefaultRetentionDays = 7;

    /// <summary>Default <see cref="MaxSearchHits"/>: Elasticsearch's <c>max_result_window</c>.</summary>
    public const int DefaultMaxSearchHits = 10_000;

    /// <summary>The SQLite file (its -wal and -shm files sit next to it); the directory is created if missing.</summary>
    public string DatabasePath { get; set; } = DefaultDatabasePath;

    /// <summary>Records older than this many days are deleted by <see cref="EmbeddedLogStore.ApplyRetentionAsync"/>.</summary>
    public int RetentionDays { get; set; } = DefaultRetentionDays;

    /// <summary>Most hits one search returns, whatever limit it asks for; the total is always exact.</summary>
    public int MaxSearchHits { get; set; } = DefaultMaxSearchHits;
}
