using System.Text;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Pipeline.Contracts.Logs;
using Pipeline.Grains.Batching;
using Pipeline.Grains.Search.Kql;
using Pipeline.Grains.Store.Embedded;
using Xunit;
using Microsoft.Extensions.Time.Testing;

namespace Pipeline.Tests.EmbeddedStore;

/// <summary>An <see cref="EmbeddedLogStore"/> in a fresh temporary directory, deleted afterwards.</summary>
internal sealed class TemporaryLogStore : IAsyncDisposable
{
    public static readonly DateTimeOffset BaseTime = new(2026, 11, 25, 10, 0, 0, TimeSpan.Zero);

    private readonly string _directory;

    public TemporaryLogStore(DateTimeOffset? now = null, int retentionDays = EmbeddedLogStoreOptions.DefaultRetentionDays, ILogger<EmbeddedLogStore>? logger = null)
    {
        _directory = Path.Combine(Path.GetTempPath(), "pipeline-store-tests", Guid.NewGuid().ToString("N"));
        Clock = new FakeTimeProvider(now ?? BaseTime);
        var options = new EmbeddedLogStoreOptions
        {
            DatabasePath = Path.Combine(_directory, "logs.db"),
            RetentionDays = retentionDays,
        };
        Store = new EmbeddedLogStore(Options.Create(options), Clock, logger ?? NullLogger<EmbeddedLogStore>.Instance);
    }

    public EmbeddedLogStore Store { get; }

    public FakeTimeProvider Clock { get; }

    public static long Nanos(DateTimeOffset time) => (time.UtcTicks - DateTime.UnixEpoch.Ticks) * 100;

    public static long At(int seconds) => Nanos(BaseTime) + (seconds * 1_000_000_000L);

    public static LogSource Source(string name, string? ns = "shop", string? pod = null, string? container = null) => new()
    {
        FileKey = $"file-{name}",
        Path = $"/var/log/pods/{ns}_{pod}_uid/{container}/0.log",
        Namespace = ns,
        PodName = pod,
        PodId = pod is null ? null : $"uid-{pod}",
        ContainerName = container,
        ContainerId = container is null ? null : $"cid-{container}",
        Host = ns is null ? null : "node-3",
    };

    public static LogBatch Batch(params (LogSource Source, long Offset, long Time, LogStream Stream, LogRecordFlags Flags, string Message)[] records)
    {
        var writer = new LogBatchWriter();
        foreach (var r in records)
        {
            writer.Append(r.Source, r.Offset, r.Time, r.Stream, r.Flags, Encoding.UTF8.GetBytes(r.Message));
        }

        return writer.Build("tenant-a", "node-3", 1);
    }

    public Task<LogSearchResult> SearchAsync(string kql, int limit = 100, long from = long.MinValue, long to = long.MaxValue) =>
        Store.SearchAsync(KqlParser.Parse(kql), from, to, limit, CancellationToken.None);

    /// <summary>A connection of the test's own to the store's file, for checks and for setting the extra fields column.</summary>
    public SqliteConnection OpenRaw()
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = Store.DatabasePath, Pooling = false }.ToString());
        connection.Open();
        return connection;
    }

    public long Scalar(string sql)
    {
        using var connection = OpenRaw();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToInt64(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
    }

    public void SetFields(string id, string json)
    {
        using var connection = OpenRaw();
        using var command = connection.CreateCommand();
        command.CommandText = "UPDATE logs SET fields = $fields WHERE id = $id";
        command.Parameters.AddWithValue("$fields", json);
        command.Parameters.AddWithValue("$id", id);
        Assert.Equal(1, command.ExecuteNonQuery());
    }

    /// <summary>Fails unless the FTS index holds exactly the content table's messages.</summary>
    public void AssertFtsInSync()
    {
        using var connection = OpenRaw();
        using var command = connection.CreateCommand();
        command.CommandText = "INSERT INTO logs_fts (logs_fts, rank) VALUES ('integrity-check', 1)";
        command.ExecuteNonQuery();
    }

    /// <summary>Token occurrences in the FTS index: it changes whenever anything is indexed or removed.</summary>
    public long FtsTokenCount()
    {
        using var connection = OpenRaw();
        using var command = connection.CreateCommand();
        command.CommandText = """
            CREATE VIRTUAL TABLE IF NOT EXISTS temp.fts_terms USING fts5vocab(main, 'logs_fts', 'row');
            SELECT COALESCE(SUM(cnt), 0) FROM temp.fts_terms;
            """;
        return Convert.ToInt64(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
    }

    public async ValueTask DisposeAsync()
    {
        await Store.DisposeAsync();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: the OS temp directory is cleaned anyway.
        }
    }
}
